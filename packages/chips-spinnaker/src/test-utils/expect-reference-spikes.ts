import { expect } from 'vitest';
import type { Module, tf } from '@spikeflow/core';
import type { NetworkSample, SpinnakerNetwork } from '../network/spinnaker-network.js';
import { simulateReference } from '../reference/reference-simulator.js';
import { mapModel } from '../network/map-model.js';
import { layerSpikes, poissonPatterns, rastersToTensor, SMALL } from './small-network.js';

/** Sample b of a `[T, B·n]` spike raster as `[T, n]`. */
function sampleOf(spikes: Uint8Array, T: number, B: number, n: number, b: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) out.push(spikes[(t * B + b) * n + j]);
  return out;
}

/**
 * Expects spikeflow's float reference of `net` (the mapping of `model`) to give the model's spikes,
 * population k against neuron layer k, on every sample: `x` is the model's time-first input
 * `[T, B, …]` and `samples[b]` sample b as the network takes it. Returns the reference's spike count
 * per population, so that a test can check the comparison is not vacuous.
 */
export function expectReferenceSpikes(model: Module, net: SpinnakerNetwork, x: tf.Tensor, samples: readonly NetworkSample[]): Record<string, number> {
  const layers = layerSpikes(model, x);
  const counts: Record<string, number> = {};
  samples.forEach((sample, b) => {
    const ref = simulateReference(net, sample);
    net.populations.forEach((p, k) => {
      const mine = Array.from(ref.get(p.name)!);
      expect(mine, `${p.name} of sample ${b}`).toEqual(sampleOf(layers[k], net.timeSteps, samples.length, p.size, b));
      counts[p.name] = (counts[p.name] ?? 0) + mine.reduce((s, v) => s + v, 0);
    });
  });
  return counts;
}

/**
 * {@link expectReferenceSpikes} on the small network's task: `model` (20 spike inputs) mapped with
 * spike input for `SMALL.timeSteps` steps, on `count` Poisson patterns drawn from `seed`.
 */
export function expectReferenceSpikesOnPatterns(model: Module, count: number, seed: number): Record<string, number> {
  const net = mapModel(model, { timeSteps: SMALL.timeSteps, input: 'spikes' });
  const { rasters } = poissonPatterns(count, seed);
  const x = rastersToTensor(rasters, SMALL.timeSteps, SMALL.inputs);
  try {
    return expectReferenceSpikes(
      model,
      net,
      x,
      rasters.map((spikes) => ({ spikes })),
    );
  } finally {
    x.dispose();
  }
}

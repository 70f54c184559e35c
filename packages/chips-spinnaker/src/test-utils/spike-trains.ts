// Comparing spike trains, as the exported PyNN script reports them, with spikeflow's simulations.
import { expect } from 'vitest';
import { FixedPointSimulator } from '../fixed/fixed-point-simulator.js';
import { quantizeNetwork } from '../fixed/fixed-point-network.js';
import type { NetworkSample, SpinnakerNetwork } from '../network/spinnaker-network.js';
import { simulateReference } from '../reference/reference-simulator.js';

/** What the exported script writes with `--out`: per sample, each population's spike times per neuron. */
export interface ScriptOutput {
  readonly simulator: string;
  readonly latency: Record<string, number>;
  readonly samples: ReadonlyArray<{ readonly index: number; readonly predicted: number; readonly label?: number; readonly spikes: Record<string, number[][]> }>;
  readonly accuracy?: number;
}

/** A `[T, n]` 0/1 raster as each neuron's spike steps, in order. */
export function trains(spikes: Uint8Array, T: number, n: number): number[][] {
  const out = Array.from({ length: n }, () => [] as number[]);
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) if (spikes[t * n + j]) out[j].push(t);
  return out;
}

/**
 * Expects the script's spike trains to equal spikeflow's float reference of the same network on each
 * sample, in every population; returns the reference's spike count per population, so that a test
 * can check the comparison is not vacuous.
 */
export function expectReferenceTrains(net: SpinnakerNetwork, out: ScriptOutput, samples: readonly NetworkSample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  samples.forEach((sample, s) => {
    const ref = simulateReference(net, sample);
    for (const p of net.populations) {
      const expected = trains(ref.get(p.name)!, net.timeSteps, p.size);
      expect(out.samples[s].spikes[p.name], `sample ${s}, ${p.name}`).toEqual(expected);
      counts[p.name] = (counts[p.name] ?? 0) + expected.flat().length;
    }
  });
  return counts;
}

/**
 * How many neuron spike trains the s16.15 fixed-point simulator gets different from the float
 * reference over `samples` (near-threshold rounding may flip a spike; the tests report it, not assert it).
 */
export function fixedPointTrainDiffs(net: SpinnakerNetwork, samples: readonly NetworkSample[]): number {
  const fixed = new FixedPointSimulator(quantizeNetwork(net));
  let differ = 0;
  for (const sample of samples) {
    const ref = simulateReference(net, sample);
    const fx = fixed.run(sample).spikes;
    for (const p of net.populations) {
      const expected = trains(ref.get(p.name)!, net.timeSteps, p.size);
      const got = trains(fx.get(p.name)!, net.timeSteps, p.size);
      differ += got.reduce((m, tr, j) => m + (JSON.stringify(tr) === JSON.stringify(expected[j]) ? 0 : 1), 0);
    }
  }
  return differ;
}

/**
 * Expects more reference spikes than `moreThan` says, per population or for `all` of them together,
 * so that a comparison of spike trains can fail.
 */
export function expectMoreSpikes(counts: Record<string, number>, moreThan: Record<string, number>): void {
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  for (const [name, n] of Object.entries(moreThan)) expect(name === 'all' ? all : counts[name], `${name} spikes`).toBeGreaterThan(n);
}

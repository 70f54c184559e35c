// Round-trip comparisons shared by the export specs: a network written to netx or NIR and read back
// must spike exactly as the network it came from.
import { expect } from 'vitest';
import { tf, type Module } from '@spikeflow/core';
import { encodeInput, type QuantizedNetwork } from '../quantize/quantize.js';
import { LoihiNetwork, type LoihiNetworkSpec } from '../simulator/loihi-network.js';

/** The output of `model` on `x` as plain numbers (its spikes, 0/1). */
export function spikesOf(model: Module, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(model.forward(x).dataSync()));
}

/**
 * Expects `imported` (in eval mode) to give `model`'s output spikes on a time-first input of `shape`
 * whose values `draw` gives in order; returns how many spikes `model` gave, so that a test can check
 * the comparison is not vacuous.
 */
export function expectSameSpikes(model: Module, imported: Module, shape: readonly number[], draw: () => number): number {
  const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, draw), [...shape]);
  try {
    const want = spikesOf(model, x);
    expect(spikesOf(imported.eval(), x)).toEqual(want);
    return want.reduce((s, v) => s + v, 0);
  } finally {
    x.dispose();
  }
}

/**
 * Runs `q`'s network and `imported` (the same network read back from a file) on each sample of `xs`
 * (flattened, encoded with `q`) for `steps` steps with Lava's timing, and expects the same spike counts
 * in every layer; returns the output layer's spike total, so that a test can check it is not zero.
 */
export function expectSameSimulation(q: QuantizedNetwork, imported: LoihiNetworkSpec, xs: Float32Array, steps: number): number {
  const a = new LoihiNetwork(q.spec);
  const b = new LoihiNetwork(imported);
  const width = q.spec.layers[0].inFeatures;
  let spikes = 0;
  for (let s = 0; (s + 1) * width <= xs.length; s++) {
    const p = encodeInput(q, xs.subarray(s * width, (s + 1) * width));
    const want = a.run(p, steps).counts.map((c) => Array.from(c));
    spikes += want[want.length - 1].reduce((x, y) => x + y, 0);
    expect(b.run(p, steps).counts.map((c) => Array.from(c))).toEqual(want);
  }
  return spikes;
}

/** The edges of a NIR chain `input → …nodes → output`, as toNirGraph writes them. */
export function chainEdges(...nodes: string[]): Array<[string, string]> {
  const all = ['input', ...nodes, 'output'];
  return all.slice(1).map((to, i) => [all[i], to]);
}

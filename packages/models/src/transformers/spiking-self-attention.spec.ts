import { describe, expect, it } from 'vitest';
import { manualSeed, tf } from '@spikeflow/core';
import { IFNode, LIFNode } from '@spikeflow/neurons';
import { SpikingSelfAttention } from './spiking-self-attention.js';
import { ThresholdScaledNeuron } from './threshold-scaled-neuron.js';
import { batchNormRef, flat, linearRef, neuronRef, randomSpikes, randomizeBatchNorms, ssaRef, weights } from './test-utils/attention-reference.js';

const mismatches = (a: number[], b: number[]) => a.filter((v, i) => Math.abs(v - b[i]!) > 1e-4).length;

describe('SpikingSelfAttention.attend', () => {
  it('computes Q·Kᵀ·V·s on a hand example', () => {
    // N = 2 tokens, C = 2, one head: Q·Kᵀ = [[1, 0], [2, 1]], (Q·Kᵀ)·V = same (V = I), times 0.125.
    const q = tf.tensor5d([1, 0, 1, 1], [1, 1, 1, 2, 2]);
    const k = tf.tensor5d([1, 1, 0, 1], [1, 1, 1, 2, 2]);
    const v = tf.tensor5d([1, 0, 0, 1], [1, 1, 1, 2, 2]);
    expect(flat(SpikingSelfAttention.attend(q, k, v, 1, 0.125))).toEqual([0.125, 0, 0.25, 0.125]);
  });

  it('matches a per-head plain-JS reference on random spikes (heads split the channels)', () => {
    const dims = { T: 2, B: 2, N: 6, C: 8 };
    const shape = [dims.T, dims.B, 2, 3, dims.C];
    const [q, k, v] = [randomSpikes(shape, 1), randomSpikes(shape, 2), randomSpikes(shape, 3)];
    for (const heads of [1, 2, 4]) {
      const got = flat(SpikingSelfAttention.attend(q, k, v, heads, 0.125));
      const want = ssaRef(flat(q), flat(k), flat(v), dims, heads, 0.125);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    }
  });
});

describe('SpikingSelfAttention', () => {
  it('equals linear → BN → IF branches, the attention at threshold 0.5 and the projection, computed in plain JS', () => {
    manualSeed(5);
    const dims = { T: 4, B: 2, N: 9, C: 16 };
    const ssa = new SpikingSelfAttention(dims.C, () => new IFNode(), { heads: 2 });
    randomizeBatchNorms(ssa, 10, [0.3, 0.9]); // positive shifts: busy enough for the attention neuron to fire
    const x = tf.mul(tf.randomNormal([dims.T, dims.B, 3, 3, dims.C], 0, 1, 'float32', 4), 1.5);
    const y = ssa.forward(x);
    expect(y.shape).toEqual([dims.T, dims.B, 3, 3, dims.C]);

    const w = weights(ssa);
    const C = dims.C;
    const branch = (id: string, input: number[], vTh = 1) =>
      neuronRef(batchNormRef(linearRef(input, C, w[`${id}.linear.weight`]!, C, w[`${id}.linear.bias`] ?? null), C, w[`${id}.bn.weight`]!, w[`${id}.bn.bias`]!), dims.T, vTh);
    const xs = flat(x);
    const [q, k, v] = ['q', 'k', 'v'].map((id) => branch(id, xs));
    const attn = neuronRef(ssaRef(q!, k!, v!, dims, 2, 0.125), dims.T, 0.5);
    const want = branch('proj', attn);
    const rate = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;
    // The case must exercise firing and silence in every stage.
    for (const s of [q!, attn, want]) {
      expect(rate(s)).toBeGreaterThan(0.05);
      expect(rate(s)).toBeLessThan(0.95);
    }
    expect(mismatches(flat(y), want)).toBe(0);

    const ops = ssa.countOps(x, y);
    expect(ops.map((o) => [o.name, o.macs])).toEqual([
      ['q·kᵀ', 9 * 9 * 16],
      ['(q·kᵀ)·v', 9 * 9 * 16],
    ]);
    expect(ops[0]!.inputRate).toBeCloseTo(rate(q!), 6);
    expect(ops[1]!.inputRate).toBeCloseTo(rate(v!), 6);
    ssa.dispose();
  });

  it('rejects heads that do not divide dim and inputs that are not token maps', () => {
    expect(() => new SpikingSelfAttention(6, () => new IFNode(), { heads: 4 })).toThrowError(/heads/);
    const ssa = new SpikingSelfAttention(8, () => new IFNode(), { heads: 2 });
    expect(() => ssa.forward(tf.zeros([2, 1, 4, 8]))).toThrowError(/\[T, B, H, W, 8\]/);
  });
});

describe('ThresholdScaledNeuron', () => {
  it('fires exactly as a LIF neuron with V_th = 0.5 and as the plain-JS LIF', () => {
    const x = tf.randomUniform([6, 3, 10], -0.2, 0.8, 'float32', 9);
    const scaled = flat(new ThresholdScaledNeuron(new LIFNode(), 0.5).forward(x));
    expect(scaled).toEqual(flat(new LIFNode({ vThreshold: 0.5 }).forward(x)));
    expect(mismatches(scaled, neuronRef(flat(x), 6, 0.5, 2))).toBe(0);
    expect(scaled.some((s) => s === 1) && scaled.some((s) => s === 0)).toBe(true);
    expect(() => new ThresholdScaledNeuron(new LIFNode(), 0)).toThrowError(/positive/);
  });
});

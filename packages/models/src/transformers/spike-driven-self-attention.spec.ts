import { describe, expect, it } from 'vitest';
import { manualSeed, tf } from '@spikeflow/core';
import { IFNode } from '@spikeflow/neurons';
import { MembraneShortcutMlp } from './membrane-shortcut-mlp.js';
import { SpikeDrivenSelfAttention } from './spike-driven-self-attention.js';
import { batchNormRef, columnSumRef, flat, linearRef, maskRef, neuronRef, randomSpikes, randomizeBatchNorms, weights } from './test-utils/attention-reference.js';

const rate = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;
const closeAll = (got: number[], want: number[], tol = 1e-4) => got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(want[i]!))));

describe('SpikeDrivenSelfAttention.columnSum', () => {
  it('sums Q ⊗ K over the tokens of each channel (hand example)', () => {
    // N = 3 tokens, C = 2: Q ⊗ K = [[1, 0], [1, 0], [0, 1]] -> column sums [2, 1].
    const q = tf.tensor5d([1, 0, 1, 1, 0, 1], [1, 1, 3, 1, 2]);
    const k = tf.tensor5d([1, 1, 1, 0, 1, 1], [1, 1, 3, 1, 2]);
    const s = SpikeDrivenSelfAttention.columnSum(q, k);
    expect(s.shape).toEqual([1, 1, 1, 1, 2]);
    expect(flat(s)).toEqual([2, 1]);
  });

  it('matches the plain-JS column sums on random spikes', () => {
    const dims = { T: 2, B: 3, N: 6, C: 5 };
    const [a, b] = [randomSpikes([2, 3, 2, 3, 5], 11), randomSpikes([2, 3, 2, 3, 5], 12)];
    expect(flat(SpikeDrivenSelfAttention.columnSum(a, b))).toEqual(columnSumRef(flat(a), flat(b), dims));
  });
});

describe('SpikeDrivenSelfAttention', () => {
  for (const form of ['qk-v', 'q-kv'] as const) {
    it(`(${form}) equals SN → linear/BN/IF branches → mask-and-add → projection, computed in plain JS`, () => {
      manualSeed(8);
      const dims = { T: 4, B: 2, N: 9, C: 16 };
      const C = dims.C;
      const sdsa = new SpikeDrivenSelfAttention(C, () => new IFNode(), { heads: 4, form });
      randomizeBatchNorms(sdsa, 20, [0.3, 0.9]);
      const x = tf.mul(tf.randomNormal([dims.T, dims.B, 3, 3, C], 0.3, 1, 'float32', 6), 1.5);
      const y = sdsa.forward(x);

      const w = weights(sdsa);
      const bn = (id: string, z: number[]) => batchNormRef(z, C, w[`${id}.bn.weight`]!, w[`${id}.bn.bias`]!);
      const s = neuronRef(flat(x), dims.T, 1);
      const [q, k, v] = ['q', 'k', 'v'].map((id) => neuronRef(bn(id, linearRef(s, C, w[`${id}.linear.weight`]!, C, null)), dims.T, 1)) as [number[], number[], number[]];
      const [a, b, masked] = form === 'qk-v' ? [q, k, v] : [k, v, q];
      const g = neuronRef(columnSumRef(a, b, dims), dims.T, 0.5);
      const want = bn('proj', linearRef(maskRef(g, masked, dims), C, w['proj.linear.weight']!, C, w['proj.linear.bias']!));
      for (const r of [rate(s), rate(q), rate(g)]) {
        expect(r).toBeGreaterThan(0.05);
        expect(r).toBeLessThan(0.95);
      }
      closeAll(flat(y), want);

      const ops = sdsa.countOps(x, y);
      expect(ops.map((o) => o.macs)).toEqual([9 * 16, 9 * 16]);
      expect(ops[0]!.inputRate).toBeCloseTo(rate(a), 6);
      expect(ops[1]!.inputRate).toBeCloseTo(rate(g), 6);
      sdsa.dispose();
    });
  }

  it('has no leading neuron when asked, and checks its options', () => {
    expect(new SpikeDrivenSelfAttention(8, () => new IFNode(), { leadingNeuron: false, heads: 2 }).shortcutNeuron).toBeNull();
    expect(() => new SpikeDrivenSelfAttention(8, () => new IFNode(), { heads: 3 })).toThrowError(/heads/);
    expect(() => new SpikeDrivenSelfAttention(8, () => new IFNode(), { heads: 2, form: 'kq' as never })).toThrowError(/form/);
  });
});

describe('MembraneShortcutMlp', () => {
  for (const hidden of [24, 8]) {
    it(`adds membrane-domain branches (hidden ${hidden}${hidden === 8 ? ' = dim: inner shortcut too' : ''})`, () => {
      manualSeed(3);
      const T = 3;
      const mlp = new MembraneShortcutMlp(8, hidden, () => new IFNode());
      randomizeBatchNorms(mlp, 30);
      const x = tf.randomNormal([T, 2, 2, 2, 8], 0.5, 1, 'float32', 2);
      const w = weights(mlp);
      const xs = flat(x);
      let h = batchNormRef(linearRef(neuronRef(xs, T, 1), 8, w['fc1.0.weight']!, hidden, w['fc1.0.bias']!), hidden, w['fc1.1.weight']!, w['fc1.1.bias']!);
      let identity = xs;
      if (hidden === 8) {
        h = h.map((v, i) => v + xs[i]!);
        identity = h;
      }
      const branch = batchNormRef(linearRef(neuronRef(h, T, 1), hidden, w['fc2.0.weight']!, 8, w['fc2.0.bias']!), 8, w['fc2.1.weight']!, w['fc2.1.bias']!);
      closeAll(
        flat(mlp.forward(x)),
        branch.map((v, i) => v + identity[i]!),
      );
    });
  }
});

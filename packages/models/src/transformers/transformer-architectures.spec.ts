import { describe, expect, it } from 'vitest';
import { Adam, createSpikeflow, crossEntropy, manualSeed, spikingLayers, tf, type Module } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { models } from '../plugin.js';

const sf = createSpikeflow({ plugins: [neurons(), models()] });
const ctx = (inputShape: number[], numClasses = 10) => ({ inputShape, numClasses, neuron: { id: 'lif' } });

/** Trainable scalars whose dotted name starts with `prefix`. */
const countUnder = (m: Module, prefix: string) =>
  m
    .namedParameters()
    .filter(([n]) => n.startsWith(prefix))
    .reduce((a, [, v]) => a + v.size, 0);

// Parameter counts written from the reference models' layer lists (biases and BN affine pairs counted by hand).
const conv3 = (i: number, o: number) => 9 * i * o; // bias-free 3x3
const bn = (c: number) => 2 * c;
const lin = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
/** SPS / MS-SPS: four conv-BN stages (D/8, D/4, D/2, D) and the 3x3 position-embedding conv + BN. */
const spsCount = (cin: number, D: number) =>
  conv3(cin, D / 8) + conv3(D / 8, D / 4) + conv3(D / 4, D / 2) + conv3(D / 2, D) + conv3(D, D) + bn(D / 8) + bn(D / 4) + bn(D / 2) + bn(D) + bn(D);
const mlpCount = (D: number, hid: number) => lin(D, hid) + bn(hid) + lin(hid, D) + bn(D);
/** Spikformer block: biased Q/K/V linears + BN, biased projection + BN, MLP. */
const spikformerBlock = (D: number) => 3 * (lin(D, D) + bn(D)) + lin(D, D) + bn(D) + mlpCount(D, 4 * D);
/** Spike-driven block: bias-free Q/K/V 1x1 convs + BN, biased projection + BN, MLP. */
const sdtBlock = (D: number) => 3 * (lin(D, D, false) + bn(D)) + lin(D, D) + bn(D) + mlpCount(D, 4 * D);

/**
 * Builds `id` with its default (published) options for 32x32x3 and 10 classes, checks the parameters
 * of the stem, the `depth` blocks and the head against the hand counts, then runs one full-size
 * forward pass (B = 1, T = 2): shapes and spiking stages hold at the published size. Returns the
 * model's parameter count.
 */
function expectPublishedSize(id: string, size: { dim: number; depth: number; block: (D: number) => number; total: number }): number {
  manualSeed(0);
  const m = sf.model(id, {}, ctx([32, 32, 3]));
  expect(countUnder(m, 'sps.')).toBe(spsCount(3, size.dim));
  expect(countUnder(m, 'blocks.')).toBe(size.depth * size.block(size.dim));
  expect(countUnder(m, 'head.')).toBe(lin(size.dim, 10));
  const count = m.parameterCount();
  expect(count).toBe(size.total);
  const y = tf.tidy(() => m.forward(tf.randomUniform([2, 1, 32, 32, 3], 0, 1, 'float32', 1)));
  expect(y.shape).toEqual([2, 1, 10]);
  expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
  y.dispose();
  m.dispose();
  return count;
}

describe('spikformer', () => {
  it('CIFAR-10 "Spikformer-4-384" (4 blocks, D 384, 12 heads, MLP ratio 4, 32x32x3) has the published 9.32M parameters; full-size forward', () => {
    // Stem 2,201,520; blocks 4 × 1,779,840.
    const count = expectPublishedSize('spikformer', { dim: 384, depth: 4, block: spikformerBlock, total: 9_324_730 });
    expect((count / 1e6).toFixed(2)).toBe('9.32');
  });

  it('maps [T, B, 32, 32, 3] images and [T, B, 32, 32, 2] event frames to [T, B, classes]; checks its options', () => {
    manualSeed(1);
    for (const c of [3, 2]) {
      const m = sf.model('spikformer', { depth: 1, dim: 32, heads: 4 }, ctx([32, 32, c], 5));
      expect(m.forward(tf.randomUniform([2, 1, 32, 32, c], 0, 1, 'float32', c)).shape).toEqual([2, 1, 5]);
      m.dispose();
    }
    expect(() => sf.model('spikformer', { dim: 36 }, ctx([32, 32, 3]))).toThrowError(/multiple of 8/);
    expect(() => sf.model('spikformer', {}, ctx([30, 30, 3]))).toThrowError(/divisible by 4/);
  });

  it('staticInput (first conv + BN once) gives the same output as repeating the image', () => {
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4);
    manualSeed(2);
    const a = sf.model('spikformer', { depth: 1, dim: 32, heads: 2 }, { ...ctx([32, 32, 3]), staticInput: false });
    manualSeed(2);
    const b = sf.model('spikformer', { depth: 1, dim: 32, heads: 2 }, { ...ctx([32, 32, 3]), staticInput: true });
    const seq = tf.stack([x, x, x]);
    const ya = Array.from(a.forward(seq).dataSync());
    const yb = Array.from(b.forwardStatic(x, 3)!.dataSync());
    ya.forEach((v, i) => expect(Math.abs(v - yb[i]!)).toBeLessThan(1e-4));
  });

  it('overfits a fixed random batch of 32x32 images (loss falls)', () => {
    // Small config for speed: depth 1, dim 32, 2 heads, T 2, batch 8, 4 classes, Adam lr 1e-2.
    manualSeed(3);
    const m = sf.model('spikformer', { depth: 1, dim: 32, heads: 2 }, { ...ctx([32, 32, 3], 4), staticInput: true });
    const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 5);
    const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
    const opt = new Adam(m.namedParameters(), { lr: 1e-2 });
    const names = new Map(m.namedParameters().map(([n, v]) => [v.name, n]));
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => crossEntropy(tf.mean(m.forwardStatic(x, 2)!, 0), labels, 4) as tf.Scalar, m.parameters());
        losses.push(value.dataSync()[0]!);
        opt.step(new Map(Object.entries(grads).map(([k, g]) => [names.get(k)!, g])));
      });
    }
    const first = (losses[0]! + losses[1]!) / 2;
    const last = (losses[10]! + losses[11]!) / 2;
    expect(last).toBeLessThan(0.7 * first);
  });
});

describe('spike-driven-transformer', () => {
  it('CIFAR "2-512" (2 blocks, D 512, 8 heads, MLP ratio 4, stem pools "0011"): 10.23M at 10 classes, the published 10.28M at 100; full-size forward', () => {
    // Stem 3,912,256; blocks 2 × 3,158,016.
    expectPublishedSize('spike-driven-transformer', { dim: 512, depth: 2, block: sdtBlock, total: 10_233_418 });
    const m100 = sf.model('sdt', {}, ctx([32, 32, 3], 100));
    expect(m100.parameterCount()).toBe(10_279_588);
    expect((m100.parameterCount() / 1e6).toFixed(2)).toBe('10.28');
    m100.dispose();
  });

  it('maps images and event frames to [T, B, classes] with 8x8 tokens; pooling follows poolingStat', () => {
    manualSeed(4);
    const m = sf.model('sdt', { depth: 1, dim: 32, heads: 4 }, ctx([32, 32, 2], 7));
    expect(m.forward(tf.randomUniform([2, 2, 32, 32, 2], 0, 1, 'float32', 1)).shape).toEqual([2, 2, 7]);
    const sps = (m as unknown as { at(i: number): Module }).at(0)!;
    const tokens = sps.forward(tf.randomUniform([2, 1, 32, 32, 2], 0, 1, 'float32', 2));
    expect(tokens.shape).toEqual([2, 1, 8, 8, 32]);
    const m1111 = sf.model('sdt', { depth: 1, dim: 32, heads: 4, poolingStat: '1111' }, ctx([32, 32, 3], 7));
    expect((m1111 as unknown as { at(i: number): Module }).at(0)!.forward(tf.zeros([1, 2, 32, 32, 3])).shape).toEqual([1, 2, 2, 2, 32]);
    expect(() => sf.model('sdt', { poolingStat: '1111' }, ctx([36, 36, 3]))).toThrowError(/divisible by 16/);
    expect(() => sf.model('sdt', { poolingStat: '12' }, ctx([32, 32, 3]))).toThrowError(/sdt/);
  });
});

describe('transformer layer names', () => {
  it('spiking layers are named by module path (firing-rate keys), not child indices', () => {
    manualSeed(0);
    const block = ['attn.q.lif', 'attn.k.lif', 'attn.v.lif', 'attn.attn.neuron', 'attn.proj.lif', 'mlp.lif1', 'mlp.lif2'].map((n) => `blocks.0.${n}`);
    const spk = sf.model('spikformer', { depth: 1, dim: 32, heads: 4 }, ctx([32, 32, 3]));
    expect(spikingLayers(spk).map(([n]) => n)).toEqual(['sps.lif0', 'sps.lif1', 'sps.lif2', 'sps.lif3', 'sps.rpe.inner.lif', ...block]);
    expect(spk.namedParameters().map(([n]) => n)).toContain('head.fc.weight');
    const sdt = sf.model('sdt', { depth: 1, dim: 32, heads: 4 }, ctx([32, 32, 3]));
    const layers = spikingLayers(sdt).map(([n]) => n);
    expect(layers.slice(0, 4)).toEqual(['sps.lif0', 'sps.lif1', 'sps.lif2', 'sps.rpe.inner.lif']);
    expect(layers.at(-1)).toBe('head.lif');
    expect(layers.filter((n) => /(^|\.)\d+$/.test(n))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { manualSeed } from '../util/seed.js';
import { Dropout } from './dropout.js';

describe('Dropout', () => {
  it('draws one mask per sample, shares it across all time steps, and scales kept units by 1/(1-p)', () => {
    manualSeed(11);
    const drop = new Dropout(0.25);
    const [T, B, F] = [5, 4, 500];
    const y = drop.forward(tf.ones([T, B, F])).arraySync() as number[][][];
    const kept = 1 / 0.75;
    for (let t = 1; t < T; t++) expect(y[t]).toEqual(y[0]);
    const flat = y[0].flat();
    expect(flat.every((v) => v === 0 || Math.abs(v - kept) < 1e-6)).toBe(true);
    const keepRate = flat.filter((v) => v !== 0).length / flat.length;
    expect(keepRate).toBeGreaterThan(0.72); // 2000 Bernoulli(0.75) draws: sd ≈ 0.01
    expect(keepRate).toBeLessThan(0.78);
    expect(y[0][0]).not.toEqual(y[0][1]); // samples get different masks
  });

  it('is reproducible from the global seed and draws a fresh mask per forward call', () => {
    const x = tf.ones([2, 3, 64]);
    manualSeed(5);
    const d = new Dropout(0.5);
    const a = d.forward(x).dataSync();
    const b = d.forward(x).dataSync();
    manualSeed(5);
    const c = new Dropout(0.5).forward(x).dataSync();
    expect(Array.from(c)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('passes the gradient through the same mask', () => {
    manualSeed(2);
    const d = new Dropout(0.5);
    const x = tf.randomNormal([3, 2, 10]);
    manualSeed(2);
    const y = d.forward(x);
    manualSeed(2);
    const g = tf.grad((v: Tensor) => tf.sum(d.forward(v)))(x);
    // y = x·mask, so the gradient is the mask itself: 0 where dropped, 2 where kept.
    const yv = y.dataSync();
    const xv = x.dataSync();
    g.dataSync().forEach((gv, i) => expect(gv).toBeCloseTo(yv[i] === 0 ? 0 : yv[i] / xv[i], 5));
    expect(new Set(Array.from(g.dataSync()))).toEqual(new Set([0, 2]));
  });

  it('is the identity with p = 0 or in eval mode, zeros with p = 1, and validates p and shapes', () => {
    const x = tf.randomNormal([3, 2, 10]);
    expect(Array.from(new Dropout(0).forward(x).dataSync())).toEqual(Array.from(x.dataSync()));
    const d = new Dropout(0.9).eval();
    expect(Array.from(d.forward(x).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(new Dropout(1).forward(x).dataSync()).every((v) => v === 0)).toBe(true);
    expect(() => new Dropout(1.5)).toThrowError(/Dropout: p must be in \[0, 1\]/);
    expect(new Dropout().describe()).toBe('Dropout(p=0.5)');
    expect(() => new Dropout().forward(tf.ones([4]))).toThrowError('Dropout(p=0.5): expected input [T, B, ...], got [4]');
  });
});

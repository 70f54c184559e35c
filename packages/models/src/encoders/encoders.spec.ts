import { describe, expect, it } from 'vitest';
import { createSpikeflow, tf, type EncodeContext } from '@spikeflow/core';
import { models } from '../plugin.js';
import { deltaEncoder } from './delta-encoder.js';
import { latencyEncoder } from './latency-encoder.js';
import { poissonEncoder } from './poisson-encoder.js';

const ctx = (timeSteps: number, sampleIndices: number[] = [0], epoch = 0, seed = 0): EncodeContext => ({ timeSteps, sampleIndices, epoch, seed });

/** Spike times of every input of a one-sample latency encoding `[T, 1, n]`: -1 for none; throws on two spikes. */
function spikeTimes(s: tf.Tensor): number[] {
  const [T, , n] = s.shape as [number, number, number];
  const d = s.dataSync();
  return Array.from({ length: n }, (_, i) => {
    const ts = Array.from({ length: T }, (_, t) => t).filter((t) => d[t * n + i] === 1);
    if (ts.length > 1) throw new Error(`input ${i} fired ${ts.length} times`);
    return ts[0] ?? -1;
  });
}

describe('poissonEncoder', () => {
  it('fires at the clipped intensity, within binomial bounds', () => {
    const T = 100;
    const copies = 200;
    const ps = [-0.5, 0, 0.1, 0.5, 0.9, 1, 1.7];
    const x = tf.tensor2d([ps.flatMap((p) => Array<number>(copies).fill(p))]);
    const s = poissonEncoder().encode(x, ctx(T, [3]));
    expect(s.shape).toEqual([T, 1, ps.length * copies]);
    const d = s.dataSync();
    ps.forEach((p, k) => {
      let sum = 0;
      for (let t = 0; t < T; t++) for (let c = 0; c < copies; c++) sum += d[t * ps.length * copies + k * copies + c]!;
      const rate = sum / (T * copies);
      const q = Math.min(1, Math.max(0, p));
      // 5 standard deviations of a binomial mean over N = 20000 draws (exact for q in {0, 1}).
      expect(Math.abs(rate - q)).toBeLessThanOrEqual(5 * Math.sqrt((q * (1 - q)) / (T * copies)));
    });
    expect(new Set(d)).toEqual(new Set([0, 1]));
    tf.dispose([x, s]);
  });

  it('encodes a sample the same in any batch split or order, and differently per epoch and seed', () => {
    const x = tf.randomUniform([4, 3, 3, 1], 0, 1, 'float32', 5);
    const ids = [10, 11, 12, 13];
    const whole = poissonEncoder().encode(x, ctx(6, ids, 2, 7));
    const part = (rows: number[]) =>
      poissonEncoder().encode(
        tf.gather(x, rows),
        ctx(
          6,
          rows.map((r) => ids[r]!),
          2,
          7,
        ),
      );
    const a = part([2, 0]);
    const b = part([3, 1]);
    const sample = (s: tf.Tensor, row: number) => Array.from(tf.gather(s, [row], 1).dataSync());
    expect(sample(a, 0)).toEqual(sample(whole, 2));
    expect(sample(a, 1)).toEqual(sample(whole, 0));
    expect(sample(b, 0)).toEqual(sample(whole, 3));
    expect(sample(b, 1)).toEqual(sample(whole, 1));
    // The whole batch again with the same epoch and seed, another epoch, another seed.
    const again = (epoch: number, seed: number) =>
      Array.from(
        poissonEncoder()
          .encode(x, ctx(6, ids, epoch, seed))
          .dataSync(),
      );
    expect(again(2, 7)).toEqual(Array.from(whole.dataSync()));
    expect(again(3, 7)).not.toEqual(Array.from(whole.dataSync()));
    expect(again(2, 8)).not.toEqual(Array.from(whole.dataSync()));
    expect(() => poissonEncoder().encode(x, ctx(6, [1, 2]))).toThrowError(/one global sample index per batch row \(4\)/);
  });
});

describe('latencyEncoder', () => {
  it('linear, normalised: t = round((T-1)(1-x)), inputs below θ and zero inputs silent', () => {
    const x = tf.tensor2d([[1, 0.5, 0.25, 0, 0.01, 2]]);
    expect(spikeTimes(latencyEncoder({ normalize: true, threshold: 0 }).encode(x, ctx(5)))).toEqual([0, 2, 3, -1, 4, 0]);
    // θ = 0.25, τ = 4: x = 0.5 -> 2, x = θ -> 3, x = 0.625 -> round(1.5) = 2, x = 0.3 -> round(2.8) = 3, x < θ silent.
    expect(spikeTimes(latencyEncoder({ normalize: true, threshold: 0.25 }).encode(tf.tensor2d([[0.5, 0.25, 0.625, 0.3, 0.2]]), ctx(5)))).toEqual([2, 3, 2, 3, -1]);
    // snnTorch documents spike times 3.92, 2, 0 for [0.02, 0.5, 1], T = 5, normalize, linear.
    expect(spikeTimes(latencyEncoder({ normalize: true }).encode(tf.tensor2d([[0.02, 0.5, 1]]), ctx(5)))).toEqual([4, 2, 0]);
  });

  it('linear with τ: late spikes fall off the window, or land on the last step with silent: last', () => {
    const x = tf.tensor2d([[1, 0.5, 0.1, 0]]);
    // τ = 4: times 0, 2, round(3.6) = 4 (beyond T-1 = 3), none.
    expect(spikeTimes(latencyEncoder({ tau: 4, threshold: 0 }).encode(x, ctx(4)))).toEqual([0, 2, -1, -1]);
    expect(spikeTimes(latencyEncoder({ tau: 4, threshold: 0, silent: 'last' }).encode(x, ctx(4)))).toEqual([0, 2, 3, 3]);
  });

  it('log: t = round(τ ln(x / (x - θ)))', () => {
    const x = tf.tensor2d([[1, 0.75, 0.6, 0.51, 0.5, 0.2]]);
    // θ = 0.5, τ = 1: ln 2 = 0.69 -> 1, ln 3 = 1.10 -> 1, ln 6 = 1.79 -> 2, ln 51 = 3.93 -> 4;
    // x = θ takes ln((θ + 1e-7)/1e-7) = 15.4 steps (beyond T - 1), x < θ never fires.
    expect(spikeTimes(latencyEncoder({ mode: 'log', threshold: 0.5 }).encode(x, ctx(6)))).toEqual([1, 1, 2, 4, -1, -1]);
    // τ = 2: ln 2·2 = 1.39 -> 1, 2.20 -> 2, 3.58 -> 4, 7.86 -> beyond T-1 = 5.
    expect(spikeTimes(latencyEncoder({ mode: 'log', threshold: 0.5, tau: 2, silent: 'last' }).encode(x, ctx(6)))).toEqual([1, 2, 4, 5, 5, 5]);
    // normalize, θ = 0.5, T = 5: τ = 4/ln(5e6+1) = 0.2594; x = θ at T-1 = 4, x = 1 at round(0.18) = 0,
    // x = 0.5001 at round(τ·ln(5001)) = round(2.21) = 2.
    expect(spikeTimes(latencyEncoder({ mode: 'log', threshold: 0.5, normalize: true }).encode(tf.tensor2d([[1, 0.5, 0.5001]]), ctx(5)))).toEqual([0, 4, 2]);
    expect(() => latencyEncoder({ mode: 'log', threshold: 0 })).toThrowError(/threshold > 0/);
  });
});

describe('deltaEncoder', () => {
  // Feature 0: rise at 1 (ref 0.6), nothing at 2 (Δ 0.1), fall at 3 (ref 0), nothing at 4, fall at 5 (Δ = -θ exactly).
  // Feature 1: a slow ramp of 0.2 per step: rise at 3 (ref 0.6), then 1.0 − 0.6 < θ, no more.
  const series = [
    [0, 0],
    [0.6, 0.2],
    [0.7, 0.4],
    [0, 0.6],
    [0.05, 0.8],
    [-0.5, 1.0],
  ];
  const x = tf.tensor3d([series]); // [B=1, T=6, F=2]

  it('emits rise/fall spikes on separate channels when the change since the last reference crosses θ', () => {
    const enc = deltaEncoder({ threshold: 0.5 });
    expect(enc.framesPerSample([6, 2])).toBe(6);
    expect(enc.stepShape([6, 2])).toEqual([4]);
    const s = enc.encode(x, ctx(6));
    expect(s.shape).toEqual([6, 1, 4]);
    // channels: [rise f0, rise f1, fall f0, fall f1]
    expect(s.arraySync()).toEqual([[[0, 0, 0, 0]], [[1, 0, 0, 0]], [[0, 0, 0, 0]], [[0, 1, 1, 0]], [[0, 0, 0, 0]], [[0, 0, 1, 0]]]);
  });

  it('signed and on-only outputs, and a zero initial reference', () => {
    expect((deltaEncoder({ threshold: 0.5, output: 'signed' }).encode(x, ctx(6)).arraySync() as number[][][]).map((r) => r[0])).toEqual([
      [0, 0],
      [1, 0],
      [0, 0],
      [-1, 1],
      [0, 0],
      [-1, 0],
    ]);
    expect((deltaEncoder({ threshold: 0.5, output: 'on' }).encode(x, ctx(6)).arraySync() as number[][][]).map((r) => r[0])).toEqual([
      [0, 0],
      [1, 0],
      [0, 0],
      [0, 1],
      [0, 0],
      [0, 0],
    ]);
    const y = tf.tensor3d([[[0.7], [0.7], [0.1]]]);
    expect((deltaEncoder({ threshold: 0.5, output: 'signed', initial: 'zero' }).encode(y, ctx(3)).arraySync() as number[][][]).map((r) => r[0])).toEqual([[1], [0], [-1]]);
    expect((deltaEncoder({ threshold: 0.5, output: 'signed' }).encode(y, ctx(3)).arraySync() as number[][][]).map((r) => r[0])).toEqual([[0], [0], [-1]]);
  });

  it('keeps batch rows apart, doubles the last axis of multi-axis features, and checks T', () => {
    const a = tf.tensor(series.flat(), [1, 6, 1, 2]);
    const both = tf.concat([tf.zeros([1, 6, 1, 2]), a], 0); // [2, 6, 1, 2]
    const s = deltaEncoder({ threshold: 0.5 }).encode(both, ctx(6));
    expect(s.shape).toEqual([6, 2, 1, 4]);
    expect(Array.from(tf.gather(s, [0], 1).dataSync())).toEqual(Array<number>(24).fill(0));
    expect(Array.from(tf.gather(s, [1], 1).dataSync())).toEqual(Array.from(deltaEncoder({ threshold: 0.5 }).encode(x, ctx(6)).dataSync()));
    expect(() => deltaEncoder().encode(x, ctx(5))).toThrowError(/\[B, T=5, \.\.\.features\]/);
  });
});

describe('encoder registry entries', () => {
  it('are registered by the models plugin with validated options', () => {
    const sf = createSpikeflow({ plugins: [models()] });
    expect(sf.encoder('models/poisson').id).toBe('models/poisson');
    expect(sf.encoder('latency', { mode: 'log', threshold: 0.5 }).id).toBe('models/latency');
    expect(sf.encoder('models/delta', { threshold: 0.2, output: 'signed' }).id).toBe('models/delta');
    expect(() => sf.encoder('models/latency', { mode: 'cubic' })).toThrowError(/mode/);
  });
});

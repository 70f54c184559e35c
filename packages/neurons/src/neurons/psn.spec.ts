// The PSN family: PSN, MaskedPSN (with the λ schedule) and SlidingPSN.
import { createSpikeflow, Sequential, tf } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { atanPrimitive64, randomMatrix, sigmoidPrimitive64 } from '../test-utils/reference.js';
import { disposeAfterEach } from '../test-utils/spec-helpers.js';
import { assignParams, expectGradientsMatch, type Ref64 } from '../test-utils/grad-check.js';
import { MaskedPSN, maskedPsnLambda, maskedPsnLambdaCallback } from './masked-psn.js';
import { PSN } from './psn.js';
import { SlidingPSN } from './sliding-psn.js';

const track = disposeAfterEach();

/** `S = Θ(M·X + b)` in float64 for a `[T][T]` matrix built from the raw parameters by `matrix`. */
function parallelRef(matrix: (p: Record<string, number[]>, T: number) => number[][], bias: (p: Record<string, number[]>, t: number) => number): Ref64 {
  return (xs, p, fire) => {
    const T = xs.length;
    const m = matrix(p, T);
    return xs.map((row, t) => row.map((_, k) => fire(xs.reduce((acc, xr, s) => acc + m[t][s] * xr[k], 0) + bias(p, t))));
  };
}

const denseOf = (p: Record<string, number[]>, T: number) => Array.from({ length: T }, (_, t) => p.weight.slice(t * T, t * T + T));
const band = (T: number, k: number) => Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (j <= i && i <= j + k - 1 ? 1 : 0)));

describe('PSN', () => {
  it('hand-computed: H = W·X + b, S = Θ(H), over [T, B, ...] inputs of any trailing shape', () => {
    const psn = track(new PSN({ timeSteps: 2 }));
    assignParams(psn, { weight: [1, 0, 0.5, 1], bias: [-1, -1] });
    // H[0] = X[0] − 1 = [0, −0.6] → [1, 0] (fires at 0) | H[1] = 0.5·X[0] + X[1] − 1 = [0.1, −0.1] → [1, 0]
    const x = tf.tensor3d([[[1, 0.4]], [[0.6, 0.7]]]); // [T=2, B=1, 2]
    expect(psn.forward(x).arraySync()).toEqual([[[1, 0]], [[1, 0]]]);
    const x4 = tf.reshape(x, [2, 1, 2, 1]);
    expect(psn.forward(x4).shape).toEqual([2, 1, 2, 1]);
    x.dispose();
    x4.dispose();
  });

  it('gradients for X, weight and bias match central differences through the surrogate', () => {
    const T = 4;
    const psn = track(new PSN({ timeSteps: T }));
    const xs = randomMatrix(T, 5, -1, 2, 51);
    const c = randomMatrix(T, 5, -1, 1, 52);
    const weight = randomMatrix(T, T, -0.6, 0.9, 53).flat();
    expectGradientsMatch(
      psn,
      parallelRef(denseOf, (p, t) => p.bias[t]),
      xs,
      { weight, bias: [-0.5, -0.2, -0.8, -0.4] },
      c,
      atanPrimitive64(2),
    );
  });

  it('initialises as SpikingJelly (W ~ U(−1/√T, 1/√T), b = −1) and refuses another T with a typed error', () => {
    const psn = track(new PSN({ timeSteps: 9 }));
    expect(psn.weight.shape).toEqual([9, 9]);
    for (const w of psn.weight.dataSync()) expect(Math.abs(w)).toBeLessThanOrEqual(1 / 3);
    expect(Array.from(psn.bias.dataSync())).toEqual(new Array(9).fill(-1));
    const x = tf.zeros([8, 2, 3]);
    const e = expectSpikeflowError(() => psn.forward(x), 'shape-mismatch');
    expect(e.message).toMatch(/built for T = 9 .* got an input with T = 8/);
    x.dispose();
    expectSpikeflowError(() => new PSN({ timeSteps: 2.5 }), 'invalid-options');
    expectSpikeflowError(() => new PSN(undefined as never), 'invalid-options', /timeSteps/);
  });
});

describe('MaskedPSN', () => {
  it('masked weight: W at λ = 0, W ⊙ (λM + (1 − λ)) in between, W ⊙ M_k at λ = 1 (hand-built band)', () => {
    const m = track(new MaskedPSN({ timeSteps: 3, order: 2 }));
    const w = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    assignParams(m, { weight: w, bias: [0, 0, 0] });
    // M_2 for T = 3: [[1,0,0],[1,1,0],[0,1,1]]
    expect(m.mask.arraySync()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
    const masked = () => Array.from(tf.tidy(() => m.maskedWeight().dataSync()));
    expect(masked()).toEqual(w);
    m.lambda = 0.5;
    expect(masked()).toEqual([1, 1, 1.5, 4, 5, 3, 3.5, 8, 9]);
    m.lambda = 1;
    expect(masked()).toEqual([1, 0, 0, 4, 5, 0, 0, 8, 9]);
  });

  it('at λ = 1 it is causal with memory k: S[t] ignores X[s] for s > t and s ≤ t − k', () => {
    const T = 5;
    const m = track(new MaskedPSN({ timeSteps: T, order: 2, lambdaInit: 1 }));
    const xs = randomMatrix(T, 4, -1, 2, 61);
    const grad = tf.tidy(
      () =>
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.slice(m.forward(x), [2, 0], [1, 4])))(tf.tensor2d(xs))
          .arraySync() as number[][],
    );
    for (const s of [0, 3, 4])
      expect(
        grad[s].every((g) => g === 0),
        `row ${s}`,
      ).toBe(true);
    expect(grad[1].some((g) => g !== 0) || grad[2].some((g) => g !== 0)).toBe(true);
  });

  it('gradients for X, weight and bias at λ = 0.3 match central differences', () => {
    const T = 4;
    const m = track(new MaskedPSN({ timeSteps: T, order: 2, lambdaInit: 0.3, surrogate: sigmoid() }));
    const xs = randomMatrix(T, 5, -1, 2, 62);
    const c = randomMatrix(T, 5, -1, 1, 63);
    const M = band(T, 2);
    const matrix = (p: Record<string, number[]>) => denseOf(p, T).map((row, i) => row.map((w, j) => w * (0.3 * M[i][j] + 0.7)));
    const weight = randomMatrix(T, T, -0.6, 0.9, 64).flat();
    expectGradientsMatch(
      m,
      parallelRef(matrix, (p, t) => p.bias[t]),
      xs,
      { weight, bias: [-0.5, -0.2, -0.8, -0.4] },
      c,
      sigmoidPrimitive64(4),
    );
  });

  it('λ schedule: min(1, (epoch + 1)/ramp); the callback sets every MaskedPSN of a model; λ is a checkpointed buffer', async () => {
    expect([0, 1, 2, 3, 4, 10].map((e) => maskedPsnLambda(e, 4))).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    const a = new MaskedPSN({ timeSteps: 3, order: 1 });
    const b = new MaskedPSN({ timeSteps: 3, order: 2 });
    const model = track(new Sequential(a, b));
    const callback = maskedPsnLambdaCallback(model, 2);
    await callback.onEpochStart!(0, 10, 0);
    expect([a.lambda, b.lambda]).toEqual([0.5, 0.5]);
    await callback.onEpochStart!(5, 10, 0);
    expect([a.lambda, b.lambda]).toEqual([1, 1]);
    expect(
      a
        .namedTensors()
        .filter((e) => !e.trainable)
        .map((e) => e.name),
    ).toEqual(['mask', 'lambda']);
    expectSpikeflowError(() => maskedPsnLambda(-1, 4), 'invalid-options');
    expectSpikeflowError(() => maskedPsnLambda(0, 0), 'invalid-options');
    expectSpikeflowError(() => (a.lambda = 1.5), 'invalid-options', /lambda must be a number in \[0, 1\]/);
    expectSpikeflowError(() => new MaskedPSN({ timeSteps: 4, order: 0 }), 'invalid-options', /order/);
  });
});

describe('SlidingPSN', () => {
  it('builds the banded matrix from k shared weights (exp init [0.25, 0.5, 1]) for any T', () => {
    const s = track(new SlidingPSN({ order: 3 }));
    expect(Array.from(s.weight.dataSync())).toEqual([0.25, 0.5, 1]);
    expect(tf.tidy(() => s.gemmWeight(4).arraySync())).toEqual([
      [1, 0, 0, 0],
      [0.5, 1, 0, 0],
      [0.25, 0.5, 1, 0],
      [0, 0.25, 0.5, 1],
    ]);
    expect(tf.tidy(() => s.gemmWeight(2).arraySync())).toEqual([
      [1, 0],
      [0.5, 1],
    ]);
    // H[t] = 0.25·X[t−2] + 0.5·X[t−1] + X[t] − 1 with X = 0.6: 0.6 − 1 < 0, 0.9 − 1 < 0, 1.05 − 1 ≥ 0 → [0, 0, 1, 1, 1]
    const x = tf.fill([5, 1], 0.6);
    expect((s.forward(x).arraySync() as number[][]).flat()).toEqual([0, 0, 1, 1, 1]);
    x.dispose();
  });

  it.each([3, 7])('gradients for X, weight and bias match central differences at T = %i', (T) => {
    const s = track(new SlidingPSN({ order: 3, expInit: false }));
    const xs = randomMatrix(T, 4, -1, 2, 70 + T);
    const c = randomMatrix(T, 4, -1, 1, 80 + T);
    const matrix = (p: Record<string, number[]>, n: number) =>
      Array.from({ length: n }, (_, t) => Array.from({ length: n }, (_, u) => (t - u >= 0 && t - u < 3 ? p.weight[2 - (t - u)] : 0)));
    expectGradientsMatch(
      s,
      parallelRef(matrix, (p) => p.bias[0]),
      xs,
      { weight: [0.3, -0.5, 0.9], bias: [-0.3] },
      c,
      atanPrimitive64(2),
    );
  });

  it('kaiming init lies in U(−1/√k, 1/√k); rank-1 input is refused', () => {
    const s = track(new SlidingPSN({ order: 4, expInit: false }));
    for (const w of s.weight.dataSync()) expect(Math.abs(w)).toBeLessThanOrEqual(0.5);
    const x = tf.zeros([4]);
    expectSpikeflowError(() => s.forward(x), 'shape-mismatch');
    x.dispose();
  });
});

describe('PSN family registry', () => {
  it('registers neurons/psn, neurons/masked-psn and neurons/sliding-psn (ATan by default) and validates options', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    const psn = track(sf.neuron('psn', { timeSteps: 4 }) as PSN);
    expect(psn).toBeInstanceOf(PSN);
    expect(psn.describe()).toBe('PSN(T=4, surrogate=atan(alpha=2))');
    const masked = track(sf.neuron('masked-psn', { timeSteps: 4, order: 2, lambdaInit: 0.5 }) as MaskedPSN);
    expect(masked.describe()).toBe('MaskedPSN(T=4, k=2, lambda=0.5, surrogate=atan(alpha=2))');
    expect(track(sf.neuron('neurons/sliding-psn', { order: 3, surrogate: 'sigmoid' })).describe()).toBe('SlidingPSN(k=3, surrogate=sigmoid(alpha=4))');
    expectSpikeflowError(() => sf.neuron('psn', {}), 'invalid-options', /timeSteps/);
    expectSpikeflowError(() => sf.neuron('masked-psn', { timeSteps: 4, order: 2, lambdaInit: 2 }), 'invalid-options');
    expectSpikeflowError(() => sf.neuron('sliding-psn', { order: 0 }), 'invalid-options');
  });
});

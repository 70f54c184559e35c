import { expectClose } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, SpikeflowError, tf, type Tensor } from '@spikeflow/core';
import { BNTT } from './bntt.js';
import { normFactory } from './norm-factory.js';
import { TdBatchNorm } from './td-batch-norm.js';
import { TEBN } from './tebn.js';

// Independent float64 reference: x is [T, M, C] (M = batch·space folded), statistics per channel
// over all of T·M, or per step t when `perStep`; y = post[t]·(γ[t][c]·x̂ + β[t][c]).
interface RefParams {
  gamma: (t: number, c: number) => number;
  beta: (t: number, c: number) => number;
  post: (t: number) => number;
}
function refNorm(x: ArrayLike<number>, T: number, M: number, C: number, perStep: boolean, eps: number, p: RefParams) {
  const groups = perStep ? T : 1;
  const mean = Array.from({ length: groups }, () => new Float64Array(C));
  const variance = Array.from({ length: groups }, () => new Float64Array(C));
  const count = perStep ? M : T * M;
  const at = (t: number, m: number, c: number) => x[(t * M + m) * C + c]!;
  for (let t = 0; t < T; t++) for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) mean[perStep ? t : 0]![c]! += at(t, m, c) / count;
  for (let t = 0; t < T; t++) for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) variance[perStep ? t : 0]![c]! += (at(t, m, c) - mean[perStep ? t : 0]![c]!) ** 2 / count;
  const y = new Float64Array(T * M * C);
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++)
      for (let c = 0; c < C; c++) {
        const g = perStep ? t : 0;
        const xhat = (at(t, m, c) - mean[g]![c]!) / Math.sqrt(variance[g]![c]! + eps);
        y[(t * M + m) * C + c] = p.post(t) * (p.gamma(t, c) * xhat + p.beta(t, c));
      }
  return { y, mean, variance, count };
}

function randomData(n: number, seed: number): Float64Array {
  let s = seed;
  // A tiny LCG: values need only be fixed and spread, with a per-channel offset so means differ.
  return Float64Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2 + (i % 3) * 0.7;
  });
}

/** Central-difference gradient of `f` (float64) at `v`, one coordinate at a time. */
function numericGrad(f: (v: Float64Array) => number, v: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const plus = Float64Array.from(v);
    const minus = Float64Array.from(v);
    plus[i]! += h;
    minus[i]! -= h;
    g[i] = (f(plus) - f(minus)) / (2 * h);
  }
  return g;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

describe('TdBatchNorm', () => {
  const [T, B, H, W, C] = [2, 3, 2, 2, 3];
  const M = B * H * W;
  const data = randomData(T * M * C, 1);

  it('normalises over T·B·H·W per channel and scales by α·V_th (training) with PyTorch running stats', () => {
    const bn = new TdBatchNorm(C, { alpha: 0.5, vThreshold: 1.5 });
    expect(Array.from(bn.weight.dataSync())).toEqual([0.75, 0.75, 0.75]);
    const y = tf.tidy(() => bn.forward(tf.tensor(Array.from(data), [T, B, H, W, C])));
    const ref = refNorm(data, T, M, C, false, 1e-5, { gamma: () => 0.75, beta: () => 0, post: () => 1 });
    expectClose(y.dataSync(), ref.y, 1e-4);
    expect(y.shape).toEqual([T, B, H, W, C]);
    const n = ref.count;
    expectClose(
      bn.runningMean.dataSync(),
      Array.from(ref.mean[0]!, (m) => 0.1 * m),
      1e-5,
    );
    expectClose(
      bn.runningVar.dataSync(),
      Array.from(ref.variance[0]!, (v) => 0.9 + (0.1 * v * n) / (n - 1)),
      1e-5,
    );
    y.dispose();
    bn.dispose();
  });

  it('uses the running statistics in eval mode and takes [T, B, C] input', () => {
    const bn = new TdBatchNorm(C, { vThreshold: 2 });
    const x = tf.tensor(Array.from(data), [T, M, C]);
    tf.tidy(() => bn.forward(x)); // one training step fills the running stats
    bn.eval();
    const rm = Array.from(bn.runningMean.dataSync());
    const rv = Array.from(bn.runningVar.dataSync());
    const y = tf.tidy(() => bn.forward(x));
    const expected = Array.from(data, (v, i) => (2 * (v - rm[i % C]!)) / Math.sqrt(rv[i % C]! + 1e-5));
    expectClose(y.dataSync(), expected, 1e-4);
    tf.dispose([x, y]);
    bn.dispose();
  });

  it('rejects a wrong channel count, naming the expected layout', () => {
    const bn = new TdBatchNorm(4);
    expect(() => bn.forward(tf.zeros([2, 2, 3]))).toThrowError(/TdBatchNorm\(4.*\[T, B, 4\]/);
    bn.dispose();
  });
});

describe('TEBN', () => {
  const [T, B, C] = [3, 4, 2];
  const data = randomData(T * B * C, 2);
  const p = [0.5, 2, -1];
  const gamma = [1.5, 0.8];
  const beta = [0.1, -0.3];

  function make(): TEBN {
    const bn = new TEBN(C, { timeSteps: T });
    bn.stepScale.assign(tf.tensor(p));
    bn.weight.assign(tf.tensor(gamma));
    bn.bias.assign(tf.tensor(beta));
    return bn;
  }

  it('shares statistics over T·B and scales each step by p[t]', () => {
    const bn = make();
    const y = tf.tidy(() => bn.forward(tf.tensor(Array.from(data), [T, B, C])));
    const ref = refNorm(data, T, B, C, false, 1e-5, { gamma: (_t, c) => gamma[c]!, beta: (_t, c) => beta[c]!, post: (t) => p[t]! });
    expectClose(y.dataSync(), ref.y, 1e-4);
    expectClose(
      bn.runningMean.dataSync(),
      Array.from(ref.mean[0]!, (m) => 0.1 * m),
      1e-5,
    );
    bn.eval();
    const ye = tf.tidy(() => bn.forward(tf.tensor(Array.from(data), [T, B, C])));
    const rm = Array.from(bn.runningMean.dataSync());
    const rv = Array.from(bn.runningVar.dataSync());
    const expected = Array.from(data, (v, i) => p[Math.floor(i / (B * C))]! * ((gamma[i % C]! * (v - rm[i % C]!)) / Math.sqrt(rv[i % C]! + 1e-5) + beta[i % C]!));
    expectClose(ye.dataSync(), expected, 1e-4);
    tf.dispose([y, ye]);
    bn.dispose();
  });

  it('has gradients for x, γ, β and p matching central differences of the float64 reference', () => {
    const bn = make();
    const r = randomData(T * B * C, 3);
    const x = tf.tensor(Array.from(data), [T, B, C]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), tf.tensor(Array.from(r), [T, B, C]))) as tf.Scalar, [bn.weight, bn.bias, bn.stepScale]);
    const dx = tf.grad((xi: Tensor) => tf.sum(tf.mul(bn.forward(xi), tf.tensor(Array.from(r), [T, B, C]))))(x);
    const loss = (xs: ArrayLike<number>, g: number[], b: number[], ps: number[]) =>
      dot(refNorm(xs, T, B, C, false, 1e-5, { gamma: (_t, c) => g[c]!, beta: (_t, c) => b[c]!, post: (t) => ps[t]! }).y, r);
    expectClose(
      dx.dataSync(),
      numericGrad((v) => loss(v, gamma, beta, p), data),
      2e-3,
    );
    expectClose(
      grads[bn.weight.name]!.dataSync(),
      numericGrad((v) => loss(data, Array.from(v), beta, p), Float64Array.from(gamma)),
      2e-3,
    );
    expectClose(
      grads[bn.bias.name]!.dataSync(),
      numericGrad((v) => loss(data, gamma, Array.from(v), p), Float64Array.from(beta)),
      2e-3,
    );
    expectClose(
      grads[bn.stepScale.name]!.dataSync(),
      numericGrad((v) => loss(data, gamma, beta, Array.from(v)), Float64Array.from(p)),
      2e-3,
    );
    tf.dispose([x, dx, ...Object.values(grads)]);
    bn.dispose();
  });

  it('requires the input to have its T steps', () => {
    const bn = new TEBN(2, { timeSteps: 4 });
    expect(() => bn.forward(tf.zeros([3, 2, 2]))).toThrowError(/T=4/);
    expect(() => new TEBN(2, { timeSteps: 0 })).toThrowError(/timeSteps/);
    bn.dispose();
  });
});

describe('BNTT', () => {
  const [T, B, H, W, C] = [3, 2, 2, 1, 2];
  const M = B * H * W;
  const data = randomData(T * M * C, 4);
  const gamma = [
    [1, 2],
    [0.5, -1],
    [3, 0.25],
  ];

  it('keeps statistics, γ and running stats per time step', () => {
    const bn = new BNTT(C, { timeSteps: T });
    bn.weight.assign(tf.tensor(gamma));
    const y = tf.tidy(() => bn.forward(tf.tensor(Array.from(data), [T, B, H, W, C])));
    const ref = refNorm(data, T, M, C, true, 1e-5, { gamma: (t, c) => gamma[t]![c]!, beta: () => 0, post: () => 1 });
    expectClose(y.dataSync(), ref.y, 1e-4);
    const n = ref.count;
    expectClose(
      bn.runningMean.dataSync(),
      ref.mean.flatMap((row) => Array.from(row, (m) => 0.1 * m)),
      1e-5,
    );
    expectClose(
      bn.runningVar.dataSync(),
      ref.variance.flatMap((row) => Array.from(row, (v) => 0.9 + (0.1 * v * n) / (n - 1))),
      1e-5,
    );
    bn.eval();
    const ye = tf.tidy(() => bn.forward(tf.tensor(Array.from(data), [T, B, H, W, C])));
    const rm = Array.from(bn.runningMean.dataSync());
    const rv = Array.from(bn.runningVar.dataSync());
    const expected = Array.from(data, (v, i) => {
      const t = Math.floor(i / (M * C));
      const k = t * C + (i % C);
      return (gamma[t]![i % C]! * (v - rm[k]!)) / Math.sqrt(rv[k]! + 1e-5);
    });
    expectClose(ye.dataSync(), expected, 1e-4);
    tf.dispose([y, ye]);
    bn.dispose();
  });

  it('has gradients for x, γ[t] and β[t] matching central differences of the float64 reference', () => {
    const bn = new BNTT(C, { timeSteps: T, bias: true });
    bn.weight.assign(tf.tensor(gamma));
    const beta = [
      [0.2, -0.1],
      [0, 0.3],
      [-0.5, 1],
    ];
    bn.bias!.assign(tf.tensor(beta));
    const r = randomData(T * M * C, 5);
    const rt = tf.tensor(Array.from(r), [T, M, C]);
    const x = tf.tensor(Array.from(data), [T, M, C]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), rt)) as tf.Scalar, [bn.weight, bn.bias!]);
    const dx = tf.grad((xi: Tensor) => tf.sum(tf.mul(bn.forward(xi), rt)))(x);
    const loss = (xs: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) =>
      dot(refNorm(xs, T, M, C, true, 1e-5, { gamma: (t, c) => g[t * C + c]!, beta: (t, c) => b[t * C + c]!, post: () => 1 }).y, r);
    const g0 = Float64Array.from(gamma.flat());
    const b0 = Float64Array.from(beta.flat());
    expectClose(
      dx.dataSync(),
      numericGrad((v) => loss(v, g0, b0), data),
      2e-3,
    );
    expectClose(
      grads[bn.weight.name]!.dataSync(),
      numericGrad((v) => loss(data, v, b0), g0),
      2e-3,
    );
    expectClose(
      grads[bn.bias!.name]!.dataSync(),
      numericGrad((v) => loss(data, g0, v), b0),
      2e-3,
    );
    tf.dispose([x, rt, dx, ...Object.values(grads)]);
    bn.dispose();
  });

  it('works with T = 1', () => {
    const bn = new BNTT(C, { timeSteps: 1 });
    const d = data.slice(0, M * C);
    const x = tf.tensor(Array.from(d), [1, M, C]);
    const dx = tf.grad((xi: Tensor) => tf.sum(tf.square(bn.forward(xi))))(x);
    const y = tf.tidy(() => bn.forward(x));
    expectClose(y.dataSync(), refNorm(d, 1, M, C, true, 1e-5, { gamma: () => 1, beta: () => 0, post: () => 1 }).y, 1e-4);
    expect(dx.shape).toEqual([1, M, C]);
    tf.dispose([x, y, dx]);
    bn.dispose();
  });
});

describe('normFactory', () => {
  it('builds each kind, and asks for T where a kind keeps per-step parameters', () => {
    expect(normFactory('bn')(8, 'a')).toBeInstanceOf(BatchNorm2d);
    expect(normFactory('bn', { rank: 3 })(8, 'a')).toBeInstanceOf(BatchNorm1d);
    const td = normFactory('tdbn', { alpha: 0.5, vThreshold: 2 })(8, 'a') as TdBatchNorm;
    expect(td).toBeInstanceOf(TdBatchNorm);
    expect(td.weight.dataSync()[0]).toBe(1);
    expect(normFactory('tebn', { timeSteps: 4 })(8, 'a')).toBeInstanceOf(TEBN);
    expect((normFactory('bntt', { timeSteps: 4 })(8, 'a') as BNTT).weight.shape).toEqual([4, 8]);
    const x = tf.ones([2, 1, 3]);
    expect(normFactory('none')(3, 'a').forward(x)).toBe(x);
    expect(() => normFactory('bntt')(8, 'layer1.bn')).toThrowError(/'layer1\.bn' needs options\.timeSteps/);
    expect(() => normFactory('foo' as 'bn')).toThrowError(SpikeflowError);
  });
});

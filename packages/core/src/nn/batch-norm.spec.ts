import { expectClose, expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { onBackend, randnData } from '../ops/test-utils/compare.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';

/** Plain float64 batch norm over the last axis of row-major data with `c` channels. */
function reference(x: ArrayLike<number>, c: number, w: ArrayLike<number>, b: ArrayLike<number>, eps: number) {
  const n = x.length / c;
  const mean = new Float64Array(c);
  const biasedVar = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c] += x[i] / n;
  for (let i = 0; i < x.length; i++) biasedVar[i % c] += (x[i] - mean[i % c]) ** 2 / n;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = ((x[i] - mean[i % c]) / Math.sqrt(biasedVar[i % c] + eps)) * w[i % c] + b[i % c];
  const unbiasedVar = Array.from(biasedVar, (v) => (v * n) / (n - 1));
  return { y, mean, biasedVar, unbiasedVar, n };
}

function setParams(bn: BatchNorm2d | BatchNorm1d, rng: Rng): void {
  const c = bn.numFeatures;
  bn.weight!.assign(tf.tensor(Array.from({ length: c }, () => 0.5 + rng.uniform())));
  bn.bias!.assign(tf.tensor(Array.from({ length: c }, () => rng.normal())));
}

describe('BatchNorm2d', () => {
  const shape = [3, 2, 4, 5, 6]; // T, B, H, W, C
  const c = 6;

  it('normalises with statistics over T·B·H·W, updates running stats with the unbiased variance, and uses them in eval', () => {
    const rng = new Rng('bn2d');
    const bn = new BatchNorm2d(c, { momentum: 0.3 });
    setParams(bn, rng);
    const w = bn.weight!.dataSync();
    const b = bn.bias!.dataSync();
    let runMean = new Float64Array(c);
    let runVar = new Float64Array(c).fill(1);
    for (let step = 0; step < 2; step++) {
      // Per-channel offsets and scales so the statistics are far from 0/1.
      const xData = Float32Array.from(
        randnData(
          shape.reduce((p, d) => p * d),
          rng,
        ),
        (v, i) => v * (1 + (i % c)) + (i % c) - 2,
      );
      const ref = reference(xData, c, w, b, 1e-5);
      expectClose(bn.forward(tf.tensor(xData, shape)).dataSync(), ref.y, 1e-5, `train y step ${step}`);
      expect(ref.n).toBe(3 * 2 * 4 * 5);
      runMean = runMean.map((m, k) => 0.7 * m + 0.3 * ref.mean[k]);
      runVar = runVar.map((v, k) => 0.7 * v + 0.3 * ref.unbiasedVar[k]);
      expectClose(bn.runningMean.dataSync(), runMean, 1e-5, 'running_mean');
      expectClose(bn.runningVar.dataSync(), runVar, 1e-5, 'running_var');
    }
    bn.eval();
    const xData = randnData(
      shape.reduce((p, d) => p * d),
      rng,
    );
    const want = Float64Array.from(xData, (v, i) => ((v - runMean[i % c]) / Math.sqrt(runVar[i % c] + 1e-5)) * w[i % c] + b[i % c]);
    const before = Array.from(bn.runningMean.dataSync());
    expectClose(bn.forward(tf.tensor(xData, shape)).dataSync(), want, 1e-5, 'eval y');
    expect(Array.from(bn.runningMean.dataSync())).toEqual(before); // eval leaves the running stats alone
  });

  it('has gradients matching the analytic batch-norm backward (float64), on wasm and cpu', async () => {
    const rng = new Rng('bn2d-grad');
    const xData = randnData(
      shape.reduce((p, d) => p * d),
      rng,
    );
    const rData = randnData(xData.length, rng);
    const wData = Array.from({ length: c }, () => 0.5 + rng.uniform());
    const bData = Array.from({ length: c }, () => rng.normal());
    // dL/dx for L = Σ y·r: (w/σ)·(r - mean(r) - x̂·mean(r·x̂)); dL/dw = Σ r·x̂; dL/db = Σ r.
    const ref = reference(xData, c, Array(c).fill(1), Array(c).fill(0), 1e-5);
    const n = ref.n;
    const meanR = new Float64Array(c);
    const meanRX = new Float64Array(c);
    for (let i = 0; i < xData.length; i++) {
      meanR[i % c] += rData[i] / n;
      meanRX[i % c] += (rData[i] * ref.y[i]) / n;
    }
    const wantDx = Float64Array.from(xData, (_, i) => {
      const k = i % c;
      return (wData[k] / Math.sqrt(ref.biasedVar[k] + 1e-5)) * (rData[i] - meanR[k] - ref.y[i] * meanRX[k]);
    });
    const wantDw = Float64Array.from({ length: c }, (_, k) => meanRX[k] * n);
    const wantDb = Float64Array.from({ length: c }, (_, k) => meanR[k] * n);
    for (const backend of ['wasm', 'cpu'] as const) {
      const [dx, dw, db] = await onBackend(backend, () => {
        const bn = new BatchNorm2d(c);
        bn.weight!.assign(tf.tensor(wData));
        bn.bias!.assign(tf.tensor(bData));
        const x = tf.tensor(xData, shape);
        const r = tf.tensor(rData, shape);
        const grads = tf.tidy(() => {
          const gx = tf.grad((v: Tensor) => tf.sum(tf.mul(bn.forward(v), r)))(x);
          const { grads: gv } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), r)) as tf.Scalar, [bn.weight!, bn.bias!]);
          return [gx, gv[bn.weight!.name], gv[bn.bias!.name]];
        });
        const out = grads.map((g) => g.dataSync());
        tf.dispose([...grads, x, r]);
        bn.dispose();
        return out;
      });
      expectClose(dx, wantDx, 1e-5, `${backend} dx`);
      expectClose(dw, wantDw, 1e-5, `${backend} dweight`);
      expectClose(db, wantDb, 1e-5, `${backend} dbias`);
    }
  });

  it('updates running stats inside tf.variableGrads without leaking tensors', () => {
    const bn = new BatchNorm2d(c);
    const xData = Float32Array.from(
      randnData(
        shape.reduce((p, d) => p * d),
        new Rng('bn-tape'),
      ),
      (v) => 3 * v + 2,
    );
    const x = tf.tensor(xData, shape);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.variableGrads(() => tf.sum(tf.square(bn.forward(x))) as tf.Scalar, bn.parameters());
    });
    expect(tf.memory().numTensors).toBe(before);
    const mean0 = xData.filter((_, i) => i % c === 0).reduce((a, v) => a + v, 0) / (xData.length / c);
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(0.1 * mean0, 5); // 0.9·0 + 0.1·batch mean
    bn.eval();
    tf.tidy(() => {
      bn.forward(x);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names parameters and buffers like PyTorch, supports affine=false, and validates shapes', () => {
    expect(new BatchNorm2d(8).namedTensors().map((e) => [e.name, e.trainable])).toEqual([
      ['weight', true],
      ['bias', true],
      ['running_mean', false],
      ['running_var', false],
    ]);
    const plain = new BatchNorm2d(2, { affine: false });
    expect(plain.parameters()).toEqual([]);
    const y = plain.forward(tf.tensor([1, 10, 3, 20, 5, 30, 7, 40], [1, 4, 1, 1, 2])).dataSync();
    expectClose(
      Array.from(y).filter((_, i) => i % 2 === 0),
      [-1.3416, -0.4472, 0.4472, 1.3416],
      1e-4,
      'affine=false',
    );
    expect(new BatchNorm2d(32).describe()).toBe('BatchNorm2d(32)');
    expect(new BatchNorm2d(32, { eps: 1e-3, affine: false }).describe()).toBe('BatchNorm2d(32, eps=0.001, affine=false)');
    const bn = new BatchNorm2d(4);
    expect(() => bn.forward(tf.zeros([2, 3, 5, 5, 3]))).toThrowError('BatchNorm2d(4): expected input [T, B, H, W, 4] (NHWC), got [2, 3, 5, 5, 3]');
    expect(() => bn.forward(tf.zeros([3, 5, 5, 4]))).toThrowError(/got \[3, 5, 5, 4\]/);
    expectSpikeflowError(() => bn.forward(tf.zeros([1, 1, 1, 1, 4])), 'shape-mismatch');
    expect(() => new BatchNorm2d(4, { momentum: 2 })).toThrowError(/momentum/);
  });
});

describe('BatchNorm1d', () => {
  it('normalises [T, B, F] with statistics over T·B and matches the float64 reference in train and eval', () => {
    const rng = new Rng('bn1d');
    const bn = new BatchNorm1d(5);
    setParams(bn, rng);
    const w = bn.weight!.dataSync();
    const b = bn.bias!.dataSync();
    const xData = Float32Array.from(randnData(4 * 3 * 5, rng), (v, i) => 3 * v + (i % 5));
    const ref = reference(xData, 5, w, b, 1e-5);
    expectClose(bn.forward(tf.tensor(xData, [4, 3, 5])).dataSync(), ref.y, 1e-5, 'train y');
    expectClose(
      bn.runningMean.dataSync(),
      Array.from(ref.mean, (m) => 0.1 * m),
      1e-5,
      'running_mean',
    );
    expectClose(
      bn.runningVar.dataSync(),
      ref.unbiasedVar.map((v) => 0.9 + 0.1 * v),
      1e-5,
      'running_var',
    );
    bn.eval();
    const rm = bn.runningMean.dataSync();
    const rv = bn.runningVar.dataSync();
    const want = Float64Array.from(xData, (v, i) => ((v - rm[i % 5]) / Math.sqrt(rv[i % 5] + 1e-5)) * w[i % 5] + b[i % 5]);
    expectClose(bn.forward(tf.tensor(xData, [4, 3, 5])).dataSync(), want, 1e-5, 'eval y');
    expect(() => bn.forward(tf.zeros([4, 3, 2, 5]))).toThrowError('BatchNorm1d(5): expected input [T, B, 5], got [4, 3, 2, 5]');
  });
});

import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { crossEntropyMeanLoss, mseRateLoss, tetLoss } from './losses.js';

// out[t][b][c], labels[b]: float64 references.
const out = [
  [
    [1, 0, 0],
    [0, 1, 1],
  ],
  [
    [1, 1, 0],
    [0, 0, 1],
  ],
];
const labels = [0, 2];
const T = 2,
  B = 2,
  C = 3;

function logSoftmax(v: number[]): number[] {
  const m = Math.max(...v);
  const lse = m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0));
  return v.map((x) => x - lse);
}

describe('losses', () => {
  const o = tf.tensor(out);
  const y = tf.tensor1d(labels, 'int32');

  it('mse-rate = mean over B and C of (mean_t O - onehot)^2', () => {
    let s = 0;
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) {
        const rate = (out[0][b][c] + out[1][b][c]) / T;
        s += (rate - (labels[b] === c ? 1 : 0)) ** 2;
      }
    expect(mseRateLoss().compute(o, y, C).dataSync()[0]).toBeCloseTo(s / (B * C), 6);
  });

  it('ce-mean = CE of the time-mean output', () => {
    let s = 0;
    for (let b = 0; b < B; b++) s -= logSoftmax([0, 1, 2].map((c) => (out[0][b][c] + out[1][b][c]) / T))[labels[b]];
    expect(crossEntropyMeanLoss().compute(o, y, C).dataSync()[0]).toBeCloseTo(s / B, 6);
  });

  it('tet = (1 - λ) mean_t CE(O_t) + λ MSE(O, φ)', () => {
    let ce = 0;
    let mse = 0;
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        ce -= logSoftmax(out[t][b])[labels[b]] / (T * B);
        for (let c = 0; c < C; c++) mse += (out[t][b][c] - 1) ** 2 / (T * B * C);
      }
    expect(tetLoss({ lambda: 0.05, means: 1 }).compute(o, y, C).dataSync()[0]).toBeCloseTo(0.95 * ce + 0.05 * mse, 6);
    expect(tetLoss({ lambda: 0 }).compute(o, y, C).dataSync()[0]).toBeCloseTo(ce, 6);
  });

  it('rejects outputs that are not [T, B, C]', () => {
    expect(() => mseRateLoss().compute(tf.zeros([2, 3]), y, C)).toThrowError(/\[T, B, 3\]/);
    expect(() => mseRateLoss().compute(o, tf.tensor1d([1], 'int32'), C)).toThrowError(/labels \[2\]/);
  });
});

import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { createSpikeflow } from '../plugin/spikeflow.js';
import type { Metric } from '../contracts/metric.js';

const sf = createSpikeflow();
const D = 3;
const target = { kind: 'regression' as const, shape: [D] };

/** Random split: N rows of D columns, targets far from 0 (stresses cancellation), predictions noisy. */
function split(n: number, seed: number): { y: Float64Array; p: Float64Array } {
  const rng = new Rng(seed);
  const y = new Float64Array(n * D);
  const p = new Float64Array(n * D);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++) {
      const v = 1000 * (j + 1) + (j + 1) * rng.normal();
      y[i * D + j] = v;
      p[i * D + j] = v + 0.7 * rng.normal() + 0.1 * j;
    }
  return { y, p };
}

/** Independent float64 references over the whole split, two-pass, straight from the definitions. */
function reference(y: Float64Array, p: Float64Array) {
  const n = y.length / D;
  const col = (a: Float64Array, j: number) => Array.from({ length: n }, (_, i) => a[i * D + j]!);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  let sse = 0,
    sae = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (y[i]! - p[i]!) ** 2;
    sae += Math.abs(y[i]! - p[i]!);
  }
  const grand = mean(Array.from(y));
  let sst = 0;
  for (const v of y) sst += (v - grand) ** 2;
  let corr = 0,
    r2cols = 0;
  for (let j = 0; j < D; j++) {
    const yc = col(y, j),
      pc = col(p, j);
    const my = mean(yc),
      mp = mean(pc);
    let c = 0,
      vy = 0,
      vp = 0,
      e = 0;
    for (let i = 0; i < n; i++) {
      c += (yc[i]! - my) * (pc[i]! - mp);
      vy += (yc[i]! - my) ** 2;
      vp += (pc[i]! - mp) ** 2;
      e += (yc[i]! - pc[i]!) ** 2;
    }
    corr += c / Math.sqrt(vy * vp) / D;
    r2cols += (1 - e / vy) / D;
  }
  const mse = sse / y.length;
  return { mse, mae: sae / y.length, rmse: Math.sqrt(mse), r2: 1 - sse / sst, r2cols, rrse: Math.sqrt(sse) / Math.sqrt(sst), corr };
}

/** Feed a split in uneven batches, as float32 arrays the way a task's predict() delivers them. */
function feed(metric: Metric, y: Float64Array, p: Float64Array, sizes: number[]): void {
  let at = 0;
  for (let k = 0; at < y.length / D; k++) {
    const b = Math.min(sizes[k % sizes.length]!, y.length / D - at);
    metric.update(p.subarray(at * D, (at + b) * D), y.subarray(at * D, (at + b) * D));
    at += b;
  }
}

function close(actual: number, expected: number, tol = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('streamed regression metrics', () => {
  const { y, p } = split(503, 11);
  const ref = reference(y, p);
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['mse', {}, ref.mse],
    ['mae', {}, ref.mae],
    ['rmse', {}, ref.rmse],
    ['r2', {}, ref.r2],
    ['r2', { average: 'columns' }, ref.r2cols],
    ['rrse', {}, ref.rrse],
    ['corr', {}, ref.corr],
  ];

  it.each(cases)('%s %j over uneven batches equals the float64 whole-split value to 1e-12', (id, options, expected) => {
    const m = sf.metric(id, options, { target });
    feed(m, y, p, [1, 37, 200, 3, 90]);
    close(m.result(), expected);
    // Another cut of the same split gives the same value: nothing is an average of batch values.
    m.reset();
    feed(m, y, p, [503]);
    close(m.result(), expected);
  });

  it('R² flattened is 1 − RRSE² (both about the grand mean)', () => {
    const r2 = sf.metric('r2', {}, { target });
    const rrse = sf.metric('rrse', {}, { target });
    feed(r2, y, p, [64]);
    feed(rrse, y, p, [17]);
    close(r2.result(), 1 - rrse.result() ** 2);
  });

  it('hand cases: perfect prediction, constant-mean prediction, affine prediction, constant prediction', () => {
    const yy = Float64Array.from([1, 10, 2, 20, 3, 30, 4, 40]);
    const t2 = { target: { kind: 'regression' as const, shape: [2] } };
    const perfect = ['r2', 'rrse', 'mse', 'corr'].map((id) => {
      const m = sf.metric(id, {}, t2);
      m.update(yy, yy);
      return m.result();
    });
    expect(perfect.slice(0, 3)).toEqual([1, 0, 0]);
    expect(perfect[3]).toBeCloseTo(1, 14);
    // Predicting the grand mean everywhere: SSE = SST, so R² = 0 and RRSE = 1.
    const grand = yy.reduce((a, b) => a + b) / yy.length;
    const flat = new Float64Array(8).fill(grand);
    const r2 = sf.metric('r2', {}, t2);
    r2.update(flat, yy);
    const rrse = sf.metric('rrse', {}, t2);
    rrse.update(flat, yy);
    expect(r2.result()).toBeCloseTo(0, 14);
    expect(rrse.result()).toBeCloseTo(1, 14);
    // Predicting each column's mean: per-column R² = 0.
    const colMean = Float64Array.from([2.5, 25, 2.5, 25, 2.5, 25, 2.5, 25]);
    const r2c = sf.metric('r2', { average: 'columns' }, t2);
    r2c.update(colMean, yy);
    expect(r2c.result()).toBeCloseTo(0, 14);
    // CORR is invariant to an affine map of the prediction; a constant prediction has no correlation (NaN, as in LSTNet).
    const corr = sf.metric('corr', {}, t2);
    corr.update(
      yy.map((v) => 3 * v - 7),
      yy,
    );
    expect(corr.result()).toBeCloseTo(1, 14);
    const flatCorr = sf.metric('corr', {}, t2);
    flatCorr.update(flat, yy);
    expect(flatCorr.result()).toBeNaN();
    // MAE and MSE by hand: residuals 1, -1, 2, 0.
    const mae = sf.metric('mae', {}, { target: { kind: 'regression', shape: [] } });
    const mse = sf.metric('mse', {}, { target: { kind: 'regression', shape: [] } });
    for (const m of [mae, mse]) m.update([2, 0, 5, 4], [1, 1, 3, 4]);
    expect(mae.result()).toBe(1);
    expect(mse.result()).toBe(1.5);
  });

  it('CORR skips series whose target is constant over the split (LSTNet: sigma_g != 0)', () => {
    const corr = sf.metric('corr', {}, { target: { kind: 'regression', shape: [2] } });
    // Column 0 varies and is predicted with r = -1; column 1 is constant.
    corr.update([3, 9, 2, 1, 1, 0], [1, 5, 2, 5, 3, 5]);
    expect(corr.result()).toBeCloseTo(-1, 14);
  });

  it('a mask counts only the selected samples', () => {
    const masked = sf.metric('r2', {}, { target });
    const mask = Array.from({ length: 503 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    masked.update(p, y, mask);
    const kept = (a: Float64Array) => Float64Array.from(Array.from(a).filter((_, i) => Math.floor(i / D) % 3 === 0));
    const ref2 = reference(kept(y), kept(p));
    close(masked.result(), ref2.r2);
  });

  it('per-step (sequence) targets: each step of each series is a column', () => {
    const seq = { target: { kind: 'sequence' as const, steps: 2, item: { kind: 'regression' as const, shape: [3] } } };
    const m = sf.metric('mse', {}, seq);
    m.update(new Float32Array(12).fill(1), new Float32Array(12));
    expect(m.result()).toBe(1);
    expect(() => m.update(new Float32Array(6), new Float32Array(6), [1, 1])).toThrowError(/mask with one entry per sample \(1\)/);
  });

  it('refuses mis-shaped input, non-finite targets, label targets and an empty split with typed errors', () => {
    const m = sf.metric('mse', {}, { target });
    const err = (f: () => unknown, kind: string, re: RegExp) => expectSpikeflowError(f, kind, re);
    err(() => m.result(), 'invalid-state', /'core\/mse' has seen no samples/);
    err(() => m.update([1, 2, 3], [1, 2]), 'shape-mismatch', /3 target value\(s\) per sample, got 2/);
    err(() => m.update([1, 2], [1, 2, 3]), 'shape-mismatch', /3 prediction value\(s\) per sample.*got 2/);
    err(() => m.update([1, 2, 3], [1, Number.NaN, 3]), 'dataset-corrupt', /target value 1 is NaN/);
    err(() => sf.metric('r2', {}, { target: { kind: 'class', numClasses: 3 } }), 'invalid-options', /'core\/r2' takes regression targets, got a 'class' target/);
    err(() => sf.metric('r2', { average: 'rows' }, { target }), 'invalid-options', /invalid options for metric 'core\/r2'/);
  });
});

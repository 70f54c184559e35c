// The regression bar from the command line: a small spiking MLP with a membrane read-out forecasts the
// next hour of ETTh1's oil temperature (OT) from the last 24 hours; the loss falls, test R² > 0.5, and
// the metrics `spikeflow eval` reports equal a float64 recomputation from its saved predictions.
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { runCli } from '../test-utils/run-cli.js';
import { jsonLines, lastJson } from '../test-utils/json-lines.js';

const DATA = fileURLToPath(new URL('../../../../../shared/data/timeseries', import.meta.url));
const haveData = existsSync(path.join(DATA, 'ETTh1.csv'));

interface Epoch {
  type: string;
  epoch: number;
  trainLoss: number;
  trainAccuracy?: number;
  metrics: Record<string, number>;
  validMetrics: Record<string, number>;
  testMetrics: Record<string, number>;
  selection: { split: string; metric: string; best: boolean; value: number };
}

/** MSE, MAE, RMSE, R² (pooled about the grand mean), RRSE and CORR (Pearson per column, mean) in float64. */
function referenceMetrics(pred: number[][], target: number[][]): Record<string, number> {
  const n = pred.length;
  const cols = target[0]!.length;
  let sse = 0;
  let sae = 0;
  let grand = 0;
  for (const row of target) for (const v of row) grand += v;
  grand /= n * cols;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) {
      const e = target[i]![j]! - pred[i]![j]!;
      sse += e * e;
      sae += Math.abs(e);
      sst += (target[i]![j]! - grand) ** 2;
    }
  }
  let corr = 0;
  for (let j = 0; j < cols; j++) {
    const mp = pred.reduce((a, r) => a + r[j]!, 0) / n;
    const mt = target.reduce((a, r) => a + r[j]!, 0) / n;
    let cov = 0;
    let vp = 0;
    let vt = 0;
    for (let i = 0; i < n; i++) {
      cov += (pred[i]![j]! - mp) * (target[i]![j]! - mt);
      vp += (pred[i]![j]! - mp) ** 2;
      vt += (target[i]![j]! - mt) ** 2;
    }
    corr += cov / Math.sqrt(vp * vt) / cols;
  }
  const values = n * cols;
  return { mse: sse / values, mae: sae / values, rmse: Math.sqrt(sse / values), r2: 1 - sse / sst, rrse: Math.sqrt(sse) / Math.sqrt(sst), corr };
}

describe.skipIf(!haveData)('forecasting ETTh1 from the CLI', () => {
  const run = path.join(tempDir('sf-forecast-'), 'run');
  let epochs: Epoch[] = [];
  let summary: Record<string, any> = {};
  beforeAll(async () => {
    const r = await runCli(
      'train',
      '--backend',
      'wasm',
      '--data-dir',
      DATA,
      '--dataset',
      'etth1',
      '--dataset-opt',
      'window=24',
      '--dataset-opt',
      'horizon=1',
      '--dataset-opt',
      'targets=OT',
      '--model-opt',
      'hidden=[64]',
      '--model-opt',
      'output=membrane',
      '--task-opt',
      'readOut=last',
      '-T',
      '4',
      '--batch-size',
      '32',
      '--epochs',
      '3',
      '--lr',
      '3e-3',
      '--out',
      run,
      '--json',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    epochs = lines.filter((l) => l.type === 'epoch') as Epoch[];
    summary = lines.find((l) => l.type === 'summary')!;
  }, 180_000);

  it('trains a regression task: the loss falls, every metric per split, test R² > 0.5, best checkpoint by valid R²', () => {
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    for (const e of epochs) {
      expect(e.trainAccuracy).toBeUndefined();
      for (const m of [e.metrics, e.validMetrics, e.testMetrics]) expect(Object.keys(m).sort()).toEqual(['corr', 'mae', 'mse', 'r2', 'rmse', 'rrse']);
      expect(e.selection).toMatchObject({ split: 'valid', metric: 'r2', value: e.validMetrics.r2 });
    }
    expect(epochs[2]!.testMetrics.r2).toBeGreaterThan(0.5);
    expect(summary.task).toBe('core/regression');
    expect(summary.testMetrics).toEqual(epochs[2]!.testMetrics);
    const bestR2 = Math.max(...epochs.map((e) => e.validMetrics.r2));
    expect(summary.best).toMatchObject({ split: 'valid', metric: 'r2', value: bestR2, epoch: epochs.findIndex((e) => e.validMetrics.r2 === bestR2) + 1 });
    // The run records its task and the loss it resolved to; so does every checkpoint.
    const config = JSON.parse(readFileSync(path.join(run, 'config.json'), 'utf8'));
    expect(config.task).toEqual({ id: 'core/regression', options: { readOut: 'last', loss: 'mse', select: 'r2' } });
    expect(config.loss).toEqual({ id: 'core/mse', options: {} });
    const state = JSON.parse(readFileSync(path.join(run, 'checkpoints', 'best', 'state.json'), 'utf8'));
    expect(state.config.task.id).toBe('core/regression');
    expect(readFileSync(path.join(run, 'checkpoints', 'latest'), 'utf8').trim()).toBe('epoch-003');
  });

  it("eval prints the task's metrics and saves predictions whose float64 metrics match to 1e-6", async () => {
    const preds = path.join(path.dirname(run), 'preds.json');
    const best = path.join(run, 'checkpoints', 'best');
    const r = await runCli('eval', '--checkpoint', best, '--data-dir', DATA, '--save-predictions', preds, '--json');
    expect(r.code, r.stderr).toBe(0);
    const ev = JSON.parse(r.stdout.trim()) as { task: string; metrics: Record<string, number>; samples: number; testLoss: number };
    expect(ev.task).toBe('core/regression');
    const file = JSON.parse(readFileSync(preds, 'utf8')) as { predictions: number[][]; targets: number[][]; indices: number[]; metrics: Record<string, number>; target: unknown };
    expect(file.target).toEqual({ kind: 'regression', shape: [1, 1] });
    expect(file.predictions.length).toBe(ev.samples);
    const ref = referenceMetrics(file.predictions, file.targets);
    for (const k of ['mse', 'mae', 'rmse', 'r2', 'rrse', 'corr']) {
      expect(Math.abs(ev.metrics[k]! - ref[k]!), k).toBeLessThan(1e-6);
      expect(file.metrics[k]).toBe(ev.metrics[k]);
    }
    expect(Math.abs(ev.testLoss - ref.mse!)).toBeLessThan(1e-6);
    // The evaluated best epoch scored the same on test during training.
    const bestEpoch = epochs.filter((e) => e.selection.best).at(-1)!;
    for (const k of ['mse', 'r2']) expect(Math.abs(ev.metrics[k]! - bestEpoch.testMetrics[k]!)).toBeLessThan(1e-6);

    // The saved targets are ETTh1's OT column one hour after each window, z-scored with the train
    // rows' (0–8639) mean and population std, read here from the CSV itself.
    const rows = readFileSync(path.join(DATA, 'ETTh1.csv'), 'utf8').trim().split('\n');
    const ot = rows[0]!.split(',').indexOf('OT');
    const values = rows.slice(1).map((l) => Number(l.split(',')[ot]));
    const train = values.slice(0, 8640);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
    expect(file.indices.length).toBe(2880);
    for (const i of [0, 1, 1000, 2879]) {
      expect(file.targets[file.indices.indexOf(i)]![0]).toBeCloseTo((values[11520 + i]! - mean) / std, 5);
    }

    const text = await runCli('eval', '--checkpoint', best, '--data-dir', DATA, '--test-subset', '100');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^checkpoint .*best: core\/regression test loss \d\.\d{4} mse \d\.\d{4} mae \d\.\d{4} rmse \d\.\d{4} r2 -?\d\.\d{4} rrse \d\.\d{4} corr -?\d\.\d{4} \| test: 100 of 2880 samples/,
    );
  }, 120_000);

  it('refuses a classification loss for a forecasting run and an unknown selection metric, naming what fits', async () => {
    const base = ['train', '--backend', 'wasm', '--data-dir', DATA, '--dataset', 'etth1', '--dataset-opt', 'targets=OT', '--max-steps', '1', '--json', '--quiet'];
    const loss = await runCli(...base, '--loss', 'ce-mean', '--out', path.join(path.dirname(run), 'bad1'));
    expect(loss.code).toBe(2);
    expect(lastJson(loss.stdout).message).toMatch(/loss 'ce-mean' does not fit task 'core\/regression' \(regression targets\); it takes core\/mse, core\/mae, core\/huber/);
    const select = await runCli(...base, '--select', 'valid:accuracy', '--out', path.join(path.dirname(run), 'bad2'));
    expect(select.code).toBe(2);
    expect(lastJson(select.stdout).message).toMatch(/--select valid:accuracy: task 'core\/regression' has no metric 'accuracy'; it reports mse, mae, rmse, r2, rrse, corr, loss/);
  }, 60_000);

  it("the report plots every metric of the task per split (the forecasting run's loss, mse ... corr)", async () => {
    const r = await runCli('report', run, '--data-dir', DATA, '--backend', 'wasm', '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const result = lastJson(r.stdout) as { figures: Array<{ id: string; svg: string }> };
    const curves = readFileSync(result.figures.find((f) => f.id === 'training-curves')!.svg, 'utf8');
    for (const name of ['loss', 'mse', 'mae', 'rmse', 'r2', 'rrse', 'corr']) expect(curves).toContain(`>${name}</text>`);
    for (const split of ['train', 'valid', 'test']) expect(curves).toContain(`>${split}</text>`);
  }, 120_000);

  it('--print-config shows the task and the loss the run will use (core/mse, not the classification default)', async () => {
    const r = await runCli('train', '--backend', 'wasm', '--data-dir', DATA, '--dataset', 'etth1', '--dataset-opt', 'targets=OT', '--print-config', '--json');
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout) as { task: { id: string }; loss: { id: string } };
    expect(config.task.id).toBe('core/regression');
    expect(config.loss.id).toBe('core/mse');
    // A loss given on the command line is kept when it fits.
    const mae = JSON.parse((await runCli('train', '--backend', 'wasm', '--dataset', 'etth1', '--loss', 'mae', '--print-config', '--json')).stdout) as { loss: { id: string } };
    expect(mae.loss.id).toBe('mae');
  }, 60_000);
});

import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createSpikeflow } from '@spikeflow/core';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { datasets } from '../plugin.js';
import { readSeriesFile } from './read-series-file.js';
import { etth1Spec, exchangeRateSpec } from './time-series-spec.js';
import { openTimeSeries } from './open-time-series.js';
import type { TimeSeriesDataset } from './time-series-dataset.js';

const DIR = process.env.SPIKEFLOW_TIMESERIES_DIR ?? fileURLToPath(new URL('../../../../../shared/data/timeseries', import.meta.url));
const installed = existsSync(path.join(DIR, 'ETTh1.csv')) && existsSync(path.join(DIR, 'exchange_rate.txt.gz'));
const sf = createSpikeflow({ plugins: [datasets()] });

/** The raw file parsed the plain way, independent of readSeriesFile. */
function rawRows(file: string, header: boolean, dateColumn: boolean): number[][] {
  const bytes = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').trim();
  return text
    .split('\n')
    .slice(header ? 1 : 0)
    .map((l) =>
      l
        .split(',')
        .slice(dateColumn ? 1 : 0)
        .map(Number),
    );
}

/** Float64 mean and population std per column over rows [0, end). */
function stats(rows: number[][], end: number): { mean: number[]; std: number[] } {
  const D = rows[0]!.length;
  const mean = Array.from({ length: D }, (_, j) => rows.slice(0, end).reduce((s, r) => s + r[j]!, 0) / end);
  const std = mean.map((m, j) => Math.sqrt(rows.slice(0, end).reduce((s, r) => s + (r[j]! - m) ** 2, 0) / end));
  return { mean, std };
}

function expectWindow(
  ds: TimeSeriesDataset,
  i: number,
  rows: number[][],
  s: { mean: number[]; std: number[] },
  inputStart: number,
  targetStart: number,
  targetRows: number,
  targets: number[],
): void {
  const { x, y } = ds.getBatch([i]);
  const D = rows[0]!.length;
  expect(x.length).toBe(ds.window * D);
  for (let t = 0; t < ds.window; t++)
    for (let j = 0; j < D; j++) {
      expect(x[t * D + j]).toBeCloseTo((rows[inputStart + t]![j]! - s.mean[j]!) / s.std[j]!, 5);
    }
  expect(y.length).toBe(targetRows * targets.length);
  for (let t = 0; t < targetRows; t++)
    targets.forEach((j, k) => {
      expect(y[t * targets.length + k]).toBeCloseTo((rows[targetStart + t]![j]! - s.mean[j]!) / s.std[j]!, 5);
    });
}

describe.skipIf(!installed)(`real forecasting series in ${DIR} (skipped when ../shared is absent; set SPIKEFLOW_TIMESERIES_DIR)`, () => {
  it("ETTh1: 17,420 rows of 7 variables, Informer's 12/4/4-month splits, train-split z-scores, windows from the raw rows", async () => {
    const table = await readSeriesFile(path.join(DIR, 'ETTh1.csv'), etth1Spec);
    expect(table.rows).toBe(17420);
    expect(table.columns).toEqual(['HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT']);
    const rows = rawRows(path.join(DIR, 'ETTh1.csv'), true, true);
    expect(rows.length).toBe(17420);
    const ref = stats(rows, 8640);
    const window = 96,
      horizon = 24;
    const open = (split: 'train' | 'valid' | 'test') => sf.taskDataset('etth1', { split, dataDir: DIR, window, horizon, targets: ['OT'] }) as Promise<TimeSeriesDataset>;
    const [train, valid, test] = await Promise.all([open('train'), open('valid'), open('test')]);
    // Informer: border1s = [0, 8640 − window, 11520 − window], border2s = [8640, 11520, 14400]; len = border2 − border1 − window − horizon + 1.
    expect(train.length).toBe(8640 - 0 - window - horizon + 1);
    expect(valid.length).toBe(11520 - (8640 - window) - window - horizon + 1);
    expect(test.length).toBe(14400 - (11520 - window) - window - horizon + 1);
    expect(train.targetSpec).toEqual({ kind: 'regression', shape: [24, 1] });
    expect(train.sampleShape).toEqual([96, 7]);
    for (let j = 0; j < 7; j++) {
      expect(Math.abs(train.stats.mean[j]! - ref.mean[j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.mean[j]!));
      expect(Math.abs(train.stats.std[j]! - ref.std[j]!)).toBeLessThanOrEqual(1e-12 * ref.std[j]!);
    }
    // Sample i of a split reads rows border1 + i .. + window, and forecasts the horizon rows after.
    expectWindow(train, 0, rows, ref, 0, 96, 24, [6]);
    expectWindow(valid, 0, rows, ref, 8640 - 96, 8640, 24, [6]);
    expectWindow(test, test.length - 1, rows, ref, 11520 - 96 + test.length - 1, 14400 - 24, 24, [6]);
    expect(test.sampleRows(test.length - 1).targetStart + horizon).toBe(14400);
  });

  it("exchange_rate: 7,588 rows of 8 countries, LSTNet's 60/20/20 split and point targets h steps ahead", async () => {
    const rows = rawRows(path.join(DIR, 'exchange_rate.txt.gz'), false, false);
    expect(rows.length).toBe(7588);
    expect(rows[0]!.length).toBe(8);
    const trainEnd = Math.trunc(0.6 * 7588),
      validEnd = Math.trunc(0.8 * 7588);
    const ref = stats(rows, trainEnd);
    const P = 168,
      h = 3;
    const open = (split: 'train' | 'valid' | 'test') => sf.taskDataset('exchange-rate', { split, dataDir: DIR }) as Promise<TimeSeriesDataset>;
    const [train, valid, test] = await Promise.all([open('train'), open('valid'), open('test')]);
    // LSTNet: train idx in range(P + h − 1, train), valid range(train, valid), test range(valid, n); X = dat[idx − h − P + 1 : idx − h + 1], Y = dat[idx].
    expect([train.length, valid.length, test.length]).toEqual([trainEnd - (P + h - 1), validEnd - trainEnd, 7588 - validEnd]);
    expect(valid.targetSpec).toEqual({ kind: 'regression', shape: [8] });
    expect(Array.from(valid.stats.std).every((v, j) => Math.abs(v - ref.std[j]!) <= 1e-12 * ref.std[j]!)).toBe(true);
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    expectWindow(train, 0, rows, ref, 0, P + h - 1, 1, all);
    const idx = trainEnd + 17;
    expectWindow(valid, 17, rows, ref, idx - h - P + 1, idx, 1, all);
    expectWindow(test, test.length - 1, rows, ref, 7587 - h - P + 1, 7587, 1, all);
  });

  it('refuses options that do not fit with typed errors', async () => {
    await expectSpikeflowError(
      sf.taskDataset('etth1', { split: 'train', dataDir: DIR, targets: ['XX'] }),
      'invalid-options',
      /^etth1: unknown target column 'XX'; the columns are HUFL, .*OT/,
    );
    await expectSpikeflowError(
      sf.taskDataset('etth1', { split: 'valid', dataDir: DIR, window: 96, horizon: 3000 }),
      'invalid-options',
      /^etth1 valid: a window of 96 and a horizon of 3000 leave no sample/,
    );
    await expectSpikeflowError(sf.taskDataset('etth1', { split: 'train', dataDir: DIR, window: 0 }), 'invalid-options', /^invalid options for dataset 'datasets\/etth1'/);
    await expectSpikeflowError(sf.dataset('etth1', { split: 'train', dataDir: DIR }), 'not-supported', /float targets, not class labels; open it with sf.taskDataset/);
    await expectSpikeflowError(sf.taskDataset('mnist', { split: 'train' }), 'not-supported', /^dataset 'datasets\/mnist' has class labels.*datasets\/etth1/);
    const ds = (await sf.taskDataset('etth2', { split: 'test', dataDir: DIR })) as TimeSeriesDataset;
    expect(() => ds.getBatch([ds.length])).toThrowError(/sample index \d+ \(position 0 of the batch\) is outside 0\.\./);
  });
});

describe('series files', () => {
  const layout = { header: true, dateColumn: true };

  it('reads csv and gzip-compressed txt, naming columns by header or position', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'a.csv'), 'date,u,v\n2020-01-01,1.5,-2\n2020-01-02,3e2,.5\n');
    const a = await readSeriesFile(path.join(dir, 'a.csv'), layout);
    expect(a.columns).toEqual(['u', 'v']);
    expect(Array.from(a.values)).toEqual([1.5, -2, 300, 0.5]);
    await fs.writeFile(path.join(dir, 'b.txt.gz'), gzipSync('1,2,3\r\n4,5,6\r\n'));
    const b = await readSeriesFile(path.join(dir, 'b.txt.gz'), { header: false, dateColumn: false });
    expect(b.columns).toEqual(['0', '1', '2']);
    expect(b.rows).toBe(2);
    expect(Array.from(b.values)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the line and column of ragged rows and non-numeric cells, and the path of a missing file', async () => {
    const dir = await tempDir();
    const write = async (name: string, text: string) => {
      await fs.writeFile(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const ragged = await write('r.csv', 'date,u,v\nd,1,2\nd,3\n');
    expect((await expectSpikeflowError(readSeriesFile(ragged, layout), 'dataset-corrupt')).message).toBe(`series file ${ragged}: line 3 has 2 cell(s); expected 3 like line 1`);
    const word = await write('w.csv', 'date,u,v\nd,1,2\nd,3,abc\n');
    expect((await expectSpikeflowError(readSeriesFile(word, layout), 'dataset-corrupt')).message).toBe(
      `series file ${word}: line 3, column 3 ('v') is "abc"; expected a decimal number`,
    );
    const empty = await write('e.csv', 'date,u,v\nd,,2\n');
    await expectSpikeflowError(readSeriesFile(empty, layout), 'dataset-corrupt', /line 2, column 2 \('u'\) is ""; expected a decimal number/);
    const hex = await write('h.txt', '1,0x10\n');
    await expectSpikeflowError(readSeriesFile(hex, { header: false, dateColumn: false }), 'dataset-corrupt', /line 1, column 2 \(variable 1\) is "0x10"/);
    const missing = path.join(dir, 'nope.csv');
    await expectSpikeflowError(readSeriesFile(missing, layout), 'dataset-missing', new RegExp(`^cannot read series file ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const notGzip = path.join(dir, 'z.txt.gz');
    await fs.writeFile(notGzip, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really')]));
    await expectSpikeflowError(readSeriesFile(notGzip, layout), 'dataset-corrupt', /starts like gzip but does not inflate/);
  });

  it('a data folder without the files is dataset-missing naming where it looked; a short file is dataset-corrupt', async () => {
    const dir = await tempDir();
    await expectSpikeflowError(
      openTimeSeries(etth1Spec, { split: 'train', dataDir: dir }),
      'dataset-missing',
      new RegExp(`^etth1: none of ETTh1\\.csv, ETTh1\\.csv\\.gz found; looked in ${dir}, ${dir}/etth1`),
    );
    await fs.writeFile(path.join(dir, 'exchange_rate.txt'), Array.from({ length: 50 }, (_, i) => `${i},${i * 2}`).join('\n'));
    const small = await openTimeSeries(exchangeRateSpec, { split: 'test', dataDir: dir, window: 4, horizon: 1 });
    // 50 rows: test rows 40..49, train statistics over rows 0..29 (mean 14.5, population std sqrt((30² − 1)/12)).
    expect(small.length).toBe(10);
    expect(small.stats.mean[0]).toBeCloseTo(14.5, 12);
    expect(small.stats.std[0]).toBeCloseTo(Math.sqrt((30 ** 2 - 1) / 12), 12);
    expect(small.getBatch([0]).y[1]).toBeCloseTo((80 - 29) / (2 * Math.sqrt((30 ** 2 - 1) / 12)), 5);
    await fs.writeFile(path.join(dir, 'ETTh1.csv'), 'date,a\nd,1\nd,2\n');
    await expectSpikeflowError(
      openTimeSeries(etth1Spec, { split: 'train', dataDir: dir }),
      'dataset-corrupt',
      /^etth1: .*ETTh1\.csv has 2 rows; its standard splits .* need 14400/,
    );
  });
});

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SpikeflowError, type TaskSplit } from '@spikeflow/core';
import { checkDataDir, datasetSearchPath, type DataLocationOptions } from '../locate/search-path.js';
import { readSeriesFile, type SeriesTable } from './read-series-file.js';
import type { TimeSeriesSpec } from './time-series-spec.js';
import { TimeSeriesDataset } from './time-series-dataset.js';

/** Options of a forecasting dataset (see {@link openTimeSeries}). */
export interface TimeSeriesOptions {
  /** Lookback rows per sample. */
  readonly window?: number;
  /** Rows ahead forecast (span: how many; point: how far). */
  readonly horizon?: number;
  readonly forecast?: 'span' | 'point';
  /** Columns forecast: `all` or names (ETT: `['OT']`; exchange_rate: `'0'`…`'7'`). */
  readonly targets?: 'all' | readonly string[];
  /** Columns fed to the model: `all` (multivariate) or only the `targets`. */
  readonly inputs?: 'all' | 'targets';
  /** z-score every column with the train split's statistics (default true). */
  readonly normalize?: boolean;
}

/** Open options: the split, where to look, and the forecasting options. */
export interface OpenTimeSeriesOptions extends TimeSeriesOptions, DataLocationOptions {
  readonly split: TaskSplit;
}

/** Find the first of the spec's files on the search path (`--data-dir` alone when given). */
async function locate(spec: TimeSeriesSpec, options: DataLocationOptions): Promise<string> {
  if (options.dataDir) await checkDataDir(spec.id, options.dataDir, spec.files.join(' or '));
  const folders = datasetSearchPath(spec.id, options);
  const tried: string[] = [];
  for (const { dir } of folders) {
    for (const name of spec.files) {
      const file = path.join(dir, name);
      tried.push(file);
      if ((await fs.stat(file).catch(() => undefined))?.isFile()) return file;
    }
  }
  throw new SpikeflowError(
    'dataset-missing',
    `${spec.id}: none of ${spec.files.join(', ')} found; looked in ${folders.map((f) => f.dir).join(', ')}. Download it from ${spec.source} into one of them (or pass --data-dir).`,
    { dataset: spec.id, tried },
  );
}

/**
 * Column mean and population standard deviation over rows `[0, trainEnd)`, two-pass in float64 (what
 * scikit-learn's `StandardScaler`, used by Informer, fits). A constant column gets std 1, as there.
 */
export function trainStatistics(table: SeriesTable, trainEnd: number): { mean: Float64Array; std: Float64Array } {
  const D = table.columns.length;
  const mean = new Float64Array(D);
  const std = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    let s = 0;
    for (let r = 0; r < trainEnd; r++) s += table.values[r * D + j]!;
    const m = s / trainEnd;
    let q = 0;
    for (let r = 0; r < trainEnd; r++) q += (table.values[r * D + j]! - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(q / trainEnd) || 1;
  }
  return { mean, std };
}

function columnIndices(spec: TimeSeriesSpec, table: SeriesTable, targets: 'all' | readonly string[]): number[] {
  if (targets === 'all') return table.columns.map((_, j) => j);
  if (targets.length === 0) throw new SpikeflowError('invalid-options', `${spec.id}: targets is empty; name columns of ${table.columns.join(', ')} or use 'all'`);
  return targets.map((name) => {
    const j = table.columns.indexOf(name);
    if (j < 0) throw new SpikeflowError('invalid-options', `${spec.id}: unknown target column '${name}'; the columns are ${table.columns.join(', ')}`);
    return j;
  });
}

/**
 * Open one split of a forecasting benchmark: find its file, read it, z-score every column with the
 * mean and standard deviation of the train split's rows (so valid and test see no statistics of
 * their own), and cut sliding windows. The splits are chronological, as the spec documents.
 *
 * @example
 * ```ts
 * const train = await openTimeSeries(etth1Spec, { split: 'train', window: 96, horizon: 24, targets: ['OT'] });
 * train.getBatch([0]).y; // the 24 normalised OT values after the first 96 rows
 * ```
 */
export async function openTimeSeries(spec: TimeSeriesSpec, options: OpenTimeSeriesOptions): Promise<TimeSeriesDataset> {
  const window = options.window ?? spec.defaults.window;
  const horizon = options.horizon ?? spec.defaults.horizon;
  const forecast = options.forecast ?? spec.defaults.forecast;
  if (!['train', 'valid', 'test'].includes(options.split)) {
    throw new SpikeflowError('invalid-options', `${spec.id}: split must be 'train', 'valid' or 'test', got ${JSON.stringify(options.split)}`);
  }
  for (const [k, v] of [
    ['window', window],
    ['horizon', horizon],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new SpikeflowError('invalid-options', `${spec.id}: ${k} must be a positive integer, got ${v}`);
  }
  const file = await locate(spec, options);
  const table = await readSeriesFile(file, spec);
  const splits = spec.splitRows(table.rows);
  if (splits.test[1] > table.rows) {
    throw new SpikeflowError('dataset-corrupt', `${spec.id}: ${file} has ${table.rows} rows; its standard splits (${spec.splitNote}) need ${splits.test[1]}`, { file });
  }
  const stats =
    options.normalize === false ? { mean: new Float64Array(table.columns.length), std: new Float64Array(table.columns.length).fill(1) } : trainStatistics(table, splits.train[1]);
  const D = table.columns.length;
  const values = new Float64Array(table.values.length);
  for (let i = 0; i < values.length; i++) values[i] = (table.values[i]! - stats.mean[i % D]!) / stats.std[i % D]!;
  const targetColumns = columnIndices(spec, table, options.targets ?? 'all');
  const inputColumns = (options.inputs ?? 'all') === 'all' ? table.columns.map((_, j) => j) : targetColumns;
  return new TimeSeriesDataset({
    name: spec.id,
    split: options.split,
    values,
    columns: table.columns,
    rows: splits[options.split],
    window,
    horizon,
    forecast,
    inputColumns,
    targetColumns,
    stats,
  });
}

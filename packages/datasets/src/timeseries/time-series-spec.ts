import type { TaskSplit } from '@spikeflow/core';
import type { SeriesFileLayout } from './read-series-file.js';

/** Row ranges `[start, end)` of the chronological splits. */
export type SplitRows = Readonly<Record<TaskSplit, readonly [number, number]>>;

/** What a forecasting benchmark series is: its file, layout, splits and customary settings. */
export interface TimeSeriesSpec extends SeriesFileLayout {
  /** Registry id (`etth1`). */
  readonly id: string;
  readonly title: string;
  /** File names looked for, in order (the first one found is read). */
  readonly files: readonly string[];
  /** Where the file comes from, for the missing-file message. */
  readonly source: string;
  /** The splits for a series of `rows` rows. */
  splitRows(rows: number): SplitRows;
  /** How the splits are made, in words (for docs and `datasets info`). */
  readonly splitNote: string;
  readonly defaults: { readonly window: number; readonly horizon: number; readonly forecast: 'span' | 'point' };
}

// ETT hourly: Informer's 12 / 4 / 4 months of 30 days (8640 / 2880 / 2880 rows); the rest is unused.
const MONTH_HOURS = 30 * 24;
const ettSplits = (): SplitRows => ({
  train: [0, 12 * MONTH_HOURS],
  valid: [12 * MONTH_HOURS, 16 * MONTH_HOURS],
  test: [16 * MONTH_HOURS, 20 * MONTH_HOURS],
});

const ett = (n: 1 | 2): TimeSeriesSpec => ({
  id: `etth${n}`,
  title: `ETTh${n}: hourly electricity transformer load and oil temperature, station ${n} (Zhou et al., Informer, AAAI 2021)`,
  files: [`ETTh${n}.csv`, `ETTh${n}.csv.gz`],
  source: `https://github.com/zhouhaoyi/ETDataset (ETT-small/ETTh${n}.csv)`,
  header: true,
  dateColumn: true,
  splitRows: ettSplits,
  splitNote: 'chronological, as Informer: train rows 0–8639 (12 months), valid 8640–11519 (4 months), test 11520–14399 (4 months)',
  defaults: { window: 96, horizon: 24, forecast: 'span' },
});

/** ETTh1 (7 variables, target `OT`). */
export const etth1Spec: TimeSeriesSpec = ett(1);
/** ETTh2 (same layout, second station). */
export const etth2Spec: TimeSeriesSpec = ett(2);

/** Daily exchange rates of 8 countries, 1990–2016 (Lai et al., LSTNet, SIGIR 2018). */
export const exchangeRateSpec: TimeSeriesSpec = {
  id: 'exchange-rate',
  title: 'Exchange rate: daily exchange rates of 8 countries, 1990–2016 (Lai et al., LSTNet, SIGIR 2018)',
  files: ['exchange_rate.txt.gz', 'exchange_rate.txt'],
  source: 'https://github.com/laiguokun/multivariate-time-series-data (exchange_rate/exchange_rate.txt.gz)',
  header: false,
  dateColumn: false,
  // LSTNet: train ends at int(0.6 n), valid at int(0.8 n).
  splitRows: (rows) => ({ train: [0, Math.trunc(0.6 * rows)], valid: [Math.trunc(0.6 * rows), Math.trunc(0.8 * rows)], test: [Math.trunc(0.8 * rows), rows] }),
  splitNote: 'chronological, as LSTNet: train rows [0, int(0.6 n)), valid [int(0.6 n), int(0.8 n)), test the rest',
  defaults: { window: 168, horizon: 3, forecast: 'point' },
};

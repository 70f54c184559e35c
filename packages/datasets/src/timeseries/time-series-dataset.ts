import { SpikeflowError, type TargetSpec, type TaskDataset, type TaskSplit } from '@spikeflow/core';
import { checkSampleIndex } from '../dataset/gather-batch.js';

/** Everything a {@link TimeSeriesDataset} is made from. */
export interface TimeSeriesDatasetInit {
  readonly name: string;
  readonly split: TaskSplit;
  /** The whole series, `rows × columns` row-major, already normalised (float64). */
  readonly values: Float64Array;
  readonly columns: readonly string[];
  /** The split's rows `[start, end)`: every target row of its samples lies inside. */
  readonly rows: readonly [number, number];
  readonly window: number;
  readonly horizon: number;
  /**
   * `span`: the target is the `horizon` rows after the window (`[horizon, targets]`, Informer);
   * `point`: the one row `horizon` steps after the window's last row (`[targets]`, LSTNet).
   */
  readonly forecast: 'span' | 'point';
  /** Column indices fed to the model. */
  readonly inputColumns: readonly number[];
  /** Column indices forecast. */
  readonly targetColumns: readonly number[];
  /** The normalisation applied (train-split mean and standard deviation per column). */
  readonly stats: { readonly mean: Float64Array; readonly std: Float64Array };
}

/**
 * Sliding windows over a multivariate series for forecasting: sample `i` is `window` consecutive rows
 * of the input columns (`x: [window, inputs]`) and the rows after it of the target columns. A split
 * owns the samples whose target rows all lie in its row range; the window may reach back into the
 * previous split (Informer and LSTNet do the same), so valid and test use every target row.
 *
 * @example
 * ```ts
 * const test = await sf.taskDataset('etth1', { split: 'test', window: 96, horizon: 24, targets: ['OT'] });
 * const { x, y } = test.getBatch([0]); // x: [1, 96, 7], y: [1, 24, 1]
 * ```
 */
export class TimeSeriesDataset implements TaskDataset {
  readonly name: string;
  readonly split: TaskSplit;
  readonly length: number;
  readonly sampleShape: readonly number[];
  readonly targetSpec: TargetSpec;
  readonly columns: readonly string[];
  readonly inputColumns: readonly number[];
  readonly targetColumns: readonly number[];
  readonly stats: { readonly mean: Float64Array; readonly std: Float64Array };
  readonly rows: readonly [number, number];
  readonly window: number;
  readonly horizon: number;
  readonly forecast: 'span' | 'point';
  private readonly values: Float64Array;
  private readonly width: number;
  /** First target row of sample 0. */
  private readonly firstTarget: number;

  constructor(init: TimeSeriesDatasetInit) {
    this.name = init.name;
    this.split = init.split;
    this.values = init.values;
    this.columns = init.columns;
    this.width = init.columns.length;
    this.inputColumns = init.inputColumns;
    this.targetColumns = init.targetColumns;
    this.stats = init.stats;
    this.rows = init.rows;
    this.window = init.window;
    this.horizon = init.horizon;
    this.forecast = init.forecast;
    const [start, end] = init.rows;
    // Span: targets [r, r + horizon) need r >= window and r + horizon <= end. Point: target r needs r - horizon + 1 >= window.
    const lead = init.forecast === 'span' ? init.window : init.window + init.horizon - 1;
    this.firstTarget = Math.max(start, lead);
    const lastTarget = init.forecast === 'span' ? end - init.horizon : end - 1;
    this.length = Math.max(0, lastTarget - this.firstTarget + 1);
    if (this.length === 0) {
      throw new SpikeflowError(
        'invalid-options',
        `${this.describe()}: a window of ${init.window} and a horizon of ${init.horizon} leave no sample in rows ${start}–${end - 1}; use a shorter window or horizon`,
      );
    }
    this.sampleShape = [init.window, init.inputColumns.length];
    this.targetSpec = { kind: 'regression', shape: init.forecast === 'span' ? [init.horizon, init.targetColumns.length] : [init.targetColumns.length] };
  }

  /** The series rows sample `i` reads: its window starts at `inputStart`, its target at `targetStart`. */
  sampleRows(i: number): { inputStart: number; targetStart: number } {
    this.checkIndex(i, 0);
    const target = this.firstTarget + i;
    const inputEnd = this.forecast === 'span' ? target : target - this.horizon + 1;
    return { inputStart: inputEnd - this.window, targetStart: target };
  }

  /**
   * Copy the samples at `indices`: `x` as `[B, window, inputs]`, `y` as `[B, horizon, targets]`
   * (span) or `[B, targets]` (point), both normalised float32.
   *
   * @throws SpikeflowError `invalid-options` when an index is not an integer in `[0, length)`.
   */
  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Float32Array } {
    const B = indices.length;
    const inputs = this.inputColumns.length;
    const targets = this.targetColumns.length;
    const targetRows = this.forecast === 'span' ? this.horizon : 1;
    const x = new Float32Array(B * this.window * inputs);
    const y = new Float32Array(B * targetRows * targets);
    for (let b = 0; b < B; b++) {
      this.checkIndex(indices[b]!, b);
      const { inputStart, targetStart } = this.sampleRows(indices[b]!);
      let o = b * this.window * inputs;
      for (let r = inputStart; r < inputStart + this.window; r++) for (const c of this.inputColumns) x[o++] = this.values[r * this.width + c]!;
      o = b * targetRows * targets;
      for (let r = targetStart; r < targetStart + targetRows; r++) for (const c of this.targetColumns) y[o++] = this.values[r * this.width + c]!;
    }
    return { x, y };
  }

  private checkIndex(i: number, position: number): void {
    checkSampleIndex(this.describe(), i, position, this.length);
  }

  private describe(): string {
    return `${this.name} ${this.split}`;
  }
}

import type { Descriptor } from './descriptor.js';
import type { TargetKind, TargetSpec } from './task.js';

/**
 * A metric accumulated over a whole split, batch by batch, on the host in float64. `result()` is
 * exact for the split (R², RRSE and CORR keep streamed sums and moments, never an average of batch
 * values), so it does not depend on how the split was cut into batches.
 *
 * Layouts follow the target ({@link TargetSpec}), sample-major:
 * - class targets: `prediction` holds `numClasses` scores per label, `target` the integer labels;
 * - regression targets: `prediction` and `target` both hold `prod(shape)` values per sample;
 * - sequence targets: as their item, with `steps` rows per sample.
 *
 * `mask` (one entry per sample, non-zero = counted) selects samples, e.g. a graph's training nodes.
 *
 * @example
 * ```ts
 * const r2 = sf.metric('r2', {}, { target: { kind: 'regression', shape: [7] } });
 * for (const batch of batches) r2.update(task.predict(model.forward(batch.x)), batch.y);
 * console.log(r2.result());
 * ```
 */
export interface Metric {
  /** Registry id (e.g. `core/r2`). */
  readonly id: string;
  /** `max` when larger values are better. */
  readonly mode: 'max' | 'min';
  /** Forget everything seen (start of an epoch or split). */
  reset(): void;
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, mask?: ArrayLike<number | boolean>): void;
  /** The value over everything since the last reset; an `invalid-state` SpikeflowError before any sample. */
  result(): number;
}

/** What a metric is created for: the target its inputs follow. */
export interface MetricContext {
  readonly target: TargetSpec;
}

export const MetricDescriptor = Symbol.for('@spikeflow/core/MetricDescriptor');
/**
 * A registered metric (`core/r2`, ...): a new streaming {@link Metric} per `create`, for the target
 * the task declares; `mode` says whether larger is better.
 */
export interface MetricDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  readonly mode: 'max' | 'min';
  /**
   * Targets the metric can score (`class`, `regression`); a `sequence` target is accepted when its item
   * is one of them. `create` refuses others with a typed error.
   */
  readonly targetKinds: readonly TargetKind[];
  create(options: TOptions, context: MetricContext): Metric;
}

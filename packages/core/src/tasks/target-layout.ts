import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { TargetKind, TargetSpec } from '../contracts/task.js';

/**
 * A target spec reduced to what metrics and losses iterate over: rows of `width` values. Class
 * targets have one label per row and `width` scores per row in the prediction; regression targets
 * have `width` values per row in both. A sequence has `steps` rows per sample.
 */
export interface TargetLayout {
  /** `class` or `regression`: the kind of a row. */
  readonly kind: 'class' | 'regression';
  readonly rowsPerSample: number;
  /** Classes (scores per row) or values per row. */
  readonly width: number;
  /** Target values per sample (`rowsPerSample` labels, or `rowsPerSample * width` values). */
  readonly targetPerSample: number;
  /** Prediction values per sample. */
  readonly predictionPerSample: number;
}

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkSpec(spec: TargetSpec, what: string): void {
  const bad = (why: string) => new SpikeflowError('invalid-options', `${what}: target ${JSON.stringify(spec)} is invalid: ${why}`);
  if (spec.kind === 'class' && !(Number.isInteger(spec.numClasses) && spec.numClasses >= 1)) throw bad('numClasses must be a positive integer');
  if (spec.kind === 'regression' && !spec.shape.every((d) => Number.isInteger(d) && d >= 1)) throw bad('shape must hold positive integers');
  if (spec.kind === 'sequence') {
    if (!(Number.isInteger(spec.steps) && spec.steps >= 1)) throw bad('steps must be a positive integer');
    checkSpec(spec.item, what);
  }
}

/**
 * The row layout of a target, refusing kinds outside `accepts` with an `invalid-options`
 * SpikeflowError that names `what` (e.g. `metric 'core/r2'`). A sequence is accepted when its item is.
 */
export function targetLayout(spec: TargetSpec, accepts: readonly TargetKind[], what: string): TargetLayout {
  checkSpec(spec, what);
  const base = spec.kind === 'sequence' ? spec.item : spec;
  if (base.kind === 'none' || !accepts.includes(base.kind)) {
    throw new SpikeflowError('invalid-options', `${what} takes ${accepts.join(' or ')} targets, got a '${spec.kind}' target`, { target: spec });
  }
  const rowsPerSample = spec.kind === 'sequence' ? spec.steps : 1;
  if (base.kind === 'class') {
    return { kind: 'class', rowsPerSample, width: base.numClasses, targetPerSample: rowsPerSample, predictionPerSample: rowsPerSample * base.numClasses };
  }
  const width = shapeSize(base.shape);
  return { kind: 'regression', rowsPerSample, width, targetPerSample: rowsPerSample * width, predictionPerSample: rowsPerSample * width };
}

/** Shape of one sample's target tensor (`[]` for a class label, `[steps]` for a label sequence). */
export function targetShape(spec: TargetSpec): number[] {
  switch (spec.kind) {
    case 'class':
      return [];
    case 'regression':
      return [...spec.shape];
    case 'sequence':
      return [spec.steps, ...targetShape(spec.item)];
    case 'none':
      return [0];
  }
}

/** Shape of one sample's read-out prediction (`[numClasses]` for a label, the target shape otherwise). */
export function predictionShape(spec: TargetSpec): number[] {
  switch (spec.kind) {
    case 'class':
      return [spec.numClasses];
    case 'regression':
      return [...spec.shape];
    case 'sequence':
      return [spec.steps, ...predictionShape(spec.item)];
    case 'none':
      return [];
  }
}

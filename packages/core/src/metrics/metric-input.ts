import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { TargetLayout } from '../tasks/target-layout.js';

/**
 * Check one `update`'s arrays against the target layout and return how many samples they hold.
 * Sizes that do not fit, a mask of the wrong length and non-finite targets throw typed errors naming
 * the metric, so a mis-shaped batch can never be scored silently.
 */
export function checkMetricInput(
  id: string,
  layout: TargetLayout,
  prediction: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: ArrayLike<number | boolean> | undefined,
): number {
  if (target.length % layout.targetPerSample !== 0) {
    throw new SpikeflowError('shape-mismatch', `metric '${id}' expects ${layout.targetPerSample} target value(s) per sample, got ${target.length} values (not a multiple)`);
  }
  const samples = target.length / layout.targetPerSample;
  if (prediction.length !== samples * layout.predictionPerSample) {
    throw new SpikeflowError(
      'shape-mismatch',
      `metric '${id}' expects ${layout.predictionPerSample} prediction value(s) per sample (${samples} samples: ${samples * layout.predictionPerSample}), got ${prediction.length}`,
    );
  }
  if (mask !== undefined && mask.length !== samples) {
    throw new SpikeflowError('shape-mismatch', `metric '${id}' expects a mask with one entry per sample (${samples}), got ${mask.length}`);
  }
  for (let i = 0; i < target.length; i++) {
    const v = target[i]!;
    if (!Number.isFinite(v)) throw new SpikeflowError('dataset-corrupt', `metric '${id}': target value ${i} is ${v}; targets must be finite`);
    if (layout.kind === 'class' && (!Number.isInteger(v) || v < 0 || v >= layout.width)) {
      throw new SpikeflowError('shape-mismatch', `metric '${id}': label ${v} at position ${i} is not a class in [0, ${layout.width})`);
    }
  }
  return samples;
}

/** True when sample `s` counts (no mask, or a non-zero / true entry). */
export function counted(mask: ArrayLike<number | boolean> | undefined, s: number): boolean {
  return mask === undefined || Boolean(mask[s]);
}

import { z } from 'zod';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Metric, MetricContext, MetricDescriptor } from '../contracts/metric.js';
import { targetLayout } from '../tasks/target-layout.js';
import { noOptions } from '../util/no-options.js';
import { checkMetricInput, counted } from './metric-input.js';

/**
 * Top-k accuracy over a split: the share of rows whose label is among the `k` highest scores. Ties
 * rank the lower class index first (a stable descending sort), so top-1 is exactly arg-max accuracy
 * with arg-max taking the first maximum, as `tf.argMax` does. A row with a NaN score counts as wrong.
 *
 * @example
 * ```ts
 * const top5 = topKAccuracy(5, { target: { kind: 'class', numClasses: 100 } }, 'core/top5');
 * top5.update(scores, labels);
 * top5.result(); // in [0, 1]
 * ```
 */
export function topKAccuracy(k: number, context: MetricContext, id = k === 1 ? 'core/accuracy' : 'core/top-k'): Metric {
  const layout = targetLayout(context.target, ['class'], `metric '${id}'`);
  if (!Number.isInteger(k) || k < 1) throw new SpikeflowError('invalid-options', `metric '${id}': k must be a positive integer, got ${k}`);
  const C = layout.width;
  let correct = 0;
  let total = 0;
  return {
    id,
    mode: 'max',
    reset() {
      correct = 0;
      total = 0;
    },
    update(prediction, target, mask) {
      const samples = checkMetricInput(id, layout, prediction, target, mask);
      for (let s = 0; s < samples; s++) {
        if (!counted(mask, s)) continue;
        for (let r = s * layout.rowsPerSample; r < (s + 1) * layout.rowsPerSample; r++) {
          const label = target[r]!;
          const base = r * C;
          const own = prediction[base + label]!;
          let ahead = 0;
          let nan = Number.isNaN(own);
          for (let c = 0; c < C && !nan; c++) {
            const v = prediction[base + c]!;
            if (Number.isNaN(v)) nan = true;
            else if (v > own || (v === own && c < label)) ahead++;
          }
          if (!nan && ahead < k) correct++;
          total++;
        }
      }
    },
    result() {
      if (total === 0) throw new SpikeflowError('invalid-state', `metric '${id}' has seen no samples since its last reset`);
      return correct / total;
    },
  };
}

export const accuracyMetricDescriptor: MetricDescriptor<Record<string, never>> = {
  id: 'accuracy',
  description: 'Arg-max accuracy: share of samples whose highest score is the label',
  options: noOptions,
  mode: 'max',
  targetKinds: ['class'],
  create: (_o, context) => topKAccuracy(1, context, 'core/accuracy'),
};

export const topKMetricDescriptor: MetricDescriptor<{ k: number }> = {
  id: 'top-k',
  description: 'Top-k accuracy: share of samples whose label is among the k highest scores',
  options: z.object({ k: z.number().int().min(1).default(5) }).strict(),
  mode: 'max',
  targetKinds: ['class'],
  create: (o, context) => topKAccuracy(o.k, context, 'core/top-k'),
};

export const top5MetricDescriptor: MetricDescriptor<Record<string, never>> = {
  id: 'top5',
  description: 'Top-5 accuracy (top-k with k = 5)',
  options: noOptions,
  mode: 'max',
  targetKinds: ['class'],
  create: (_o, context) => topKAccuracy(5, context, 'core/top5'),
};

import { z } from 'zod';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Metric, MetricContext, MetricDescriptor } from '../contracts/metric.js';
import { targetLayout } from '../tasks/target-layout.js';
import { noOptions } from '../util/no-options.js';
import { checkMetricInput, counted } from './metric-input.js';
import { RegressionMoments } from './regression-moments.js';

/**
 * A streamed regression metric: float64 moments per target column over the split, reduced by
 * `finish` at `result()`. A column is one value position of a sample's target (one series at one
 * horizon step); a sequence target has `steps` rows per sample of `prod(item.shape)` columns.
 */
export function regressionMetric(id: string, mode: 'max' | 'min', context: MetricContext, finish: (m: RegressionMoments) => number): Metric {
  const layout = targetLayout(context.target, ['regression'], `metric '${id}'`);
  const moments = new RegressionMoments(layout.width);
  return {
    id,
    mode,
    reset: () => moments.reset(),
    update(prediction, target, mask) {
      const samples = checkMetricInput(id, layout, prediction, target, mask);
      const rows: number[] = [];
      for (let s = 0; s < samples; s++) {
        if (!counted(mask, s)) continue;
        for (let r = s * layout.rowsPerSample; r < (s + 1) * layout.rowsPerSample; r++) rows.push(r);
      }
      moments.add(prediction, target, rows);
    },
    result() {
      if (moments.n === 0) throw new SpikeflowError('invalid-state', `metric '${id}' has seen no samples since its last reset`);
      return finish(moments);
    },
  };
}

const values = (m: RegressionMoments) => m.n * m.columns;

/** Mean squared error over every target value of the split. */
export const meanSquaredError = (m: RegressionMoments): number => m.sumSquaredError() / values(m);
/** Mean absolute error over every target value of the split. */
export const meanAbsoluteError = (m: RegressionMoments): number => m.sumAbsoluteError() / values(m);

/**
 * R² = 1 − SSE/SST. `flat` (default) pools every value with SST about the split's grand mean, so
 * R² = 1 − RRSE²; `columns` averages per-column R² (scikit-learn's `uniform_average`), skipping
 * columns whose target is constant over the split. NaN when SST is 0 (R² is undefined).
 */
export function rSquared(m: RegressionMoments, average: 'flat' | 'columns'): number {
  if (average === 'flat') {
    const sst = m.totalSumOfSquares();
    return sst === 0 ? Number.NaN : 1 - m.sumSquaredError() / sst;
  }
  let sum = 0;
  let used = 0;
  for (let j = 0; j < m.columns; j++) {
    if (m.m2Y[j] === 0) continue;
    sum += 1 - m.sse[j]! / m.m2Y[j]!;
    used++;
  }
  return used === 0 ? Number.NaN : sum / used;
}

/**
 * Root relative squared error as LSTNet (Lai et al., 2018) reports it: `sqrt(Σ(y − ŷ)²) / sqrt(Σ(y − ȳ)²)`
 * over every value of the split, ȳ the grand mean. NaN when the target is constant.
 */
export function rootRelativeSquaredError(m: RegressionMoments): number {
  const sst = m.totalSumOfSquares();
  return sst === 0 ? Number.NaN : Math.sqrt(m.sumSquaredError()) / Math.sqrt(sst);
}

/**
 * LSTNet's empirical correlation coefficient: per column (series) the Pearson correlation of
 * prediction and target over the split, then the mean over the columns whose target varies. As in
 * LSTNet, a constant prediction on such a column makes it (and so the result) NaN.
 */
export function empiricalCorrelation(m: RegressionMoments): number {
  let sum = 0;
  let used = 0;
  for (let j = 0; j < m.columns; j++) {
    if (m.m2Y[j] === 0) continue;
    sum += m.cPY[j]! / (Math.sqrt(m.m2P[j]!) * Math.sqrt(m.m2Y[j]!));
    used++;
  }
  return used === 0 ? Number.NaN : sum / used;
}

function simple(id: string, description: string, mode: 'max' | 'min', finish: (m: RegressionMoments) => number): MetricDescriptor<Record<string, never>> {
  return { id, description, options: noOptions, mode, targetKinds: ['regression'], create: (_o, context) => regressionMetric(`core/${id}`, mode, context, finish) };
}

export const mseMetricDescriptor = simple('mse', 'Mean squared error over every target value', 'min', meanSquaredError);
export const maeMetricDescriptor = simple('mae', 'Mean absolute error over every target value', 'min', meanAbsoluteError);
export const rmseMetricDescriptor = simple('rmse', 'Root mean squared error over every target value', 'min', (m) => Math.sqrt(meanSquaredError(m)));
export const rrseMetricDescriptor = simple('rrse', 'Root relative squared error (LSTNet RSE): sqrt(SSE) / sqrt(SST about the grand mean)', 'min', rootRelativeSquaredError);
export const corrMetricDescriptor = simple('corr', 'Empirical correlation (LSTNet CORR): per-series Pearson r, mean over varying series', 'max', empiricalCorrelation);

export const r2MetricDescriptor: MetricDescriptor<{ average: 'flat' | 'columns' }> = {
  id: 'r2',
  description: 'Coefficient of determination 1 − SSE/SST over the split (flat, or averaged over columns)',
  options: z.object({ average: z.enum(['flat', 'columns']).default('flat') }).strict(),
  mode: 'max',
  targetKinds: ['regression'],
  create: (o, context) => regressionMetric('core/r2', 'max', context, (m) => rSquared(m, o.average)),
};

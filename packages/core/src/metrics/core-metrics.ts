import type { MetricDescriptor } from '../contracts/metric.js';
import { accuracyMetricDescriptor, top5MetricDescriptor, topKMetricDescriptor } from './top-k-accuracy.js';
import { corrMetricDescriptor, maeMetricDescriptor, mseMetricDescriptor, r2MetricDescriptor, rmseMetricDescriptor, rrseMetricDescriptor } from './regression-metrics.js';

/** The metrics core contributes (`core/accuracy`, `core/top-k`, `core/top5`, `core/mse`, ...). */
export const coreMetricDescriptors: readonly MetricDescriptor<any>[] = Object.freeze([
  accuracyMetricDescriptor,
  topKMetricDescriptor,
  top5MetricDescriptor,
  mseMetricDescriptor,
  maeMetricDescriptor,
  rmseMetricDescriptor,
  r2MetricDescriptor,
  rrseMetricDescriptor,
  corrMetricDescriptor,
]);

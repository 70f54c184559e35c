import { etth1Spec, etth2Spec, exchangeRateSpec } from './time-series-spec.js';
import { timeSeriesDescriptor, type TimeSeriesDescriptor } from './time-series-descriptor.js';

/** The forecasting benchmarks this package registers: `etth1`, `etth2`, `exchange-rate`. */
export const timeSeriesDescriptors: readonly TimeSeriesDescriptor[] = Object.freeze([
  timeSeriesDescriptor(etth1Spec, 7),
  timeSeriesDescriptor(etth2Spec, 7),
  timeSeriesDescriptor(exchangeRateSpec, 8),
]);

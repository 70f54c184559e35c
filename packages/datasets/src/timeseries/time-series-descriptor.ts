import { z } from 'zod';
import { SpikeflowError, type TaskDatasetDescriptor } from '@spikeflow/core';
import { openTimeSeries, type TimeSeriesOptions } from './open-time-series.js';
import type { TimeSeriesSpec } from './time-series-spec.js';

/** Parsed options of a forecasting dataset descriptor. */
export type TimeSeriesDescriptorOptions = Required<TimeSeriesOptions>;

/** A forecasting benchmark in the datasets registry; `spec` says what it is. */
export interface TimeSeriesDescriptor extends TaskDatasetDescriptor<TimeSeriesDescriptorOptions> {
  readonly spec: TimeSeriesSpec;
}

/**
 * The registry entry of a forecasting series: options window, horizon, forecast (`span` | `point`),
 * targets, inputs and normalize, validated by zod; splits train / valid / test. `open` (the class-label
 * contract) refuses with a typed error; `openTask` (or `sf.taskDataset`) opens it.
 */
export function timeSeriesDescriptor(spec: TimeSeriesSpec, columns: number): TimeSeriesDescriptor {
  return {
    id: spec.id,
    description: `${spec.title}; forecasting windows, splits ${spec.splitNote}`,
    options: z
      .object({
        window: z.number().int().min(1).default(spec.defaults.window),
        horizon: z.number().int().min(1).default(spec.defaults.horizon),
        forecast: z.enum(['span', 'point']).default(spec.defaults.forecast),
        // `targets=OT,HUFL` from the command line is a comma-separated list.
        targets: z
          .union([
            z.literal('all'),
            z.array(z.string().min(1)).min(1),
            z
              .string()
              .min(1)
              .transform((v) => v.split(',')),
          ])
          .default('all'),
        inputs: z.enum(['all', 'targets']).default('all'),
        normalize: z.boolean().default(true),
      })
      .strict() as unknown as z.ZodType<TimeSeriesDescriptorOptions>,
    sampleShape: [spec.defaults.window, columns],
    numClasses: 0,
    targetKind: 'regression',
    splits: ['train', 'valid', 'test'],
    spec,
    open: async () => {
      throw new SpikeflowError(
        'not-supported',
        `dataset 'datasets/${spec.id}' is a forecasting series with float targets, not class labels; open it with sf.taskDataset('${spec.id}', { split })`,
      );
    },
    openTask: async (options) => openTimeSeries(spec, options),
  };
}

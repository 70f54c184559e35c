import { z } from 'zod';
import type { DatasetDescriptor, DatasetOpenOptions } from '@spikeflow/core';
import { openEventDataset } from '../../event-dataset/open-event-dataset.js';
import type { FrameDataset } from '../../event-dataset/frame-dataset.js';
import { pipelineFrameShape } from '../../frames/frame-pipeline.js';
import { framePipeline } from '../../event-dataset/open-event-dataset.js';
import { parseOpenOptions } from '../open-options.js';
import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

/** Options of every neuromorphic dataset (given to `sf.dataset`, or `dataset.options` in a run config). */
export const eventDatasetOptions = z
  .object({
    /** Frames per sample (split by number or time). */
    frames: z.number().int().min(1).optional(),
    splitBy: z.enum(['number', 'time', 'duration']).optional(),
    /** Frame length, µs, for `splitBy: 'duration'`. */
    duration: z.number().positive().optional(),
    /** Cut or pad fixed-duration samples to this many frames in batches. */
    batchFrames: z.number().int().min(1).optional(),
    denoiseTime: z.number().positive().optional(),
    downsample: z.number().int().min(1).optional(),
    /** Clip counts to 1. */
    binary: z.boolean().optional(),
    /** Worker threads for integration. */
    threads: z.number().int().min(0).optional(),
    /** Folder for frame caches (default `<user cache>/frames`). */
    cacheDir: z.string().optional(),
    /** Download `<mirror><file name>` instead of the official addresses. */
    mirror: z.url().optional(),
  })
  .strict();

export type EventDatasetOptions = z.output<typeof eventDatasetOptions>;

/** A registered neuromorphic dataset: core's descriptor plus its spec. */
export interface EventDatasetDescriptor extends DatasetDescriptor<EventDatasetOptions> {
  readonly spec: NeuromorphicDatasetSpec;
  readonly classNames: readonly string[];
  open(options: EventDatasetOptions & DatasetOpenOptions): Promise<FrameDataset>;
}

/**
 * Make the registry descriptor of a neuromorphic dataset: `open` finds the extracted files on the
 * standard search path (`--data-dir`, `$SPIKEFLOW_DATA`, the user cache, `/usr/share/datasets`),
 * integrates them into the frame cache once and returns the split as frames `[T, H, W, C]`.
 *
 * @example
 * ```ts
 * const sf = createSpikeflow({ plugins: [datasets()] });
 * const train = await sf.dataset('dvs128-gesture', { split: 'train', frames: 16 });
 * ```
 */
export function eventDatasetDescriptor(spec: NeuromorphicDatasetSpec): EventDatasetDescriptor {
  const pipeline = framePipeline(spec, {});
  const defaultFrames = pipeline.split.by === 'duration' ? (spec.defaultBatchFrames ?? 1) : pipeline.split.frames;
  return {
    id: spec.id,
    description: spec.description,
    options: eventDatasetOptions,
    sampleShape: [defaultFrames, ...pipelineFrameShape(pipeline)],
    numClasses: spec.numClasses ?? spec.classNames.length,
    classNames: spec.classNames,
    spec,
    async open(options) {
      const { common, own } = parseOpenOptions(spec.id, options, eventDatasetOptions);
      // Like the static datasets, a missing dataset is downloaded unless the caller says not to.
      return openEventDataset(spec, { ...own, ...common, download: common.download !== false });
    },
  };
}

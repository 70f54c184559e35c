import { z } from 'zod';
import type { DatasetDescriptor, DatasetOpenOptions } from '@spikeflow/core';
import type { IdxDataset } from '../dataset/idx-dataset.js';
import { openIdxDataset } from '../dataset/open-idx-dataset.js';
import type { IdxDatasetSpec } from './idx-dataset-spec.js';
import { parseOpenOptions } from './open-options.js';

/**
 * Options every IDX dataset accepts besides core's `split`, `dataDir`, `download` and
 * `onProgress` (given to `sf.dataset`, or as `dataset.options` in a run config).
 */
export const idxDatasetOptions = z
  .object({
    /** Check checksums of the files read (default true). */
    verify: z.boolean().default(true),
    /** Base URLs to download from instead of the built-in mirrors (`{dataset}` becomes the id). */
    mirrors: z.array(z.url()).min(1).optional(),
    /** Per-address inactivity timeout for downloads, in ms. */
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export type IdxDatasetOptions = z.output<typeof idxDatasetOptions>;

/** A registered IDX dataset: core's descriptor plus the spec it was made from. */
export interface IdxDatasetDescriptor extends DatasetDescriptor<IdxDatasetOptions> {
  readonly spec: IdxDatasetSpec;
  readonly classNames: readonly string[];
  open(options: Partial<IdxDatasetOptions> & DatasetOpenOptions): Promise<IdxDataset>;
}

/**
 * Make the registry descriptor of an IDX dataset. `open` validates its options (also when called
 * directly rather than through `sf.dataset`), resolves the files on the search path, downloads
 * them when allowed and needed, and returns the verified split.
 */
export function idxDatasetDescriptor(spec: IdxDatasetSpec): IdxDatasetDescriptor {
  return {
    id: spec.id,
    description: spec.description,
    options: idxDatasetOptions,
    sampleShape: spec.sampleShape,
    numClasses: spec.numClasses,
    classNames: spec.classNames,
    spec,
    async open(options) {
      const { common, own } = parseOpenOptions(spec.id, options, idxDatasetOptions);
      return openIdxDataset(spec, { ...own, ...common });
    },
  };
}

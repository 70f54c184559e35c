import { z } from 'zod';
import { SpikeflowError, type DatasetOpenOptions } from '@spikeflow/core';

/** Throws `invalid-options` unless `split` is one the datasets of this package have (train or test). */
export function checkSplit(id: string, split: unknown): asserts split is 'train' | 'test' {
  if (split !== 'train' && split !== 'test') {
    throw new SpikeflowError('invalid-options', `dataset '${id}': split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
}

/**
 * Separate what a descriptor's `open` is given into core's open options and the dataset's own,
 * checking the split and validating the dataset's options with `schema` (also when `open` is
 * called directly rather than through `sf.dataset`).
 *
 * @example
 * ```ts
 * const { common, own } = parseOpenOptions('mnist', options, idxDatasetOptions);
 * ```
 */
export function parseOpenOptions<S extends z.ZodType>(id: string, options: DatasetOpenOptions & object, schema: S): { common: DatasetOpenOptions; own: z.output<S> } {
  const { split, dataDir, download, onProgress, ...rest } = options;
  checkSplit(id, split);
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw new SpikeflowError('invalid-options', `invalid options for dataset '${id}':\n${z.prettifyError(parsed.error)}`);
  return { common: { split, dataDir, download, onProgress }, own: parsed.data };
}

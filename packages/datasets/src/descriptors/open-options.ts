import { z } from 'zod';
import { SpikeflowError, type DatasetOpenOptions } from '@spikeflow/core';

const TRAIN_TEST = ['train', 'test'] as const;

/** `'a' or 'b'`, `'a', 'b' or 'c'`: the splits an error message names. */
const listSplits = (splits: readonly string[]): string => {
  const quoted = splits.map((s) => `'${s}'`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
};

/** Throws `invalid-options` unless `split` is one of `splits` (default: train or test, the splits most datasets of this package have). */
export function checkSplit<P extends string = 'train' | 'test'>(
  id: string,
  split: unknown,
  splits: readonly P[] = TRAIN_TEST as readonly string[] as readonly P[],
): asserts split is P {
  if (!(splits as readonly unknown[]).includes(split)) {
    throw new SpikeflowError('invalid-options', `dataset '${id}': split must be ${listSplits(splits)}, got ${JSON.stringify(split)}`);
  }
}

/**
 * Separate what a descriptor's `open` is given into core's open options and the dataset's own,
 * checking the split against `splits` (default train or test) and validating the dataset's options
 * with `schema` (also when `open` is called directly rather than through `sf.dataset`).
 *
 * @example
 * ```ts
 * const { common, own } = parseOpenOptions('mnist', options, idxDatasetOptions);
 * ```
 */
export function parseOpenOptions<S extends z.ZodType, P extends string = 'train' | 'test'>(
  id: string,
  options: Omit<DatasetOpenOptions, 'split'> & { readonly split: P } & object,
  schema: S,
  splits: readonly P[] = TRAIN_TEST as readonly string[] as readonly P[],
): { common: Omit<DatasetOpenOptions, 'split'> & { readonly split: P }; own: z.output<S> } {
  const { split, dataDir, download, onProgress, ...rest } = options;
  checkSplit(id, split, splits);
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw new SpikeflowError('invalid-options', `invalid options for dataset '${id}':\n${z.prettifyError(parsed.error)}`);
  return { common: { split, dataDir, download, onProgress }, own: parsed.data };
}

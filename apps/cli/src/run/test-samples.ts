import { SpikeflowError, type Dataset } from '@spikeflow/core';
import { subsetIndices } from '@spikeflow/datasets';

/** The test samples a command measures: which indices, out of how many, and how they were chosen. */
export interface TestSamples {
  /** Indices into the test split, ascending. */
  readonly indices: Int32Array;
  /** Samples in the whole test split. */
  readonly total: number;
  /** The seed that chose the subset (the run's seed). */
  readonly seed: number;
  /** True when only part of the split is used. */
  readonly subset: boolean;
  /** For people: `test: 1000 of 10000 samples (seeded subset, seed 0)`, or `test: all 10000 samples`. */
  readonly description: string;
  /** For `--json` output. */
  readonly json: { readonly samples: number; readonly of: number; readonly selection: 'seeded-subset' | 'all'; readonly seed: number };
}

function make(indices: Int32Array, total: number, seed: number): TestSamples {
  const subset = indices.length < total;
  return {
    indices,
    total,
    seed,
    subset,
    description: subset ? `test: ${indices.length} of ${total} samples (seeded subset, seed ${seed})` : `test: all ${total} samples`,
    json: { samples: indices.length, of: total, selection: subset ? 'seeded-subset' : 'all', seed },
  };
}

/**
 * The one definition of `--test-subset N` that train, eval, simulate, finetune, energy and report
 * share: N test samples chosen at random by the run's seed (the same set the data loader's `subset`
 * draws, so every command measures the same samples of a checkpoint), or the whole split without N.
 * A count that is not an integer in 1..split size is an `invalid-options` error naming `flag`.
 *
 * @example
 * ```ts
 * const s = selectTestSamples(test, 1000, 0); // 1000 seeded indices of 10000
 * s.description;                             // 'test: 1000 of 10000 samples (seeded subset, seed 0)'
 * ```
 */
export function selectTestSamples(test: Pick<Dataset, 'length' | 'name'>, count: number | undefined, seed: number, flag = '--test-subset'): TestSamples {
  const total = test.length;
  if (count === undefined)
    return make(
      Int32Array.from({ length: total }, (_, i) => i),
      total,
      seed,
    );
  if (!Number.isInteger(count) || count < 1 || count > total) {
    throw new SpikeflowError('invalid-options', `${flag} must be an integer from 1 to ${total} (the size of the test split of ${test.name}), got ${count}`);
  }
  return make(subsetIndices(total, count, seed), total, seed);
}

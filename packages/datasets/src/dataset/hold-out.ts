import { Rng, SpikeflowError, type Dataset, type TaskDataset } from '@spikeflow/core';

/** What {@link holdOut} splits: a class dataset, or a task dataset with typed targets. */
export type HeldOutSource = Dataset | TaskDataset;

/**
 * A dataset that gathers its samples from another one through an index map; it carries the
 * source's descriptive fields (classes, target, files read) and answers the same interface.
 */
function indexedView<D extends HeldOutSource>(base: D, map: Int32Array, split: 'train' | 'valid'): D {
  const view = {
    ...Object.fromEntries(
      ['name', 'sampleShape', 'numClasses', 'classNames', 'targetSpec', 'sources'].filter((k) => k in base).map((k) => [k, (base as unknown as Record<string, unknown>)[k]]),
    ),
    split,
    length: map.length,
    getBatch(indices: ArrayLike<number>) {
      const at = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const k = indices[i]!;
        if (!Number.isInteger(k) || k < 0 || k >= map.length) {
          throw new SpikeflowError('invalid-options', `${base.name} (${split}): sample index ${k} is out of range [0, ${map.length})`);
        }
        at[i] = map[k]!;
      }
      return base.getBatch(at);
    },
  };
  return view as unknown as D;
}

/** The two parts of a held-out training split. */
export interface HoldOut<D extends HeldOutSource> {
  /** The training samples that are not held out (split `train`), a view answering `D`'s interface. */
  readonly train: D;
  /** The held-out samples (split `valid`). */
  readonly valid: D;
  /** Indices into the original training split: `train[i]` is sample `trainIndices[i]`; ascending. */
  readonly trainIndices: Int32Array;
  readonly validIndices: Int32Array;
}

/**
 * Hold out a seeded random part of a training split as a validation split, for datasets that ship
 * none (MNIST, Fashion-MNIST, CIFAR-10, N-MNIST, ...), as `torch.utils.data.random_split` does:
 * `round(fraction · N)` samples drawn by a Fisher–Yates shuffle keyed by `seed` only (not by the
 * epoch, so the split never changes during a run or on resume), not stratified by class. Both
 * parts keep the original order (ascending indices), so reads stay local in the files. Sample
 * indices of the views count from 0 in each part.
 *
 * @example
 * ```ts
 * const full = await sf.dataset('fashion-mnist', { split: 'train' });
 * const { train, valid } = holdOut(full, { fraction: 0.1, seed: 1 }); // 54000 / 6000
 * ```
 */
export function holdOut<D extends HeldOutSource>(dataset: D, options: { fraction: number; seed: number }): HoldOut<D> {
  const { fraction, seed } = options;
  if (!(Number.isFinite(fraction) && fraction > 0 && fraction < 1)) {
    throw new SpikeflowError('invalid-options', `the validation fraction must be a number in (0, 1), got ${fraction}`);
  }
  if (!Number.isInteger(seed)) throw new SpikeflowError('invalid-options', `the hold-out seed must be an integer, got ${seed}`);
  const n = dataset.length;
  const k = Math.round(fraction * n);
  if (k < 1 || k >= n) {
    throw new SpikeflowError(
      'invalid-options',
      `holding out ${fraction} of ${dataset.name}'s ${n} training samples leaves ${k} for validation and ${n - k} for training; both need at least one`,
    );
  }
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(`valid-hold-out:${seed}`);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const validIndices = perm.slice(0, k).sort();
  const trainIndices = perm.slice(k).sort();
  return {
    train: indexedView(dataset, trainIndices, 'train'),
    valid: indexedView(dataset, validIndices, 'valid'),
    trainIndices,
    validIndices,
  };
}

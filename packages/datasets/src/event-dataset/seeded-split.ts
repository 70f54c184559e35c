import { Rng } from '@spikeflow/core';

/**
 * Split sample indices into train and test per class: each class's indices (in the given order)
 * are shuffled by a generator seeded with `seed` and the class id (Fisher–Yates), and the first
 * `ceil(n · trainRatio)` go to train. This is SpikingJelly's `split_to_train_test_set` with
 * `random_split=True`, made reproducible. Both returned lists are sorted.
 *
 * @example
 * ```ts
 * const { train, test } = seededClassSplit([0, 0, 1, 1], 0.5, 0); // one of each class in each
 * ```
 */
export function seededClassSplit(labels: readonly number[], trainRatio: number, seed: number): { train: number[]; test: number[] } {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const [label, indices] of [...byClass].sort((a, b) => a[0] - b[0])) {
    const rng = new Rng(`${seed}:${label}`);
    for (let i = indices.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    }
    const cut = Math.ceil(indices.length * trainRatio);
    train.push(...indices.slice(0, cut));
    test.push(...indices.slice(cut));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

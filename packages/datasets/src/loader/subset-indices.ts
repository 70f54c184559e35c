import { Rng, SpikeflowError } from '@spikeflow/core';

/**
 * A fixed subset of `size` of the indices `0..n-1`, chosen by `seed` alone and returned ascending.
 * It is the first `size` entries of a Fisher–Yates permutation keyed `subset:<seed>` (drawn only as
 * far as needed), so it is the same in every epoch and in every process of a data-parallel run, and
 * a larger subset with the same seed contains a smaller one.
 */
export function subsetIndices(n: number, size: number, seed: number): Int32Array {
  if (!Number.isInteger(size) || size < 0 || size > n) {
    throw new SpikeflowError('invalid-options', `subset size must be an integer in 0..${n}, got ${size}`);
  }
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const rng = new Rng(`subset:${seed}`);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, size).sort();
}

/** Which collective a synchronised batch-norm call is (the forward moments or the backward sums). */
export type BatchNormSyncPhase = 'forward' | 'backward';

/** What a {@link BatchNormSync} is told about each call, for its sequence checks and error messages. */
export interface BatchNormSyncContext {
  /** The layer, e.g. `BatchNorm2d(32)`. */
  readonly layer: string;
  readonly phase: BatchNormSyncPhase;
}

/**
 * Synchronised batch normalisation (PyTorch's SyncBatchNorm): while one is installed with
 * {@link setBatchNormSync}, every training-mode `BatchNorm1d`/`BatchNorm2d` sums its per-channel
 * moments over all ranks before normalising, and the sums its input gradient needs in the
 * backward pass, so N ranks with batch B normalise exactly as one process with batch N·B.
 *
 * `allReduceSum` is synchronous (tfjs' forward and backward are) and must return, on every rank,
 * the element-wise sum of the arrays all ranks passed to their call of the same sequence number —
 * bit-identical on every rank, so the ranks' running statistics stay identical. Every rank makes
 * the same calls in the same order (same model, same step); an implementation should check that.
 *
 * @example
 * ```ts
 * setBatchNormSync({ allReduceSum: (v) => myCollective.sumSync(v), lossWeight: localCount / globalCount });
 * try { trainStep(); } finally { setBatchNormSync(null); }
 * ```
 */
export interface BatchNormSync {
  allReduceSum(values: Float32Array, context: BatchNormSyncContext): Float32Array;
  /**
   * This rank's weight `λ` in the loss that is really optimised, `L = Σ_r λ_r·L_r` (a data-parallel
   * trainer that scales rank r's gradient by `n_r / N` has `λ_r = n_r / N`). The backward pass scales
   * this rank's contribution to the global gradient sums by it and divides the cross-rank terms
   * by it, so `Σ_r λ_r·∇L_r` equals the single-process gradient. Default 1 (every rank's loss
   * counts fully, e.g. a summed loss).
   */
  readonly lossWeight?: number;
}

let current: BatchNormSync | null = null;

/**
 * Install (or with `null` remove) the batch-norm synchronisation used by training-mode batch norm
 * layers of this thread. Without one, batch norm uses local batch statistics (the fast path).
 *
 * @example
 * ```ts
 * setBatchNormSync(sync); // every BatchNorm forward/backward now all-reduces its statistics
 * setBatchNormSync(null); // back to local statistics
 * ```
 */
export function setBatchNormSync(sync: BatchNormSync | null): void {
  current = sync;
}

/** The installed {@link BatchNormSync}, or null. */
export function getBatchNormSync(): BatchNormSync | null {
  return current;
}

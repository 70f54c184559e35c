// What the parallel pool (parallel-pool.ts) and its worker thread (parallel-pool-worker.ts) exchange.

/** Slots of the control array shared with the main thread. */
export const PoolSlot = {
  /** The current task: 0 running, 1 done, 2 failed. */
  Task: 0,
  /** The worker: 0 starting, 1 ready, 2 failed to start. */
  Ready: 1,
} as const;

/** What the worker is started with. */
export interface PoolWorkerData {
  /** 8 bytes: the control array (see {@link PoolSlot}). */
  readonly ctrl: SharedArrayBuffer;
}

/** A tensor in the shared buffer: float offset, length and shape. */
export interface SharedTensor {
  readonly off: number;
  readonly len: number;
  readonly shape: number[];
}

/** One task: `op(a, b)` written to the shared buffer at float offset `out`. */
export interface PoolTask {
  readonly op: 'conv2d' | 'matMul';
  readonly strides?: [number, number];
  readonly pad?: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
  readonly dilations?: [number, number];
  readonly a: SharedTensor;
  readonly b: SharedTensor;
  readonly out: number;
}

/** A message to the worker: a (new) shared buffer, or a task on the current one. */
export type PoolMessage = { readonly buffer: SharedArrayBuffer } | PoolTask;

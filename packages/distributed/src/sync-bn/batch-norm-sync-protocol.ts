// What the batch-norm sync thread (batch-norm-sync-thread.ts) and its worker
// (batch-norm-sync-worker.ts) exchange.

/** Slots of the control Int32Array both sides read and write with Atomics. */
export const SyncSlot = {
  /** The current all-reduce: 0 pending, 1 done (sum in the result buffer), 2 failed (text in the error buffer). */
  State: 0,
  /** Length of the sum. */
  ResultLength: 1,
  /** Byte length of the error text. */
  ErrorLength: 2,
  /** Ranks whose values for the current call have arrived (this one included). */
  Arrived: 3,
} as const;

/** What the worker is started with. */
export interface SyncWorkerData {
  /** The control slots (16 bytes). */
  readonly ctl: SharedArrayBuffer;
  /** The error text of a failed call (UTF-8). */
  readonly err: SharedArrayBuffer;
  /** Where sums go (float32; replaced by a larger one through `reduce.result`). */
  readonly result: SharedArrayBuffer;
  /** CURVE keys of the batch-norm socket, or plain TCP. */
  readonly curve?: { readonly publicKey: string; readonly secretKey: string };
  /** How long an unknown CURVE key waits for the configuration that may name it. */
  readonly zapWaitMs: number;
}

/** A peer of the current generation, as the worker needs it. */
export interface SyncPeer {
  readonly rank: number;
  readonly endpoint: string;
  readonly publicKey?: string;
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
}

/** Messages to the worker. */
export type SyncRequest =
  | { readonly type: 'bind'; readonly address: string }
  | { readonly type: 'configure'; readonly generation: number; readonly rank: number; readonly ringKey: Uint8Array; readonly peers: readonly SyncPeer[] }
  | {
      readonly type: 'reduce';
      readonly generation: number;
      readonly step: number;
      readonly index: number;
      readonly label: string;
      readonly values: Float32Array;
      readonly result?: SharedArrayBuffer;
    }
  | { readonly type: 'cancel' }
  | { readonly type: 'stop' };

/** The worker's answer to `bind`. */
export interface SyncBound {
  readonly type: 'bound';
  readonly endpoint?: string;
  readonly error?: string;
}

// What the heartbeat thread (heartbeat-thread.ts) and its worker (heartbeat-worker.ts) share.

/** Slots of the Int32Array both sides read and write with Atomics. */
export const HeartbeatSlot = {
  /** The generation the next heartbeats carry (written by the main thread). */
  Generation: 0,
  /** The step counter the next heartbeats carry (written by the main thread). */
  Step: 1,
  /** 0 while the coordinator answers; 1 silent past the timeout; 2 it told this worker to stop. */
  CoordinatorLost: 2,
  /** Set to 1 by the main thread to stop the worker. */
  Stop: 3,
  /** The generation the coordinator's latest answer named. */
  CoordinatorGeneration: 4,
} as const;

/** What the heartbeat worker is started with. */
export interface HeartbeatWorkerData {
  /** The slots above (32 bytes). */
  readonly shared: SharedArrayBuffer;
  /** The abort reason: u32 LE byte length, then UTF-8 (written before CoordinatorLost = 2). */
  readonly reason: SharedArrayBuffer;
  readonly endpoint: string;
  readonly workerId: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly curve?: { readonly publicKey: string; readonly secretKey: string };
  readonly serverKey?: string;
}

/** Messages to the worker: the session token (from Config). */
export interface HeartbeatTokenMessage {
  readonly token: string;
}

/** Messages from the worker: the coordinator has been silent for `lost` ms. */
export interface HeartbeatLostMessage {
  readonly lost: number;
}

import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '@spikeflow/core';
import type { Security } from '../transport/security.js';
import { HeartbeatSlot, type HeartbeatTokenMessage, type HeartbeatWorkerData } from './heartbeat-protocol.js';

// The thread's code is heartbeat-worker.ts; the slots of the shared array are HeartbeatSlot.

/** Options of a {@link HeartbeatThread}. */
export interface HeartbeatOptions {
  readonly endpoint: string;
  readonly workerId: string;
  readonly security: Security;
  readonly serverKey?: string;
  readonly intervalMs: number;
  /** No answer from the coordinator for this long means it is gone. */
  readonly timeoutMs: number;
}

/**
 * Application heartbeats from a worker thread: the coordinator sees this worker alive (and its
 * step counter) even while the main thread computes a long synchronous BPTT step, and the worker
 * learns within `timeoutMs` when the coordinator stops answering.
 */
export class HeartbeatThread {
  private readonly shared = new Int32Array(new SharedArrayBuffer(32));
  private readonly reason = new Uint8Array(new SharedArrayBuffer(4096));
  private readonly worker: Worker;
  /** Why the coordinator told this worker to stop, when it did so on the heartbeat socket. */
  get abortReason(): string | undefined {
    if (Atomics.load(this.shared, HeartbeatSlot.CoordinatorLost) !== 2) return undefined;
    const n = new DataView(this.reason.buffer).getUint32(0, true);
    return Buffer.from(this.reason.subarray(4, 4 + n)).toString();
  }

  constructor(options: HeartbeatOptions) {
    const curve = 'curve' in options.security ? options.security.curve : undefined;
    const workerData: HeartbeatWorkerData = {
      shared: this.shared.buffer as SharedArrayBuffer,
      reason: this.reason.buffer as SharedArrayBuffer,
      endpoint: options.endpoint,
      workerId: options.workerId,
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      curve,
      serverKey: options.serverKey,
    };
    this.worker = startModuleWorker(new URL('./heartbeat-worker.js', import.meta.url), { workerData });
    this.worker.unref();
  }

  /** The session token the coordinator gave this worker: heartbeats count only with it. */
  setToken(token: string): void {
    this.worker.postMessage({ token } satisfies HeartbeatTokenMessage);
  }

  /** Publish the generation and step counter the next heartbeats carry. */
  update(generation: number, step: number): void {
    Atomics.store(this.shared, HeartbeatSlot.Generation, generation);
    Atomics.store(this.shared, HeartbeatSlot.Step, step);
  }

  /**
   * The generation the coordinator's latest heartbeat answer named: a main thread blocked in a
   * synchronous wait (a batch-norm all-reduce) learns from it that the ring was rebuilt.
   */
  get coordinatorGeneration(): number {
    return Atomics.load(this.shared, HeartbeatSlot.CoordinatorGeneration);
  }

  /** True once the coordinator has been silent for longer than the timeout, or told this worker to stop. */
  get coordinatorLost(): boolean {
    return Atomics.load(this.shared, HeartbeatSlot.CoordinatorLost) !== 0;
  }

  async stop(): Promise<void> {
    Atomics.store(this.shared, HeartbeatSlot.Stop, 1);
    await Promise.race([new Promise((r) => this.worker.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }
}

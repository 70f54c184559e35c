import type { Worker } from 'node:worker_threads';
import { SpikeflowError, startModuleWorker, type BatchNormSync, type BatchNormSyncContext } from '@spikeflow/core';
import { SyncSlot, type SyncBound, type SyncRequest, type SyncWorkerData } from './batch-norm-sync-protocol.js';
import type { Peer } from '../protocol/messages.js';
import type { Security } from '../transport/security.js';

// The thread's code is batch-norm-sync-worker.ts (it owns the sockets while this thread blocks in
// Atomics.wait); what both sides exchange is in batch-norm-sync-protocol.ts.

/** Options of a {@link BatchNormSyncThread}. */
export interface BatchNormSyncThreadOptions {
  /** CURVE keys of this worker's batch-norm socket (the ring's per-run pair), or plain TCP. */
  readonly security: Security;
  /** Deadline of one all-reduce (the error names the layer, the rank and who has not answered). */
  readonly timeoutMs: number;
  /** Called every 50 ms while waiting; throw to abandon the wait (coordinator lost, newer generation). */
  readonly check?: () => void;
}

/** One call of the last step this rank had samples in: what to replay, with zeros, when it has none. */
interface CallShape {
  readonly context: BatchNormSyncContext;
  readonly length: number;
}

/**
 * The worker side of synchronised batch norm: a {@link BatchNormSync} whose `allReduceSum` sends
 * this rank's values to every other rank over ZeroMQ and blocks (Atomics.wait on shared memory,
 * bounded by `timeoutMs`) until their values for the same call arrived, then returns the sum taken
 * in rank order — bit-identical on every rank. A thread owns the sockets, separate from the
 * gradient ring, because the main thread is inside tfjs' synchronous forward/backward meanwhile.
 * Calls are numbered per step; ranks that disagree on a call's layer, phase or size, or skip one,
 * get `protocol-error`; silence past the deadline is `timeout`.
 *
 * @example
 * ```ts
 * const bn = await BatchNormSyncThread.bind('127.0.0.1', { security: { insecure: true }, timeoutMs: 60_000 });
 * bn.configure(generation, rank, ring, ringKey); // ring: Peer[] with bnEndpoint; ringKey from Start
 * bn.beginStep(step, localCount / globalCount);
 * setBatchNormSync(bn); // then run the step's forward/backward
 * ```
 */
export class BatchNormSyncThread implements BatchNormSync {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(16));
  private readonly err = new Uint8Array(new SharedArrayBuffer(4096));
  private result = new Float32Array(new SharedArrayBuffer(4 * 4096));
  private readonly worker: Worker;
  private generation = -1;
  private rank = -1;
  private ring: readonly Peer[] = [];
  private step = 0;
  private index = 0;
  private calls: CallShape[] = [];
  private lastCalls: CallShape[] | undefined;
  private closed = false;
  /** All-reduces made, and the time the main thread spent blocked in them (ms). */
  readonly stats = { calls: 0, waitMs: 0 };
  /** This rank's share of the global loss in the current step (`local / global` samples). */
  lossWeight = 1;
  endpoint = '';

  private constructor(private readonly options: BatchNormSyncThreadOptions) {
    const curve = 'curve' in options.security ? options.security.curve : undefined;
    const workerData: SyncWorkerData = {
      ctl: this.ctl.buffer as SharedArrayBuffer,
      err: this.err.buffer as SharedArrayBuffer,
      result: this.result.buffer as SharedArrayBuffer,
      curve,
      zapWaitMs: Math.min(options.timeoutMs, 10_000),
    };
    this.worker = startModuleWorker(new URL('./batch-norm-sync-worker.js', import.meta.url), { workerData });
    this.worker.unref();
  }

  /** Start the thread and bind its socket on `host` (port chosen by the OS); `endpoint` is then set. */
  static async bind(host: string, options: BatchNormSyncThreadOptions): Promise<BatchNormSyncThread> {
    const t = new BatchNormSyncThread(options);
    const bound = await new Promise<SyncBound>((resolve, reject) => {
      t.worker.once('message', resolve);
      t.worker.once('error', reject);
      t.post({ type: 'bind', address: `tcp://${host.includes(':') ? `[${host}]` : host}:0` });
    });
    if (!bound.endpoint) {
      await t.close();
      throw new SpikeflowError('invalid-options', `cannot bind the batch-norm socket on ${host}: ${bound.error}`);
    }
    t.endpoint = bound.endpoint;
    return t;
  }

  /**
   * Join generation `generation` as `rank` of `ring` (each peer's `bnEndpoint` and key);
   * `ringKey` is the generation's secret (from Start) that authenticates every frame.
   */
  configure(generation: number, rank: number, ring: readonly Peer[], ringKey: Uint8Array): void {
    if (ringKey.byteLength < 16)
      throw new SpikeflowError(
        'protocol-error',
        `generation ${generation} came with a ring key of ${ringKey.byteLength} bytes; at least 16 expected (coordinator and worker versions differ?)`,
      );
    for (const p of ring)
      if (!p.bnEndpoint)
        throw new SpikeflowError(
          'protocol-error',
          `worker ${p.workerId} on ${p.host} published no batch-norm endpoint; every worker of a run with synchronised batch norm needs one (same spikeflow version everywhere)`,
        );
    this.generation = generation;
    this.rank = rank;
    this.ring = ring;
    this.lastCalls = undefined;
    this.post({
      type: 'configure',
      generation,
      rank,
      ringKey: Uint8Array.from(ringKey),
      peers: ring.map((p, r) => ({ rank: r, endpoint: p.bnEndpoint!, publicKey: p.publicKey, workerId: p.workerId, host: p.host, pid: p.pid })),
    });
  }

  /** Number the calls of step `step` from 0; `lossWeight` is this rank's `local / global` sample count. */
  beginStep(step: number, lossWeight: number): void {
    if (this.calls.length) this.lastCalls = this.calls;
    this.step = step;
    this.index = 0;
    this.calls = [];
    this.lossWeight = lossWeight;
  }

  /**
   * Take part in step `step` without samples. `forward` runs the model on an empty batch (its batch
   * norm layers join the forward sums with zero rows and update their running statistics with the
   * global ones, as every rank does); the backward calls of the last step this rank ran are then
   * made with zeros, so the other ranks' sums are those of their samples.
   */
  skipStep(step: number, forward: () => void): void {
    const shapes = this.calls.length ? this.calls : this.lastCalls;
    if (!shapes)
      throw new SpikeflowError(
        'invalid-state',
        `rank ${this.rank} has no samples in step ${step} and has not yet seen a step with samples in generation ${this.generation}, so it cannot tell which batch-norm calls to join; use a global batch of at least twice the number of workers`,
      );
    this.beginStep(step, 0);
    forward();
    for (const s of shapes) if (s.context.phase === 'backward') this.allReduceSum(new Float32Array(s.length), s.context);
  }

  allReduceSum(values: Float32Array, context: BatchNormSyncContext): Float32Array {
    if (this.closed || this.generation < 0) throw new SpikeflowError('invalid-state', `batch-norm all-reduce of ${context.layer} before the batch-norm link was configured`);
    const index = this.index++;
    this.calls.push({ context, length: values.length });
    let grown: SharedArrayBuffer | undefined;
    if (values.length > this.result.length) {
      grown = new SharedArrayBuffer(4 * values.length);
      this.result = new Float32Array(grown);
    }
    const label = `${context.layer} ${context.phase}`;
    Atomics.store(this.ctl, SyncSlot.State, 0);
    Atomics.store(this.ctl, SyncSlot.Arrived, 1);
    this.post({ type: 'reduce', generation: this.generation, step: this.step, index, label, values: values.slice(), result: grown });
    const t0 = performance.now();
    for (;;) {
      const left = this.options.timeoutMs - (performance.now() - t0);
      if (left <= 0) break;
      if (Atomics.wait(this.ctl, SyncSlot.State, 0, Math.min(50, left)) !== 'timed-out') break;
      try {
        this.options.check?.();
      } catch (e) {
        this.post({ type: 'cancel' });
        throw e;
      }
    }
    const state = Atomics.load(this.ctl, SyncSlot.State);
    this.stats.calls++;
    this.stats.waitMs += performance.now() - t0;
    const where = `${label} (call ${index} of step ${this.step}, generation ${this.generation}) on rank ${this.rank} of ${this.ring.length}`;
    if (state === 1) return this.result.slice(0, Atomics.load(this.ctl, SyncSlot.ResultLength));
    if (state === 2)
      throw new SpikeflowError(
        'protocol-error',
        `synchronised batch norm: ${Buffer.from(this.err.subarray(0, Atomics.load(this.ctl, SyncSlot.ErrorLength))).toString()} [${where}]`,
      );
    this.post({ type: 'cancel' });
    throw new SpikeflowError(
      'timeout',
      `synchronised batch norm: ${where} waited ${(this.options.timeoutMs / 1000).toFixed(1)} s; ${Atomics.load(this.ctl, SyncSlot.Arrived)} of ${this.ring.length} ranks had sent their values`,
    );
  }

  /** A request to the thread, typed by the protocol both sides import. */
  private post(m: SyncRequest): void {
    this.worker.postMessage(m);
  }

  /** Stop the thread and close its sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.post({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }
}

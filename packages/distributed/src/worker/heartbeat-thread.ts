import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Security } from '../transport/security.js';
import { PROTO_PATH } from '../protocol/wire.js';

const require = createRequire(import.meta.url);

// The thread's code: plain CommonJS so it runs the same from src (tests) and dist. It shares an
// Int32Array with the main thread — [generation, step, coordinatorLost, stop, coordinator's generation] — and reads it with
// Atomics, so a main thread busy in a long synchronous step still reports progress.
const THREAD_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const zmq = require(workerData.zmqPath);
const protobuf = require(workerData.protobufPath);
const Envelope = protobuf.loadSync(workerData.protoPath).lookupType('spikeflow.cluster.Envelope');
const shared = new Int32Array(workerData.shared);
const reason = new Uint8Array(workerData.reason);
const sock = new zmq.Dealer({ linger: 0, maxMessageSize: 65536, sendTimeout: workerData.intervalMs, receiveTimeout: workerData.intervalMs, routingId: workerData.workerId + '#hb',
  heartbeatInterval: workerData.intervalMs, heartbeatTimeout: workerData.timeoutMs, heartbeatTimeToLive: workerData.timeoutMs });
if (workerData.curve) {
  sock.curveSecretKey = workerData.curve.secretKey; sock.curvePublicKey = workerData.curve.publicKey; sock.curveServerKey = workerData.serverKey;
}
sock.connect(workerData.endpoint);
let lastAck = Date.now();
let lastTick = Date.now();
// Before the first answer the main thread's join deadline applies (the coordinator may still be starting).
let acked = false;
// The session token (from Config, via postMessage): without it a heartbeat keeps nobody alive.
let token = '';
parentPort.on('message', (m) => { if (m && typeof m.token === 'string') token = m.token; });
async function main() {
  while (Atomics.load(shared, 3) === 0) {
    const hb = { heartbeat: { workerId: workerData.workerId, generation: Atomics.load(shared, 0), step: Atomics.load(shared, 1) }, token };
    try { await sock.send(Envelope.encode(Envelope.fromObject(hb)).finish()); } catch {}
    const until = Date.now() + workerData.intervalMs;
    while (Date.now() < until && Atomics.load(shared, 3) === 0) {
      try { const [f] = await sock.receive(); const m = Envelope.toObject(Envelope.decode(f), { oneofs: true }); if (m.body === 'heartbeatAck') { lastAck = Date.now(); acked = true; Atomics.store(shared, 4, m.heartbeatAck.generation >>> 0); }
        if (m.body === 'abort' && Atomics.load(shared, 2) === 0) {
          // The reason goes into shared memory before the flag, so the main thread reads both at once.
          const bytes = Buffer.from(String(m.abort.reason)).subarray(0, reason.length - 4);
          reason.set(bytes, 4); new DataView(reason.buffer).setUint32(0, bytes.length, true);
          Atomics.store(shared, 2, 2);
        } } catch {}
    }
    // A gap far beyond the period means this process was frozen (SIGSTOP, swapped out): give the
    // coordinator one more window to answer, so a fenced worker hears why instead of guessing.
    if (Date.now() - lastTick > 3 * workerData.intervalMs) lastAck = Date.now();
    lastTick = Date.now();
    if (acked && Date.now() - lastAck > workerData.timeoutMs && Atomics.load(shared, 2) === 0) {
      Atomics.store(shared, 2, 1);
      parentPort.postMessage({ lost: Date.now() - lastAck });
    }
  }
  parentPort.removeAllListeners('message');
  sock.close();
}
main();
`;

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
    if (Atomics.load(this.shared, 2) !== 2) return undefined;
    const n = new DataView(this.reason.buffer).getUint32(0, true);
    return Buffer.from(this.reason.subarray(4, 4 + n)).toString();
  }

  constructor(options: HeartbeatOptions) {
    const curve = 'curve' in options.security ? options.security.curve : undefined;
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        zmqPath: require.resolve('zeromq'), protobufPath: require.resolve('protobufjs'), protoPath: PROTO_PATH, shared: this.shared.buffer, reason: this.reason.buffer,
        endpoint: options.endpoint, workerId: options.workerId, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs, curve, serverKey: options.serverKey,
      },
    });
    this.worker.unref();
  }

  /** The session token the coordinator gave this worker: heartbeats count only with it. */
  setToken(token: string): void {
    this.worker.postMessage({ token });
  }

  /** Publish the generation and step counter the next heartbeats carry. */
  update(generation: number, step: number): void {
    Atomics.store(this.shared, 0, generation);
    Atomics.store(this.shared, 1, step);
  }

  /**
   * The generation the coordinator's latest heartbeat answer named: a main thread blocked in a
   * synchronous wait (a batch-norm all-reduce) learns from it that the ring was rebuilt.
   */
  get coordinatorGeneration(): number {
    return Atomics.load(this.shared, 4);
  }

  /** True once the coordinator has been silent for longer than the timeout, or told this worker to stop. */
  get coordinatorLost(): boolean {
    return Atomics.load(this.shared, 2) !== 0;
  }

  async stop(): Promise<void> {
    Atomics.store(this.shared, 3, 1);
    await Promise.race([new Promise((r) => this.worker.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }
}

import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { SpikeflowError, type BatchNormSync, type BatchNormSyncContext } from '@spikeflow/core';
import type { Peer } from '../protocol/messages.js';
import type { Security } from '../transport/security.js';

const require = createRequire(import.meta.url);

// The thread's code: plain CommonJS, so it runs the same from src (tests) and dist. It owns the
// batch-norm sockets — a ROUTER bound on port 0 and a DEALER to every other rank — because the main
// thread is blocked in Atomics.wait (inside tfjs' synchronous forward/backward) while a sum is in
// flight. Requests come by postMessage; the result (or an error text) goes into shared memory:
// ctl = [state (0 pending, 1 done, 2 error), result length, error length, ranks arrived].
// Frames: [header = u32 LE (generation, step, call, fromRank, length), label utf8, float32 LE payload,
// HMAC-SHA256 under the generation's ring key of the three (each length-prefixed, as frameMac)].
const THREAD_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const zmq = require(workerData.zmqPath);
const ctl = new Int32Array(workerData.ctl);
const err = new Uint8Array(workerData.err);
let result = new Float32Array(workerData.result);
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
function z85(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let v = ((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) + bytes[i + 3];
    let block = '';
    for (let j = 0; j < 5; j++) { block = ALPHABET[v % 85] + block; v = Math.floor(v / 85); }
    out += block;
  }
  return out;
}
const curve = workerData.curve;
// A context of its own: its own inproc namespace, so its ZAP handler (below) answers for these
// sockets only, beside the process's handler of the ring and coordinator sockets.
const context = new zmq.Context();
let allowed = new Set();
let zap;
if (curve) {
  // Only the current peers' keys pass.
  zap = new zmq.Reply({ linger: 0, context });
  zap.bind('inproc://zeromq.zap.01').then(async () => {
    try {
      for await (const [version, requestId, , , , mechanism, credentials] of zap) {
        const key = mechanism && String(mechanism) === 'CURVE' && credentials && credentials.length === 32 ? z85(new Uint8Array(credentials)) : '';
        // A peer may connect before this thread hears of the generation that names it (both learn
        // it from the coordinator at about the same time); a refused handshake would lose the frames
        // queued on that connection, so an unknown key waits a little for the configuration.
        const t0 = Date.now();
        while (key !== '' && !allowed.has(key) && Date.now() - t0 < workerData.zapWaitMs) await new Promise((r) => setTimeout(r, 20));
        const ok = key !== '' && allowed.has(key);
        await zap.send([version || '1.0', requestId || '', ok ? '200' : '400', ok ? 'OK' : 'key not allowed', ok ? key : '', '']);
      }
    } catch {}
  });
}
// Frames carry one layer's statistics (channels x a few values): the protocol caps a frame at 16 MiB.
const router = new zmq.Router({ linger: 0, maxMessageSize: 16 << 20, context });
// The generation's ring key (from Start): only ring members can feed this socket, even on plain TCP.
let key = Buffer.alloc(0);
function mac(parts) {
  const h = crypto.createHmac('sha256', key);
  const len = Buffer.alloc(4);
  for (const p of parts) { len.writeUInt32LE(p.length, 0); h.update(len); h.update(p); }
  return h.digest();
}
// Frames of a generation this thread has not heard of yet: checked once its key arrives.
let future = [];
if (curve) { router.curveServer = true; router.curveSecretKey = curve.secretKey; router.curvePublicKey = curve.publicKey; router.zapDomain = 'spikeflow-bn'; }
let generation = -1, rank = 0, peers = [];
let dealers = new Map();
const lastFrom = new Map();
const inbox = new Map();
let pending = null;
const keyOf = (g, s, i) => g + '/' + s + '/' + i;
const before = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
function fail(message) {
  const bytes = Buffer.from(message).subarray(0, err.length);
  err.set(bytes);
  Atomics.store(ctl, 2, bytes.length);
  pending = null;
  Atomics.store(ctl, 0, 2);
  Atomics.notify(ctl, 0);
}
function tryComplete() {
  if (!pending) return;
  const p = pending;
  const got = inbox.get(keyOf(p.generation, p.step, p.index)) || new Map();
  Atomics.store(ctl, 3, got.size + 1);
  for (const peer of peers) {
    if (peer.rank === rank) continue;
    const m = got.get(peer.rank);
    const who = 'rank ' + peer.rank + ' (' + peer.workerId + ' on ' + peer.host + ', pid ' + peer.pid + ')';
    if (m) {
      if (m.label !== p.label || m.data.length !== p.values.length) {
        return fail('batch-norm call ' + p.index + ' of step ' + p.step + ': this rank (' + rank + ') is at ' + p.label + ' with ' + p.values.length + ' values but ' + who + ' sent ' + m.label + ' with ' + m.data.length + ' values; every rank must run the same model and make the same batch-norm calls in the same order');
      }
    } else {
      const last = lastFrom.get(p.generation + '/' + peer.rank);
      if (last && before([p.step, p.index], last)) {
        return fail('batch-norm call ' + p.index + ' of step ' + p.step + ' (' + p.label + '): ' + who + ' has already sent call ' + last[1] + ' of step ' + last[0] + ' without this one; the ranks made different batch-norm calls');
      }
      return;
    }
  }
  // The same additions in the same (rank) order on every rank: bit-identical sums everywhere.
  const n = p.values.length;
  const acc = new Float64Array(n);
  for (let r = 0; r < peers.length; r++) {
    const v = r === rank ? p.values : got.get(r).data;
    for (let i = 0; i < n; i++) acc[i] += v[i];
  }
  for (let i = 0; i < n; i++) result[i] = acc[i];
  for (const k of [...inbox.keys()]) {
    const [g, s, i] = k.split('/').map(Number);
    if (g < p.generation || (g === p.generation && before([s, i], [p.step, p.index + 1]))) inbox.delete(k);
  }
  pending = null;
  Atomics.store(ctl, 1, n);
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
function accept(header, label, payload, tag) {
  const h = new DataView(header.buffer, header.byteOffset, 20);
  const g = h.getUint32(0, true), s = h.getUint32(4, true), i = h.getUint32(8, true), from = h.getUint32(12, true), len = h.getUint32(16, true);
  // A later generation's values may come before this thread hears of that generation: keep them.
  if (g > generation) {
    if (future.length >= 4096) future.shift();
    future.push([header, label, payload, tag]);
    return;
  }
  if (g < generation || payload.length !== len * 4 || from === rank || from >= peers.length) return;
  if (key.length === 0 || !tag || tag.length !== 32 || !crypto.timingSafeEqual(mac([header, label, payload]), tag)) return;
  const data = new Float32Array(len);
  new Uint8Array(data.buffer).set(payload);
  const k = keyOf(g, s, i);
  if (!inbox.has(k)) inbox.set(k, new Map());
  inbox.get(k).set(from, { label: String(label), data });
  const last = lastFrom.get(g + '/' + from);
  if (!last || before(last, [s, i])) lastFrom.set(g + '/' + from, [s, i]);
  tryComplete();
}
async function receiveLoop() {
  try {
    for await (const [, header, label, payload, tag] of router) {
      if (!header || header.length !== 20 || !label || !payload) continue;
      accept(header, label, payload, tag);
    }
  } catch {}
}
const queues = new Map();
function sendTo(r, frames) {
  const d = dealers.get(r);
  const prev = queues.get(r) || Promise.resolve();
  const next = prev.then(() => d.send(frames)).catch(() => {});
  queues.set(r, next);
}
parentPort.on('message', (m) => {
  if (m.type === 'bind') {
    router.bind(m.address).then(() => parentPort.postMessage({ type: 'bound', endpoint: router.lastEndpoint }), (e) => parentPort.postMessage({ type: 'bound', error: String(e && e.message || e) }));
  } else if (m.type === 'configure') {
    for (const d of dealers.values()) d.close();
    dealers = new Map(); queues.clear(); pending = null;
    for (const k of [...lastFrom.keys()]) if (Number(k.split('/')[0]) < m.generation) lastFrom.delete(k);
    generation = m.generation; rank = m.rank; peers = m.peers; key = Buffer.from(m.ringKey);
    allowed = new Set(peers.map((p) => p.publicKey).filter(Boolean));
    for (const k of [...inbox.keys()]) if (Number(k.split('/')[0]) < generation) inbox.delete(k);
    const early = future;
    future = [];
    for (const f of early) accept(f[0], f[1], f[2], f[3]);
    for (const p of peers) {
      if (p.rank === rank) continue;
      const d = new zmq.Dealer({ linger: 0, immediate: false, context });
      if (curve) { d.curveServer = false; d.curveSecretKey = curve.secretKey; d.curvePublicKey = curve.publicKey; d.curveServerKey = p.publicKey; }
      d.connect(p.endpoint);
      dealers.set(p.rank, d);
    }
  } else if (m.type === 'reduce') {
    if (m.result) result = new Float32Array(m.result);
    if (m.generation !== generation) return fail('batch-norm all-reduce for generation ' + m.generation + ' but the link is configured for generation ' + generation);
    pending = m;
    const header = Buffer.alloc(20);
    header.writeUInt32LE(m.generation, 0); header.writeUInt32LE(m.step, 4); header.writeUInt32LE(m.index, 8); header.writeUInt32LE(rank, 12); header.writeUInt32LE(m.values.length, 16);
    const payload = Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength);
    const tag = mac([header, Buffer.from(m.label), payload]);
    for (const r of dealers.keys()) sendTo(r, [header, m.label, payload, tag]);
    tryComplete();
  } else if (m.type === 'cancel') {
    pending = null;
  } else if (m.type === 'stop') {
    for (const d of dealers.values()) d.close();
    router.close();
    if (zap) zap.close();
    parentPort.close();
  }
});
receiveLoop();
`;

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
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { zmqPath: require.resolve('zeromq'), ctl: this.ctl.buffer, err: this.err.buffer, result: this.result.buffer, curve, zapWaitMs: Math.min(options.timeoutMs, 10_000) } });
    this.worker.unref();
  }

  /** Start the thread and bind its socket on `host` (port chosen by the OS); `endpoint` is then set. */
  static async bind(host: string, options: BatchNormSyncThreadOptions): Promise<BatchNormSyncThread> {
    const t = new BatchNormSyncThread(options);
    const bound = await new Promise<{ endpoint?: string; error?: string }>((resolve, reject) => {
      t.worker.once('message', resolve);
      t.worker.once('error', reject);
      t.worker.postMessage({ type: 'bind', address: `tcp://${host.includes(':') ? `[${host}]` : host}:0` });
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
    if (ringKey.byteLength < 16) throw new SpikeflowError('protocol-error', `generation ${generation} came with a ring key of ${ringKey.byteLength} bytes; at least 16 expected (coordinator and worker versions differ?)`);
    for (const p of ring) if (!p.bnEndpoint) throw new SpikeflowError('protocol-error', `worker ${p.workerId} on ${p.host} published no batch-norm endpoint; every worker of a run with synchronised batch norm needs one (same spikeflow version everywhere)`);
    this.generation = generation;
    this.rank = rank;
    this.ring = ring;
    this.lastCalls = undefined;
    this.worker.postMessage({ type: 'configure', generation, rank, ringKey: Uint8Array.from(ringKey), peers: ring.map((p, r) => ({ rank: r, endpoint: p.bnEndpoint, publicKey: p.publicKey, workerId: p.workerId, host: p.host, pid: p.pid })) });
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
    if (!shapes) throw new SpikeflowError('invalid-state', `rank ${this.rank} has no samples in step ${step} and has not yet seen a step with samples in generation ${this.generation}, so it cannot tell which batch-norm calls to join; use a global batch of at least twice the number of workers`);
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
    Atomics.store(this.ctl, 0, 0);
    Atomics.store(this.ctl, 3, 1);
    this.worker.postMessage({ type: 'reduce', generation: this.generation, step: this.step, index, label, values: values.slice(), result: grown });
    const t0 = performance.now();
    for (;;) {
      const left = this.options.timeoutMs - (performance.now() - t0);
      if (left <= 0) break;
      if (Atomics.wait(this.ctl, 0, 0, Math.min(50, left)) !== 'timed-out') break;
      try {
        this.options.check?.();
      } catch (e) {
        this.worker.postMessage({ type: 'cancel' });
        throw e;
      }
    }
    const state = Atomics.load(this.ctl, 0);
    this.stats.calls++;
    this.stats.waitMs += performance.now() - t0;
    const where = `${label} (call ${index} of step ${this.step}, generation ${this.generation}) on rank ${this.rank} of ${this.ring.length}`;
    if (state === 1) return this.result.slice(0, Atomics.load(this.ctl, 1));
    if (state === 2) throw new SpikeflowError('protocol-error', `synchronised batch norm: ${Buffer.from(this.err.subarray(0, Atomics.load(this.ctl, 2))).toString()} [${where}]`);
    this.worker.postMessage({ type: 'cancel' });
    throw new SpikeflowError('timeout', `synchronised batch norm: ${where} waited ${(this.options.timeoutMs / 1000).toFixed(1)} s; ${Atomics.load(this.ctl, 3)} of ${this.ring.length} ranks had sent their values`);
  }

  /** Stop the thread and close its sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }
}

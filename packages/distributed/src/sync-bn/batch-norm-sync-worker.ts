// The batch-norm sync thread's code (see batch-norm-sync-thread.ts). It owns the batch-norm
// sockets — a ROUTER bound on port 0 and a DEALER to every other rank — because the main thread is
// blocked in Atomics.wait (inside tfjs' synchronous forward/backward) while a sum is in flight.
// Requests come by postMessage; the result (or an error text) goes into shared memory (SyncSlot).
// Frames: [header = u32 LE (generation, step, call, fromRank, length), label utf8, float32 LE payload,
// frameMac under the generation's ring key of the three].
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { frameMac, verifyFrameMac } from '../transport/frame-mac.js';
import { z85Encode } from '../transport/z85.js';
import { SyncSlot, type SyncPeer, type SyncRequest, type SyncWorkerData } from './batch-norm-sync-protocol.js';

const data = workerData as SyncWorkerData;
const port = parentPort!;
const ctl = new Int32Array(data.ctl);
const err = new Uint8Array(data.err);
let result = new Float32Array(data.result);
const curve = data.curve;

/** (step, call) pairs in order. */
type Position = readonly [step: number, index: number];
const before = (a: Position, b: Position) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
const keyOf = (g: number, s: number, i: number) => `${g}/${s}/${i}`;

// A context of its own: its own inproc namespace, so its ZAP handler (below) answers for these
// sockets only, beside the process's handler of the ring and coordinator sockets.
const context = new zmq.Context();
let allowed = new Set<string>();
let zap: zmq.Reply | undefined;
if (curve) {
  // Only the current peers' keys pass.
  const reply = new zmq.Reply({ linger: 0, context });
  zap = reply;
  void reply.bind('inproc://zeromq.zap.01').then(async () => {
    try {
      for await (const [version, requestId, , , , mechanism, credentials] of reply) {
        const key = mechanism && String(mechanism) === 'CURVE' && credentials && credentials.length === 32 ? z85Encode(new Uint8Array(credentials)) : '';
        // A peer may connect before this thread hears of the generation that names it (both learn
        // it from the coordinator at about the same time); a refused handshake would lose the frames
        // queued on that connection, so an unknown key waits a little for the configuration.
        const t0 = Date.now();
        while (key !== '' && !allowed.has(key) && Date.now() - t0 < data.zapWaitMs) await new Promise((r) => setTimeout(r, 20));
        const ok = key !== '' && allowed.has(key);
        await reply.send([version || '1.0', requestId || '', ok ? '200' : '400', ok ? 'OK' : 'key not allowed', ok ? key : '', '']);
      }
    } catch {
      // The socket closed (stop).
    }
  });
}

// Frames carry one layer's statistics (channels x a few values): the protocol caps a frame at 16 MiB.
const router = new zmq.Router({ linger: 0, maxMessageSize: 16 << 20, context });
if (curve) {
  router.curveServer = true;
  router.curveSecretKey = curve.secretKey;
  router.curvePublicKey = curve.publicKey;
  router.zapDomain = 'spikeflow-bn';
}

// The generation's ring key (from configure): only ring members can feed this socket, even on plain TCP.
let key: Buffer = Buffer.alloc(0);
type Frame = [header: Buffer, label: Buffer, payload: Buffer, tag: Buffer | undefined];
// Frames of a generation this thread has not heard of yet: checked once its key arrives.
let future: Frame[] = [];
let generation = -1;
let rank = 0;
let peers: readonly SyncPeer[] = [];
let dealers = new Map<number, zmq.Dealer>();
const queues = new Map<number, Promise<void>>();
/** The last (step, call) each `generation/rank` sent. */
const lastFrom = new Map<string, Position>();
/** Values received per `generation/step/call`, by rank. */
const inbox = new Map<string, Map<number, { label: string; data: Float32Array }>>();
let pending: Extract<SyncRequest, { type: 'reduce' }> | null = null;

function fail(message: string): void {
  const bytes = Buffer.from(message).subarray(0, err.length);
  err.set(bytes);
  Atomics.store(ctl, SyncSlot.ErrorLength, bytes.length);
  pending = null;
  Atomics.store(ctl, SyncSlot.State, 2);
  Atomics.notify(ctl, SyncSlot.State);
}

function tryComplete(): void {
  if (!pending) return;
  const p = pending;
  const got = inbox.get(keyOf(p.generation, p.step, p.index)) ?? new Map<number, { label: string; data: Float32Array }>();
  Atomics.store(ctl, SyncSlot.Arrived, got.size + 1);
  for (const peer of peers) {
    if (peer.rank === rank) continue;
    const m = got.get(peer.rank);
    const who = `rank ${peer.rank} (${peer.workerId} on ${peer.host}, pid ${peer.pid})`;
    if (m) {
      if (m.label !== p.label || m.data.length !== p.values.length) {
        return fail(
          `batch-norm call ${p.index} of step ${p.step}: this rank (${rank}) is at ${p.label} with ${p.values.length} values but ${who} sent ${m.label} with ${m.data.length} values; every rank must run the same model and make the same batch-norm calls in the same order`,
        );
      }
    } else {
      const last = lastFrom.get(`${p.generation}/${peer.rank}`);
      if (last && before([p.step, p.index], last)) {
        return fail(
          `batch-norm call ${p.index} of step ${p.step} (${p.label}): ${who} has already sent call ${last[1]} of step ${last[0]} without this one; the ranks made different batch-norm calls`,
        );
      }
      return;
    }
  }
  // The same additions in the same (rank) order on every rank: bit-identical sums everywhere.
  const n = p.values.length;
  const acc = new Float64Array(n);
  for (let r = 0; r < peers.length; r++) {
    const v = r === rank ? p.values : got.get(r)!.data;
    for (let i = 0; i < n; i++) acc[i] += v[i];
  }
  for (let i = 0; i < n; i++) result[i] = acc[i];
  for (const k of [...inbox.keys()]) {
    const [g, s, i] = k.split('/').map(Number);
    if (g < p.generation || (g === p.generation && before([s, i], [p.step, p.index + 1]))) inbox.delete(k);
  }
  pending = null;
  Atomics.store(ctl, SyncSlot.ResultLength, n);
  Atomics.store(ctl, SyncSlot.State, 1);
  Atomics.notify(ctl, SyncSlot.State);
}

function accept(...[header, label, payload, tag]: Frame): void {
  const h = new DataView(header.buffer, header.byteOffset, 20);
  const [g, s, i, from, len] = [0, 4, 8, 12, 16].map((o) => h.getUint32(o, true));
  // A later generation's values may come before this thread hears of that generation: keep them.
  if (g > generation) {
    if (future.length >= 4096) future.shift();
    future.push([header, label, payload, tag]);
    return;
  }
  if (g < generation || payload.length !== len * 4 || from === rank || from >= peers.length) return;
  if (!verifyFrameMac(key, tag, header, label, payload)) return;
  const values = new Float32Array(len);
  new Uint8Array(values.buffer).set(payload);
  const k = keyOf(g, s, i);
  if (!inbox.has(k)) inbox.set(k, new Map());
  inbox.get(k)!.set(from, { label: String(label), data: values });
  const last = lastFrom.get(`${g}/${from}`);
  if (!last || before(last, [s, i])) lastFrom.set(`${g}/${from}`, [s, i]);
  tryComplete();
}

async function receiveLoop(): Promise<void> {
  try {
    for await (const [, header, label, payload, tag] of router) {
      if (!header || header.length !== 20 || !label || !payload) continue;
      accept(header, label, payload, tag);
    }
  } catch {
    // The socket closed (stop).
  }
}

/** Send on rank r's dealer after what is already queued for it (a failed send is dropped: the receiver times out). */
function sendTo(r: number, frames: Array<Buffer | string>): void {
  const d = dealers.get(r)!;
  const next = (queues.get(r) ?? Promise.resolve()).then(() => d.send(frames)).catch(() => {});
  queues.set(r, next);
}

function configure(m: Extract<SyncRequest, { type: 'configure' }>): void {
  for (const d of dealers.values()) d.close();
  dealers = new Map();
  queues.clear();
  pending = null;
  for (const k of [...lastFrom.keys()]) if (Number(k.split('/')[0]) < m.generation) lastFrom.delete(k);
  generation = m.generation;
  rank = m.rank;
  peers = m.peers;
  key = Buffer.from(m.ringKey);
  allowed = new Set(peers.map((p) => p.publicKey).filter((k): k is string => Boolean(k)));
  for (const k of [...inbox.keys()]) if (Number(k.split('/')[0]) < generation) inbox.delete(k);
  const early = future;
  future = [];
  for (const f of early) accept(...f);
  for (const p of peers) {
    if (p.rank === rank) continue;
    const d = new zmq.Dealer({ linger: 0, immediate: false, context });
    if (curve) {
      d.curveServer = false;
      d.curveSecretKey = curve.secretKey;
      d.curvePublicKey = curve.publicKey;
      d.curveServerKey = p.publicKey ?? null;
    }
    d.connect(p.endpoint);
    dealers.set(p.rank, d);
  }
}

function reduce(m: Extract<SyncRequest, { type: 'reduce' }>): void {
  if (m.result) result = new Float32Array(m.result);
  if (m.generation !== generation) return fail(`batch-norm all-reduce for generation ${m.generation} but the link is configured for generation ${generation}`);
  pending = m;
  const header = Buffer.alloc(20);
  [m.generation, m.step, m.index, rank, m.values.length].forEach((v, i) => header.writeUInt32LE(v, 4 * i));
  const payload = Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength);
  const tag = frameMac(key, header, Buffer.from(m.label), payload);
  for (const r of dealers.keys()) sendTo(r, [header, m.label, payload, tag]);
  tryComplete();
}

port.on('message', (m: SyncRequest) => {
  if (m.type === 'bind') {
    router.bind(m.address).then(
      () => port.postMessage({ type: 'bound', endpoint: router.lastEndpoint ?? undefined }),
      (e: unknown) => port.postMessage({ type: 'bound', error: String((e as Error)?.message ?? e) }),
    );
  } else if (m.type === 'configure') {
    configure(m);
  } else if (m.type === 'reduce') {
    reduce(m);
  } else if (m.type === 'cancel') {
    pending = null;
  } else if (m.type === 'stop') {
    for (const d of dealers.values()) d.close();
    router.close();
    zap?.close();
    port.close();
  }
});

void receiveLoop();

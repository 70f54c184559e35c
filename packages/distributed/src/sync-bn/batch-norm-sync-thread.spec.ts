import { randomBytes } from 'node:crypto';
import * as zmq from 'zeromq';
import { afterEach, describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import type { Peer } from '../protocol/messages.js';
import { ZapAuthenticator } from '../transport/security.js';
import { frameMac } from '../transport/frame-mac.js';
import { BatchNormSyncThread } from './batch-norm-sync-thread.js';

// Rank 0 is the thread under test; rank 1 is played by raw ZeroMQ sockets speaking the frame format
// [u32 LE generation, step, call, fromRank, length][label][float32 payload][HMAC under the ring key].
const KEY = randomBytes(32);
const frame = (g: number, step: number, call: number, from: number, label: string, values: number[], key: Uint8Array = KEY): Buffer[] => {
  const h = Buffer.alloc(20);
  [g, step, call, from, values.length].forEach((v, i) => h.writeUInt32LE(v, 4 * i));
  const parts = [h, Buffer.from(label), Buffer.from(Float32Array.from(values).buffer)];
  return [...parts, frameMac(key, ...parts)];
};

const open: Array<{ close(): unknown }> = [];

async function pair(timeoutMs = 5000, check?: () => void): Promise<{ bn: BatchNormSyncThread; peer: zmq.Dealer; inbox: zmq.Router }> {
  const bn = await BatchNormSyncThread.bind('127.0.0.1', { security: { insecure: true }, timeoutMs, check });
  const inbox = new zmq.Router({ linger: 0 });
  await inbox.bind('tcp://127.0.0.1:0');
  const peer = new zmq.Dealer({ linger: 0 });
  peer.connect(bn.endpoint);
  open.push(bn, inbox, peer);
  const ring: Peer[] = [
    { workerId: 'me', endpoint: '', publicKey: '', host: 'here', pid: 1, bnEndpoint: bn.endpoint },
    { workerId: 'other', endpoint: '', publicKey: '', host: 'there', pid: 2, bnEndpoint: inbox.lastEndpoint! },
  ];
  bn.configure(3, 0, ring, KEY);
  return { bn, peer, inbox };
}

/** Give the peer's frames time to reach the thread before the main thread blocks. */
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('BatchNormSyncThread', () => {
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it("returns the rank-ordered sum of both ranks' values and sends its own to the peer", async () => {
    const { bn, peer, inbox } = await pair();
    await peer.send(frame(3, 7, 0, 1, 'BatchNorm1d(3) forward', [0.1, 2, -3]));
    await peer.send(frame(3, 7, 1, 1, 'BatchNorm1d(3) backward', [1, 1]));
    await settle();
    bn.beginStep(7, 0.5);
    const mine = Float32Array.from([0.2, 5, 4]);
    expect(Array.from(bn.allReduceSum(mine, { layer: 'BatchNorm1d(3)', phase: 'forward' }))).toEqual([Math.fround(Math.fround(0.2) + Math.fround(0.1)), 7, 1]);
    expect(Array.from(bn.allReduceSum(Float32Array.from([2, 3]), { layer: 'BatchNorm1d(3)', phase: 'backward' }))).toEqual([3, 4]);
    const [, header, label, payload] = await inbox.receive();
    expect([0, 4, 8, 12, 16].map((o) => header.readUInt32LE(o))).toEqual([3, 7, 0, 0, 3]);
    expect(label.toString()).toBe('BatchNorm1d(3) forward');
    expect(Array.from(new Float32Array(new Uint8Array(payload).buffer))).toEqual(Array.from(mine));
  });

  it('on plain TCP a process outside the ring cannot feed it: frames without the ring key are dropped', async () => {
    const { bn } = await pair(1500);
    const intruder = new zmq.Dealer({ linger: 0 });
    intruder.connect(bn.endpoint);
    open.push(intruder);
    const [h, label, payload] = frame(3, 0, 0, 1, 'BatchNorm1d(3) forward', [100, 100, 100]);
    await intruder.send([h, label, payload]);
    await intruder.send(frame(3, 0, 0, 1, 'BatchNorm1d(3) forward', [100, 100, 100], randomBytes(32)));
    await settle();
    bn.beginStep(0, 1);
    expect(() => bn.allReduceSum(Float32Array.from([1, 2, 3]), { layer: 'BatchNorm1d(3)', phase: 'forward' })).toThrow(/1 of 2 ranks had sent their values/);
  });

  it('names both layers when the ranks disagree on a call (protocol-error)', async () => {
    const { bn, peer } = await pair();
    await peer.send(frame(3, 0, 0, 1, 'BatchNorm2d(8) forward', [1, 2, 3]));
    await settle();
    bn.beginStep(0, 1);
    let e: unknown;
    try {
      bn.allReduceSum(new Float32Array(3), { layer: 'BatchNorm1d(1)', phase: 'forward' });
    } catch (err) {
      e = err;
    }
    expect(SpikeflowError.is(e, 'protocol-error')).toBe(true);
    expect((e as Error).message).toMatch(/BatchNorm1d\(1\) forward.*rank 1 \(other on there, pid 2\) sent BatchNorm2d\(8\) forward/);
  });

  it('notices a peer that skipped a call (it sent a later one)', async () => {
    const { bn, peer } = await pair();
    await peer.send(frame(3, 0, 1, 1, 'BatchNorm1d(1) backward', [1, 2]));
    await settle();
    bn.beginStep(0, 1);
    expect(() => bn.allReduceSum(new Float32Array(3), { layer: 'BatchNorm1d(1)', phase: 'forward' })).toThrow(/has already sent call 1 of step 0 without this one/);
  });

  it('gives up after its deadline with a timeout naming the layer, call and rank — never a hang', async () => {
    const { bn } = await pair(300);
    bn.beginStep(4, 1);
    const t0 = Date.now();
    let e: unknown;
    try {
      bn.allReduceSum(new Float32Array(5), { layer: 'BatchNorm2d(2)', phase: 'backward' });
    } catch (err) {
      e = err;
    }
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(SpikeflowError.is(e, 'timeout')).toBe(true);
    expect((e as Error).message).toContain('BatchNorm2d(2) backward (call 0 of step 4, generation 3) on rank 0 of 2');
    expect((e as Error).message).toContain('1 of 2 ranks');
  });

  it("with CURVE accepts only the configured peers' keys", async () => {
    const me = zmq.curveKeyPair();
    const other = zmq.curveKeyPair();
    const stranger = zmq.curveKeyPair();
    // As in a worker, the main thread's ZAP handler (the ring's) is already running.
    const zap = await ZapAuthenticator.get();
    const release = zap.allow('spikeflow-ring/test', () => new Set());
    open.push({ close: release });
    const bn = await BatchNormSyncThread.bind('127.0.0.1', { security: { curve: me }, timeoutMs: 1500 });
    open.push(bn);
    const inbox = new zmq.Router({ linger: 0, curveServer: true, curveSecretKey: other.secretKey, curvePublicKey: other.publicKey });
    await inbox.bind('tcp://127.0.0.1:0');
    open.push(inbox);
    const client = (keys: { publicKey: string; secretKey: string }) => {
      const d = new zmq.Dealer({ linger: 0, curveServerKey: me.publicKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey });
      d.connect(bn.endpoint);
      open.push(d);
      return d;
    };
    // The peer connects and sends before this rank has heard of the generation (a race every
    // Start has): the handshake waits for the configuration instead of refusing and losing the frame.
    await client(other).send(frame(5, 0, 0, 1, 'BatchNorm1d(1) forward', [1, 1, 1]));
    await settle();
    bn.configure(
      5,
      0,
      [
        { workerId: 'me', endpoint: '', publicKey: me.publicKey, host: 'here', pid: 1, bnEndpoint: bn.endpoint },
        { workerId: 'other', endpoint: '', publicKey: other.publicKey, host: 'there', pid: 2, bnEndpoint: inbox.lastEndpoint! },
      ],
      KEY,
    );
    bn.beginStep(0, 1);
    expect(Array.from(bn.allReduceSum(Float32Array.from([1, 2, 3]), { layer: 'BatchNorm1d(1)', phase: 'forward' }))).toEqual([2, 3, 4]);
    // A stranger's frame for the next call is refused at the handshake: the call times out.
    await client(stranger).send(frame(5, 1, 0, 1, 'BatchNorm1d(1) forward', [100, 100, 100]));
    await settle();
    bn.beginStep(1, 1);
    expect(() => bn.allReduceSum(Float32Array.from([1, 2, 3]), { layer: 'BatchNorm1d(1)', phase: 'forward' })).toThrow(/1 of 2 ranks/);
  });

  it('abandons the wait when its check throws (a newer generation, a lost coordinator)', async () => {
    let polls = 0;
    const { bn } = await pair(60_000, () => {
      if (++polls > 3) throw new Error('newer generation');
    });
    bn.beginStep(0, 1);
    expect(() => bn.allReduceSum(new Float32Array(3), { layer: 'BatchNorm1d(1)', phase: 'forward' })).toThrow('newer generation');
    expect(polls).toBe(4);
  });
});

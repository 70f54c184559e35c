import * as zmq from 'zeromq';
import { describe, expect, it } from 'vitest';
import { ZmqRingLink } from './zmq-ring-link.js';
import { randomBytes } from 'node:crypto';
import { encodeChunkHeader } from '../protocol/wire.js';
import type { Peer } from '../protocol/messages.js';
import { frameMac } from './frame-mac.js';

const KEY = randomBytes(32);
const peer = (link: ZmqRingLink, id: string): Peer => ({ workerId: id, endpoint: link.endpoint, publicKey: '', host: '127.0.0.1', pid: 0 });

/**
 * Run `fn` with a ring of two bound links, a (rank 0) and b (rank 1) of generation 1 sharing KEY, and a
 * raw dealer with `routingId` connected to b; all three are closed afterwards.
 */
async function withRingPair(routingId: string, fn: (a: ZmqRingLink, b: ZmqRingLink, dealer: zmq.Dealer) => Promise<void>): Promise<void> {
  const opts = { security: { insecure: true } as const, timeoutMs: 5000, maxChunkValues: 1024 };
  const a = await ZmqRingLink.bind('127.0.0.1', { ...opts, workerId: 'a' });
  const b = await ZmqRingLink.bind('127.0.0.1', { ...opts, workerId: 'b' });
  const dealer = new zmq.Dealer({ linger: 0, sendTimeout: 1000, routingId });
  try {
    await a.configure(1, 0, peer(b, 'b'), peer(b, 'b'), KEY);
    await b.configure(1, 1, peer(a, 'a'), peer(a, 'a'), KEY);
    dealer.connect(b.endpoint);
    await fn(a, b, dealer);
  } finally {
    dealer.close();
    a.close();
    b.close();
  }
}

describe('ZmqRingLink (loopback)', () => {
  it('binds port 0 and publishes the real port; delivers chunks; drops malformed, oversized and stale frames without harm', async () => {
    await withRingPair('stranger', async (a, b, raw) => {
      expect(a.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/);
      // An insider (it holds the ring key) sending broken frames: authentic, still dropped.
      const signed = (...f: Buffer[]) => raw.send([...f, frameMac(KEY, ...f)]);
      const key = { step: 0, bucket: 0, phase: 0, round: 0 };
      const header = (over: Record<string, number>) => encodeChunkHeader({ generation: 1, step: 0, bucket: 0, chunk: 1, phase: 0, round: 0, fromRank: 0, length: 2, ...over });
      await signed(Buffer.from('not a header at all, and far too long to be one'.repeat(8)), Buffer.alloc(8)); // undecodable
      await signed(header({}), Buffer.alloc(12)); // payload size disagrees with the header
      await signed(header({})); // missing payload
      await signed(header({ generation: 0 }), Buffer.from(new Float32Array([9, 9]).buffer)); // stale generation
      await new Promise((r) => setTimeout(r, 200));
      expect(b.malformed).toBe(3);
      expect(b.mailbox.dropped).toBe(1);
      // Beyond the size limit ZeroMQ itself drops the frame (and that connection).
      await signed(header({ length: 4096 }), Buffer.alloc(4096 * 4));
      await new Promise((r) => setTimeout(r, 200));
      expect(b.malformed + b.mailbox.dropped).toBe(4);
      // The link still works: a real chunk from a arrives intact.
      await a.send(key, 1, Float32Array.of(1.5, -2.25));
      const got = await b.receive(key);
      expect(got.chunk).toBe(1);
      expect(Array.from(got.data)).toEqual([1.5, -2.25]);
    });
  });

  it('a missing neighbour is a timeout error naming it, within the deadline', async () => {
    const a = await ZmqRingLink.bind('127.0.0.1', { workerId: 'a', security: { insecure: true }, timeoutMs: 400 });
    try {
      const ghost: Peer = { workerId: 'ghost', endpoint: 'tcp://127.0.0.1:9', publicKey: '', host: 'nowhere', pid: 77 };
      await a.configure(3, 0, ghost, ghost, KEY);
      await expect(a.receive({ step: 0, bucket: 0, phase: 0, round: 0 })).rejects.toThrow(
        /no ring message 0\/0\/0\/0 after 0\.\d s: left neighbour ghost on nowhere \(pid 77\) \(generation 3, rank 0\)/,
      );
    } finally {
      a.close();
    }
  });

  it('a process outside the ring cannot feed it: well-formed chunks without the ring key (or with another) are dropped', async () => {
    await withRingPair('intruder', async (a, b, intruder) => {
      const key = { step: 0, bucket: 0, phase: 0, round: 0 };
      // Exactly the header rank 0 would send, first, with poisoned values: as the old two-frame
      // message, with a MAC under a guessed key, and with a MAC of other bytes.
      const head = encodeChunkHeader({ generation: 1, step: 0, bucket: 0, chunk: 1, phase: 0, round: 0, fromRank: 0, length: 2 });
      const poison = Buffer.from(new Float32Array([1e30, -1e30]).buffer);
      await intruder.send([head, poison]);
      await intruder.send([head, poison, frameMac(randomBytes(32), head, poison)]);
      await intruder.send([head, poison, frameMac(KEY, head, Buffer.from(new Float32Array([1.5, -2.25]).buffer))]);
      for (let i = 0; i < 100 && b.malformed < 3; i++) await new Promise((r) => setTimeout(r, 20));
      expect(b.malformed).toBe(3);
      await a.send(key, 1, Float32Array.of(1.5, -2.25));
      const got = await b.receive(key);
      expect(Array.from(got.data)).toEqual([1.5, -2.25]);
    });
  });
});

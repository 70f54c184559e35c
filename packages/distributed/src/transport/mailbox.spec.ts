import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { Mailbox } from './mailbox.js';

const key = (step: number, round = 0) => ({ step, bucket: 0, phase: 0, round });
const item = (v: number) => ({ chunk: 0, data: Float32Array.of(v) });

describe('Mailbox', () => {
  it('holds early messages, drops duplicates, other generations and old steps', async () => {
    const m = new Mailbox();
    m.reset(3);
    expect(m.put(3, key(0, 1), item(1))).toBe(true); // early: round 1 before round 0
    expect(m.put(3, key(0, 1), item(9))).toBe(false); // duplicate
    expect(m.put(2, key(0, 0), item(9))).toBe(false); // stale generation
    expect(m.put(3, key(0, 0), item(0))).toBe(true);
    expect((await m.take(key(0, 0), { timeoutMs: 100, describe: () => '' })).data[0]).toBe(0);
    expect((await m.take(key(0, 1), { timeoutMs: 100, describe: () => '' })).data[0]).toBe(1);
    expect(m.put(3, key(0, 1), item(9))).toBe(false); // duplicate after consumption
    m.advance(1);
    expect(m.put(3, key(0, 2), item(9))).toBe(false); // older step
    expect(m.dropped).toBe(4);
  });

  it('a waiter is woken by a later put; a missing message times out with a typed error naming the peer', async () => {
    const m = new Mailbox();
    m.reset(1);
    const p = m.take(key(0), { timeoutMs: 1000, describe: () => 'left' });
    m.put(1, key(0), item(5));
    expect((await p).data[0]).toBe(5);
    const err = await expectSpikeflowError(m.take(key(1), { timeoutMs: 120, pollMs: 20, describe: () => 'left neighbour w9' }), 'timeout');
    expect(err.message).toMatch(/no ring message 1\/0\/0\/0 .*left neighbour w9/);
  });

  it('poll can abandon the wait', async () => {
    const m = new Mailbox();
    m.reset(1);
    await expect(
      m.take(key(0), {
        timeoutMs: 5000,
        pollMs: 10,
        poll: () => {
          throw new Error('new generation');
        },
        describe: () => '',
      }),
    ).rejects.toThrow('new generation');
  });
});

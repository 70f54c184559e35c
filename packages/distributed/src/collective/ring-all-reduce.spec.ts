import { describe, expect, it } from 'vitest';
import { Rng } from '@spikeflow/core';
import { chunkBounds, planBuckets, ringAllReduce, type ChunkKey, type RingLink } from './ring-all-reduce.js';
import { Mailbox } from '../transport/mailbox.js';

/** An in-process ring: rank r's sends land in rank r+1's mailbox, counting traffic. */
function localRing(n: number): { links: RingLink[]; sentValues: number[] } {
  const boxes = Array.from({ length: n }, () => new Mailbox());
  boxes.forEach((b) => b.reset(1));
  const sentValues = new Array(n).fill(0);
  const links = boxes.map(
    (box, r): RingLink => ({
      async send(key: ChunkKey, chunk: number, data: Float32Array) {
        sentValues[r] += data.length;
        boxes[(r + 1) % n].put(1, key, { chunk, data });
      },
      receive: (key: ChunkKey) => box.take(key, { timeoutMs: 5000, describe: () => `rank ${r}` }),
    }),
  );
  return { links, sentValues };
}

describe('ring all-reduce', () => {
  it('planBuckets cuts a flat gradient into fixed-order buckets of at most the bound', () => {
    expect(planBuckets(10, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
    expect(planBuckets(0, 4)).toEqual([]);
    expect(() => planBuckets(10, 0)).toThrow(/at least one value/);
  });

  it('chunkBounds tiles [0, length) exactly, even when there are fewer values than ranks', () => {
    for (const [len, n] of [
      [10, 3],
      [2, 5],
      [0, 3],
      [7, 7],
    ]) {
      const parts = Array.from({ length: n }, (_, c) => chunkBounds(len, n, c));
      expect(parts[0][0]).toBe(0);
      expect(parts[n - 1][1]).toBe(len);
      for (let c = 1; c < n; c++) expect(parts[c][0]).toBe(parts[c - 1][1]);
    }
  });

  for (const [n, len, bucket] of [
    [2, 13, 5],
    [3, 100, 7],
    [4, 3, 2],
    [5, 1000, 1000],
    [1, 9, 4],
  ] as const) {
    it(`${n} ranks, ${len} values, buckets of ${bucket}: every rank holds the sum, bit-identical`, async () => {
      const rng = new Rng(`ar:${n}:${len}`);
      const inputs = Array.from({ length: n }, () => Float32Array.from({ length: len }, () => rng.normal()));
      // Reference: a float64 sum; the ring's float32 sums may differ from it only by rounding.
      const exact = Array.from({ length: len }, (_, i) => inputs.reduce((a, x) => a + x[i], 0));
      const bufs = inputs.map((x) => x.slice());
      const { links, sentValues } = localRing(n);
      await Promise.all(bufs.map((b, rank) => ringAllReduce(b, { rank, size: n, link: links[rank], step: 0, bucketValues: bucket })));
      for (const b of bufs) expect(Array.from(b)).toEqual(Array.from(bufs[0]));
      for (let i = 0; i < len; i++) expect(Math.abs(bufs[0][i] - exact[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(exact[i])) * n);
      // Bandwidth-optimal: each rank sends 2(N-1)/N of the data (per bucket, up to chunk rounding).
      if (n > 1) for (const s of sentValues) expect(s).toBeLessThanOrEqual(Math.ceil((2 * (n - 1) * len) / n) + 2 * (n - 1) * Math.ceil(len / bucket));
      else expect(sentValues[0]).toBe(0);
    });
  }

  it('a wrong chunk index from the left neighbour is a protocol error, not a silent wrong sum', async () => {
    const box = new Mailbox();
    box.reset(1);
    const link: RingLink = {
      async send(key) {
        box.put(1, key, { chunk: 0, data: new Float32Array(5) });
      },
      receive: (key) => box.take(key, { timeoutMs: 1000, describe: () => 'x' }),
    };
    await expect(ringAllReduce(new Float32Array(10), { rank: 0, size: 2, link, step: 0, bucketValues: 10 })).rejects.toThrow(/expected chunk 1 of 5 values, got chunk 0/);
  });
});

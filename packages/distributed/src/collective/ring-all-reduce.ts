import { SpikeflowError } from '@spikeflow/core';
import { PHASE_ALL_GATHER, PHASE_REDUCE_SCATTER } from '../protocol/messages.js';

/** Address of one ring message within a generation. */
export interface ChunkKey {
  readonly step: number;
  readonly bucket: number;
  readonly phase: number;
  readonly round: number;
}

/** What the ring all-reduce needs from a transport: send to the right neighbour, receive from the left. */
export interface RingLink {
  /** Send `data` (never touched again by the caller) to the right neighbour. */
  send(key: ChunkKey, chunk: number, data: Float32Array): Promise<void>;
  /** The chunk the left neighbour sent under `key`, with its chunk index. */
  receive(key: ChunkKey): Promise<{ chunk: number; data: Float32Array }>;
}

/** Bounds of chunk `c` of a bucket of `length` values split `n` ways (the first chunks may be shorter). */
export function chunkBounds(length: number, n: number, c: number): [number, number] {
  return [Math.floor((c * length) / n), Math.floor(((c + 1) * length) / n)];
}

/** Fixed-order, bounded-size buckets over a flat gradient of `total` values: `[start, end)` pairs. */
export function planBuckets(total: number, bucketValues: number): Array<[number, number]> {
  if (!Number.isInteger(bucketValues) || bucketValues < 1) throw new SpikeflowError('invalid-options', `bucket size must be at least one value, got ${bucketValues}`);
  const out: Array<[number, number]> = [];
  for (let s = 0; s < total; s += bucketValues) out.push([s, Math.min(total, s + bucketValues)]);
  return out;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/**
 * Sum `buffer` in place across a ring of `size` ranks (this one is `rank`): bucket by bucket,
 * a reduce-scatter (N-1 rounds, each rank ends owning the full sum of one chunk) then an
 * all-gather (N-1 rounds copying the owned sums around). Every rank ends with bit-identical
 * values because each chunk's sum is computed once, by its owner, and then copied.
 *
 * @example
 * ```ts
 * await ringAllReduce(flatGrads, { rank, size, link, step, bucketValues: 1 << 20 });
 * ```
 */
export async function ringAllReduce(buffer: Float32Array, o: { rank: number; size: number; link: RingLink; step: number; bucketValues: number }): Promise<void> {
  const { rank, size: n, link, step } = o;
  if (n === 1) return;
  const buckets = planBuckets(buffer.length, o.bucketValues);
  for (let b = 0; b < buckets.length; b++) {
    const [start, end] = buckets[b];
    const view = buffer.subarray(start, end);
    // Reduce-scatter: in round r send chunk rank − r and add in chunk rank − r − 1; all-gather passes
    // the owned sums one chunk further round.
    await ringRounds(view, rank, n, link, { step, bucket: b, phase: PHASE_REDUCE_SCATTER }, 0, (offset, data) => addInto(view, offset, data));
    await ringRounds(view, rank, n, link, { step, bucket: b, phase: PHASE_ALL_GATHER }, 1, (offset, data) => view.set(data, offset));
  }
}

/**
 * The n − 1 rounds of one phase over a bucket: send chunk `rank − round + shift` to the right, receive
 * chunk `rank − round − 1 + shift` from the left, check it and `land` it at its offset in `view`.
 */
async function ringRounds(
  view: Float32Array,
  rank: number,
  n: number,
  link: RingLink,
  at: Omit<ChunkKey, 'round'>,
  shift: number,
  land: (offset: number, data: Float32Array) => void,
): Promise<void> {
  const bounds = (c: number) => chunkBounds(view.length, n, c);
  for (let round = 0; round < n - 1; round++) {
    const sendChunk = mod(rank - round + shift, n);
    const recvChunk = mod(rank - round - 1 + shift, n);
    const key = { ...at, round };
    const [s0, s1] = bounds(sendChunk);
    await link.send(key, sendChunk, view.slice(s0, s1));
    const got = await link.receive(key);
    const [r0, r1] = bounds(recvChunk);
    check(got, recvChunk, r1 - r0, key);
    land(r0, got.data);
  }
}

/** `target[offset + i] += src[i]` (a monomorphic helper V8 optimises well). */
function addInto(target: Float32Array, offset: number, src: Float32Array): void {
  const n = src.length;
  for (let i = 0; i < n; i++) target[offset + i] += src[i];
}

function check(got: { chunk: number; data: Float32Array }, chunk: number, length: number, key: ChunkKey): void {
  if (got.chunk !== chunk || got.data.length !== length) {
    throw new SpikeflowError(
      'protocol-error',
      `ring message step ${key.step} bucket ${key.bucket} phase ${key.phase} round ${key.round}: expected chunk ${chunk} of ${length} values, got chunk ${got.chunk} of ${got.data.length}`,
    );
  }
}

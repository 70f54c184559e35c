// memoryUsage against the process's own counters and the wasm heap's real size.
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { memoryUsage } from './memory-usage.js';
import { tf } from './tf.js';

const initial = tf.getBackend() as 'wasm' | 'cpu';
afterAll(async () => {
  await selectBackend(initial);
});

describe('memoryUsage', () => {
  it('on wasm: the heap size follows the heap as it grows; the rss peak is a high-water mark', async () => {
    await selectBackend('wasm');
    const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void } }).wasm;
    const before = memoryUsage();
    expect(before.wasmHeapBytes).toBe(wasm.HEAPU8.length);
    const block = wasm._malloc(before.wasmHeapBytes! + (64 << 20));
    const after = memoryUsage();
    expect(after.wasmHeapBytes).toBe(wasm.HEAPU8.length);
    expect(after.wasmHeapBytes!).toBeGreaterThan(2 * before.wasmHeapBytes!);
    wasm._free(block);
    // Touch 96 MiB of JS memory, drop it: the peak keeps it, now may not.
    const big = new Uint8Array(96 << 20).fill(1);
    const during = process.memoryUsage.rss();
    expect(big[big.length - 1]).toBe(1);
    const m = memoryUsage();
    expect(m.peakRssBytes).toBeGreaterThanOrEqual(during);
    expect(m.peakRssBytes).toBeGreaterThanOrEqual(m.rssBytes);
  });

  it('on cpu: no wasm heap', async () => {
    await selectBackend('cpu');
    expect(memoryUsage().wasmHeapBytes).toBeUndefined();
  });
});

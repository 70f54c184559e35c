import { tf } from './tf.js';

/** The process's memory as a run reports it. */
export interface MemoryUsage {
  /** Resident set size now. */
  readonly rssBytes: number;
  /** The process's resident set high-water mark (the kernel's maxrss), which no sampling can miss. */
  readonly peakRssBytes: number;
  /** The wasm backend's heap (it only grows, so this is also its peak); undefined on other backends. */
  readonly wasmHeapBytes?: number;
}

/**
 * Resident memory (now and its high-water mark) and, on the wasm backend, the size of its heap.
 *
 * @example
 * ```ts
 * const m = memoryUsage();
 * console.log(`peak rss ${m.peakRssBytes >> 20} MiB, wasm heap ${(m.wasmHeapBytes ?? 0) >> 20} MiB`);
 * ```
 */
export function memoryUsage(): MemoryUsage {
  const rssBytes = process.memoryUsage.rss();
  // maxRSS is in KiB.
  const peakRssBytes = Math.max(rssBytes, process.resourceUsage().maxRSS * 1024);
  const memory = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: { asm?: { memory?: { buffer: ArrayBuffer } } } }).wasm?.asm?.memory : undefined;
  return memory ? { rssBytes, peakRssBytes, wasmHeapBytes: memory.buffer.byteLength } : { rssBytes, peakRssBytes };
}

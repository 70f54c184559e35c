import { SpikeflowError } from '../errors/spikeflow-error.js';

// The tfjs wasm backend keeps every tensor in one wasm32 memory, at most 65535 pages of 64 KiB
// (emscripten's heap maximum for tfjs-backend-wasm 4.x). Three things go wrong near that limit
// unless allocations are checked:
// - `malloc` returns 0 when the heap cannot grow, and tfjs stores that 0 as the tensor's offset:
//   the op then writes over the start of the heap (the allocator's own state) — silent corruption,
//   later a `memory access out of bounds` trap;
// - a request of 4 GiB or more reaches malloc's 32-bit size_t argument wrapped (modulo 2^32): a
//   small block comes back for a huge tensor;
// - a request of 2 GiB or more overflows the signed increment of the allocator's sbrk: malloc
//   returns 0 even when the heap has room, or (seen with tfjs-backend-wasm 4.22) a block that runs
//   past the end of the heap.
// Every allocation through the backend is therefore checked here and fails with a typed error.

/** The largest the wasm backend's heap can grow: 65535 pages of 64 KiB. */
export const WASM_HEAP_MAX_BYTES = 65535 * 65536;

/** The largest single block the backend's allocator hands out correctly (2 GiB less a margin for its own rounding). */
export const WASM_MAX_BLOCK_BYTES = 2 ** 31 - (16 << 20);

interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
}

/** The emscripten module of tfjs-backend-wasm, as far as the guard uses it. */
interface EmscriptenModuleLike {
  _malloc(bytes: number): number;
  asm: { malloc(bytes: number): number; memory: WasmMemoryLike };
}

const MiB = 1 << 20;

/** `1.50 GiB`, `12.0 MiB`, `512 B`: sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

const ADVICE = 'Lower the batch size (--batch-size), the number of time steps (-T) or the model width, or run on --backend cpu';

/**
 * The typed error for an allocation the wasm heap cannot satisfy: what was asked, the heap's size,
 * the limit that was hit (one block, or the whole heap) and what to lower.
 */
export function wasmOutOfMemory(requestedBytes: number, heapBytes: number, what: string): SpikeflowError {
  const block = requestedBytes > WASM_MAX_BLOCK_BYTES;
  const limitBytes = block ? WASM_MAX_BLOCK_BYTES : WASM_HEAP_MAX_BYTES;
  const why = block
    ? `one block can be at most ${formatBytes(limitBytes)} (${limitBytes} bytes)`
    : `the heap holds ${formatBytes(heapBytes)} and cannot grow past ${formatBytes(limitBytes)} (${limitBytes} bytes)`;
  return new SpikeflowError('out-of-memory', `the wasm backend cannot allocate ${formatBytes(requestedBytes)} (${requestedBytes} bytes) for ${what}: ${why}. ${ADVICE}`, {
    requestedBytes,
    heapBytes,
    limitBytes,
  });
}

/**
 * `malloc(bytes)` in the wasm heap as an unsigned byte offset (pointers above 2 GiB are negative
 * as wasm returns them), or a typed `out-of-memory` error when the heap cannot hold `bytes`.
 */
export function checkedMalloc(malloc: (bytes: number) => number, memory: WasmMemoryLike, bytes: number, what: string): number {
  if (!(bytes >= 0 && bytes <= WASM_MAX_BLOCK_BYTES)) {
    if (!(bytes >= 0)) throw new SpikeflowError('invalid-state', `a wasm heap allocation of ${bytes} bytes for ${what} was requested; expected a byte count >= 0`);
    throw wasmOutOfMemory(bytes, memory.buffer.byteLength, what);
  }
  const p = malloc(bytes) >>> 0;
  if (bytes > 0 && (p === 0 || p + bytes > memory.buffer.byteLength)) throw wasmOutOfMemory(bytes, memory.buffer.byteLength, what);
  return p;
}

const guarded = new WeakSet<object>();

/**
 * Route the wasm backend's tensor allocations through {@link checkedMalloc}, so a tensor the heap
 * cannot hold fails with a typed `out-of-memory` error instead of corrupting the heap. Idempotent;
 * a no-op for other backends.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * installWasmHeapGuard(tf.backend());
 * ```
 */
export function installWasmHeapGuard(backend: unknown): void {
  const wasm = (backend as { wasm?: EmscriptenModuleLike } | undefined)?.wasm;
  const asm = wasm?.asm;
  if (!wasm || typeof asm?.malloc !== 'function' || guarded.has(wasm)) return;
  guarded.add(wasm);
  // asm.malloc directly: emscripten's lazy `_malloc` wrapper would replace itself (and this guard) on its first call.
  const raw = asm.malloc;
  wasm._malloc = (bytes: number) => checkedMalloc(raw, asm.memory, bytes, 'a tensor');
}

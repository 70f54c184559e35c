import { readFileSync } from 'node:fs';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { tf } from './tf.js';
import { checkedMalloc, installWasmHeapGuard } from './wasm-heap-guard.js';

// Compiled WebAssembly SIMD kernels that work in place on the tfjs wasm backend's tensors.
//
// tfjs-backend-wasm keeps every tensor in one WebAssembly.Memory. A kernel module compiled with
// `--import-memory` (tools/wasm/build-wasm.mjs) is instantiated against that same memory, so its
// functions take tensors as byte offsets into the heap: no copies in or out. Such a module must own
// no memory (no data segments, no shadow stack); the build checks that. Scratch space comes from the
// backend's own allocator (`malloc`/`free`).
//
// The heap grows up to 4 GiB, so offsets are unsigned 32-bit values: wasm returns an i32, which JS
// reads as negative above 2 GiB. Every offset handed out here is normalised with `>>> 0`.

// The WebAssembly API, typed here because the project's TypeScript libs (ES2022, no DOM) do not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A tensor as a kernel function sees it (the `inputs`/outputs of a tfjs kernelFunc). */
export interface HeapTensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface WasmBackendInternals {
  wasm: { asm: Record<string, unknown> & { memory: WasmMemory; malloc(n: number): number; free(p: number): void } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): HeapTensorInfo;
}

/** A compiled kernel module bound to the current wasm backend's heap. */
export interface WasmKernelModule<TExports> {
  /** The module's exported functions (pointers are byte offsets into the heap). */
  readonly fn: TExports;
  /** Byte offset of a tensor's data in the heap (unsigned: may exceed 2^31). */
  ptr(info: HeapTensorInfo): number;
  /**
   * Allocate `bytes` of scratch in the heap (release with {@link free}); an unsigned byte offset. May grow, and so
   * detach, views of the heap. Throws an `out-of-memory` SpikeflowError when the heap cannot hold `bytes`.
   */
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** A Float32Array view of `length` floats at byte offset `ptr` (take views after every allocation). */
  f32(ptr: number, length: number): Float32Array;
  /** Make an output tensor in the backend (allocates heap memory). */
  output(shape: number[], dtype?: tf.DataType): HeapTensorInfo;
}

const compiled = new Map<string, object>();
const instances = new WeakMap<WasmMemory, Map<string, WasmKernelModule<unknown>>>();

/**
 * Bind the compiled kernels at `url` (a `.wasm` file) to the wasm backend's heap, compiling them
 * once per process and instantiating once per backend instance.
 *
 * @example
 * ```ts
 * const k = wasmKernelModule<{ add(a: number, b: number, out: number, n: number): void }>(new URL('../wasm/k.wasm', import.meta.url), backend);
 * k.fn.add(k.ptr(a), k.ptr(b), k.ptr(out), n);
 * ```
 */
export function wasmKernelModule<TExports>(url: URL, backend: unknown): WasmKernelModule<TExports> {
  const b = backend as WasmBackendInternals;
  const asm = b?.wasm?.asm;
  if (!asm || !(asm.memory instanceof WebAssemblyApi.Memory)) {
    throw new SpikeflowError('backend-unavailable', `compiled wasm kernels need the tfjs wasm backend (current backend: ${tf.getBackend()})`);
  }
  const memory = asm.memory;
  // Outputs come from the backend's allocator: make sure it reports a full heap (selectBackend installs this too).
  installWasmHeapGuard(backend);
  let perMemory = instances.get(memory);
  if (!perMemory) instances.set(memory, (perMemory = new Map()));
  const key = url.href;
  const existing = perMemory.get(key);
  if (existing) return existing as WasmKernelModule<TExports>;

  let module = compiled.get(key);
  if (!module) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(url);
    } catch (e) {
      throw new SpikeflowError(
        'backend-unavailable',
        `compiled wasm kernels not found at ${url.pathname} (the package is incomplete; rebuild with tools/wasm/build-wasm.mjs)`,
        {},
        { cause: e },
      );
    }
    module = new WebAssemblyApi.Module(bytes);
    compiled.set(key, module);
  }
  const instance = new WebAssemblyApi.Instance(module, { env: { memory } });
  const malloc = asm.malloc.bind(asm) as (n: number) => number;
  const free = asm.free.bind(asm) as (p: number) => void;
  const bound: WasmKernelModule<TExports> = {
    fn: instance.exports as unknown as TExports,
    ptr(info) {
      const data = b.dataIdMap.get(info.dataId);
      if (!data) throw new SpikeflowError('invalid-state', 'a tensor passed to a wasm kernel is not in the wasm backend (disposed, or from another backend)');
      return data.memoryOffset >>> 0;
    },
    malloc: (bytes) => checkedMalloc(malloc, memory, Math.max(4, bytes), 'kernel scratch'),
    free,
    f32: (p, length) => new Float32Array(memory.buffer, p >>> 0, length),
    output: (shape, dtype = 'float32') => b.makeOutput(shape, dtype),
  };
  perMemory.set(key, bound);
  return bound;
}

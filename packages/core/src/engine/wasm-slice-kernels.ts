import { tf } from './tf.js';

// tfjs-backend-wasm 4.22's Slice kernel copies the whole input out of the wasm heap for every slice
// (`readSync`) and walks tensors of rank > 4 element by element in JS. Unstacking a [T, B, N]
// sequence, as every neuron does once per forward, therefore costs T full copies, and im2col-style
// slices of 5-D tensors take seconds. These replacements read the heap in place and copy
// contiguous rows with `TypedArray.set`. Tests compare them with the cpu backend's kernels.

interface WasmTensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): WasmTensorInfo;
  typedArrayFromHeap(info: WasmTensorInfo): Float32Array | Int32Array | Uint8Array;
}

type KernelFunc = (args: { inputs: Record<string, WasmTensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => WasmTensorInfo | WasmTensorInfo[];

/** Copy the box `begin..begin+size` of `src` (shape `shape`) into `dst`, row by contiguous row. */
export function copyBox(
  src: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: { set(a: ArrayLike<number>, offset: number): void },
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst.set(src.subarray(0, 1), 0);
    return;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  // Merge trailing dimensions that are copied whole into one contiguous run.
  let inner = rank - 1;
  let run = size[rank - 1];
  while (inner > 0 && size[inner] === shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner];
  }
  const outer = size.slice(0, inner);
  const count = outer.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(inner).fill(0);
  let offsetOut = 0;
  for (let k = 0; k < count; k++) {
    let src0 = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) src0 += (begin[d] + idx[d]) * strides[d];
    dst.set(src.subarray(src0, src0 + run), offsetOut);
    offsetOut += run;
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < outer[d]) break;
      idx[d] = 0;
    }
  }
}

let installed = false;

/** Install the fast Slice, Unpack and SplitV kernels for the wasm backend (idempotent). */
export function installWasmSliceKernels(): void {
  if (installed) return;
  const original = tf.getKernel('Slice', 'wasm');
  if (!original) return; // wasm backend not registered
  installed = true;
  const originalSlice = original.kernelFunc as unknown as KernelFunc;

  const slice: KernelFunc = (args) => {
    const x = args.inputs.x;
    if (x.dtype === 'string') return originalSlice(args);
    const backend = args.backend as WasmBackendLike;
    const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.TensorInfo, args.attrs.begin as number[], args.attrs.size as number[]);
    const out = backend.makeOutput(size, x.dtype);
    if (size.some((d) => d === 0)) return out;
    // Views are taken after makeOutput, which may grow (and so detach) the heap.
    copyBox(backend.typedArrayFromHeap(x) as Float32Array, x.shape, begin, size, backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  };

  const unpack: KernelFunc = (args) => {
    const value = args.inputs.value;
    let axis = args.attrs.axis as number;
    if (axis < 0) axis += value.shape.length;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = new Array<number>(value.shape.length).fill(0);
    const size = value.shape.slice();
    size[axis] = 1;
    const outs: WasmTensorInfo[] = [];
    for (let i = 0; i < value.shape[axis]; i++) {
      begin[axis] = i;
      const r = slice({ inputs: { x: value }, backend: args.backend, attrs: { begin: begin.slice(), size } }) as WasmTensorInfo;
      outs.push({ dataId: r.dataId, dtype: r.dtype, shape: outShape });
    }
    return outs;
  };

  const splitV: KernelFunc = (args) => {
    const x = args.inputs.x;
    const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, args.attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[axis] = s;
      const r = slice({ inputs: { x }, backend: args.backend, attrs: { begin: begin.slice(), size } }) as WasmTensorInfo;
      begin[axis] += s;
      return r;
    });
  };

  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ kernelName: 'Slice', backendName: 'wasm', kernelFunc: slice as unknown as tf.KernelFunc });
  if (tf.getKernel('Unpack', 'wasm')) tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({ kernelName: 'Unpack', backendName: 'wasm', kernelFunc: unpack as unknown as tf.KernelFunc });
  if (tf.getKernel('SplitV', 'wasm')) tf.unregisterKernel('SplitV', 'wasm');
  tf.registerKernel({ kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitV as unknown as tf.KernelFunc });
}

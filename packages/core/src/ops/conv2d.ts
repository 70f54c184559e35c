import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { customOp } from './custom-op.js';
import { isDataTensor } from './data-tensor.js';
import { density } from './spike-matmul.js';
import { parallelConv2d } from '../engine/parallel-pool.js';
import { compiledLayerKernels, sparseConvGradWKernel, sparseConvKernel } from './wasm-ops.js';

// Why a custom gradient: on the wasm backend tfjs' Conv2D gradient is unusable for training.
// Conv2DBackpropFilter is not registered at all (conv nets cannot train), and
// Conv2DBackpropInput runs ~8x slower than a forward conv of the same size. On cpu the native
// filter gradient takes minutes. Here both gradients are rewritten as forward convolutions, the
// one op that is fast everywhere (XNNPACK on wasm). An im2col filter gradient is kept as an
// option: its matMul is fast, but gathering the patches with tfjs' slice kernels is not.

/** Padding of a 2-D convolution: tfjs' `'same'`/`'valid'`, or PyTorch-style zero padding per side. */
export type Conv2dPadding = 'same' | 'valid' | number | readonly [number, number];

export interface Conv2dOptions {
  /** Stride, one number or `[strideH, strideW]`. Default 1. */
  readonly strides?: number | readonly [number, number];
  /** Default `'valid'` (no padding). A number `p` pads `p` zeros on every side, as PyTorch's `padding=p`. */
  readonly padding?: Conv2dPadding;
  /** Only 1 is supported. */
  readonly dilation?: number | readonly [number, number];
  /**
   * How the filter gradient is computed: `'conv'` (default, a forward convolution with batch and
   * channels swapped) or `'im2col'` (patch matrix times dy; slower in tfjs, kept as a reference).
   */
  readonly filterGrad?: 'conv' | 'im2col';
}

/** Output size and per-side padding of a convolution or pooling window, as tfjs computes them. */
export interface ConvGeometry {
  readonly outH: number;
  readonly outW: number;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** Normalise a scalar-or-pair argument, checking it is a positive (or non-negative) integer. */
export function pair(value: number | readonly [number, number], what: string, min = 1): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min)) {
    throw new SpikeflowError('invalid-options', `${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return p;
}

/**
 * Geometry of a convolution over an `inH x inW` image with a `kh x kw` window. `'same'` follows
 * TensorFlow (output `ceil(in / stride)`, the odd extra padding row/column at the bottom/right,
 * which for stride 1 equals PyTorch's `padding='same'`); numbers follow PyTorch
 * (`floor((in + 2p - k) / stride) + 1`).
 */
export function convGeometry(inH: number, inW: number, kh: number, kw: number, sh: number, sw: number, padding: Conv2dPadding): ConvGeometry {
  if (padding === 'same') {
    const outH = Math.ceil(inH / sh);
    const outW = Math.ceil(inW / sw);
    const padH = Math.max(0, (outH - 1) * sh + kh - inH);
    const padW = Math.max(0, (outW - 1) * sw + kw - inW);
    const top = Math.floor(padH / 2);
    const left = Math.floor(padW / 2);
    return { outH, outW, top, bottom: padH - top, left, right: padW - left };
  }
  const [ph, pw] = padding === 'valid' ? [0, 0] : pair(padding, 'padding', 0);
  return {
    outH: Math.floor((inH + 2 * ph - kh) / sh) + 1,
    outW: Math.floor((inW + 2 * pw - kw) / sw) + 1,
    top: ph,
    bottom: ph,
    left: pw,
    right: pw,
  };
}

type Explicit4 = [[number, number], [number, number], [number, number], [number, number]];

function explicitPadding(top: number, bottom: number, left: number, right: number): Explicit4 {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** The `pad` argument tfjs' conv2d takes for our padding option. */
function tfPad(padding: Conv2dPadding): 'same' | 'valid' | number | Explicit4 {
  if (typeof padding === 'string' || typeof padding === 'number') return padding;
  return explicitPadding(padding[0], padding[0], padding[1], padding[1]);
}

/**
 * dL/dx as a stride-1 forward convolution (the fast XNNPACK path on wasm).
 *
 * The forward pass reads `xpad[i*s + k]`, so `dx[j] = Σ_k dyd[j + top - k] · w[k]` where `dyd`
 * is dy with `s - 1` zeros inserted after every element (for s = 1, dy itself). That is a
 * correlation of `dyd` with the spatially flipped filter (in/out channels swapped) and padding
 * `kh - 1 - top` before and `inH + top - dydH` after; a negative padding means rows of dyd
 * that only ever met padding, which are cropped instead.
 */
function inputGrad(dy: Tensor, w: Tensor, xShape: number[], g: ConvGeometry, sh: number, sw: number): Tensor {
  const [n, inH, inW] = xShape;
  const [kh, kw, , cout] = w.shape;
  let d = dy as tf.Tensor4D;
  if (sh > 1 || sw > 1) {
    // [N,Ho,Wo,C] -> [N,Ho,1,Wo,1,C] -> pad the unit axes to the stride -> [N,Ho*sh,Wo*sw,C].
    const z = tf.pad(tf.reshape(d, [n, g.outH, 1, g.outW, 1, cout]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    d = tf.reshape(z, [n, g.outH * sh, g.outW * sw, cout]);
  }
  let [pt, pb, pl, pr] = [kh - 1 - g.top, inH + g.top - d.shape[1], kw - 1 - g.left, inW + g.left - d.shape[2]];
  if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
    const [ct, cb, cl, cr] = [Math.max(0, -pt), Math.max(0, -pb), Math.max(0, -pl), Math.max(0, -pr)];
    d = tf.slice(d, [0, ct, cl, 0], [n, d.shape[1] - ct - cb, d.shape[2] - cl - cr, cout]);
    [pt, pb, pl, pr] = [Math.max(0, pt), Math.max(0, pb), Math.max(0, pl), Math.max(0, pr)];
  }
  const flipped = tf.transpose(tf.reverse(w as tf.Tensor4D, [0, 1]), [0, 1, 3, 2]);
  return parallelConv2d(d, flipped as tf.Tensor4D, [1, 1], explicitPadding(pt, pb, pl, pr));
}

/**
 * dL/dw as one forward convolution with the batch and channel axes swapped (the default).
 *
 * `dw[ki,kj,c,o] = Σ_{n,i,j} xpad[n, ki + i·s, kj + j·s, c] · dy[n,i,j,o]` is a convolution whose
 * "images" are x's channels (`[Cin, H, W, N]`: the sample axis becomes the summed channel axis)
 * and whose "filter" is dy (`[Ho, Wo, N, Cout]`) dilated by the stride; its `[Cin, kh, kw, Cout]`
 * output is the filter gradient up to a small transpose. This runs on the same fast path as the
 * forward pass, which makes it several times faster than gathering patches on both wasm and cpu.
 */
function filterGradConv(x: Tensor, dy: Tensor, wShape: number[], g: ConvGeometry, sh: number, sw: number): Tensor {
  const [n, inH, inW, cin] = x.shape;
  const [kh, kw] = wShape;
  // Rows/columns of padded x the windows touch; anything past them (a 'valid' stride-2 conv of an
  // even image skips its last row) is cropped so that the output is exactly kh x kw.
  let bottom = kh + (g.outH - 1) * sh - inH - g.top;
  let right = kw + (g.outW - 1) * sw - inW - g.left;
  let xs = x as tf.Tensor4D;
  if (bottom < 0 || right < 0) {
    xs = tf.slice(xs, [0, 0, 0, 0], [n, inH + Math.min(0, bottom), inW + Math.min(0, right), cin]);
    [bottom, right] = [Math.max(0, bottom), Math.max(0, right)];
  }
  const images = tf.transpose(xs, [3, 1, 2, 0]);
  const kernel = tf.transpose(dy as tf.Tensor4D, [1, 2, 0, 3]);
  const out = parallelConv2d(images, kernel, [1, 1], explicitPadding(g.top, bottom, g.left, right), [sh, sw]);
  return tf.transpose(out, [1, 2, 0, 3]);
}

/**
 * dL/dw via im2col: gather the kh·kw shifted (strided) windows of padded x into a patch matrix
 * and multiply it with dy `[N·Ho·Wo, Cout]`. Kept as the textbook reference and for comparison;
 * tfjs' slice kernels make the gathering slow, so {@link filterGradConv} is the default.
 *
 * x is moved channel-first once (`[Cin, N, H, W]`) so that each window is already a
 * `[Cin, N·Ho·Wo]` block; stacking them in (ki, kj) order gives the transposed patch matrix
 * `[kh·kw·Cin, N·Ho·Wo]` whose rows are in HWIO order, and a single plain matMul with dy yields
 * the filter gradient. Transposing x (kh·kw times smaller than the patch matrix) is the only
 * transpose needed.
 */
function filterGradIm2col(x: Tensor, dy: Tensor, wShape: number[], g: ConvGeometry, sh: number, sw: number): Tensor {
  const [n, , , cin] = x.shape;
  const [kh, kw, , cout] = wShape;
  const m = n * g.outH * g.outW;
  const xc = tf.transpose(x as tf.Tensor4D, [3, 0, 1, 2]);
  const xp =
    g.top || g.bottom || g.left || g.right
      ? tf.pad(xc, [
          [0, 0],
          [0, 0],
          [g.top, g.bottom],
          [g.left, g.right],
        ])
      : xc;
  const rows: Tensor[] = [];
  for (let ki = 0; ki < kh; ki++) {
    for (let kj = 0; kj < kw; kj++) {
      const win =
        sh === 1 && sw === 1
          ? tf.slice(xp, [0, 0, ki, kj], [cin, n, g.outH, g.outW])
          : tf.stridedSlice(xp, [0, 0, ki, kj], [cin, n, ki + (g.outH - 1) * sh + 1, kj + (g.outW - 1) * sw + 1], [1, 1, sh, sw]);
      rows.push(tf.reshape(win, [cin, m]));
    }
  }
  const patchesT = rows.length === 1 ? rows[0] : tf.concat(rows, 0);
  return tf.reshape(tf.matMul(patchesT as tf.Tensor2D, tf.reshape(dy, [m, cout]) as tf.Tensor2D), wShape);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch and TensorFlow) of `x [N, H, W, Cin]` (NHWC)
 * with `filter [kh, kw, Cin, Cout]` (HWIO), with gradients that run fast on wasm and cpu.
 *
 * Forward is `tf.conv2d`. Backward: the input gradient is a forward convolution of dy with the
 * flipped filter (zero-dilated dy for strides > 1); the filter gradient is a forward convolution
 * of x with dy, batch and channel axes swapped (or, with `filterGrad: 'im2col'`, a patch matMul).
 *
 * @example
 * ```ts
 * const y = conv2d(x, filter, { strides: 2, padding: 1 }); // PyTorch Conv2d(stride=2, padding=1)
 * ```
 */
export function conv2d(x: Tensor, filter: Tensor, options: Conv2dOptions = {}): Tensor {
  const [sh, sw] = pair(options.strides ?? 1, 'conv2d: strides');
  const [dh, dw] = pair(options.dilation ?? 1, 'conv2d: dilation');
  if (dh !== 1 || dw !== 1) throw new SpikeflowError('not-supported', `conv2d: dilation ${dh}x${dw} is not supported (only 1)`);
  const padding = options.padding ?? 'valid';
  if (x.rank !== 4 || filter.rank !== 4 || x.shape[3] !== filter.shape[2]) {
    throw new SpikeflowError(
      'shape-mismatch',
      `conv2d: expected x [N, H, W, Cin] (NHWC) and filter [kh, kw, Cin, Cout] (HWIO) with matching Cin, got x [${x.shape}] and filter [${filter.shape}]`,
    );
  }
  const [, inH, inW] = x.shape;
  const [kh, kw] = filter.shape;
  const g = convGeometry(inH, inW, kh, kw, sh, sw, padding);
  if (g.outH < 1 || g.outW < 1) {
    throw new SpikeflowError('shape-mismatch', `conv2d: a ${kh}x${kw} kernel does not fit the ${inH}x${inW} input with padding ${JSON.stringify(padding)}`);
  }
  const filterGrad = options.filterGrad === 'im2col' ? filterGradIm2col : filterGradConv;
  if (options.filterGrad !== undefined && options.filterGrad !== 'conv' && options.filterGrad !== 'im2col') {
    throw new SpikeflowError('invalid-options', `conv2d: filterGrad must be 'conv' or 'im2col', got ${JSON.stringify(options.filterGrad)}`);
  }
  // A data input (marked by the trainer, see data-tensor.ts) needs no input gradient.
  const dataInput = isDataTensor(x);
  // Spike inputs (sparse) run the forward and filter gradient event-driven (wasm-ops.ts).
  const eventDriven = useEventDrivenConv(x);
  // With few input channels the filter gradient as one forward conv is a huge-kernel, few-channel
  // convolution XNNPACK runs slowly (171 ms for conv-fmnist's first layer); the scatter kernel does
  // the same sums directly (it skips zeros, and is exact for dense inputs too). An explicit
  // `filterGrad` option is always honoured.
  const scatterFilterGrad = options.filterGrad === undefined && (eventDriven || ((x.shape[3] ?? 0) <= 4 && compiledLayerKernels() !== null));
  const attrs = { sh, sw, ph: g.top, pw: g.left, ho: g.outH, wo: g.outW };
  const op = customOp(([xi, wi], save) => {
    save([xi, wi]);
    return {
      value: eventDriven ? sparseConvKernel(xi, wi, attrs) : parallelConv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, [sh, sw], tfPad(padding)),
      gradFunc: (dy, [xs, ws]) => [
        dataInput ? tf.zeros(xs.shape) : inputGrad(dy, ws, xs.shape, g, sh, sw),
        scatterFilterGrad ? sparseConvGradWKernel(xs, dy, kh, kw, attrs) : filterGrad(xs, dy, ws.shape, g, sh, sw),
      ],
    };
  });
  return op(x, filter);
}

/**
 * Density (fraction of non-zero inputs) below which a convolution runs event-driven on wasm. From
 * `node benchmarks/event-driven.mjs` (forward + both gradients of a 3x3 32→32 conv on
 * [256, 14, 14, 32]): 2.8-3.2x faster at density ≤ 0.05, 1.3-1.4x at 0.2, even near 0.35.
 */
export const CONV_EVENT_DRIVEN_MAX_DENSITY = 0.3;

let convMode: 'auto' | 'always' | 'never' = 'auto';

/** Force (`always`/`never`) or let density choose (`auto`) the event-driven convolution; returns the previous mode. */
export function setEventDrivenConv(mode: 'auto' | 'always' | 'never'): 'auto' | 'always' | 'never' {
  const prev = convMode;
  convMode = mode;
  return prev;
}

function useEventDrivenConv(x: Tensor): boolean {
  if (convMode === 'never' || !compiledLayerKernels()) return false;
  if (convMode === 'always') return true;
  const d = density(x);
  return d !== undefined && d < CONV_EVENT_DRIVEN_MAX_DENSITY;
}

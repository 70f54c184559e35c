import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { customOp } from './custom-op.js';
import { pair } from './conv2d.js';
import { compiledLayerKernels, maxPoolBackwardKernel, maxPoolForwardKernel } from './wasm-ops.js';

// Why a custom gradient: the wasm backend's MaxPoolGrad (tfjs 4.22) starts its running maximum
// at std::numeric_limits<float>::min() — the smallest *positive* float, not the lowest — so a
// window whose maximum is <= 0 gets no gradient at all, and ties go to the last element. After
// spiking neurons most pooling windows are all zeros, so on wasm most of the gradient is lost.
// This op computes the gradient from plain comparisons instead, with PyTorch's rule: each
// window's gradient goes to its first maximum in row-major order. It is the same on every backend.

/**
 * Max pooling of `x [N, H, W, C]` (NHWC) with PyTorch semantics: windows `kernel`, `stride`,
 * implicit -∞ `padding` on each side, floor mode. Its gradient routes each window's `dy` to the
 * window's first maximum (row-major), as PyTorch does, on every backend.
 *
 * @example
 * ```ts
 * const y = maxPool2d(x, 3, 2, 1); // ResNet stem pooling: 3x3 windows, stride 2, padding 1
 * ```
 */
export function maxPool2d(
  x: Tensor,
  kernel: number | readonly [number, number],
  stride: number | readonly [number, number] = kernel,
  padding: number | readonly [number, number] = 0,
): Tensor {
  const [kh, kw] = pair(kernel, 'maxPool2d: kernel');
  const [sh, sw] = pair(stride, 'maxPool2d: stride');
  const [ph, pw] = pair(padding, 'maxPool2d: padding', 0);
  if (x.rank !== 4) throw new SpikeflowError('shape-mismatch', `maxPool2d: expected x [N, H, W, C] (NHWC), got [${x.shape}]`);
  const [n, h, w, c] = x.shape;
  const [hp, wp] = [h + 2 * ph, w + 2 * pw];
  if (hp < kh || wp < kw) throw new SpikeflowError('shape-mismatch', `maxPool2d: a ${kh}x${kw} window does not fit the ${h}x${w} input with padding [${ph}, ${pw}]`);
  const [ho, wo] = [Math.floor((hp - kh) / sh) + 1, Math.floor((wp - kw) / sw) + 1];

  if (compiledLayerKernels()) {
    // One pass forward (recording each window's first maximum), one scatter backward (wasm-ops.ts).
    // A custom op rather than a registered gradient: see CORE_GRADIENTS for why.
    const compiled = customOp(([xi], save) => {
      const [y, arg] = maxPoolForwardKernel(xi, { kh, kw, sh, sw, ph, pw, ho, wo });
      save([arg]);
      return { value: y, gradFunc: (dy, [a]) => [maxPoolBackwardKernel(dy, a, [n, h, w, c])] };
    });
    return compiled(x);
  }
  const op = customOp(([xi], save) => {
    const xpad =
      ph || pw
        ? tf.pad(
            xi,
            [
              [0, 0],
              [ph, ph],
              [pw, pw],
              [0, 0],
            ],
            Number.NEGATIVE_INFINITY,
          )
        : xi;
    save([xpad]);
    return {
      value: tf.maxPool(xpad as tf.Tensor4D, [kh, kw], [sh, sw], 'valid'),
      gradFunc: (dy, [xp]) => {
        const geometry = { n, c, kh, kw, sh, sw, ho, wo };
        const dxp = kh === sh && kw === sw ? tiledGrad(xp, dy, geometry) : overlappingGrad(xp, dy, geometry);
        const fitted = fit(dxp, hp, wp, 0);
        return [ph || pw ? tf.slice(fitted, [0, ph, pw, 0], [n, h, w, c]) : fitted];
      },
    };
  });
  return op(x);
}

interface PoolGeometry {
  readonly n: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ho: number;
  readonly wo: number;
}

/**
 * Route each window's dy to its first maximum, given the windows as rows of `windows [M, K]`
 * (K = kh·kw in row-major window order): tf.argMax returns the first maximal index on every
 * backend, which is exactly PyTorch's tie rule. Returns `[M, K]`.
 */
function routeToFirstMax(windows: Tensor, dy: Tensor, k: number): Tensor {
  if (k === 1) return tf.reshape(dy, [-1, 1]); // a 1x1 window is its own maximum (and oneHot needs depth >= 2)
  const first = tf.oneHot(tf.argMax(windows, 1), k);
  return tf.mul(first, tf.reshape(dy, [-1, 1]));
}

/**
 * Windows that tile the image (kernel = stride): a reshape exposes every window as the
 * `[kh, kw]` axes of `[N, Ho, kh, Wo, kw, C]`, so one transpose each way replaces any gathering.
 * Returns the gradient of the used `[N, Ho·kh, Wo·kw, C]` region of the padded input.
 */
function tiledGrad(xp: Tensor, dy: Tensor, { n, c, kh, kw, ho, wo }: PoolGeometry): Tensor {
  const x6 = tf.reshape(fit(xp, ho * kh, wo * kw, Number.NEGATIVE_INFINITY), [n, ho, kh, wo, kw, c]);
  const windows = tf.reshape(tf.transpose(x6, [0, 1, 3, 5, 2, 4]), [-1, kh * kw]);
  const g = tf.reshape(routeToFirstMax(windows, dy, kh * kw), [n, ho, wo, c, kh, kw]);
  return tf.reshape(tf.transpose(g, [0, 1, 4, 2, 5, 3]), [n, ho * kh, wo * kw, c]);
}

/**
 * Any kernel and stride. Rows are split into (q, phase): padded row `r = q·sh + r % sh`, so
 * window row `ki` of output row `i` lies at `q = i + ⌊ki/sh⌋`, phase `ki % sh`. With the phases
 * moved to the batch axis (`[sh·sw·N, Hq, Wq, C]`) every window element is a plain 4-D slice —
 * tfjs' strided and higher-rank slices are very slow — and the gradient goes back the same way.
 * Returns the gradient of the used `[N, Hq·sh, Wq·sw, C]` region of the padded input.
 */
function overlappingGrad(xp: Tensor, dy: Tensor, { n, c, kh, kw, sh, sw, ho, wo }: PoolGeometry): Tensor {
  const [hq, wq] = [ho + Math.ceil(kh / sh) - 1, wo + Math.ceil(kw / sw) - 1];
  const x6 = tf.reshape(fit(xp, hq * sh, wq * sw, Number.NEGATIVE_INFINITY), [n, hq, sh, wq, sw, c]);
  const phases = tf.reshape(tf.transpose(x6, [2, 4, 0, 1, 3, 5]), [sh * sw * n, hq, wq, c]);
  const offsets: Array<{ qi: number; qj: number; phase: number }> = [];
  const elements: Tensor[] = [];
  for (let ki = 0; ki < kh; ki++) {
    for (let kj = 0; kj < kw; kj++) {
      const o = { qi: Math.floor(ki / sh), qj: Math.floor(kj / sw), phase: (ki % sh) * sw + (kj % sw) };
      offsets.push(o);
      elements.push(tf.slice(phases, [o.phase * n, o.qi, o.qj, 0], [n, ho, wo, c]));
    }
  }
  const k = kh * kw;
  const windows = tf.reshape(tf.stack(elements, 4), [-1, k]);
  const perElement = tf.unstack(tf.transpose(routeToFirstMax(windows, dy, k)));
  const acc: Array<Tensor | null> = new Array(sh * sw).fill(null);
  perElement.forEach((g, e) => {
    const { qi, qj, phase } = offsets[e];
    const placed = tf.pad(tf.reshape(g, [n, ho, wo, c]), [
      [0, 0],
      [qi, hq - ho - qi],
      [qj, wq - wo - qj],
      [0, 0],
    ]);
    acc[phase] = acc[phase] ? tf.add(acc[phase]!, placed) : placed;
  });
  const zeros = acc.includes(null) ? tf.zeros([n, hq, wq, c]) : null;
  const stacked = tf.reshape(tf.stack(acc.map((a) => a ?? zeros!)), [sh, sw, n, hq, wq, c]);
  return tf.reshape(tf.transpose(stacked, [2, 3, 0, 4, 1, 5]), [n, hq * sh, wq * sw, c]);
}

/** Crop or pad (with `value`, at the bottom/right) an NHWC tensor to `height x width`. */
function fit(x: Tensor, height: number, width: number, value: number): Tensor {
  const [n, h, w, c] = x.shape;
  let out = x;
  if (h > height || w > width) out = tf.slice(out, [0, 0, 0, 0], [n, Math.min(h, height), Math.min(w, width), c]);
  if (h < height || w < width)
    out = tf.pad(
      out,
      [
        [0, 0],
        [0, Math.max(0, height - h)],
        [0, Math.max(0, width - w)],
        [0, 0],
      ],
      value,
    );
  return out;
}

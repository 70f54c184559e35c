import { SpikeflowError } from '@spikeflow/core';
import type { DenseSynapseOptions } from './dense-synapse.js';

/** Geometry of a 2-D convolution on CHW activations (PyTorch's cross-correlation, groups = 1). */
export interface ConvGeometry2d {
  /** Input [C, H, W]. */
  readonly inShape: readonly [number, number, number];
  /** Output [C', H', W']. */
  readonly outShape: readonly [number, number, number];
  /** Kernel [kH, kW]. */
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Symmetric zero padding [pH, pW]. */
  readonly padding: readonly [number, number];
}

/** Output size of one axis: ⌊(n + 2p − k)/s⌋ + 1. */
export function convOutSize(n: number, k: number, s: number, p: number): number {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

/** Lava's `signed_clamp(x, bits)`: wrap into [−2^(bits−1), 2^(bits−1)) (a modulo, not a clip). */
export function signedWrap(x: number, bits: number): number {
  const base = 2 ** bits;
  const half = base / 2;
  return ((((x + half) % base) + base) % base) - half;
}

/**
 * A convolutional synapse group as Lava's fixed-point Conv process (lava/proc/conv/models.py,
 * `PyConvModelFixed`) computes it: integer weights used as given, `a = conv(s)`, then wrapped to
 * signed 24 bits (`signed_clamp`). Unlike Dense it applies no weight exponent and no per-sign-mode
 * truncation. Weights are `[out, in, kH, kW]` (PyTorch and netx order); activations are CHW,
 * flattened; the operation is PyTorch's cross-correlation (netx flips the stored kernels for
 * Lava's convolution, so the file holds cross-correlation kernels as here).
 *
 * @example
 * ```ts
 * const syn = new ConvSynapse(Int32Array.from([2, 4]), { inShape: [1, 1, 3], outShape: [1, 1, 2], kernel: [1, 2], stride: [1, 1], padding: [0, 0] });
 * syn.accumulate([1, 1, 0]); // → [6, 2]
 * ```
 */
export class ConvSynapse {
  readonly geometry: ConvGeometry2d;
  readonly weights: Int32Array;
  readonly inSize: number;
  readonly outSize: number;

  constructor(weights: ArrayLike<number>, geometry: ConvGeometry2d, options: DenseSynapseOptions = {}) {
    const [C, H, W] = geometry.inShape;
    const [O, OH, OW] = geometry.outShape;
    const [kh, kw] = geometry.kernel;
    if (weights.length !== O * C * kh * kw) throw new SpikeflowError('shape-mismatch', `conv weights have ${weights.length} entries, expected ${O}×${C}×${kh}×${kw}`);
    if (OH !== convOutSize(H, kh, geometry.stride[0], geometry.padding[0]) || OW !== convOutSize(W, kw, geometry.stride[1], geometry.padding[1])) {
      throw new SpikeflowError(
        'shape-mismatch',
        `conv output [${geometry.outShape}] does not follow from input [${geometry.inShape}], kernel [${geometry.kernel}], stride [${geometry.stride}], padding [${geometry.padding}]`,
      );
    }
    if ((options.weightExp ?? 0) !== 0) throw new SpikeflowError('not-supported', `Lava's Conv process applies no weight exponent; got ${options.weightExp}`);
    for (let i = 0; i < weights.length; i++) {
      if (!Number.isInteger(weights[i]) || Math.abs(weights[i]) > 256)
        throw new SpikeflowError('unrepresentable', `conv weight ${weights[i]} is not an 8-bit signed integer (±256)`);
    }
    this.geometry = geometry;
    this.weights = Int32Array.from(weights);
    this.inSize = C * H * W;
    this.outSize = O * OH * OW;
  }

  /** `a = conv(s)` wrapped to signed 24 bits; `s` is CHW-flattened. */
  accumulate(s: ArrayLike<number>, out: Int32Array = new Int32Array(this.outSize)): Int32Array {
    if (s.length !== this.inSize) throw new SpikeflowError('shape-mismatch', `conv input has ${s.length} entries, expected ${this.inSize}`);
    const [C, H, W] = this.geometry.inShape;
    const [O, OH, OW] = this.geometry.outShape;
    const [kh, kw] = this.geometry.kernel;
    const [sh, sw] = this.geometry.stride;
    const [ph, pw] = this.geometry.padding;
    const w = this.weights;
    for (let o = 0; o < O; o++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let acc = 0;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < kh; ky++) {
              const y = oy * sh - ph + ky;
              if (y < 0 || y >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const x = ox * sw - pw + kx;
                if (x < 0 || x >= W) continue;
                const v = s[(c * H + y) * W + x];
                if (v !== 0) acc += w[((o * C + c) * kh + ky) * kw + kx] * v;
              }
            }
          }
          out[(o * OH + oy) * OW + ox] = signedWrap(acc, 24);
        }
      }
    }
    return out;
  }
}

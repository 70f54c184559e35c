import { convGeometry, SpikeflowError, type Conv2d, type ConvNetworkLayer } from '@spikeflow/core';

/** Output shape `[outH, outW, outC]` of a Conv2d on an `[H, W, C]` input. */
export function convOutShape(conv: Conv2d, inShape: readonly number[]): number[] {
  if (inShape.length !== 3) throw new SpikeflowError('shape-mismatch', `${conv.describe()} needs an [H, W, C] input, got [${inShape}]`);
  const g = convGeometry(inShape[0], inShape[1], conv.kernelSize[0], conv.kernelSize[1], conv.stride[0], conv.stride[1], conv.padding);
  return [g.outH, g.outW, conv.outChannels];
}

/**
 * A Conv2d as the dense connection matrix PyNN gets, `[H·W·Cin, outH·outW·Cout]` over flattened
 * NHWC positions (zero where no kernel tap connects two positions): entry
 * `(iy, ix, ci) → (oy, ox, co)` is `filter[ky][kx][ci][co]` with `iy = oy·sh − top + ky`,
 * `ix = ox·sw − left + kx`. Zero padding contributes nothing, so it needs no neurons.
 *
 * @example
 * ```ts
 * const { weights, outShape } = unrollConv2d(new Conv2d(1, 4, 3, { padding: 1 }), [28, 28, 1]); // [784, 3136]
 * ```
 */
export function unrollConv2d(conv: Conv2d, inShape: readonly [number, number, number]): { weights: Float32Array; inFeatures: number; outFeatures: number; outShape: number[] } {
  const [H, W, C] = inShape;
  if (C !== conv.inChannels) throw new SpikeflowError('shape-mismatch', `${conv.describe()} expects ${conv.inChannels} input channels, got an input of shape [${inShape}]`);
  const [kh, kw] = conv.kernelSize;
  const [sh, sw] = conv.stride;
  const g = convGeometry(H, W, kh, kw, sh, sw, conv.padding);
  return unrollConvLayer(
    { weight: conv.weight.dataSync() as Float32Array, inShape, outShape: [g.outH, g.outW, conv.outChannels], kernel: [kh, kw], stride: [sh, sw], padding: g },
    conv.describe(),
  );
}

/**
 * {@link unrollConv2d} for a conv layer of core's network description (weights `[kH, kW, C, Co]`,
 * BatchNorm already folded in); `what` names it in errors.
 */
export function unrollConvLayer(
  layer: Pick<ConvNetworkLayer, 'weight' | 'inShape' | 'outShape' | 'kernel' | 'stride'> & { readonly padding: { readonly top: number; readonly left: number } },
  what: string,
): { weights: Float32Array; inFeatures: number; outFeatures: number; outShape: number[] } {
  const [H, W, C] = layer.inShape;
  const [outH, outW, Co] = layer.outShape;
  const [kh, kw] = layer.kernel;
  const [sh, sw] = layer.stride;
  const { top, left } = layer.padding;
  const inFeatures = H * W * C;
  const outFeatures = outH * outW * Co;
  if (inFeatures * outFeatures > 2 ** 28)
    throw new SpikeflowError('not-supported', `${what} on [${layer.inShape}] unrolls to a ${inFeatures}×${outFeatures} matrix; too large for a dense export`);
  const f = layer.weight; // [kh, kw, C, Co]
  const weights = new Float32Array(inFeatures * outFeatures);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - top + ky;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - left + kx;
          if (ix < 0 || ix >= W) continue;
          for (let ci = 0; ci < C; ci++) {
            const row = ((iy * W + ix) * C + ci) * outFeatures;
            const tap = ((ky * kw + kx) * C + ci) * Co;
            const col = (oy * outW + ox) * Co;
            for (let co = 0; co < Co; co++) weights[row + col + co] += f[tap + co];
          }
        }
      }
    }
  }
  return { weights, inFeatures, outFeatures, outShape: [outH, outW, Co] };
}

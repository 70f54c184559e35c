import { describe, expect, it } from 'vitest';
import { Conv2d, Flatten, Linear, Sequential, manualSeed, tf } from '@spikeflow/core';
import { LIFNode, atan } from '@spikeflow/neurons';
import { simulateReference } from '../reference/reference-simulator.js';
import { layerSpikes } from '../test-utils/small-network.js';
import { mapModel } from './map-model.js';
import { unrollConv2d } from './unroll-conv2d.js';

describe('unrollConv2d', () => {
  it('hand case: 3×3 input, 2×2 kernel, stride 1, no padding', () => {
    // One channel in and out: output (oy, ox) = Σ f[ky][kx]·x[oy+ky][ox+kx].
    const conv = new Conv2d(1, 1, 2, { bias: false });
    tf.tidy(() => conv.weight.assign(tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1])));
    const { weights, outShape } = unrollConv2d(conv, [3, 3, 1]);
    expect(outShape).toEqual([2, 2, 1]);
    // Column of output (0, 0): inputs 0, 1, 3, 4 with 1, 2, 3, 4; output (1, 1): inputs 4, 5, 7, 8.
    const col = (o: number) => Array.from({ length: 9 }, (_, i) => weights[i * 4 + o]);
    expect(col(0)).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
    expect(col(3)).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
    conv.dispose();
  });

  it("equals TensorFlow's conv on every one-hot input (stride 2, padding 1, 2 → 3 channels)", () => {
    manualSeed(5);
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1, bias: false });
    const shape: [number, number, number] = [5, 4, 2];
    const { weights, inFeatures, outFeatures } = unrollConv2d(conv, shape);
    const eye = tf
      .oneHot(tf.range(0, inFeatures, 1, 'int32'), inFeatures)
      .reshape([1, inFeatures, ...shape])
      .toFloat();
    // conv(e_i) for every i at once, as [T=1, B=inFeatures, H, W, C].
    const y = conv
      .forward(eye as tf.Tensor)
      .reshape([inFeatures, outFeatures])
      .dataSync();
    eye.dispose();
    for (let k = 0; k < weights.length; k++) expect(weights[k]).toBeCloseTo(y[k], 6);
    conv.dispose();
  });
});

describe('mapModel with a conv layer', () => {
  it("the reference of the unrolled network reproduces the model's spikes", () => {
    manualSeed(9);
    const model = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1, bias: false }),
      new LIFNode({ surrogate: atan(), fused: false }),
      new Flatten(),
      new Linear(6 * 6 * 4, 5, { bias: false }),
      new LIFNode({ surrogate: atan(), fused: false }),
    );
    // Scale the weights up so both layers fire.
    tf.tidy(() => {
      for (const [name, v] of model.namedParameters()) v.assign(tf.add(tf.mul(v, name.startsWith('0') ? 3 : 4), name.startsWith('0') ? 0 : 0.05));
    });
    const net = mapModel(model, { timeSteps: 12, input: 'spikes', inputShape: [6, 6, 1] });
    expect(net.populations.map((p) => p.size)).toEqual([144, 5]);
    expect(net.projections.map((p) => [p.preSize, p.postSize])).toEqual([
      [36, 144],
      [144, 5],
    ]);
    let seed = 1;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const raster = Uint8Array.from({ length: 12 * 36 }, () => (rnd() < 0.5 ? 1 : 0));
    const x = tf.tensor(Float32Array.from(raster), [12, 1, 6, 6, 1]);
    const [conv, out] = layerSpikes(model, x);
    x.dispose();
    const ref = simulateReference(net, { spikes: raster });
    expect(Array.from(ref.get('layer1')!)).toEqual(Array.from(conv));
    expect(Array.from(ref.get('layer2')!)).toEqual(Array.from(out));
    expect(conv.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    expect(out.reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
    model.dispose();
  });
});

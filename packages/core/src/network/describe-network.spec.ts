import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { expectSpikeflowError } from '@spikeflow/testing';
import type { NeuronDynamics } from '../contracts/neuron.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/batch-norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { AvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { BaseNode } from '../spike/base-node.js';
import { sigmoidSurrogate } from '../test-utils/fixtures.js';
import { describeNetwork } from './describe-network.js';
import type { ConvNetworkLayer, DenseNetworkLayer } from './network-description.js';

/** IF (`H = V + X`) that describes its dynamics, as a neuron plugin opts in. */
class DescribedIF extends BaseNode {
  constructor(vThreshold = 1) {
    super({ surrogate: sigmoidSurrogate(), vThreshold });
  }
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
  override dynamics(): NeuronDynamics {
    return { kind: 'if', ...this.thresholdDynamics() };
  }
}

/** A residual block: two children, but not a chain. */
class Residual extends Module {
  readonly a = this.registerModule('a', new Linear(4, 4));
  readonly b = this.registerModule('b', new Linear(4, 4));
  forward(x: Tensor): Tensor {
    return tf.add(x, this.b.forward(this.a.forward(x)));
  }
}

function random(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return lo + (hi - lo) * (s / 2 ** 32);
  });
}

function setWeights(m: Module, seed: number): void {
  m.loadStateDict(
    new Map(
      m.namedTensors().map((e, k) => [
        e.name,
        {
          shape: [...e.variable.shape],
          data: random(e.variable.size, seed + k, e.name.endsWith('running_var') ? 0.5 : -1, e.name.endsWith('running_var') ? 1.5 : 1),
        },
      ]),
    ),
  );
}

const H = 4,
  W = 6,
  C = 2;
const conv = new Conv2d(C, 3, 3, { padding: 1 });
const bn2 = new BatchNorm2d(3);
const pool = new AvgPool2d(2);
const fc = new Linear(3 * (H / 2) * (W / 2), 5);
const bn1 = new BatchNorm1d(5);
const model = new Sequential(conv, bn2, new DescribedIF(), pool, new Flatten(), fc, bn1, new DescribedIF(0.5));
setWeights(model, 3);
model.eval();

describe('describeNetwork', () => {
  const net = describeNetwork(model, { inputShape: [H, W, C], target: 'TestChip' });

  it('lists synaptic layers with their neurons, BatchNorm folded, in spikeflow layouts', () => {
    expect(net.inputShape).toEqual([H, W, C]);
    expect(net.weights).toBe('float');
    expect(net.layers.map((l) => [l.kind, l.name, l.foldedBatchNorm, l.inFeatures, l.outFeatures, l.delay])).toEqual([
      ['conv', '0', '1', H * W * C, H * W * 3, 0],
      ['dense', '5', '6', H * W * 3, 5, 0],
    ]);
    expect(net.layers.map((l) => l.neuron.name)).toEqual(['2', '7']);
    expect(net.layers.map((l) => l.neuron.dynamics)).toEqual([
      { kind: 'if', vThreshold: 1, vReset: 0 },
      { kind: 'if', vThreshold: 0.5, vReset: 0 },
    ]);
  });

  it('a conv layer computes what Conv2d → BatchNorm2d computes', () => {
    const l = net.layers[0] as ConvNetworkLayer;
    expect(l.padding).toEqual({ top: 1, bottom: 1, left: 1, right: 1 });
    const x = random(H * W * C, 11, 0, 1);
    const ref = tf.tidy(() => bn2.forward(conv.forward(tf.tensor(x, [1, 1, H, W, C]))).dataSync());
    const [kh, kw] = l.kernel;
    const O = l.outShape[2];
    for (let oy = 0; oy < l.outShape[0]; oy++)
      for (let ox = 0; ox < l.outShape[1]; ox++)
        for (let o = 0; o < O; o++) {
          let acc = l.bias![o];
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              for (let c = 0; c < C; c++) {
                const iy = oy - l.padding.top + ky;
                const ix = ox - l.padding.left + kx;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += x[(iy * W + ix) * C + c] * l.weight[((ky * kw + kx) * C + c) * O + o];
              }
          expect(acc).toBeCloseTo(ref[(oy * l.outShape[1] + ox) * O + o], 4);
        }
  });

  it('a dense layer after a pool computes AvgPool2d → Flatten → Linear → BatchNorm1d on the unpooled spikes', () => {
    const l = net.layers[1] as DenseNetworkLayer;
    expect(l.pool).toEqual({ kernel: 2 });
    expect(l.flattenedFrom).toEqual([H, W, 3]);
    const s = Float32Array.from(random(H * W * 3, 5, 0, 1), (v) => (v > 0.5 ? 1 : 0));
    const ref = tf.tidy(() => bn1.forward(fc.forward(tf.reshape(pool.forward(tf.tensor(s, [1, 1, H, W, 3])), [1, 1, -1]))).dataSync());
    for (let o = 0; o < 5; o++) {
      let acc = l.bias![o];
      for (let i = 0; i < l.inFeatures; i++) acc += s[i] * l.weight[i * 5 + o];
      expect(acc).toBeCloseTo(ref[o], 4);
    }
  });

  it("defaults the input to the first Linear's width", () => {
    const mlp = new Sequential(new Linear(7, 3), new DescribedIF());
    expect(describeNetwork(mlp, { target: 'TestChip' }).inputShape).toEqual([7]);
  });

  it('refuses what it cannot describe, naming the layer and the target', () => {
    const describing = (m: Module, shape?: number[]) => () => describeNetwork(m, { target: 'TestChip', ...(shape ? { inputShape: shape } : {}) });
    expectSpikeflowError(
      describing(new Sequential(new Conv2d(1, 2, 3), new DescribedIF(), new MaxPool2d(2), new Flatten(), new Linear(2, 2), new DescribedIF()), [4, 4, 1]),
      'not-supported',
      /^layer '2' \(MaxPool2d.*TestChip mapping/,
    );
    expectSpikeflowError(
      describing(new Sequential(new Linear(2, 2), new Linear(2, 2), new DescribedIF())),
      'not-supported',
      /^layer '1' follows layer '0' without a spiking neuron/,
    );
    expectSpikeflowError(describing(new Sequential(new Residual(), new DescribedIF()), [4]), 'not-supported', /^layer '0' \(Residual/);
    expectSpikeflowError(describing(new Sequential(new Conv2d(1, 2, 3), new DescribedIF())), 'invalid-options', /pass inputShape/);
    expectSpikeflowError(describing(new Sequential(new Linear(2, 2))), 'not-supported', /^the network ends with layer '0' without a spiking neuron; TestChip outputs spikes/);
  });
});

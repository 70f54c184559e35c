import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { expectSpikeflowError } from '@spikeflow/testing';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { BaseNode } from '../spike/base-node.js';
import { NeuronModule } from '../spike/neuron-module.js';
import { NonSpikingLIF } from '../spike/non-spiking-lif.js';
import { sigmoidSurrogate } from '../test-utils/fixtures.js';
import { manualSeed } from '../util/seed.js';
import { resetNet } from './reset-net.js';
import { getStepMode, setStepMode } from './step-mode.js';

/** LIF with decay_input (SpikingJelly's default): H = V + (X − V)/τ. */
class TestLIF extends BaseNode {
  constructor(readonly tau = 2) {
    super({ surrogate: sigmoidSurrogate() });
  }
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, tf.div(tf.sub(x, v), this.tau));
  }
}

function mlp(): Sequential {
  manualSeed(3);
  const out = new Linear(32, 10);
  // PyTorch's init leaves a 32-input output layer mostly silent; stronger weights make it fire.
  out.weight.assign(tf.mul(out.weight, 6));
  return new Sequential(new Flatten(), new Linear(36, 32), new TestLIF(), out, new TestLIF());
}

function convNet(): Sequential {
  manualSeed(4);
  return new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new TestLIF(), new MaxPool2d(2), new Flatten(), new Linear(36, 10), new NonSpikingLIF());
}

function input(T: number, seed: number, scale: number): Tensor {
  return tf.mul(tf.randomUniform([T, 3, 6, 6, 1], 0, 1, 'float32', seed), scale);
}

/** Run `x [T, ...]` through the model in `chunks` of time steps, concatenated back. */
function runInChunks(model: Module, x: Tensor, chunks: number[]): Float32Array {
  const parts: Tensor[] = [];
  let t = 0;
  for (const n of chunks) {
    parts.push(model.forward(tf.slice(x, [t], [n])));
    t += n;
  }
  return tf.concat(parts, 0).dataSync() as Float32Array;
}

describe('setStepMode', () => {
  for (const [name, build, scale] of [
    ['an MLP with LIF', mlp, 12],
    ['a conv net with LIF and a membrane read-out', convNet, 3],
  ] as const) {
    it(`single-step one time step at a time gives the multi-step output (${name})`, () => {
      const model = build();
      const x = input(8, 11, scale);
      const multi = model.forward(x).dataSync();
      // The network fires at all, or the comparison would be vacuous.
      expect(Array.from(multi).some((v) => v !== 0)).toBe(true);
      setStepMode(model, 's');
      expect(getStepMode(model)).toBe('s');
      resetNet(model);
      const single = runInChunks(model, x, Array(8).fill(1));
      expect(Array.from(single)).toEqual(Array.from(multi));
      // State carries across calls until reset: uneven chunks give the same sequence.
      resetNet(model);
      expect(Array.from(runInChunks(model, x, [3, 1, 4]))).toEqual(Array.from(multi));
      // Without a reset the next sample would start from the previous one's state.
      const carried = runInChunks(model, x, Array(8).fill(1));
      expect(Array.from(carried)).not.toEqual(Array.from(multi));
      setStepMode(model, 'm');
      expect(getStepMode(model)).toBe('m');
      // Back in multi-step mode each forward starts from rest again, through the class's own forward.
      expect(Array.from(model.forward(x).dataSync())).toEqual(Array.from(multi));
      for (const [, m] of model.namedModules()) expect(Object.hasOwn(m, 'forward')).toBe(false);
    });
  }

  it('backpropagates through time across single-step calls as through the multi-step forward', () => {
    const model = mlp();
    const x = input(6, 12, 12);
    const weight = model.namedParameters().find(([n]) => n === '1.weight')![1];
    const grad = (f: () => Tensor) => tf.variableGrads(() => tf.sum(tf.mul(f(), tf.linspace(0.5, 1.5, 10))) as tf.Scalar, [weight]).grads[weight.name].dataSync();
    const multi = grad(() => model.forward(x));
    expect(Math.max(...Array.from(multi).map(Math.abs))).toBeGreaterThan(0);
    setStepMode(model, 's');
    resetNet(model);
    const single = grad(() =>
      tf.concat(
        tf.split(x, 6, 0).map((xt) => model.forward(xt)),
        0,
      ),
    );
    setStepMode(model, 'm');
    multi.forEach((g, i) => expect(single[i]).toBeCloseTo(g, 5));
  });

  it('rejects an unknown mode and a neuron without a single-step mode with typed errors', () => {
    class NoStep extends NeuronModule {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(() => setStepMode(mlp(), 'x' as 's')).toThrowError(expect.objectContaining({ kind: 'invalid-options' }));
    const model = new Sequential(new Linear(4, 4), new NoStep());
    expectSpikeflowError(() => setStepMode(model, 's'), 'not-supported', "'1'");
  });
});

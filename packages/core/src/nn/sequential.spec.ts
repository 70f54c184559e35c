import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Rng } from '../util/rng.js';
import { manualSeed } from '../util/seed.js';
import { expectClose, onBackend, randnData } from '../ops/test-utils/compare.js';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';

function convNet(): Sequential {
  return new Sequential(new Conv2d(2, 4, 3, { padding: 1 }), new BatchNorm2d(4), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3));
}

describe('Sequential', () => {
  it('chains its children, names them 0, 1, ... and supports append', () => {
    manualSeed(1);
    const net = convNet();
    expect(net.length).toBe(5);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3', '4']);
    expect(net.namedTensors().map((e) => e.name)).toEqual([
      '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '4.weight', '4.bias',
    ]);
    expect(net.at(-1)).toBeInstanceOf(Linear);
    expect([...net].map((m) => m.describe())).toEqual([
      'Conv2d(2, 4, kernelSize=3, stride=1, padding=1)', 'BatchNorm2d(4)', 'MaxPool2d(kernelSize=2, stride=2)', 'Flatten()', 'Linear(64, 3)',
    ]);
    expect(net.forward(tf.zeros([2, 3, 8, 8, 2])).shape).toEqual([2, 3, 3]);
    net.append(new Dropout(0.1));
    expect(net.namedChildren().map(([n]) => n).at(-1)).toBe('5');
    expect(net.summary()).toContain('(4) Linear(64, 3)');
    expect(() => net.append({} as Module)).toThrow(SpikeflowError);
  });

  it('a seeded build is reproducible', () => {
    manualSeed(123);
    const a = convNet();
    manualSeed(123);
    const b = convNet();
    const av = a.namedTensors();
    b.namedTensors().forEach((e, i) => expect(Array.from(e.variable.dataSync())).toEqual(Array.from(av[i].variable.dataSync())));
  });

  it('gradients through tf.variableGrads of Conv2d-BatchNorm2d-MaxPool2d-Flatten-Linear match between wasm and cpu', async () => {
    const rng = new Rng('seq-grads');
    const xData = randnData(2 * 3 * 8 * 8 * 2, rng);
    const rData = randnData(2 * 3 * 3, rng);
    const step = () => {
      manualSeed(77); // identical weights on both backends: init is drawn in JS
      const net = convNet();
      const x = tf.tensor(xData, [2, 3, 8, 8, 2]);
      const r = tf.tensor(rData, [2, 3, 3]);
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.forward(x), r)) as tf.Scalar, net.parameters());
        return [value, ...net.namedParameters().map(([, v]) => grads[v.name])];
      });
      const loss = out[0].dataSync()[0];
      const grads = net.namedParameters().map(([name], i) => [name, out[i + 1].dataSync()] as const);
      const buffers = net.namedTensors().filter((e) => !e.trainable).map((e) => e.variable.dataSync());
      tf.dispose(out);
      const leaked = tf.memory().numTensors - before;
      net.dispose();
      tf.dispose([x, r]);
      return { loss, grads, buffers, leaked };
    };
    const wasm = await onBackend('wasm', step);
    const cpu = await onBackend('cpu', step);
    expect(wasm.leaked).toBe(0);
    expect(cpu.leaked).toBe(0);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    expect(wasm.grads.map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '4.weight', '4.bias']);
    wasm.grads.forEach(([name, g], i) => {
      if (name !== '0.bias') expect(Array.from(g).some((v) => v !== 0), `${name} has a gradient`).toBe(true);
      expectClose(g, cpu.grads[i][1], 1e-5, name);
    });
    wasm.buffers.forEach((b, i) => expectClose(b, cpu.buffers[i], 1e-5, `buffer ${i}`));
    // The conv bias feeds straight into BatchNorm, which removes any per-channel constant.
    expectClose(wasm.grads[1][1], [0, 0, 0, 0], 1e-5, 'conv bias under BN');
  });
});

import { expectClose, expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Rng } from '../util/rng.js';
import { manualSeed } from '../util/seed.js';
import { onBackend, randnData } from '../ops/test-utils/compare.js';
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

/** The names of a Sequential's children, in order. */
const childNames = (net: Sequential): string[] => net.namedChildren().map(([n]) => n);

describe('Sequential', () => {
  it('chains its children, names them 0, 1, ... and supports append', () => {
    manualSeed(1);
    const net = convNet();
    expect(net.length).toBe(5);
    expect(childNames(net)).toEqual(['0', '1', '2', '3', '4']);
    expect(net.namedTensors().map((e) => e.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '4.weight', '4.bias']);
    expect(net.at(-1)).toBeInstanceOf(Linear);
    expect([...net].map((m) => m.describe())).toEqual([
      'Conv2d(2, 4, kernelSize=3, stride=1, padding=1)',
      'BatchNorm2d(4)',
      'MaxPool2d(kernelSize=2, stride=2)',
      'Flatten()',
      'Linear(64, 3)',
    ]);
    expect(net.forward(tf.zeros([2, 3, 8, 8, 2])).shape).toEqual([2, 3, 3]);
    net.append(new Dropout(0.1));
    expect(childNames(net).at(-1)).toBe('5');
    expect(net.summary()).toContain('(4) Linear(64, 3)');
    expect(() => net.append({} as Module)).toThrow(SpikeflowError);
  });

  it('names children given as a record or appended with a name, and keeps index access', () => {
    manualSeed(1);
    const conv = new Conv2d(2, 4, 3, { padding: 1 });
    const fc = new Linear(4 * 4 * 4, 3);
    const net = new Sequential({ conv1: conv, bn1: new BatchNorm2d(4), pool1: new MaxPool2d(2), flatten: new Flatten() }).append(fc, 'fc1');
    expect(childNames(net)).toEqual(['conv1', 'bn1', 'pool1', 'flatten', 'fc1']);
    expect(net.namedTensors().map((e) => e.name)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'fc1.weight',
      'fc1.bias',
    ]);
    expect(net.at(0)).toBe(conv);
    expect(net.at(-1)).toBe(fc);
    expect(net.get('fc1')).toBe(fc);
    expect(net.get('fc2')).toBeUndefined();
    expect(net.length).toBe(5);
    expect(net.summary()).toContain('(fc1) Linear(64, 3)');
    // An unnamed append falls back to its index.
    net.append(new Dropout(0.1));
    expect(childNames(net).at(-1)).toBe('5');
    expect(net.forward(tf.zeros([2, 3, 8, 8, 2])).shape).toEqual([2, 3, 3]);
  });

  it('gives the same weights and outputs as the index-named chain built in the same order', () => {
    manualSeed(9);
    const indexed = convNet();
    manualSeed(9);
    const named = new Sequential({
      conv1: new Conv2d(2, 4, 3, { padding: 1 }),
      bn1: new BatchNorm2d(4),
      pool1: new MaxPool2d(2),
      flatten: new Flatten(),
      fc1: new Linear(4 * 4 * 4, 3),
    });
    const a = indexed.namedTensors();
    named.namedTensors().forEach((e, i) => expect(Array.from(e.variable.dataSync())).toEqual(Array.from(a[i].variable.dataSync())));
    const x = tf.randomNormal([2, 3, 8, 8, 2], 0, 1, 'float32', 4);
    expect(Array.from(named.forward(x).dataSync())).toEqual(Array.from(indexed.forward(x).dataSync()));
  });

  it('rejects child names that are not identifiers or repeat, with typed errors', () => {
    expectSpikeflowError(() => new Sequential({ 'fc.1': new Flatten() }), 'invalid-options', /child name 'fc\.1' is not valid; expected an identifier/);
    expectSpikeflowError(() => new Sequential({ '1fc': new Flatten() }), 'invalid-options', /'1fc' is not valid/);
    expectSpikeflowError(() => new Sequential().append(new Flatten(), ''), 'invalid-options', /'' is not valid/);
    expectSpikeflowError(() => new Sequential({ a: new Flatten() }).append(new Flatten(), 'a'), 'duplicate-id', /child name 'a' is already used; expected unique names/);
    expectSpikeflowError(() => new Sequential({ a: {} as Module }), 'invalid-options', /item 'a' is not a Module/);
  });

  it('maps index names (older checkpoints) to child names when loading a state dict', () => {
    manualSeed(5);
    const inner = new Sequential({ flatten: new Flatten(), linear: new Linear(12, 4) });
    const net = new Sequential().append(inner, 'fc1').append(new Linear(4, 2, { bias: false }), 'fc2');
    expect([...net.legacyTensorNames()]).toEqual([
      ['0.1.weight', 'fc1.linear.weight'],
      ['0.1.bias', 'fc1.linear.bias'],
      ['1.weight', 'fc2.weight'],
    ]);
    // A state dict with the old names (as an index-named chain stored it) loads into the named one.
    const old = new Map(net.namedTensors().map((e) => [e.name, { shape: e.variable.shape, data: Float32Array.from(e.variable.dataSync(), (v) => v + 1) }]));
    const renamed = new Map([...old].map(([k, v]) => [[...net.legacyTensorNames()].find(([, n]) => n === k)![0], v]));
    expect([...renamed.keys()]).toEqual(['0.1.weight', '0.1.bias', '1.weight']);
    net.loadStateDict(renamed);
    for (const e of net.namedTensors()) expect(Array.from(e.variable.dataSync())).toEqual(Array.from(old.get(e.name)!.data));
    // A dict that maps only partly is reported with the names as stored.
    renamed.delete('1.weight');
    renamed.set('9.weight', { shape: [4, 2], data: new Float32Array(8) });
    expect(() => net.loadStateDict(renamed)).toThrowError(/missing \[fc1\.linear\.weight, fc1\.linear\.bias, fc2\.weight\], unexpected \[0\.1\.weight, 0\.1\.bias, 9\.weight\]/);
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
      const buffers = net
        .namedTensors()
        .filter((e) => !e.trainable)
        .map((e) => e.variable.dataSync());
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
      if (name !== '0.bias')
        expect(
          Array.from(g).some((v) => v !== 0),
          `${name} has a gradient`,
        ).toBe(true);
      expectClose(g, cpu.grads[i][1], 1e-5, name);
    });
    wasm.buffers.forEach((b, i) => expectClose(b, cpu.buffers[i], 1e-5, `buffer ${i}`));
    // The conv bias feeds straight into BatchNorm, which removes any per-channel constant.
    expectClose(wasm.grads[1][1], [0, 0, 0, 0], 1e-5, 'conv bias under BN');
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  Trainer,
  createSpikeflow,
  decodeSafetensors,
  directEncoder,
  encodeSafetensors,
  loadCheckpoint,
  manualSeed,
  saveCheckpoint,
  spikingLayers,
  tf,
  type Module,
} from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { models } from '../plugin.js';

const sf = createSpikeflow({ plugins: [neurons(), models(), datasets()] });
const ctx = (neuron = 'lif', staticInput = false) => ({ inputShape: [28, 28, 1], numClasses: 10, neuron: { id: neuron }, staticInput });
const FMNIST = '/usr/share/datasets/fashion-mnist';
const haveData = existsSync(`${FMNIST}/train-images-idx3-ubyte.gz`);

function shapes(m: Module) {
  return Object.fromEntries(m.namedTensors().map((e) => [e.name.replace('.inner', ''), e.variable.shape]));
}

/**
 * Output and all parameter gradients of `model` on a direct-encoded batch; with `once`, the input is
 * given once through `forwardStatic` (as the trainer does) instead of repeated over T.
 */
function outputAndGrads(model: Module, x: tf.Tensor, T: number, once = false) {
  return tf.tidy(() => {
    const seq = directEncoder().encode(x, { timeSteps: T, sampleIndices: [], epoch: 0, seed: 0 });
    const run = () => (once ? model.forwardStatic(x, T)! : model.forward(seq));
    const params = model.parameters();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(run(), tf.range(1, 11))) as tf.Scalar, params);
    return { value: value.dataSync()[0], grads: params.map((p) => Array.from(grads[p.name].dataSync())), out: Array.from(run().dataSync()) };
  });
}

describe('lif-mlp', () => {
  it('is 784-512-10 with spiking layers from the chosen neuron', () => {
    manualSeed(0);
    const m = sf.model('lif-mlp', {}, ctx('plif'));
    expect(shapes(m)).toEqual({ 'fc1.linear.weight': [784, 512], 'lif1.w': [], 'fc2.weight': [512, 10], 'lif2.w': [] });
    expect(spikingLayers(m).map(([n]) => n)).toEqual(['lif1', 'lif2']);
    expect(spikingLayers(sf.model('lif-mlp', { hidden: [32, 16] }, ctx('lif', true))).map(([n]) => n)).toEqual(['lif1', 'lif2', 'lif3']);
    expect(m.summary()).toContain('ParametricLIFNode');
    const out = m.forward(tf.zeros([4, 2, 28, 28, 1]));
    expect(out.shape).toEqual([4, 2, 10]);
    expect(() => sf.model('lif-mlp', { hidden: [0] }, ctx())).toThrowError(/models\/lif-mlp/);
  });

  it('staticInput computes the first layer once with identical outputs and gradients', () => {
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7);
    manualSeed(1);
    const a = outputAndGrads(sf.model('lif-mlp', { hidden: [64], bias: true }, ctx('lif', false)), x, 4);
    manualSeed(1);
    const b = outputAndGrads(sf.model('lif-mlp', { hidden: [64], bias: true }, ctx('lif', true)), x, 4);
    manualSeed(1);
    const c = outputAndGrads(sf.model('lif-mlp', { hidden: [64], bias: true }, ctx('lif', true)), x, 4, true);
    expect(b.out).toEqual(a.out);
    expect(c.out).toEqual(a.out);
    for (const r of [b, c]) r.grads.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - a.grads[i][j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(a.grads[i][j])))));
    manualSeed(1);
    expect(sf.model('lif-mlp', {}, ctx('lif', false)).forwardStatic(x, 4)).toBeNull(); // no time-invariant block: the caller repeats
  });
});

describe('conv-fmnist', () => {
  it("has SpikingJelly's layer shapes (bias-free convs and linears)", () => {
    manualSeed(0);
    const m = sf.model('conv-fmnist', { channels: 8 }, ctx());
    expect(shapes(m)).toEqual({
      'stem.conv1.weight': [3, 3, 1, 8],
      'stem.bn1.weight': [8],
      'stem.bn1.bias': [8],
      'stem.bn1.running_mean': [8],
      'stem.bn1.running_var': [8],
      'conv2.weight': [3, 3, 8, 8],
      'bn2.weight': [8],
      'bn2.bias': [8],
      'bn2.running_mean': [8],
      'bn2.running_var': [8],
      'fc1.weight': [8 * 7 * 7, 8 * 4 * 4],
      'fc2.weight': [8 * 4 * 4, 10],
    });
    expect(spikingLayers(m).map(([n]) => n)).toEqual(['lif1', 'lif2', 'lif3', 'lif4']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['stem', 'lif1', 'pool1', 'conv2', 'bn2', 'lif2', 'pool2', 'flatten', 'fc1', 'lif3', 'fc2', 'lif4']);
    expect(m.forward(tf.zeros([2, 3, 28, 28, 1])).shape).toEqual([2, 3, 10]);
    expect(() => sf.model('conv-fmnist', {}, { ...ctx(), inputShape: [30, 30, 1] })).toThrowError(/divisible by 4/);
  });

  it('staticInput gives identical outputs and gradients (BN statistics included)', () => {
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    manualSeed(2);
    const a = outputAndGrads(sf.model('conv-fmnist', { channels: 4 }, ctx('if', false)), x, 3);
    manualSeed(2);
    const b = outputAndGrads(sf.model('conv-fmnist', { channels: 4 }, ctx('if', true)), x, 3);
    manualSeed(2);
    const c = outputAndGrads(sf.model('conv-fmnist', { channels: 4 }, ctx('if', true)), x, 3, true);
    expect(b.out).toEqual(a.out);
    expect(c.out).toEqual(a.out);
    for (const r of [b, c]) r.grads.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - a.grads[i][j])).toBeLessThan(1e-4 * Math.max(1, Math.abs(a.grads[i][j])))));
  });

  it.skipIf(!haveData)('(needs dataset-fashion-mnist) trains on a Fashion-MNIST subset: loss falls, accuracy well above chance', async () => {
    const train = await sf.dataset('fashion-mnist', { split: 'train', dataDir: FMNIST });
    const test = await sf.dataset('fashion-mnist', { split: 'test', dataDir: FMNIST });
    manualSeed(0);
    const model = sf.model('conv-fmnist', { channels: 8 }, ctx('lif', true));
    const trainer = new Trainer({
      model,
      optimizer: new Adam(model.namedParameters(), { lr: 3e-3 }),
      encoder: directEncoder(),
      loss: sf.loss('mse-rate'),
      timeSteps: 4,
      numClasses: 10,
      seed: 0,
    });
    const summary = await trainer.fit(new DataLoader({ dataset: train, batchSize: 32, seed: 0, subset: 1024 }), {
      epochs: 2,
      test: new DataLoader({ dataset: test, batchSize: 128, shuffle: false, seed: 0, subset: 512 }),
    });
    expect(summary.epochs[1].trainLoss).toBeLessThan(summary.epochs[0].trainLoss);
    expect(summary.epochs[1].testAccuracy).toBeGreaterThan(0.5);
  });
});

describe('checkpoints written when Sequential children were numbered', () => {
  // The names spikeflow stored before lif-mlp and conv-fmnist named their layers (index paths,
  // `inner` from TimeInvariant), in the order the model lists its tensors.
  const OLD = {
    'lif-mlp static': ['0.inner.1.weight', '0.inner.1.bias', '2.weight', '2.bias'],
    'lif-mlp': ['0.1.weight', '0.1.bias', '2.weight', '2.bias'],
    'conv-fmnist static': [
      '0.inner.0.weight',
      '0.inner.1.weight',
      '0.inner.1.bias',
      '0.inner.1.running_mean',
      '0.inner.1.running_var',
      '3.weight',
      '4.weight',
      '4.bias',
      '4.running_mean',
      '4.running_var',
      '8.weight',
      '10.weight',
    ],
  } as const;
  const build = (key: keyof typeof OLD) =>
    key.startsWith('lif-mlp') ? sf.model('lif-mlp', { hidden: [16], bias: true }, ctx('lif', key.endsWith('static'))) : sf.model('conv-fmnist', { channels: 4 }, ctx('lif', true));

  for (const key of Object.keys(OLD) as Array<keyof typeof OLD>) {
    it(`${key}: a checkpoint with the old names loads and gives identical outputs`, async () => {
      manualSeed(11);
      const saved = build(key);
      // Trained-looking BN statistics, so buffers are checked too.
      for (const e of saved.namedTensors()) if (!e.trainable) e.variable.assign(tf.randomUniform(e.variable.shape, 0.5, 1.5, 'float32', 5));
      const dir = await saveCheckpoint(path.join(tempDir('sf-legacy-'), 'ckpt'), {
        model: saved,
        state: { epoch: 1, step: 1, batchInEpoch: 0, seed: 11, rng: [1, 2, 3, 4], config: {}, spikeflowVersion: '0.1.0' },
      });
      // Rewrite the weights file with the old names, as an older spikeflow wrote it.
      const file = path.join(dir, 'model.safetensors');
      const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(file)), file);
      expect(tensors.size).toBe(OLD[key].length);
      writeFileSync(file, encodeSafetensors(new Map(saved.namedTensors().map((e, i) => [OLD[key][i], tensors.get(e.name)!]))));
      const ckpt = await loadCheckpoint(dir);
      expect([...ckpt.weights.keys()].sort()).toEqual([...OLD[key]].sort());
      manualSeed(12);
      const loaded = build(key);
      // The model itself now uses the named paths; only the stored file has the old ones.
      expect(loaded.namedTensors().filter((e) => (OLD[key] as readonly string[]).includes(e.name))).toEqual([]);
      loaded.loadStateDict(ckpt.weights);
      saved.eval();
      loaded.eval();
      const x = tf.randomUniform([2, 2, 28, 28, 1], 0, 1, 'float32', 9);
      expect(Array.from(loaded.forward(x).dataSync())).toEqual(Array.from(saved.forward(x).dataSync()));
      const mine = saved.namedTensors();
      loaded.namedTensors().forEach((e, i) => expect(Array.from(e.variable.dataSync()), e.name).toEqual(Array.from(mine[i].variable.dataSync())));
    });
  }

  it('a checkpoint of another model is still refused, naming the stored names', () => {
    manualSeed(13);
    const m = build('lif-mlp');
    const values = new Map(OLD['conv-fmnist static'].map((n) => [n, { shape: [1], data: new Float32Array(1) }]));
    expect(() => m.loadStateDict(values)).toThrowError(/missing \[fc1\.linear\.weight.*unexpected \[0\.inner\.0\.weight/);
  });
});

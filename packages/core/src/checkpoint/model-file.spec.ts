import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { tf } from '../engine/tf.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { ShapedOutput } from '../nn/shaped-output.js';
import { createSpikeflow } from '../plugin/spikeflow.js';
import { definePlugin } from '../plugin/plugin.js';
import type { NeuronFactory } from '../contracts/neuron.js';
import { manualSeed } from '../util/seed.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { TestDense, TestIF, sigmoidSurrogate } from '../test-utils/fixtures.js';
import { decodeSafetensors } from './safetensors.js';
import { saveCheckpoint } from './checkpoint.js';

class TinyNet extends Module {
  readonly l1: TestDense;
  readonly n1: Module;
  readonly l2: TestDense;
  readonly n2: Module;
  constructor(inF: number, hidden: number, classes: number, neuron: NeuronFactory) {
    super();
    this.l1 = this.registerModule('l1', new TestDense(inF, hidden));
    this.n1 = this.registerModule('n1', neuron());
    this.l2 = this.registerModule('l2', new TestDense(hidden, classes));
    this.n2 = this.registerModule('n2', neuron());
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.n2.forward(this.l2.forward(this.n1.forward(this.l1.forward(x))));
  }
}

const plugin = definePlugin(
  { name: 'test-models', version: '1.0.0', namespace: 't' },
  {
    neurons: [
      {
        id: 'if',
        description: 'test IF',
        options: z.object({ vThreshold: z.number().default(1) }).strict(),
        create: (o: { vThreshold: number }) => new TestIF({ surrogate: sigmoidSurrogate(), vThreshold: o.vThreshold }),
      },
    ],
    architectures: [
      {
        id: 'tiny',
        description: 'test net',
        options: z.object({ hidden: z.number().int().positive().default(8) }).strict(),
        create: (o: { hidden: number }, c) =>
          new TinyNet(
            c.inputShape.reduce((a, b) => a * b, 1),
            o.hidden,
            c.numClasses,
            c.neuron,
          ),
      },
      {
        id: 'tiny-seq',
        description: 'test chain',
        options: z.object({}).strict(),
        create: (_o, c) =>
          new Sequential({
            l1: new TestDense(
              c.inputShape.reduce((a, b) => a * b, 1),
              6,
            ),
            n1: c.neuron(),
            l2: new TestDense(6, c.numClasses),
          }),
      },
    ],
  },
);

function build(seed: number) {
  manualSeed(seed);
  const sf = createSpikeflow({ plugins: [plugin] });
  // A low threshold: outputs depend on it, so a lost neuron option would show.
  return { sf, model: sf.model('tiny', { hidden: 12 }, { inputShape: [2, 3], numClasses: 4, neuron: { id: 'if', options: { vThreshold: 0.25 } }, timeSteps: 3 }) };
}

const input = () => tf.randomUniform([3, 5, 2, 3], 0, 1, 'float32', 9);

describe('sf.saveModel / sf.loadModel', () => {
  it('round-trips architecture, neuron options and weights: identical outputs', async () => {
    const { sf, model } = build(1);
    const expected = Array.from(model.forward(input()).dataSync());
    expect(expected.some((v) => v !== 0)).toBe(true);
    const dir = path.join(tempDir('sf-model-'), 'saved');
    await sf.saveModel(model, dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.build.architecture).toEqual({ id: 't/tiny', options: { hidden: 12 } });
    expect(json.build.context.neuron).toEqual({ id: 't/if', options: { vThreshold: 0.25 } });
    // The weights file is plain safetensors.
    expect([...decodeSafetensors(readFileSync(path.join(dir, 'model.safetensors'))).tensors.keys()].sort()).toEqual(['l1.weight', 'l2.weight']);

    // A fresh instance, another init seed: everything must come from the folder.
    const other = build(99);
    const loaded = await other.sf.loadModel(dir);
    expect(Array.from(loaded.forward(input()).dataSync())).toEqual(expected);
    // Saving again replaces the folder atomically (no temp folders left beside it).
    await sf.saveModel(model, dir);
    expect(readdirSync(path.dirname(dir))).toEqual(['saved']);
  });

  it('loads the model of a checkpoint written for a model built by sf.model', async () => {
    const { model } = build(2);
    const expected = Array.from(model.forward(input()).dataSync());
    const run = tempDir('sf-model-run-');
    await saveCheckpoint(path.join(run, 'checkpoints', 'epoch-001'), {
      model,
      state: { epoch: 0, step: 0, batchInEpoch: 0, seed: 0, rng: [1, 1, 1, 1], config: {}, spikeflowVersion: '0.1.0' },
    });
    const loaded = await build(5).sf.loadModel(run);
    expect(Array.from(loaded.forward(input()).dataSync())).toEqual(expected);
  });

  it('refuses models it cannot rebuild, with typed errors', async () => {
    const { sf } = build(3);
    const dir = tempDir('sf-model-bad-');
    const handmade = new TinyNet(6, 4, 2, () => new TestIF({ surrogate: sigmoidSurrogate() }));
    await expect(sf.saveModel(handmade, dir)).rejects.toSatisfy((e) => SpikeflowError.is(e, 'not-supported') && /not built by sf\.model/.test((e as Error).message));
    const viaFactory = sf.model('tiny', {}, { inputShape: [6], numClasses: 2, neuron: () => new TestIF({ surrogate: sigmoidSurrogate() }) });
    await expect(sf.saveModel(viaFactory, dir)).rejects.toThrowError(/neuron factory function/);
    await expect(sf.loadModel(path.join(dir, 'nothing'))).rejects.toSatisfy((e) => SpikeflowError.is(e, 'checkpoint-invalid'));
    expect(existsSync(path.join(dir, 'model.json'))).toBe(false);
  });

  it('a multi-dimensional output shape is part of the build: [T, B, ...outputShape] again after saveModel/loadModel and from a checkpoint', async () => {
    manualSeed(5);
    const sf = createSpikeflow({ plugins: [plugin] });
    const context = { inputShape: [4], numClasses: 6, neuron: { id: 'if', options: { vThreshold: 0.25 } }, outputShape: [3, 2] };
    const model = sf.model('tiny-seq', {}, context);
    const x = tf.randomUniform([2, 5, 4], 0, 1, 'float32', 3);
    const out = model.forward(x);
    expect(out.shape).toEqual([2, 5, 3, 2]);
    // The reshape is a view of the flat output: the same values as the chain without the last layer.
    const seq = model as Sequential;
    expect(seq.namedChildren().at(-1)).toEqual(['shape', expect.any(ShapedOutput)]);
    const dir = tempDir('sf-shaped-');
    await sf.saveModel(model, path.join(dir, 'm'));
    const again = await sf.loadModel(path.join(dir, 'm'));
    again.resetState();
    model.resetState();
    const a = again.forward(x);
    expect(a.shape).toEqual([2, 5, 3, 2]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(model.forward(x).dataSync()));
    const json = JSON.parse(readFileSync(path.join(dir, 'm', 'model.json'), 'utf8')) as { build: { context: { outputShape?: number[] } } };
    expect(json.build.context.outputShape).toEqual([3, 2]);
    const ck = await saveCheckpoint(path.join(dir, 'ckpt'), {
      model,
      state: { epoch: 0, step: 0, batchInEpoch: 0, seed: 0, rng: [1, 1, 1, 1], config: {}, spikeflowVersion: '0.1.0' },
    });
    expect((await sf.loadModel(ck)).forward(x).shape).toEqual([2, 5, 3, 2]);
    // A shape that does not hold the outputs, and a model that is not a chain, are refused by name.
    expect(() => sf.model('tiny-seq', {}, { ...context, outputShape: [4, 2] })).toThrow(/outputShape \[4,2\] holds 8 values per step, but the model is built for 6 outputs/);
    expect(() => sf.model('tiny', {}, { ...context, outputShape: [3, 2] })).toThrow(/only Sequential models can be reshaped to \[T, B, 3, 2\]/);
  });
});

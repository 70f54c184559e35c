// Every registered architecture that names a published model builds to that model's parameter count
// (VGG's 130M-parameter models are covered by cnn/param-counts.spec.ts without building them whole),
// and the CNNs take their normalisation by name from options, as config files and the CLI give it.
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm2d, createSpikeflow, matchesReference, selectBackend, tf } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { models } from '../plugin.js';
import { TdBatchNorm } from '../normalization/td-batch-norm.js';
import { TEBN } from '../normalization/tebn.js';

const sf = createSpikeflow({ plugins: [neurons(), models()] });
beforeAll(async () => {
  // Building is all JS initialisation; the cpu backend keeps the weights in plain arrays.
  await selectBackend('cpu');
});

describe('published parameter counts', () => {
  const withReference = sf.architectures.list().filter((d) => d.reference && d.reference.parameters < 40e6);
  it('covers the ResNets, MS-ResNet, ResNet-19 and both transformers', () => {
    expect(withReference.map((d) => d.id).sort()).toEqual(
      ['ms-resnet18', 'resnet19', 'sdt', 'sew-resnet18', 'sew-resnet34', 'spike-driven-transformer', 'spikformer', 'spiking-resnet18', 'spiking-resnet34'].sort(),
    );
  });
  for (const d of withReference) {
    it(`${d.id} equals its reference (${d.reference!.source})`, () => {
      const ref = d.reference!;
      tf.engine().startScope();
      try {
        const model = sf.model(d.fullId, ref.options ?? {}, { inputShape: ref.inputShape, numClasses: ref.numClasses, neuron: { id: 'lif' } });
        const n = model.parameterCount();
        expect(matchesReference(n, ref), `${n} vs ${ref.parameters}`).toBe(true);
        // The check is not vacuous: one parameter more or less than an exact count fails it.
        if (ref.significantDigits === undefined) expect(matchesReference(n + 1, ref)).toBe(false);
      } finally {
        tf.engine().endScope();
      }
    });
  }
});

describe('normalisation chosen by name', () => {
  const ctx = { inputShape: [16, 16, 3], numClasses: 4, neuron: { id: 'lif' } };
  const norms = (m: ReturnType<typeof sf.model>) =>
    m
      .namedModules()
      .map(([, x]) => x)
      .filter((x) => x instanceof BatchNorm2d || x instanceof TdBatchNorm || x instanceof TEBN);

  it('tdbn puts a tdBN after every conv of sew-resnet18, scaled by α·V_th', () => {
    const m = sf.model('sew-resnet18', { width: 4, stem: 'cifar', norm: 'tdbn' }, ctx);
    const layers = norms(m);
    expect(layers.length).toBe(20);
    expect(layers.every((l) => l instanceof TdBatchNorm)).toBe(true);
  });

  it('tebn takes T from the context and runs without the time-invariant stem', () => {
    const m = sf.model('resnet19', { width: 4, hidden: 8, norm: 'tebn' }, { ...ctx, staticInput: true, timeSteps: 3 });
    expect(norms(m).every((l) => l instanceof TEBN)).toBe(true);
    const y = tf.tidy(() => m.forward(tf.ones([3, 2, 16, 16, 3])));
    expect(y.shape).toEqual([3, 2, 4]);
    y.dispose();
    expect(() => sf.model('resnet19', { width: 4, norm: 'bntt' }, ctx)).toThrow(/needs options\.timeSteps/);
  });

  it('rejects a norm on VGG without BN and an unknown name', () => {
    expect(() => sf.model('vgg11', { norm: 'tdbn', hidden: 8, poolSize: 1 }, { ...ctx, inputShape: [32, 32, 3] })).toThrow(/vgg11 has no normalisation layers/);
    expect(() => sf.model('sew-resnet18', { norm: 'layernorm' }, ctx)).toThrow(/norm/);
  });
});

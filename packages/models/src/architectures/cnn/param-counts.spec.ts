import { beforeAll, describe, expect, it } from 'vitest';
import { createSpikeflow, manualSeed, selectBackend, type Module } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { models } from '../../plugin.js';

// Parameter counts of the full-size models against the published ones. Construction only (no
// forward pass); each model is disposed right away (VGG-16 is 553 MB of float32).
const sf = createSpikeflow({ plugins: [neurons(), models()] });
const imagenet = { inputShape: [224, 224, 3], numClasses: 1000, neuron: { id: 'lif' } };
const cifar10 = { inputShape: [32, 32, 3], numClasses: 10, neuron: { id: 'lif' } };

function count(id: string, options: Record<string, unknown>, context: typeof imagenet): number {
  manualSeed(0);
  const m: Module = sf.model(id, options, context);
  const n = m.parameterCount();
  m.dispose();
  return n;
}

describe('CNN parameter counts', () => {
  // The cpu backend keeps tensors in JS arrays: no copy into (and growth of) the wasm heap.
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  // torchvision's weight metadata (`num_params` of VGG*_Weights / ResNet*_Weights.IMAGENET1K_V1).
  const torchvisionVgg: Array<[string, number]> = [
    ['vgg11', 132_863_336],
    ['vgg11-bn', 132_868_840],
    ['vgg13', 133_047_848],
    ['vgg13-bn', 133_053_736],
    ['vgg16', 138_357_544],
    ['vgg16-bn', 138_365_992],
  ];
  // Linear(512·7·7, h) + Linear(h, h) + Linear(h, 1000), with biases.
  const classifier = (h: number) => 512 * 49 * h + h + h * h + h + h * 1000 + 1000;

  it('vgg16-bn, built at full size (224x224x3, 1000 classes), equals torchvision', () => {
    expect(count('vgg16-bn', {}, imagenet)).toBe(138_365_992);
  });

  // The full classifier is ~120M of the ~133M parameters and costs seconds to allocate per model;
  // build the real features with a narrow classifier and add the full one's arithmetic.
  it.each(torchvisionVgg)('%s equals torchvision (%i): built features + 4096-wide classifier', (id, expected) => {
    manualSeed(0);
    const m = sf.model(id, { hidden: 8 }, imagenet);
    const linears = m
      .namedParameters()
      .filter(([n]) => n.startsWith('classifier.') && n.endsWith('.weight'))
      .map(([, v]) => v.shape);
    expect(linears).toEqual([
      [512 * 49, 8],
      [8, 8],
      [8, 1000],
    ]);
    expect(m.parameterCount() - classifier(8) + classifier(4096)).toBe(expected);
    m.dispose();
  });

  it.each([
    ['spiking-resnet18', {}, 11_689_512],
    ['spiking-resnet34', {}, 21_797_672],
    ['sew-resnet18', { connect: 'ADD' }, 11_689_512],
    ['sew-resnet18', { connect: 'AND' }, 11_689_512],
    ['sew-resnet18', { connect: 'IAND' }, 11_689_512],
    ['sew-resnet34', { connect: 'IAND' }, 21_797_672],
  ])('%s %j equals torchvision ResNet (%i)', (id, options, expected) => {
    expect(count(id, options, imagenet)).toBe(expected);
  });

  it("ms-resnet18 is resnet18 plus the stage-1 projection of the authors' code (11.69M in the paper)", () => {
    // The authors' ResNet_origin_18 strides stage 1 (instead of a max pool), so its first block
    // projects its shortcut too: a 1x1 conv 64→64 and a BN(64).
    const n = count('ms-resnet18', {}, imagenet);
    expect(n).toBe(11_689_512 + 64 * 64 + 2 * 64);
    expect((n / 1e6).toFixed(2)).toBe('11.69');
  });

  it('resnet19 for CIFAR-10 matches the layer arithmetic, and the TET code layout gives the published 12.63M', () => {
    const conv = (i: number, o: number, k: number) => i * o * k * k;
    const bn = (c: number) => 2 * c;
    const block = (i: number, o: number) => conv(i, o, 3) + bn(o) + conv(o, o, 3) + bn(o) + (i !== o ? conv(i, o, 1) + bn(o) : 0);
    const expected = (stem: number) =>
      conv(3, stem, 3) +
      bn(stem) +
      block(stem, 128) +
      2 * block(128, 128) +
      block(128, 256) +
      2 * block(256, 256) +
      block(256, 512) +
      block(512, 512) +
      (512 * 256 + 256) +
      (256 * 10 + 10);
    expect(count('resnet19', {}, cifar10)).toBe(expected(128));
    expect(expected(128)).toBe(12_697_994);
    const tet = count('resnet19', { stemChannels: 64 }, cifar10);
    expect(tet).toBe(expected(64));
    expect((tet / 1e6).toFixed(2)).toBe('12.63');
  });

  it('VGG on 32x32 inputs: poolSize 1 shrinks the classifier input from 512·7·7 to 512', () => {
    expect(count('vgg11', { poolSize: 1 }, { ...cifar10, numClasses: 1000 })).toBe(132_863_336 - (512 * 49 - 512) * 4096);
  });
});

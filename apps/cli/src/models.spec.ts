import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-utils/run-cli.js';
import { jsonLines, lastJson } from './test-utils/json-lines.js';
import { haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

if (!haveData) console.warn('models.spec: /usr/share/datasets/fashion-mnist missing (Debian dataset-fashion-mnist) — the CLI training run is skipped');
const tmp = tempDir('sf-models-');

describe('spikeflow models', () => {
  it('lists every architecture at its published configuration with the published count beside ours', async () => {
    const r = await runCli('models', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; parameters: number; reference?: { parameters: number; matches: boolean } }>;
    const ids = rows.map((x) => x.id);
    for (const id of ['vgg11', 'vgg16-bn', 'spiking-resnet34', 'sew-resnet18', 'ms-resnet18', 'resnet19', 'spikformer', 'spike-driven-transformer'])
      expect(ids).toContain(`models/${id}`);
    const withRef = rows.filter((x) => x.reference);
    // 14 published models: the alias sdt is not a row of its own.
    expect(withRef.length).toBe(14);
    for (const x of withRef) expect(x.reference!.matches, x.id).toBe(true);
    expect(rows.find((x) => x.id === 'models/vgg16')!.parameters).toBe(138_357_544);
  });

  it('lists an alias once, and builds each unpublished architecture at the input it is designed for', async () => {
    const r = await runCli('models', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; aliases: string[]; inputShape: number[]; numClasses: number; parameters: number }>;
    const ids = rows.map((x) => x.id);
    expect(ids.filter((id) => id === 'models/sdt' || id === 'models/spike-driven-transformer')).toEqual(['models/spike-driven-transformer']);
    expect(rows.find((x) => x.id === 'models/spike-driven-transformer')!.aliases).toEqual(['models/sdt']);
    const mlp = rows.find((x) => x.id === 'models/lif-mlp')!;
    expect(mlp.inputShape).toEqual([28, 28, 1]);
    // 784→512→10 without biases, worked out by hand.
    expect(mlp.parameters).toBe(28 * 28 * 512 + 512 * 10);
    expect(rows.find((x) => x.id === 'models/conv-fmnist')!.inputShape).toEqual([28, 28, 1]);
    const text = await runCli('models', 'sdt');
    expect(text.stdout).toMatch(/^models\/spike-driven-transformer \(sdt\)\s+32x32x3\s+100\s/m);
  });

  it('counts for a given input and class count (ResNet-18 with a 10-class head, worked out by hand)', async () => {
    const r = await runCli('models', 'sew-resnet18', 'resnet19', '--input', '32x32x3', '--classes', '10');
    expect(r.code, r.stderr).toBe(0);
    // torchvision ResNet-18 minus its 1000-class head (512·1000 + 1000) plus a 10-class one (512·10 + 10).
    expect(r.stdout).toMatch(/models\/sew-resnet18\s+32x32x3\s+10\s+11,181,642/);
    // ResNet-19 with its 128-channel stem (the published 12.63M is the 64-channel one).
    expect(r.stdout).toMatch(/models\/resnet19\s+32x32x3\s+10\s+12,697,994/);
  });

  it('says why a shape is unusable', async () => {
    const bad = await runCli('models', '--input', '32xx3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input expects H×W×C/);
    const small = await runCli('models', 'vgg11', '--input', '16x16x3');
    expect(small.code).toBe(0);
    expect(small.stdout).toMatch(/cannot take this input: .*H and W >= 32/);
  });
});

describe('spikeflow energy', () => {
  it('counts MACs, FLOPs and SOPs of an untrained lif-mlp by the stated formula', async () => {
    const r = await runCli('energy', '--model', 'lif-mlp', '--input', '28x28x1', '-T', '4', '--samples', '8', '--backend', 'wasm', '--json');
    expect(r.code, r.stderr).toBe(0);
    const e = lastJson(r.stdout);
    // 784→512→10: the first product is fed by the analog image, the second by spikes.
    expect(e.totalMacs).toBe(784 * 512 + 512 * 10);
    expect(e.layers[0].inputRate).toBe('analog');
    expect(e.layers[0].flops).toBe(4 * 784 * 512);
    expect(typeof e.layers[1].inputRate).toBe('number');
    expect(e.layers[1].sops).toBeCloseTo(e.layers[1].inputRate * 4 * 512 * 10, 3);
    expect(e.energyPj).toBeCloseTo(e.totalFlops * 4.6 + e.totalSops * 0.9, 3);
  });

  it('prints the formula and the 45 nm figures, and asks for a checkpoint or a model', async () => {
    const r = await runCli('energy', '--model', 'conv-fmnist', '--model-opt', 'channels=4', '--input', '28x28x1', '--samples', '2', '--backend', 'wasm');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('E = Σ FLOPs·E_MAC + Σ SOPs·E_AC');
    expect(r.stdout).toContain('E_MAC = 4.6 pJ, E_AC = 0.9 pJ');
    const none = await runCli('energy');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs --checkpoint .* or --model/);
  });
});

describe('spikeflow train with the zoo', () => {
  it('--connect and --norm are model options; a contradiction with --model-opt is an error', async () => {
    const r = await runCli('train', '--model', 'sew-resnet18', '--connect', 'IAND', '--norm', 'tdbn', '--neuron', 'plif', '--print-config', '--json');
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.model).toEqual({ id: 'sew-resnet18', options: { connect: 'IAND', norm: 'tdbn' } });
    const bad = await runCli('train', '--model', 'sew-resnet18', '--connect', 'AND', '--model-opt', 'connect=ADD', '--print-config');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--connect AND contradicts --model-opt connect=ADD/);
  });

  it.skipIf(!haveData)('trains a small SEW-ResNet-18 (IAND, PLIF, tdBN) from the command line', async () => {
    const out = path.join(tmp, 'sew');
    const r = await runCli(
      'train',
      '--model',
      'sew-resnet18',
      '--connect',
      'IAND',
      '--norm',
      'tdbn',
      '--model-opt',
      'width=4',
      '--model-opt',
      'stem=cifar',
      '--neuron',
      'plif',
      ...fmnistFlags({ subset: 64, testSubset: 32, batchSize: 16, T: 2, epochs: 1 }),
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const epoch = jsonLines(r.stdout).find((x) => x.type === 'epoch');
    expect(Number.isFinite(epoch.trainLoss)).toBe(true);
    expect(epoch.batches).toBe(4);
    expect(Object.keys(epoch.firingRates).length).toBeGreaterThan(10);
  });
});

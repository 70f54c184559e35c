// The published-package check: pack core, neurons, datasets and models with `npm pack`, install the
// tarballs into a folder outside the workspace, and train there against the installed packages.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FMNIST = '/usr/share/datasets/fashion-mnist';
const haveData = existsSync(path.join(FMNIST, 'train-images-idx3-ubyte.gz'));
const PACKAGES = ['core', 'neurons', 'datasets', 'models'];

const TRAIN_SCRIPT = `
import { Adam, Trainer, createSpikeflow, manualSeed, selectBackend } from '@spikeflow/core';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { neurons } from '@spikeflow/neurons';
const backend = await selectBackend('auto');
const sf = createSpikeflow({ plugins: [neurons(), datasets(), models()] });
const dataDir = process.argv[2];
const train = await sf.dataset('fashion-mnist', { split: 'train', dataDir, download: false });
const test = await sf.dataset('fashion-mnist', { split: 'test', dataDir, download: false });
manualSeed(1);
const model = sf.model('lif-mlp', { hidden: [64] }, { inputShape: train.sampleShape, numClasses: 10, neuron: { id: 'lif' }, staticInput: true });
const trainer = new Trainer({ model, optimizer: new Adam(model.namedParameters(), { lr: 3e-3 }), encoder: sf.encoder('direct'),
  loss: sf.loss('mse-rate'), timeSteps: 4, numClasses: 10, seed: 1 });
const summary = await trainer.fit(new DataLoader({ dataset: train, batchSize: 32, seed: 1, subset: 1500 }), { epochs: 3,
  test: new DataLoader({ dataset: test, batchSize: 100, shuffle: false, seed: 1, subset: 500 }) });
console.log(JSON.stringify({ backend: backend.name, resolved: ['@spikeflow/core', '@spikeflow/neurons', '@spikeflow/datasets', '@spikeflow/models'].map((m) => import.meta.resolve(m)),
  losses: summary.epochs.map((e) => e.trainLoss), testAccuracy: summary.epochs.at(-1).testAccuracy }));
`;

describe.skipIf(!haveData)('npm pack + install outside the workspace (needs dataset-fashion-mnist)', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'spikeflow-pack-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('packs each package with dist, types and README, and trains with the installed tarballs', () => {
    const tarballs = path.join(tmp, 'tarballs');
    mkdirSync(tarballs);
    for (const p of PACKAGES) {
      const out = execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: path.join(root, 'packages', p), encoding: 'utf8' });
      const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files).toContain('README.md');
      expect(files.filter((f) => f.includes('.spec.') || f.startsWith('src/'))).toEqual([]);
    }
    const app = path.join(tmp, 'app');
    mkdirSync(app);
    const deps = Object.fromEntries(readdirSync(tarballs).map((t) => [`@spikeflow/${t.replace(/^spikeflow-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`, `file:../tarballs/${t}`]));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: deps }, null, 2));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, stdio: 'inherit', timeout: 600_000 });
    writeFileSync(path.join(app, 'train.mjs'), TRAIN_SCRIPT);
    const out = execFileSync(process.execPath, ['train.mjs', FMNIST], { cwd: app, encoding: 'utf8', timeout: 600_000 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    for (const r of result.resolved) expect(fileURLToPath(r).startsWith(path.join(app, 'node_modules'))).toBe(true);
    expect(result.losses[2]).toBeLessThan(result.losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.65);
  });
});

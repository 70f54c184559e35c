// The published-package check: pack core, neurons, datasets and models with `npm pack`, install the
// tarballs into a folder outside the workspace, and train there against the installed packages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['core', 'neurons', 'datasets', 'models'];

function idx(type: 'images' | 'labels', data: Uint8Array, count: number): Buffer {
  const header = type === 'images' ? Buffer.alloc(16) : Buffer.alloc(8);
  header.writeUInt32BE(type === 'images' ? 0x803 : 0x801, 0);
  header.writeUInt32BE(count, 4);
  if (type === 'images') {
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
  }
  return gzipSync(Buffer.concat([header, Buffer.from(data)]));
}

/** A learnable 10-class image set: class c lights rows 2c..2c+2, plus noise. */
function writeSyntheticFashionMnist(dir: string, train: number, test: number): void {
  mkdirSync(dir, { recursive: true });
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  for (const [split, n] of [['train', train], ['t10k', test]] as const) {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 10;
      labels[i] = c;
      for (let p = 0; p < 784; p++) {
        const row = Math.floor(p / 28);
        const on = row >= 2 * c + 4 && row < 2 * c + 7;
        images[i * 784 + p] = Math.min(255, Math.floor((on ? 200 : 0) + rand() * 40));
      }
    }
    writeFileSync(path.join(dir, `${split}-images-idx3-ubyte.gz`), idx('images', images, n));
    writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte.gz`), idx('labels', labels, n));
  }
}

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
const summary = await trainer.fit(new DataLoader({ dataset: train, batchSize: 32, seed: 1 }), { epochs: 3,
  test: new DataLoader({ dataset: test, batchSize: 100, shuffle: false, seed: 1 }) });
console.log(JSON.stringify({ backend: backend.name, resolved: ['@spikeflow/core', '@spikeflow/neurons', '@spikeflow/datasets', '@spikeflow/models'].map((m) => import.meta.resolve(m)),
  losses: summary.epochs.map((e) => e.trainLoss), testAccuracy: summary.epochs.at(-1).testAccuracy }));
`;

describe('npm pack + install outside the workspace', () => {
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
    writeSyntheticFashionMnist(path.join(app, 'data'), 600, 200);
    writeFileSync(path.join(app, 'train.mjs'), TRAIN_SCRIPT);
    const out = execFileSync(process.execPath, ['train.mjs', path.join(app, 'data')], { cwd: app, encoding: 'utf8', timeout: 600_000 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    for (const r of result.resolved) expect(fileURLToPath(r).startsWith(path.join(app, 'node_modules'))).toBe(true);
    expect(result.losses[2]).toBeLessThan(result.losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.8);
  });
});

import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSpikeflow, SpikeflowError } from '@spikeflow/core';
import { tempDir } from '@spikeflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from './index.js';
import defaultExport, { datasets } from './plugin.js';

const here = path.dirname(fileURLToPath(import.meta.url));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('datasets plugin', () => {
  it('registers mnist, fashion-mnist and kmnist under the datasets namespace', () => {
    expect(defaultExport).toBe(datasets);
    const plugin = datasets();
    expect(plugin.meta).toEqual({ name: '@spikeflow/datasets', version: '0.1.0', namespace: 'datasets' });
    const sf = createSpikeflow({ plugins: [plugin] });
    expect(sf.datasets.ids()).toEqual(expect.arrayContaining(['datasets/fashion-mnist', 'datasets/kmnist', 'datasets/mnist']));
    for (const id of ['mnist', 'fashion-mnist', 'kmnist']) {
      const d = sf.datasets.get(id) as unknown as api.IdxDatasetDescriptor;
      expect(d.sampleShape).toEqual([28, 28, 1]);
      expect(d.numClasses).toBe(10);
      expect(d.classNames).toHaveLength(10);
      expect(d.spec.splits.train.count).toBe(60000);
      expect(d.spec.splits.test.count).toBe(10000);
      expect(d.spec.mirrors.length).toBeGreaterThan(0);
      for (const split of ['train', 'test'] as const) {
        for (const f of api.splitFiles(d.spec, split)) {
          expect(f.archive.md5 ?? f.archive.sha256, `${id} ${f.name}`).toMatch(/^[0-9a-f]{32}([0-9a-f]{32})?$/);
        }
      }
    }
    expect(sf.datasets.get('fashion-mnist').description).toMatch(/Zalando/);
    expect((sf.datasets.get('fashion-mnist') as unknown as api.IdxDatasetDescriptor).classNames[9]).toBe('Ankle boot');
  });

  it('validates dataset options with the descriptor id in the message', async () => {
    const sf = createSpikeflow({ plugins: [datasets()] });
    await expect(sf.dataset('mnist', { split: 'train', bogus: 1 })).rejects.toThrowError(/invalid options for dataset 'datasets\/mnist'/);
    await expect(sf.dataset('mnist', { split: 'train', mirrors: ['not a url'] })).rejects.toThrowError(SpikeflowError);
    await expect(sf.dataset('kmnist', { split: 'validation' as 'train' })).rejects.toThrowError(/split must be 'train' or 'test', got "validation"/);
    await expect(api.mnistDataset.open({ split: 'test', timeoutMs: -1 })).rejects.toThrowError(/invalid options for dataset 'mnist'/);
  });

  it('opening with downloading off and no files gives dataset-missing naming $SPIKEFLOW_DATA and the cache', async () => {
    const root = await tempDir();
    vi.stubEnv('SPIKEFLOW_DATA', path.join(root, 'data'));
    vi.stubEnv('XDG_CACHE_HOME', path.join(root, 'cache'));
    const sf = createSpikeflow({ plugins: [datasets()] });
    const e = await sf.dataset('kmnist', { split: 'test', download: false }).then(
      () => expect.unreachable(),
      (err: unknown) => err as SpikeflowError,
    );
    expect(SpikeflowError.is(e, 'dataset-missing')).toBe(true);
    expect(e.message).toContain(path.join(root, 'data', 'kmnist'));
    expect(e.message).toContain(path.join(root, 'cache', 'spikeflow', 'kmnist'));
    expect(e.message).toContain('/usr/share/datasets/kmnist');
  });

  it('is discoverable: ./plugin subpath export and the "spikeflow" package.json field', () => {
    const pkg = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8'));
    expect(pkg.exports['./plugin']).toEqual({ '@spikeflow/source': './src/plugin.ts', types: './dist/plugin.d.ts', default: './dist/plugin.js' });
    expect(pkg.spikeflow).toEqual({ plugin: './dist/plugin.js' });
    expect(existsSync(path.join(here, 'plugin.ts'))).toBe(true);
    expect(pkg.peerDependencies['@spikeflow/core']).toBeDefined();
  });

  it('exports the public API from the package root', () => {
    for (const name of [
      'datasets',
      'readIdx',
      'parseIdx',
      'DataLoader',
      'IdxDataset',
      'openIdxDataset',
      'resolveSplitFiles',
      'downloadFile',
      'datasetSearchPath',
      'verifyChecksum',
      'mnistSpec',
      'fashionMnistSpec',
      'kmnistSpec',
      'subsetIndices',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { tinyFiles, tinySpec, writeFiles } from '../test-utils/idx-fixtures.js';
import { findSplitFiles } from './find-split-files.js';
import { datasetSearchPath, defaultCacheRoot, downloadFolder } from './search-path.js';

const spec = tinySpec();
const [trainImages, trainLabels] = tinyFiles();

let root: string;
let roots: { dataDir: string; env: string; cache: string; system: string };
beforeEach(() => {
  root = tempDir();
  roots = { dataDir: path.join(root, 'data-dir'), env: path.join(root, 'env'), cache: path.join(root, 'cache'), system: path.join(root, 'system') };
});

const standard = () => ({ env: { SPIKEFLOW_DATA: roots.env }, cacheRoot: roots.cache, systemRoot: roots.system });
const location = () => ({ ...standard(), dataDir: roots.dataDir });

describe('datasetSearchPath', () => {
  it('lists $SPIKEFLOW_DATA/<id>, the cache, then the system folder; with --data-dir only it (itself, then <dataDir>/<id>)', () => {
    expect(datasetSearchPath('tiny', standard())).toEqual([
      { dir: path.join(roots.env, 'tiny'), source: 'SPIKEFLOW_DATA' },
      { dir: path.join(roots.cache, 'tiny'), source: 'cache' },
      { dir: path.join(roots.system, 'tiny'), source: 'system' },
    ]);
    // An explicit folder is never silently replaced by another copy.
    expect(datasetSearchPath('tiny', location())).toEqual([
      { dir: roots.dataDir, source: 'data-dir' },
      { dir: path.join(roots.dataDir, 'tiny'), source: 'data-dir' },
    ]);
  });

  it('defaults to ~/.cache/spikeflow, honours XDG_CACHE_HOME, and /usr/share/datasets', () => {
    expect(defaultCacheRoot({})).toBe(path.join(os.homedir(), '.cache', 'spikeflow'));
    expect(defaultCacheRoot({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/spikeflow');
    expect(defaultCacheRoot({ XDG_CACHE_HOME: 'relative/ignored' })).toBe(path.join(os.homedir(), '.cache', 'spikeflow'));
    const dirs = datasetSearchPath('fashion-mnist', { env: { XDG_CACHE_HOME: '/xdg' } }).map((f) => f.dir);
    expect(dirs).toEqual(['/xdg/spikeflow/fashion-mnist', '/usr/share/datasets/fashion-mnist']);
  });

  it('downloads into dataDir when given, else into the cache folder', () => {
    expect(downloadFolder('tiny', location())).toEqual({ dir: roots.dataDir, source: 'data-dir' });
    expect(downloadFolder('tiny', { cacheRoot: roots.cache })).toEqual({ dir: path.join(roots.cache, 'tiny'), source: 'cache' });
    expect(downloadFolder('tiny', { env: { XDG_CACHE_HOME: '/xdg' } }).dir).toBe('/xdg/spikeflow/tiny');
  });
});

describe('findSplitFiles', () => {
  const split = [trainImages, trainLabels];

  it('takes the first folder in search order that has the split, each one shadowing the next', async () => {
    const layout: Array<[string, string, boolean]> = [
      [path.join(roots.system, 'tiny'), 'system', false],
      [path.join(roots.cache, 'tiny'), 'cache', false],
      [path.join(roots.env, 'tiny'), 'SPIKEFLOW_DATA', false],
      [path.join(roots.dataDir, 'tiny'), 'data-dir', true],
      [roots.dataDir, 'data-dir', true],
    ];
    for (const [dir, source, explicit] of layout) {
      await writeFiles(dir, split);
      const { found } = await findSplitFiles(spec, 'train', explicit ? location() : standard());
      expect(found?.folder).toEqual({ dir, source });
      expect(found?.images).toBe(path.join(dir, 'train-images-idx3-ubyte.gz'));
      expect(found?.labels).toBe(path.join(dir, 'train-labels-idx1-ubyte.gz'));
    }
  });

  it('with --data-dir, a copy elsewhere is not used', async () => {
    await writeFiles(path.join(roots.system, 'tiny'), split);
    await fs.mkdir(roots.dataDir, { recursive: true });
    const { found, searched } = await findSplitFiles(spec, 'train', location());
    expect(found).toBeUndefined();
    expect(searched.map((f) => f.dir)).toEqual([roots.dataDir, path.join(roots.dataDir, 'tiny')]);
  });

  it('counts a folder only when it has both files, raw or .gz, preferring .gz', async () => {
    await writeFiles(path.join(roots.cache, 'tiny'), [trainImages]); // labels missing: skipped
    await writeFiles(path.join(roots.system, 'tiny'), [trainImages], 'raw');
    await writeFiles(path.join(roots.system, 'tiny'), [trainLabels], 'gz');
    const { found, searched } = await findSplitFiles(spec, 'train', standard());
    expect(found?.folder.source).toBe('system');
    expect(found?.images).toBe(path.join(roots.system, 'tiny', 'train-images-idx3-ubyte'));
    expect(found?.labels).toBe(path.join(roots.system, 'tiny', 'train-labels-idx1-ubyte.gz'));
    expect(searched).toHaveLength(3);
    await writeFiles(path.join(roots.system, 'tiny'), [trainImages], 'gz');
    expect((await findSplitFiles(spec, 'train', standard())).found?.images).toBe(path.join(roots.system, 'tiny', 'train-images-idx3-ubyte.gz'));
  });

  it('finds nothing when no folder has the split, and looks per split', async () => {
    await writeFiles(path.join(roots.cache, 'tiny'), split);
    expect((await findSplitFiles(spec, 'test', standard())).found).toBeUndefined();
    expect((await findSplitFiles(spec, 'train', standard())).found?.folder.source).toBe('cache');
  });

  it('ignores a folder entry that is not a file', async () => {
    const dir = path.join(roots.cache, 'tiny');
    await fs.mkdir(path.join(dir, 'train-images-idx3-ubyte.gz'), { recursive: true });
    await writeFiles(dir, [trainLabels]);
    expect((await findSplitFiles(spec, 'train', standard())).found).toBeUndefined();
  });
});

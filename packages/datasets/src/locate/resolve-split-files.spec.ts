import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fashionMnistSpec } from '../descriptors/fashion-mnist.js';
import { closedPort, serve, startServer, type TestServer } from '../test-utils/http-server.js';
import { tinyFiles, tinySpec, writeFiles } from '../test-utils/idx-fixtures.js';
import { datasetMirrors, fileUrls } from './mirrors.js';
import { resolveSplitFiles } from './resolve-split-files.js';

const files = tinyFiles();
const byName = new Map(files.map((f) => [f.name, f]));

let root: string;
let server: TestServer | undefined;
beforeEach(() => {
  root = tempDir();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serve the tiny dataset's .gz files under `/<prefix>/`. */
async function serveTiny(prefix: string): Promise<TestServer> {
  server = await startServer(Object.fromEntries(files.map((f) => [`/${prefix}/${f.name}.gz`, serve(f.gz)])));
  return server;
}

const location = () => ({ env: {}, cacheRoot: path.join(root, 'cache'), systemRoot: path.join(root, 'system') });

describe('datasetMirrors', () => {
  const spec = tinySpec({ mirrors: ['http://a.example/x/', 'http://b.example/y'] });

  it('uses the built-in list, else SPIKEFLOW_DATASET_MIRROR, else the option, substituting {dataset}', () => {
    expect(datasetMirrors(spec, { env: {} })).toEqual(['http://a.example/x/', 'http://b.example/y/']);
    expect(datasetMirrors(spec, { env: { SPIKEFLOW_DATASET_MIRROR: 'http://m1/{dataset}, http://m2/' } })).toEqual(['http://m1/tiny/', 'http://m2/']);
    expect(datasetMirrors(spec, { env: { SPIKEFLOW_DATASET_MIRROR: 'http://m1/' }, mirrors: ['http://opt/'] })).toEqual(['http://opt/']);
    expect(fileUrls(spec, spec.splits.test.labels, { env: {} })).toEqual(['http://a.example/x/t10k-labels-idx1-ubyte.gz', 'http://b.example/y/t10k-labels-idx1-ubyte.gz']);
  });

  it('lists the official Fashion-MNIST address first', () => {
    expect(fileUrls(fashionMnistSpec, fashionMnistSpec.splits.train.images, { env: {} })[0]).toBe(
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz',
    );
  });
});

describe('resolveSplitFiles', () => {
  it('returns a folder that already has the split without touching the network', async () => {
    await writeFiles(path.join(root, 'system', 'tiny'), files);
    const found = await resolveSplitFiles(tinySpec(), 'test', { ...location(), download: false });
    expect(found.folder.source).toBe('system');
  });

  it('downloads the missing split into the cache, verified, with progress events per file', async () => {
    const s = await serveTiny('mirror');
    const events: Array<{ phase: string; done: number; total?: number; file?: string }> = [];
    const got = await resolveSplitFiles(tinySpec(), 'train', { ...location(), mirrors: [`${s.base}mirror/`], onProgress: (e) => events.push(e) });
    const dir = path.join(root, 'cache', 'tiny');
    expect(got).toEqual({ folder: { dir, source: 'cache' }, images: path.join(dir, 'train-images-idx3-ubyte.gz'), labels: path.join(dir, 'train-labels-idx1-ubyte.gz') });
    expect((await fs.readFile(got.images)).equals(byName.get('train-images-idx3-ubyte')!.gz)).toBe(true);
    expect(s.requests).toEqual(['/mirror/train-images-idx3-ubyte.gz', '/mirror/train-labels-idx1-ubyte.gz']);
    expect(new Set(events.map((e) => e.file))).toEqual(new Set(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']));
    expect(events.every((e) => e.phase === 'download')).toBe(true);
    const last = events.filter((e) => e.file === 'train-labels-idx1-ubyte.gz').at(-1)!;
    expect(last.done).toBe(last.total);
    // A second resolve finds the cached files and downloads nothing.
    await resolveSplitFiles(tinySpec(), 'train', { ...location(), mirrors: [`${s.base}mirror/`] });
    expect(s.requests).toHaveLength(2);
  });

  it('downloads into dataDir when given, fetching only what is missing there, from SPIKEFLOW_DATASET_MIRROR', async () => {
    const s = await serveTiny('tiny');
    const dataDir = path.join(root, 'mine');
    await writeFiles(dataDir, [byName.get('t10k-images-idx3-ubyte')!]);
    const got = await resolveSplitFiles(tinySpec(), 'test', {
      ...location(),
      dataDir,
      env: { SPIKEFLOW_DATASET_MIRROR: `${s.base}{dataset}` },
      onProgress: () => {},
    });
    expect(got.folder).toEqual({ dir: dataDir, source: 'data-dir' });
    expect(s.requests).toEqual(['/tiny/t10k-labels-idx1-ubyte.gz']);
    expect((await fs.readdir(dataDir)).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
  });

  it('with downloading off, dataset-missing names the files and every folder searched', async () => {
    const e = await expectSpikeflowError(resolveSplitFiles(tinySpec(), 'train', { ...location(), download: false }), 'dataset-missing');
    expect(e.message).toContain('train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]');
    for (const dir of [path.join(root, 'cache', 'tiny'), path.join(root, 'system', 'tiny')]) expect(e.message).toContain(dir);
    expect(e.message).toMatch(/--no-download/);
  });

  it('an explicit dataDir that does not exist, or lacks the files, is dataset-missing naming it; a copy elsewhere is not used', async () => {
    const spec = tinySpec();
    await writeFiles(path.join(root, 'system', 'tiny'), tinyFiles());
    // The system copy is found without dataDir...
    expect((await resolveSplitFiles(spec, 'train', { ...location(), download: false })).folder.source).toBe('system');
    // ...but a wrong dataDir is an error even with downloading on (it would create that folder).
    const gone = path.join(root, 'nonexistent');
    const e = await expectSpikeflowError(resolveSplitFiles(spec, 'train', { ...location(), dataDir: gone }), 'dataset-missing');
    expect(e.message).toBe(
      `--data-dir ${gone} does not exist; expected a folder holding train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (itself or in ${path.join(gone, 'tiny')}). No other folder is searched when --data-dir is given.`,
    );
    await expect(fs.stat(gone)).rejects.toThrow();
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    const m = await expectSpikeflowError(resolveSplitFiles(spec, 'train', { ...location(), dataDir: empty, download: false }), 'dataset-missing');
    expect(m.message).toContain('train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]');
    expect(m.message).toContain(`${empty} (--data-dir)`);
    expect(m.message).not.toContain(path.join(root, 'system'));
  });

  it('offline: download-failed names the file, the addresses tried, the folders searched, and --data-dir / apt-get', async () => {
    const port = await closedPort();
    const mirrors = [`http://127.0.0.1:${port}/a/`, `http://127.0.0.1:${port}/b/`];
    const spec = tinySpec({ systemPackage: 'dataset-tiny' });
    const e = await expectSpikeflowError(resolveSplitFiles(spec, 'train', { ...location(), mirrors, timeoutMs: 2000, onProgress: () => {} }), 'download-failed');
    expect(e.message).toContain('train-images-idx3-ubyte.gz');
    expect(e.message).toContain(`http://127.0.0.1:${port}/a/train-images-idx3-ubyte.gz`);
    expect(e.message).toContain(`http://127.0.0.1:${port}/b/train-images-idx3-ubyte.gz`);
    expect(e.message).toContain(path.join(root, 'cache', 'tiny'));
    expect(e.message).toContain(path.join(root, 'system', 'tiny'));
    expect(e.message).toContain('sudo apt-get install dataset-tiny');
    expect(e.message).toContain('--data-dir');
    expect(e.details).toMatchObject({ dataset: 'tiny', split: 'train', file: 'train-images-idx3-ubyte.gz' });
    expect(await fs.readdir(path.join(root, 'cache', 'tiny'))).toEqual([]);
  });

  it('suggests apt-get install dataset-fashion-mnist for Fashion-MNIST', async () => {
    const port = await closedPort();
    const e = await expectSpikeflowError(
      resolveSplitFiles(fashionMnistSpec, 'test', { ...location(), mirrors: [`http://127.0.0.1:${port}/`], timeoutMs: 2000, onProgress: () => {} }),
      'download-failed',
    );
    expect(e.message).toContain('sudo apt-get install dataset-fashion-mnist');
    expect(e.message).toContain('t10k-images-idx3-ubyte.gz');
  });

  it('a mirror serving wrong bytes gives checksum-mismatch and leaves no file', async () => {
    const wrong = Buffer.from(byName.get('train-images-idx3-ubyte')!.gz);
    wrong[wrong.length - 1] ^= 0xff;
    server = await startServer({ '/train-images-idx3-ubyte.gz': serve(wrong) });
    const e = await expectSpikeflowError(resolveSplitFiles(tinySpec(), 'train', { ...location(), mirrors: [server.base], onProgress: () => {} }), 'checksum-mismatch');
    expect(e.message).toContain(path.join(root, 'cache', 'tiny', 'train-images-idx3-ubyte.gz'));
    expect(await fs.readdir(path.join(root, 'cache', 'tiny'))).toEqual([]);
  });
});

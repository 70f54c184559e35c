import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { FMNIST, fmnistFlags, haveFashionMnist as haveFmnist } from './test-utils/fashion-mnist.js';
import { runCli as run } from './test-utils/run-cli.js';
import { lastJson } from './test-utils/json-lines.js';

const EVENTS = process.env.SPIKEFLOW_EVENT_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/events');
const haveEvents = existsSync(path.join(EVENTS, 'prophesee', 'evt2_sample.raw'));
if (!haveFmnist) console.warn(`skipping the train data-folder test: ${FMNIST} is absent (apt-get install dataset-fashion-mnist)`);

describe('spikeflow datasets', () => {
  it('list shows the static and neuromorphic datasets', async () => {
    const r = await run('datasets', 'list', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; kind: string; sampleShape: number[] }[];
    const byId = new Map(rows.map((x) => [x.id, x]));
    for (const id of ['n-mnist', 'n-caltech101', 'dvs128-gesture', 'cifar10-dvs', 'shd', 'ssc']) expect(byId.get(`datasets/${id}`)?.kind).toBe('events');
    expect(byId.get('datasets/fashion-mnist')?.kind).toBe('static');
    expect(byId.get('datasets/dvs128-gesture')?.sampleShape).toEqual([16, 128, 128, 2]);
  });

  it('info gives the official files with MD5s, the split and the search path', async () => {
    const r = await run('datasets', 'info', 'cifar10-dvs', '--json', '--data-dir', '/nonexistent/x');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.files).toHaveLength(10);
    expect(info.files[0]).toMatchObject({ name: 'airplane.zip', md5: '0afd5c4bf9ae06af762a77b180354fdd' });
    expect(info.split).toEqual({ kind: 'seeded', trainRatio: 0.9, seed: 0 });
    expect(info.searchPath[0]).toContain('/nonexistent/x');
    const bad = await run('datasets', 'info', 'no-such-set');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error \(unknown-id\)/);
  });

  it.skipIf(!haveEvents)('inspect detects the format and prints counts and first/last events of a real recording (SOURCES.md values)', async () => {
    const r = await run('datasets', 'inspect', path.join(EVENTS, 'prophesee', 'evt2_sample.raw'), '--json', '--events', '1');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ format: 'evt2', width: 640, height: 480, count: 539481, on: 367855, off: 171626, tMin: 1317888, tMax: 1367888, durationUs: 50000 });
    expect(s.first).toEqual([{ t: 1317888, x: 237, y: 121, p: 1 }]);
    expect(s.last).toEqual([{ t: 1367888, x: 210, y: 142, p: 1 }]);
    const text = await run('datasets', 'inspect', path.join(EVENTS, 'nmnist', 'sample_nmnist.bin'));
    expect(text.stdout).toContain('events: 4325 (ON 2145, OFF 2180)');
  });

  it('inspect and prepare fail clearly on bad input', async () => {
    const missing = await run('datasets', 'inspect', '/nonexistent/file.aedat4');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error \(dataset-missing\): cannot open event file/);
    const dir = tempDir('sf-ds-');
    writeFileSync(path.join(dir, 'x.txt'), 'hello');
    const unknown = await run('datasets', 'inspect', path.join(dir, 'x.txt'));
    expect(unknown.stderr).toMatch(/error \(format-unknown\)/);
    const prep = await run('datasets', 'prepare', 'dvs128-gesture', '--data-dir', dir);
    expect(prep.code).toBe(2);
    expect(prep.stderr).toMatch(/error \(dataset-missing\).*DvsGesture\.tar\.gz/);
    const stat = await run('datasets', 'prepare', 'fashion-mnist');
    expect(stat.stderr).toMatch(/error \(not-supported\)/);
  });

  it('no datasets subcommand prints an untyped error for a folder, an empty or missing file, or a wrong --data-dir', async () => {
    const dir = tempDir('sf-ds-');
    const untyped = (r: { stderr: string }) => expect(r.stderr).not.toMatch(/unexpected error|EISDIR|ENOENT| {4}at /);
    for (const format of [[], ['--format', 'evt2'], ['--format', 'aedat4'], ['--format', 'shd-hdf5'], ['--format', 'nmnist-bin']]) {
      const r = await run('datasets', 'inspect', dir, ...format);
      expect(r.code).toBe(2);
      untyped(r);
      expect(r.stderr).toContain(`error (invalid-options): '${dir}' is a folder; expected an event recording file`);
    }
    const json = await run('datasets', 'inspect', dir, '--json');
    expect(json.code).toBe(2);
    expect(lastJson(json.stdout)).toMatchObject({ type: 'error', kind: 'invalid-options' });
    const empty = path.join(dir, 'empty.raw');
    writeFileSync(empty, '');
    for (const format of [[], ['--format', 'evt3'], ['--format', 'nmnist-bin']]) {
      const r = await run('datasets', 'inspect', empty, ...format);
      expect(r.code).toBe(2);
      untyped(r);
      expect(r.stderr).toContain(`error (file-truncated): event file '${empty}' is empty (0 bytes)`);
    }
    const missing = await run('datasets', 'inspect', path.join(dir, 'nope.raw'), '--format', 'evt2');
    expect(missing.stderr).toMatch(/error \(dataset-missing\): cannot open event file .*no such file/);
    const gone = path.join(dir, 'nonexistent');
    const prep = await run('datasets', 'prepare', 'n-mnist', '--data-dir', gone, '--download');
    expect(prep.code).toBe(2);
    untyped(prep);
    expect(prep.stderr).toContain(`error (dataset-missing): --data-dir ${gone} does not exist; expected a folder holding N-MNIST extracted as Train/<digit>/*.bin`);
    expect(existsSync(gone)).toBe(false);
  });

  it.skipIf(!haveFmnist)('train reads only an explicit --data-dir, and says which files it read', async () => {
    const gone = path.join(tempDir('sf-ds-'), 'nonexistent');
    const bad = await run('train', '--backend', 'wasm', '--data-dir', gone, '--epochs', '1', '--out', path.join(tmpdir(), 'unused'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `error (dataset-missing): --data-dir ${gone} does not exist; expected a folder holding train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]`,
    );
    // A copy holding the test split only: the system copy must not stand in for the missing train split.
    const partial = tempDir('sf-ds-');
    for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) copyFileSync(path.join(FMNIST, f), path.join(partial, f));
    const half = await run('train', '--backend', 'wasm', '--data-dir', partial, '--no-download', '--epochs', '1', '--out', path.join(partial, 'run'));
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(
      /error \(dataset-missing\): fashion-mnist \(train\) not found: no folder has both train-images-idx3-ubyte\[\.gz\] and train-labels-idx1-ubyte\[\.gz\]/,
    );
    expect(half.stderr).toContain(`  ${partial} (--data-dir)`);
    expect(half.stderr).not.toContain('(system datasets)');
    const out = tempDir('sf-ds-');
    const ok = await run('train', ...fmnistFlags({ subset: 64, testSubset: 32, batchSize: 32, T: 2, epochs: 1 }), '--out', out);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`data train: ${path.join(FMNIST, 'train-images-idx3-ubyte.gz')}, ${path.join(FMNIST, 'train-labels-idx1-ubyte.gz')}`);
    expect(ok.stderr).toContain(`data test: ${path.join(FMNIST, 't10k-images-idx3-ubyte.gz')}, ${path.join(FMNIST, 't10k-labels-idx1-ubyte.gz')}`);
  });

  it.skipIf(!haveEvents)('inspect refuses a recording with garbage appended (exit 2, where it went wrong), and prepare a cache folder that is a file', async () => {
    const dir = tempDir('sf-ds-');
    const src = readFileSync(path.join(EVENTS, 'prophesee', 'evt2_sample.raw'));
    const bad = path.join(dir, 'garbage.raw');
    // Seeded bytes after the real recording.
    let x = 99;
    const tail = Buffer.alloc(4096, 0).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
    writeFileSync(bad, Buffer.concat([src, tail]));
    const r = await run('datasets', 'inspect', bad, '--json');
    expect(r.code).toBe(2);
    const err = lastJson(r.stdout);
    expect(err).toMatchObject({ type: 'error', kind: 'dataset-corrupt' });
    expect(Number(/at byte (\d+)/.exec(err.message)![1])).toBeGreaterThanOrEqual(src.length);

    mkdirSync(path.join(dir, 'n-mnist', 'Train', '5'), { recursive: true });
    copyFileSync(path.join(EVENTS, 'nmnist', '1.bs2'), path.join(dir, 'n-mnist', 'Train', '5', '1.bin'));
    const cacheFile = path.join(dir, 'cache-is-a-file');
    writeFileSync(cacheFile, 'x');
    const prep = await run('datasets', 'prepare', 'n-mnist', '--split', 'train', '--data-dir', dir, '--cache-dir', cacheFile, '--threads', '0');
    expect(prep.code).toBe(2);
    expect(prep.stderr).not.toMatch(/unexpected error/);
    expect(prep.stderr).toMatch(new RegExp(`error \\(invalid-options\\): '${cacheFile}.*' is not a folder`));
  });

  it.skipIf(!haveEvents)('prepare integrates an N-MNIST folder into the frame cache, then reuses it', async () => {
    const dir = tempDir('sf-ds-');
    for (const [name, label, split] of [
      ['1', 5, 'Train'],
      ['2', 0, 'Train'],
      ['60001', 7, 'Test'],
    ] as const) {
      mkdirSync(path.join(dir, 'n-mnist', split, String(label)), { recursive: true });
      copyFileSync(path.join(EVENTS, 'nmnist', `${name}.bs2`), path.join(dir, 'n-mnist', split, String(label), `${name}.bin`));
    }
    const args = ['datasets', 'prepare', 'n-mnist', '--data-dir', dir, '--cache-dir', path.join(dir, 'frames'), '--frames', '8', '--threads', '0', '--json'];
    const r = await run(...args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { split: string; samples: number; events: number; built: boolean }) => [x.split, x.samples, x.events, x.built])).toEqual([
      ['train', 2, 4681 + 5028, true],
      ['test', 1, 3330, true],
    ]);
    expect(rows[0].frames).toBe(8);
    // Which files were read, and from where.
    expect(rows[0].root).toBe(path.join(dir, 'n-mnist'));
    expect(rows[0].files).toEqual([path.join(dir, 'n-mnist', 'Train', '0', '2.bin'), path.join(dir, 'n-mnist', 'Train', '5', '1.bin')]);
    const text = await run(...args.filter((a) => a !== '--json'));
    expect(text.stderr).toContain(`n-mnist/test: read 1 event file(s) from ${path.join(dir, 'n-mnist')}: ${path.join(dir, 'n-mnist', 'Test', '7', '60001.bin')}`);
    const again = JSON.parse((await run(...args)).stdout);
    expect(again.map((x: { built: boolean }) => x.built)).toEqual([false, false]);
  });
});

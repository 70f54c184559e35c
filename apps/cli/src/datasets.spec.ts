import { existsSync, mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './test-utils/run-cli.js';

const EVENTS = process.env.SPIKEFLOW_EVENT_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/events');
const haveEvents = existsSync(path.join(EVENTS, 'prophesee', 'evt2_sample.raw'));

const run = runCli;

afterEach(() => vi.restoreAllMocks());

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
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-ds-'));
    writeFileSync(path.join(dir, 'x.txt'), 'hello');
    const unknown = await run('datasets', 'inspect', path.join(dir, 'x.txt'));
    expect(unknown.stderr).toMatch(/error \(format-unknown\)/);
    const prep = await run('datasets', 'prepare', 'dvs128-gesture', '--data-dir', dir);
    expect(prep.code).toBe(2);
    expect(prep.stderr).toMatch(/error \(dataset-missing\).*DvsGesture\.tar\.gz/);
    const stat = await run('datasets', 'prepare', 'fashion-mnist');
    expect(stat.stderr).toMatch(/error \(not-supported\)/);
  });

  it.skipIf(!haveEvents)('prepare integrates an N-MNIST folder into the frame cache, then reuses it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-ds-'));
    for (const [name, label, split] of [['1', 5, 'Train'], ['2', 0, 'Train'], ['60001', 7, 'Test']] as const) {
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
    const again = JSON.parse((await run(...args)).stdout);
    expect(again.map((x: { built: boolean }) => x.built)).toEqual([false, false]);
  });
});

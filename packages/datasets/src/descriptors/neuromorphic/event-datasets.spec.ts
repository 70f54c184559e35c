import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { createSpikeflow } from '@spikeflow/core';
import { datasets } from '../../plugin.js';
import { neuromorphicSpecs } from './event-datasets.js';
import type { FrameDataset } from '../../event-dataset/frame-dataset.js';
import type { Cifar10Dataset } from '../cifar10.js';
import { integrateFrames } from '../../frames/integrate-frames.js';
import { openEventFile } from '../../events/open-event-file.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { eventSample } from '../../test-utils/event-data.js';
import { randomEvents, writeAedat2, writeCifar10, writeGestureTrial } from '../../test-utils/event-writers.js';

const sf = createSpikeflow({ plugins: [datasets()] });

describe('neuromorphic dataset descriptors', () => {
  it('are registered with official addresses, MD5s, class names and a split rule', () => {
    for (const spec of neuromorphicSpecs) {
      const d = sf.datasets.get(spec.id);
      expect(d.fullId).toBe(`datasets/${spec.id}`);
      expect(spec.files.length).toBeGreaterThan(0);
      for (const f of spec.files) {
        expect(f.urls[0]).toMatch(/^https?:\/\//);
        expect(f.md5).toMatch(/^[0-9a-f]{32}$/);
      }
      expect(d.numClasses).toBe(spec.numClasses ?? spec.classNames.length);
      expect(['official', 'seeded']).toContain(spec.split.kind);
    }
    expect(sf.datasets.get('dvs128-gesture').numClasses).toBe(11);
    expect(sf.datasets.get('dvs128-gesture').sampleShape).toEqual([16, 128, 128, 2]);
    expect(sf.datasets.get('n-mnist').sampleShape).toEqual([10, 34, 34, 2]);
    expect(sf.datasets.get('shd').numClasses).toBe(20);
    expect(sf.datasets.get('cifar10-dvs').numClasses).toBe(10);
  });

  it('n-mnist: real N-MNIST samples laid out as Train/<digit>/*.bin open as frames equal to direct integration', async () => {
    const src = eventSample('nmnist/1.bs2');
    if (src === undefined) return;
    const root = await tempDir();
    // Labels from SLAYER's train1K.txt / test100.txt (see SOURCES.md): 1→5, 2→0, 3→4, 4→1, 5→9; 60001→7, 60002→2.
    const train: [string, number][] = [
      ['1', 5],
      ['2', 0],
      ['3', 4],
      ['4', 1],
      ['5', 9],
    ];
    for (const [name, label] of train) {
      await mkdir(join(root, 'n-mnist', 'Train', String(label)), { recursive: true });
      await copyFile(eventSample(`nmnist/${name}.bs2`)!, join(root, 'n-mnist', 'Train', String(label), `${name}.bin`));
    }
    for (const d of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) await mkdir(join(root, 'n-mnist', 'Train', d), { recursive: true });
    const ds = (await sf.dataset('n-mnist', { split: 'train', dataDir: root, cacheDir: join(root, 'frames'), threads: 0, frames: 10 } as never)) as unknown as FrameDataset;
    expect(ds.length).toBe(5);
    expect(ds.sampleShape).toEqual([10, 34, 34, 2]);
    // Samples come in class-folder order: 0 (2.bs2), 1 (4.bs2), 4 (3.bs2), 5 (1.bs2), 9 (5.bs2).
    expect(Array.from(ds.getBatch([0, 1, 2, 3, 4]).y)).toEqual([0, 1, 4, 5, 9]);
    const { x } = ds.getBatch([3]);
    const direct = integrateFrames(await readAllEvents(await openEventFile(src)), { width: 34, height: 34, split: { by: 'number', frames: 10 } });
    expect(Array.from(x)).toEqual(Array.from(direct.data));
    expect(x.reduce((a, b) => a + b, 0)).toBe(4681); // every event of 1.bs2 counted once
  });

  it('dvs128-gesture: trial lists and label CSVs give one sample per labelled segment', async () => {
    const root = await tempDir();
    const ev = randomEvents(3000, 128, 128, 4, 20);
    await writeGestureTrial(join(root, 'dvs128-gesture', 'DvsGesture'), ev, [
      [1, 100, 900],
      [3, 1000, 2900],
    ]);
    const t = (i: number): number => ev[i]!.t;
    const ds = (await sf.dataset('dvs128-gesture', { split: 'train', dataDir: root, cacheDir: join(root, 'frames'), threads: 0, frames: 4 } as never)) as unknown as FrameDataset;
    expect(ds.length).toBe(2);
    expect([ds.label(0), ds.label(1)]).toEqual([0, 2]);
    const counted = (i: number): number => ds.getBatch([i]).x.reduce((a, b) => a + b, 0);
    const inRange = (a: number, b: number): number => ev.filter((e) => e.t >= t(a) && e.t < t(b)).length;
    expect([counted(0), counted(1)]).toEqual([inRange(100, 900), inRange(1000, 2900)]);
  });

  it('cifar10-dvs: AEDAT 2 class folders, seeded 90/10 split per class, turned to upright coordinates', async () => {
    const root = await tempDir();
    const spec = neuromorphicSpecs.find((s) => s.id === 'cifar10-dvs')!;
    for (const [c, name] of spec.classNames.entries()) {
      const dir = join(root, 'cifar10-dvs', name);
      await mkdir(dir, { recursive: true });
      for (let k = 0; k < 11; k++) await writeAedat2(join(dir, `cifar10_${name}_${k}.aedat`), randomEvents(30, 128, 128, c * 100 + k + 1));
    }
    const open = async (split: 'train' | 'test'): Promise<FrameDataset> =>
      (await sf.dataset('cifar10-dvs', { split, dataDir: root, cacheDir: join(root, 'frames'), threads: 0, frames: 2 } as never)) as unknown as FrameDataset;
    const train = await open('train');
    const test = await open('test');
    expect([train.length, test.length]).toEqual([100, 10]);
    expect(Array.from({ length: 10 }, (_, i) => test.label(i))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('shd: the HDF5 file of a split opens as 10 ms frames on one channel, padded to 150 frames', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'shd'), { recursive: true });
    await copyFile(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'formats', 'shd', 'fixtures', 'shd-sample.h5'), join(root, 'shd', 'shd_test.h5'));
    expect(sf.datasets.get('shd').sampleShape).toEqual([150, 1, 700, 1]);
    const ds = (await sf.dataset('shd', { split: 'test', dataDir: root, cacheDir: join(root, 'frames'), threads: 0 } as never)) as unknown as FrameDataset;
    expect(ds.length).toBe(3);
    expect(ds.sampleShape).toEqual([150, 1, 700, 1]);
    const { x, y } = ds.getBatch([0]);
    expect(y[0]).toBe(3);
    // Sample 0 (see make-shd-fixture.py): spikes at 0 µs (ch 0), 500 µs (ch 699), 250 ms (ch 350), 999.9 ms (ch 1).
    const at = (frame: number, ch: number): number => x[frame * 700 + ch]!;
    expect([at(0, 0), at(0, 699), at(25, 350), at(99, 1)]).toEqual([1, 1, 1, 1]);
    expect(x.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('a dataset that is nowhere is dataset-missing, naming the official file and the folders searched', async () => {
    const root = await tempDir();
    const err = await expectSpikeflowError(sf.dataset('dvs128-gesture', { split: 'train', dataDir: root } as never), 'dataset-missing');
    expect(err.message).toContain('DvsGesture.tar.gz');
    expect(err.message).toContain(root);
    await expect(sf.dataset('n-mnist', { split: 'train', frames: 0 } as never)).rejects.toMatchObject({ kind: 'invalid-options' });
  });

  it('cifar10: reads the binary batches of a split, scaled to [0, 1]', async () => {
    const root = await tempDir();
    const dir = join(root, 'cifar10', 'cifar-10-batches-bin');
    await mkdir(dir, { recursive: true });
    await writeCifar10(join(dir, 'test_batch.bin'), [{ label: 8, pixel: (x, y, c) => (c === 0 ? 255 : x + y) }]);
    const ds = (await sf.dataset('cifar10', { split: 'test', dataDir: root })) as unknown as Cifar10Dataset;
    expect(ds.length).toBe(1);
    const { x, y } = ds.getBatch([0]);
    expect(y[0]).toBe(8);
    expect(x[0]).toBe(1);
    expect(x[(2 * 32 + 3) * 3 + 1]).toBeCloseTo(5 / 255, 6);
    await expect(readFile(join(dir, 'data_batch_1.bin'))).rejects.toThrow();
    await expect(sf.dataset('cifar10', { split: 'train', dataDir: root })).rejects.toMatchObject({ kind: 'dataset-missing' });
  });
});

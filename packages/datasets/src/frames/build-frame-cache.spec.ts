import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { buildFrameCache, frameWorkerUrl } from './build-frame-cache.js';
import { FrameCache, frameCacheName } from './frame-cache.js';
import { integrateFrames } from './integrate-frames.js';
import type { FramePipeline } from './frame-pipeline.js';
import type { SampleSource } from './sample-source.js';
import { openEventFile } from '../events/open-event-file.js';
import { readAllEvents } from '../events/read-all-events.js';
import { openShd } from '../formats/shd/open-shd.js';
import { randomEvents, writeAedat31 } from '../test-utils/event-writers.js';
import { buildTestCache, writeNmnistSources } from '../test-utils/frame-cache-fixtures.js';

const pipeline: FramePipeline = { width: 34, height: 34, split: { by: 'number', frames: 5 } };

/** `n` random 34x34 N-MNIST files, sample `i` labelled `i % 10`. */
function nmnistSources(dir: string, n: number): Promise<SampleSource[]> {
  return writeNmnistSources(
    dir,
    Array.from({ length: n }, (_, i) => ({ events: randomEvents(300 + 40 * i, 34, 34, i + 1), label: i % 10 })),
  );
}

function readSample(cache: FrameCache, i: number): Float32Array {
  const out = new Float32Array(cache.sampleSize(i));
  cache.readInto(i, out, 0);
  return out;
}

describe('buildFrameCache', () => {
  it('stores each sample’s frames equal to integrating its file directly, and reuses a complete cache', async () => {
    const dir = await tempDir();
    const sources = await nmnistSources(dir, 6);
    const root = join(dir, 'cache');
    const key = { dataset: 'n-mnist', split: 'train', pipeline };
    const ticks: [number, number][] = [];
    const r = await buildFrameCache({ root, key, sources, threads: 0, progress: false, onProgress: (done, total) => ticks.push([done, total]) });
    expect(r.built).toBe(true);
    expect(ticks).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
    expect(r.dir).toBe(join(root, frameCacheName(key)));
    const cache = FrameCache.open(r.dir);
    expect(cache.length).toBe(6);
    expect(cache.index.frameShape).toEqual([34, 34, 2]);
    for (let i = 0; i < 6; i++) {
      const direct = integrateFrames(await readAllEvents(await openEventFile(sources[i]!.file)), { ...pipeline });
      expect(Array.from(readSample(cache, i))).toEqual(Array.from(direct.data));
      expect(cache.index.labels[i]).toBe(i % 10);
      expect(cache.index.events[i]).toBe(300 + 40 * i);
    }
    cache.close();
    const again = await buildTestCache(root, key, sources);
    expect(again.built).toBe(false);
    // Another parameter, another folder.
    const other = await buildTestCache(root, { ...key, pipeline: { ...pipeline, split: { by: 'time', frames: 5 } } }, sources);
    expect(other.dir).not.toBe(r.dir);
    expect(other.built).toBe(true);
  });

  it('worker threads build the same frames as the main thread', async () => {
    if (frameWorkerUrl() === undefined) {
      console.warn('skipping: the compiled frame worker (dist/frames/frame-worker.js) is absent; run `npx tsc -p tsconfig.build.json` first');
      return;
    }
    const dir = await tempDir();
    const sources = await nmnistSources(dir, 9);
    const key = { dataset: 'n-mnist', split: 'test', pipeline: { ...pipeline, downsample: 2, denoiseTime: 5000 } };
    const a = await buildTestCache(join(dir, 'a'), key, sources);
    const b = await buildFrameCache({ root: join(dir, 'b'), key, sources, threads: 2, progress: false });
    expect(b.threads).toBe(2);
    const ca = FrameCache.open(a.dir);
    const cb = FrameCache.open(b.dir);
    expect(cb.index.frameShape).toEqual([17, 17, 2]);
    for (let i = 0; i < 9; i++) expect(Array.from(readSample(cb, i))).toEqual(Array.from(readSample(ca, i)));
    ca.close();
    cb.close();
    // A worker's failure comes back as the same typed error, and no cache is left behind.
    const broken = [...sources.slice(0, 3), { file: join(dir, 'missing.bin'), format: 'nmnist-bin' as const, samples: [{ index: 3, label: 0 }] }];
    await expect(buildFrameCache({ root: join(dir, 'c'), key, sources: broken, threads: 2, progress: false })).rejects.toMatchObject({
      name: 'SpikeflowError',
      kind: 'dataset-missing',
    });
  });

  it('a failed build leaves no complete-looking cache and no temporary file', async () => {
    const dir = await tempDir();
    const sources = await nmnistSources(dir, 2);
    const broken = [...sources, { file: join(dir, 'missing.bin'), format: 'nmnist-bin' as const, samples: [{ index: 2, label: 0 }] }];
    const root = join(dir, 'cache');
    const key = { dataset: 'n-mnist', split: 'train', pipeline };
    await expect(buildTestCache(root, key, broken)).rejects.toThrow(/missing\.bin/);
    const folder = join(root, frameCacheName(key));
    expect(existsSync(join(folder, 'index.json'))).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
    await expect(buildTestCache(root, key, [{ ...sources[0]!, samples: [{ index: 5, label: 0 }] }])).rejects.toMatchObject({
      kind: 'invalid-options',
    });
  });

  it('cuts DVS128 Gesture recordings into labelled segments, and integrates SHD samples on one channel', async () => {
    const dir = await tempDir();
    const file = join(dir, 'user01_led.aedat');
    const ev = randomEvents(4000, 128, 128, 11, 5);
    await writeAedat31(file, [ev]);
    const mid = ev[2000]!.t;
    const sources: SampleSource[] = [
      {
        file,
        format: 'aedat3',
        samples: [
          { index: 0, label: 4, start: ev[0]!.t, end: mid },
          { index: 1, label: 7, start: mid, end: ev[3999]!.t + 1 },
        ],
      },
    ];
    const r = await buildTestCache(
      join(dir, 'c'),
      { dataset: 'dvs128-gesture', split: 'train', pipeline: { width: 128, height: 128, split: { by: 'number', frames: 4 } } },
      sources,
    );
    expect(r.index.labels).toEqual([4, 7]);
    const firstIdx = ev.findIndex((e) => e.t >= mid);
    expect(r.index.events).toEqual([firstIdx, 4000 - firstIdx]);

    const shdFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'formats', 'shd', 'fixtures', 'shd-sample.h5');
    const shd = await openShd(shdFile);
    const want = integrateFrames(shd.sample(0), { width: 700, height: 1, channels: 1, split: { by: 'duration', duration: 100_000 } });
    shd.close();
    const s = await buildTestCache(
      join(dir, 'c'),
      { dataset: 'shd', split: 'test', pipeline: { width: 700, height: 1, channels: 1, split: { by: 'duration', duration: 100_000 } } },
      [{ file: shdFile, format: 'shd-hdf5', samples: [0, 1, 2].map((k) => ({ index: k, label: [3, 19, 0][k]!, shdIndex: k })) }],
    );
    expect(s.index.frames[0]).toBe(10); // 999900 µs / 100000 µs → 10 frames
    const cache = FrameCache.open(s.dir);
    expect(Array.from(readSample(cache, 0))).toEqual(Array.from(want.data));
    cache.close();
  });
});

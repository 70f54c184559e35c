import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { Rng, epochPermutation } from '@spikeflow/core';
import { EventFrameLoader } from './event-frame-loader.js';
import { FrameDataset } from './frame-dataset.js';
import { augmentFrames, drawAugment } from './event-augment.js';
import { seededClassSplit } from './seeded-split.js';
import { FrameCache } from '../frames/frame-cache.js';
import { randomEvents } from '../test-utils/event-writers.js';
import { buildTestCache, writeNmnistSources } from '../test-utils/frame-cache-fixtures.js';

async function smallCache(n: number, split: { by: 'number'; frames: number } | { by: 'duration'; duration: number } = { by: 'number', frames: 3 }): Promise<FrameCache> {
  const dir = await tempDir();
  const sources = await writeNmnistSources(
    dir,
    Array.from({ length: n }, (_, i) => ({ events: randomEvents(200 + 30 * i, 8, 6, i + 7, 40), label: i % 3 })),
  );
  const r = await buildTestCache(join(dir, 'cache'), { dataset: 'toy', split: 'train', pipeline: { width: 8, height: 6, split } }, sources);
  return FrameCache.open(r.dir);
}

describe('EventFrameLoader and FrameDataset', () => {
  it('yields every sample once per epoch in epochPermutation order, equal to getBatch, and resumes at a batch', async () => {
    const ds = new FrameDataset({ name: 'toy', split: 'train', cache: await smallCache(10), numClasses: 3 });
    expect(ds.sampleShape).toEqual([3, 6, 8, 2]);
    const loader = new EventFrameLoader({ dataset: ds, batchSize: 4, seed: 5, prefetch: 2 });
    const seen: number[] = [];
    const batches = [];
    for await (const b of loader.batches(1)) {
      batches.push(b);
      seen.push(...b.indices);
      const ref = ds.getBatch(b.indices);
      expect(Array.from(b.x)).toEqual(Array.from(ref.x));
      expect(Array.from(b.y)).toEqual(Array.from(ref.y));
    }
    expect(seen).toEqual(Array.from(epochPermutation(10, 5, 1)));
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    const resumed = [];
    for await (const b of loader.batches(1, 2)) resumed.push(...b.indices);
    expect(resumed).toEqual(seen.slice(8));
  });

  it('augments each sample the same way in every frame, reproducibly from (seed, epoch, index)', async () => {
    const ds = new FrameDataset({ name: 'toy', split: 'train', cache: await smallCache(6), numClasses: 3 });
    const augment = { flipX: true, maxShift: 2 };
    const loader = new EventFrameLoader({ dataset: ds, batchSize: 6, seed: 3, shuffle: false, augment });
    const [T, H, W, C] = ds.sampleShape as [number, number, number, number];
    const size = T * H * W * C;
    let flips = 0;
    for await (const b of loader.batches(2)) {
      const plain = ds.getBatch(b.indices);
      for (let k = 0; k < b.size; k++) {
        const i = b.indices[k]!;
        const a = drawAugment(new Rng(`3:2:${i}`), augment);
        if (a.flip) flips++;
        // Reference: flip each frame left-right, then translate by (dx, dy) with zero fill.
        for (let t = 0; t < T; t++) {
          for (let y = 0; y < H; y++) {
            for (let x = 0; x < W; x++) {
              for (let c = 0; c < C; c++) {
                const fx = x - a.dx;
                const fy = y - a.dy;
                const inside = fx >= 0 && fx < W && fy >= 0 && fy < H;
                const srcX = a.flip ? W - 1 - fx : fx;
                const want = inside ? plain.x[k * size + ((t * H + fy) * W + srcX) * C + c]! : 0;
                expect(b.x[k * size + ((t * H + y) * W + x) * C + c]).toBe(want);
              }
            }
          }
        }
      }
      // The same epoch gives the same augmented batch again.
      const again = [];
      for await (const b2 of loader.batches(2)) again.push(b2);
      expect(Array.from(again[0]!.x)).toEqual(Array.from(b.x));
    }
    expect(flips).toBeGreaterThan(0);
    expect(flips).toBeLessThan(6);
  });

  it('augmentFrames with no transform leaves data alone; duration caches need a fixed frame count', async () => {
    const data = Float32Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => i);
    const copy = data.slice();
    augmentFrames(data, [2, 2, 3, 2], { flip: false, dx: 0, dy: 0 });
    expect(data).toEqual(copy);
    const cache = await smallCache(4, { by: 'duration', duration: 300 });
    expect(new Set(cache.index.frames).size).toBeGreaterThan(1);
    expect(() => new FrameDataset({ name: 'toy', split: 'train', cache, numClasses: 3 })).toThrow(/give 'frames'/);
    const ds = new FrameDataset({ name: 'toy', split: 'train', cache, numClasses: 3, frames: 5 });
    const { x } = ds.getBatch([0]);
    const full = new Float32Array(cache.sampleSize(0));
    cache.readInto(0, full, 0);
    const per = 6 * 8 * 2;
    const keep = Math.min(5, cache.index.frames[0]!) * per;
    expect(Array.from(x.subarray(0, keep))).toEqual(Array.from(full.subarray(0, keep)));
    expect(x.subarray(keep).every((v) => v === 0)).toBe(true);
    expect(() => new EventFrameLoader({ dataset: ds, batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe('seededClassSplit', () => {
  it('splits each class ceil(n·ratio) / rest, reproducibly, and differently for another seed', () => {
    const labels = [...Array(25).fill(0), ...Array(10).fill(1), ...Array(7).fill(2)] as number[];
    const a = seededClassSplit(labels, 0.9, 0);
    const count = (idx: number[], c: number): number => idx.filter((i) => labels[i] === c).length;
    expect([count(a.train, 0), count(a.train, 1), count(a.train, 2)]).toEqual([23, 9, 7]);
    expect([count(a.test, 0), count(a.test, 1), count(a.test, 2)]).toEqual([2, 1, 0]);
    expect(new Set([...a.train, ...a.test]).size).toBe(labels.length);
    expect(seededClassSplit(labels, 0.9, 0)).toEqual(a);
    expect(seededClassSplit(labels, 0.9, 1).test).not.toEqual(a.test);
  });
});

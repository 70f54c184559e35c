import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { epochPermutation, type Batch, type Dataset, type TaskDataset } from '@spikeflow/core';
import { etth1Spec } from '../timeseries/time-series-spec.js';
import { openTimeSeries } from '../timeseries/open-time-series.js';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { IdxDataset } from '../dataset/idx-dataset.js';
import { DataLoader, type DataLoaderOptions } from './data-loader.js';
import { subsetIndices } from './subset-indices.js';

const N = 103;
// Sample i: pixels [i % 256, i >> 8, 7, 9] (2x2x1), label i % 10 — so a batch shows which samples it holds.
const pixels = Uint8Array.from({ length: N * 4 }, (_, j) => {
  const i = Math.floor(j / 4);
  return [i % 256, i >> 8, 7, 9][j % 4];
});
const dataset = new IdxDataset({ name: 'toy', split: 'train', pixels, labels: Uint8Array.from({ length: N }, (_, i) => i % 10), sampleShape: [2, 2, 1], numClasses: 10 });

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of iterable) out.push(b);
  return out;
}
const indicesOf = (batches: Batch[]) => batches.flatMap((b) => Array.from(b.indices));
const loader = (o: Partial<DataLoaderOptions> = {}) => new DataLoader({ dataset, batchSize: 10, seed: 3, ...o });

const invalid = (fn: () => unknown, pattern: RegExp) => expectSpikeflowError(fn, 'invalid-options', pattern);

describe('DataLoader', () => {
  it('visits every index exactly once per epoch, with batches that hold those samples', async () => {
    const l = loader();
    expect({ length: l.length, batchesPerEpoch: l.batchesPerEpoch, sampleShape: l.sampleShape, numClasses: l.numClasses }).toEqual({
      length: N,
      batchesPerEpoch: 11,
      sampleShape: [2, 2, 1],
      numClasses: 10,
    });
    for (const epoch of [0, 1, 7]) {
      const batches = await collect(l.batches(epoch));
      expect(batches.map((b) => b.size)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
      expect(indicesOf(batches).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
      for (const b of batches) {
        expect(b.x.length).toBe(b.size * 4);
        expect(b.sampleShape).toEqual([2, 2, 1]);
        b.indices.forEach((i, k) => {
          expect(Math.round(b.x[k * 4] * 255)).toBe(i % 256);
          expect(b.y[k]).toBe(i % 10);
        });
      }
    }
  });

  it('walks epochPermutation(n, seed, epoch): same (seed, epoch) same order, another epoch or seed another order', async () => {
    const a = indicesOf(await collect(loader().batches(2)));
    expect(a).toEqual(Array.from(epochPermutation(N, 3, 2)));
    expect(indicesOf(await collect(loader().batches(2)))).toEqual(a);
    expect(indicesOf(await collect(loader().batches(3)))).not.toEqual(a);
    expect(indicesOf(await collect(loader({ seed: 4 }).batches(2)))).not.toEqual(a);
  });

  it('keeps dataset order without shuffling', async () => {
    const order = Array.from({ length: N }, (_, i) => i);
    expect(indicesOf(await collect(loader({ shuffle: false }).batches(0)))).toEqual(order);
    expect(indicesOf(await collect(loader({ shuffle: false }).batches(5)))).toEqual(order);
  });

  it('resumes at startBatch with exactly the tail of the uninterrupted epoch', async () => {
    const full = await collect(loader().batches(4));
    for (const start of [0, 1, 5, 10]) {
      const tail = await collect(loader().batches(4, start));
      expect(tail.map((b) => Array.from(b.indices))).toEqual(full.slice(start).map((b) => Array.from(b.indices)));
      expect(tail.map((b) => Array.from(b.x))).toEqual(full.slice(start).map((b) => Array.from(b.x)));
    }
    expect(await collect(loader().batches(4, 11))).toEqual([]);
    invalid(() => loader().batches(4, 12), /startBatch must be an integer in 0\.\.11, got 12/);
    invalid(() => loader().batches(4, -1), /startBatch/);
    invalid(() => loader().batches(-1), /epoch must be an integer >= 0/);
  });

  it('subset: a fixed set of samples chosen by the seed, reshuffled every epoch', async () => {
    const l = loader({ subset: 40 });
    expect(l.length).toBe(40);
    expect(l.batchesPerEpoch).toBe(4);
    const e0 = indicesOf(await collect(l.batches(0)));
    const e1 = indicesOf(await collect(l.batches(1)));
    expect(e0).toHaveLength(40);
    expect(new Set(e0).size).toBe(40);
    expect([...e0].sort((a, b) => a - b)).toEqual([...e1].sort((a, b) => a - b));
    expect(e0).not.toEqual(e1);
    const set = Array.from(subsetIndices(N, 40, 3));
    expect([...e0].sort((a, b) => a - b)).toEqual(set);
    expect(set).not.toEqual(Array.from({ length: 40 }, (_, i) => i)); // not just the first 40
    expect(Array.from(subsetIndices(N, 40, 4))).not.toEqual(set);
    // Without shuffling the subset is visited in dataset order.
    expect(indicesOf(await collect(loader({ subset: 40, shuffle: false }).batches(3)))).toEqual(set);
    // A larger subset with the same seed contains the smaller one.
    const larger = new Set(subsetIndices(N, 60, 3));
    expect(set.every((i) => larger.has(i))).toBe(true);
  });

  it('dropLast skips the short final batch', async () => {
    const l = loader({ dropLast: true });
    expect(l.batchesPerEpoch).toBe(10);
    const batches = await collect(l.batches(1));
    expect(batches.every((b) => b.size === 10)).toBe(true);
    expect(indicesOf(batches)).toEqual(Array.from(epochPermutation(N, 3, 1)).slice(0, 100));
    invalid(() => loader({ dropLast: true, batchSize: 200 }), /batchSize 200 with dropLast leaves no batch of the 103 samples/);
    expect(loader({ batchSize: 200 }).batchesPerEpoch).toBe(1);
  });

  it('gives the same batches whatever the prefetch depth', async () => {
    const reference = (await collect(loader({ prefetch: 0 }).batches(6, 2))).map((b) => [Array.from(b.indices), Array.from(b.x), Array.from(b.y)]);
    for (const prefetch of [1, 2, 5, 50]) {
      const got = (await collect(loader({ prefetch }).batches(6, 2))).map((b) => [Array.from(b.indices), Array.from(b.x), Array.from(b.y)]);
      expect(got).toEqual(reference);
    }
  });

  it('prepares up to `prefetch` batches ahead while the consumer holds one', async () => {
    for (const prefetch of [0, 1, 3]) {
      let built = 0;
      const counting: Dataset = { ...dataset, length: dataset.length, sampleShape: dataset.sampleShape, numClasses: 10, getBatch: (idx) => (built++, dataset.getBatch(idx)) };
      const it = loader({ dataset: counting, prefetch }).batches(0)[Symbol.asyncIterator]();
      await it.next();
      for (let i = 0; i < 5; i++) await nextTurn();
      expect(built).toBe(1 + prefetch);
      await it.return?.();
    }
  });

  it('passes a dataset error to the consumer, and stops cleanly when the consumer stops early', async () => {
    const failing: Dataset = {
      ...dataset,
      length: N,
      sampleShape: [2, 2, 1],
      numClasses: 10,
      getBatch: () => {
        throw new Error('disk gone');
      },
    };
    await expect(collect(loader({ dataset: failing }).batches(0))).rejects.toThrow('disk gone');
    let seen = 0;
    for await (const _ of loader({ prefetch: 4 }).batches(0)) {
      if (++seen === 2) break;
    }
    expect(seen).toBe(2);
  });

  it('validates its options with clear errors', () => {
    invalid(() => loader({ batchSize: 0 }), /batchSize/);
    invalid(() => loader({ batchSize: 2.5 }), /batchSize/);
    invalid(() => loader({ subset: 104 }), /subset 104 is larger than dataset toy\/train \(103 samples\)/);
    invalid(() => loader({ subset: 0 }), /subset/);
    invalid(() => loader({ prefetch: -1 }), /prefetch/);
    invalid(() => loader({ seed: 0.5 }), /seed/);
    invalid(() => new DataLoader({ batchSize: 4 } as unknown as DataLoaderOptions), /`dataset` must be a Dataset/);
    invalid(() => loader({ dataset: { ...dataset, length: 0, sampleShape: [1], numClasses: 1, getBatch: dataset.getBatch } }), /is empty/);
  });

  const DATA = fileURLToPath(new URL('../../../../../shared/data/timeseries', import.meta.url));
  const haveSeries = existsSync(path.join(DATA, 'ETTh1.csv'));
  if (!haveSeries) console.warn(`skipping the task-dataset loader tests: ${DATA}/ETTh1.csv is absent (the shared data folder ../shared is not beside the repository)`);
  describe.skipIf(!haveSeries)('with a task dataset (float targets, train / valid / test)', () => {
    const open = (split: 'train' | 'valid' | 'test') =>
      openTimeSeries(etth1Spec, { split, dataDir: DATA, window: 6, horizon: 2, forecast: 'span', targets: ['HUFL', 'OT'], inputs: 'all', normalize: true });

    it("carries y as a Float32Array of prod(target shape) values per sample, the dataset's own rows", async () => {
      for (const split of ['train', 'valid', 'test'] as const) {
        const ds = await open(split);
        const l = new DataLoader({ dataset: ds, batchSize: 33, shuffle: split === 'train', seed: 5, subset: 100 });
        expect(l.targetSpec).toEqual({ kind: 'regression', shape: [2, 2] });
        expect(l.targetPerSample).toBe(4);
        expect(l.numClasses).toBe(0);
        const batches = await collect(l.batches(1));
        expect(batches.reduce((n, b) => n + b.size, 0)).toBe(100);
        for (const b of batches) {
          expect(b.y).toBeInstanceOf(Float32Array);
          expect(b.y.length).toBe(b.size * 4);
          // Sample by sample, y and x are exactly what the dataset gives for that index alone.
          b.indices.forEach((idx, i) => {
            const one = ds.getBatch([idx]);
            expect(Array.from(b.y.subarray(i * 4, (i + 1) * 4))).toEqual(Array.from(one.y));
            expect(Array.from(b.x.subarray(i * 6 * 7, (i + 1) * 6 * 7))).toEqual(Array.from(one.x));
          });
        }
      }
    });

    it('refuses a dataset whose y does not match its declared target, naming both', async () => {
      const ds = await open('valid');
      const short: TaskDataset = {
        ...ds,
        name: ds.name,
        split: ds.split,
        length: ds.length,
        sampleShape: ds.sampleShape,
        targetSpec: ds.targetSpec,
        getBatch: (idx) => ({ x: ds.getBatch(idx).x, y: new Float32Array(idx.length * 3) }),
      };
      const asLabels: TaskDataset = { ...short, getBatch: (idx) => ({ x: ds.getBatch(idx).x, y: new Int32Array(idx.length * 4) }) };
      for (const bad of [short, asLabels]) {
        const l = new DataLoader({ dataset: bad, batchSize: 8, prefetch: 0 });
        await expectSpikeflowError(collect(l.batches(0)), 'dataset-corrupt', /expected a Float32Array of 32 \(4 per sample\)/);
      }
    });
  });
});

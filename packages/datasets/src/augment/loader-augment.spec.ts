import { describe, expect, it } from 'vitest';
import type { Batch } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { IdxDataset } from '../dataset/idx-dataset.js';
import { DataLoader } from '../loader/data-loader.js';
import { imageAugmentPolicy } from './augment-policy.js';
import type { AugmentContext, BatchAugment } from './batch-augment.js';

const N = 37;
const H = 4;
const W = 4;
// Sample i: distinct pixel values, so a batch shows which samples it holds and how they moved.
const pixels = Uint8Array.from({ length: N * H * W * 3 }, (_, j) => (j * 7 + Math.floor(j / 48)) % 251);
const dataset = new IdxDataset({ name: 'toy-rgb', split: 'train', pixels, labels: Uint8Array.from({ length: N }, (_, i) => i % 3), sampleShape: [H, W, 3], numClasses: 3 });
const augment = imageAugmentPolicy({ cropPadding: 1, flip: true, normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4] }, cutout: { size: 2 } });

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of iterable) out.push(b);
  return out;
}

describe('DataLoader augment', () => {
  it('augments each batch with (seed, epoch, indices): the same batches when resumed mid-epoch', async () => {
    const loader = new DataLoader({ dataset, batchSize: 5, seed: 4, augment });
    for (const epoch of [0, 3]) {
      const whole = await collect(loader.batches(epoch));
      const resumed = await collect(new DataLoader({ dataset, batchSize: 5, seed: 4, augment, prefetch: 0 }).batches(epoch, 4));
      expect(resumed).toHaveLength(whole.length - 4);
      resumed.forEach((b, k) => {
        expect(b.indices).toEqual(whole[k + 4]!.indices);
        expect(b.x).toEqual(whole[k + 4]!.x);
      });
    }
  });

  it('gives each sample what the augmentation gives it alone, and differs from the plain batch', async () => {
    const seen: AugmentContext[] = [];
    const spy: BatchAugment = (x, context) => {
      seen.push({ ...context, indices: Array.from(context.indices) });
      augment(x, context);
    };
    const loader = new DataLoader({ dataset, batchSize: 8, seed: 1, augment: spy });
    const plain = new DataLoader({ dataset, batchSize: 8, seed: 1 });
    const [first] = await collect(loader.batches(2));
    const [raw] = await collect(plain.batches(2));
    expect(seen[0]).toMatchObject({ epoch: 2, seed: 1, sampleShape: [H, W, 3], indices: Array.from(raw!.indices) });
    expect(first!.x).not.toEqual(raw!.x);
    const expected = raw!.x.slice();
    augment(expected, { epoch: 2, seed: 1, sampleShape: [H, W, 3], indices: raw!.indices });
    expect(first!.x).toEqual(expected);
    expect(first!.y).toEqual(raw!.y);
  });

  it('refuses an augment that is not a function', () => {
    expectSpikeflowError(() => new DataLoader({ dataset, batchSize: 5, augment: 'flip' as never }), 'invalid-options', 'augment must be a function');
  });
});

import { describe, expect, it } from 'vitest';
import type { Dataset } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { DataLoader } from '@spikeflow/datasets';
import { selectTestSamples } from './test-samples.js';

/** A labelled split whose sample i holds the value i, so a batch shows which indices it drew. */
function split(length: number): Dataset {
  return {
    name: 'toy',
    split: 'test',
    length,
    sampleShape: [1],
    numClasses: 2,
    getBatch: (indices) => ({ x: Float32Array.from(indices), y: Int32Array.from(indices, (i) => i % 2) }),
  };
}

async function loaderIndices(dataset: Dataset, subset: number, seed: number): Promise<number[]> {
  const loader = new DataLoader({ dataset, batchSize: 7, shuffle: false, seed, subset, prefetch: 0 });
  const seen: number[] = [];
  for await (const b of loader.batches(0)) seen.push(...b.indices);
  return seen;
}

describe('selectTestSamples', () => {
  it("chooses the same samples as the evaluation loader's seeded subset (what train and eval measure)", async () => {
    const data = split(1000);
    for (const seed of [0, 3]) {
      const s = selectTestSamples(data, 100, seed);
      expect([...s.indices]).toEqual(await loaderIndices(data, 100, seed));
      expect(s.description).toBe(`test: 100 of 1000 samples (seeded subset, seed ${seed})`);
      expect(s.json).toEqual({ samples: 100, of: 1000, selection: 'seeded-subset', seed });
    }
  });

  it('is a random spread over the split, not its first N samples', () => {
    const s = selectTestSamples(split(1000), 100, 0);
    expect([...s.indices]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(s.indices.at(-1)).toBeGreaterThan(500);
    expect(new Set(s.indices).size).toBe(100);
  });

  it('without a count takes the whole split, and says so', () => {
    const s = selectTestSamples(split(10), undefined, 0);
    expect([...s.indices]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.description).toBe('test: all 10 samples');
  });

  it('refuses 0, negative, fractional and too large counts with an error naming the flag', () => {
    for (const n of [0, -1, 2.5, 11]) {
      const error = expectSpikeflowError(() => selectTestSamples(split(10), n, 0), 'invalid-options');
      expect(error.message).toBe(`--test-subset must be an integer from 1 to 10 (the size of the test split of toy), got ${n}`);
    }
    expect(() => selectTestSamples(split(10), 0, 0, '--samples')).toThrow(/^--samples must be/);
  });
});

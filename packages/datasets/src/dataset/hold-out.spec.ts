import { describe, expect, it } from 'vitest';
import { SpikeflowError, type Dataset, type TaskDataset } from '@spikeflow/core';
import { holdOut } from './hold-out.js';

/** Sample i is the value i (one feature) with label i mod 3. */
function counting(n: number): Dataset & { sources: string[] } {
  return {
    name: 'counting',
    split: 'train',
    length: n,
    sampleShape: [1],
    numClasses: 3,
    classNames: ['a', 'b', 'c'],
    sources: ['/data/counting.bin'],
    getBatch(indices) {
      return { x: Float32Array.from(indices, Number), y: Int32Array.from(indices, (i) => i % 3) };
    },
  };
}

describe('holdOut', () => {
  it('splits into disjoint ascending parts that cover the training split, round(f·N) held out, the same for the same seed', () => {
    const ds = counting(1000);
    const a = holdOut(ds, { fraction: 0.1, seed: 1 });
    expect(a.valid.length).toBe(100);
    expect(a.train.length).toBe(900);
    const all = [...a.trainIndices, ...a.validIndices].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (const idx of [a.trainIndices, a.validIndices]) for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]!);
    expect(holdOut(ds, { fraction: 0.1, seed: 1 }).validIndices).toEqual(a.validIndices);
    // Another seed holds out other samples (two random 100-subsets of 1000 share ~10 on average).
    const b = holdOut(ds, { fraction: 0.1, seed: 2 });
    const shared = [...b.validIndices].filter((i) => a.validIndices.includes(i)).length;
    expect(shared).toBeLessThan(40);
    // Not just a contiguous block: the held-out samples spread over the split.
    expect(a.validIndices[0]).toBeLessThan(100);
    expect(a.validIndices.at(-1)).toBeGreaterThan(900);
  });

  it("views gather through the index map and keep the source's classes and files; indices are checked", () => {
    const { train, valid, validIndices } = holdOut(counting(50), { fraction: 0.2, seed: 7 });
    expect(valid.split).toBe('valid');
    expect(train.split).toBe('train');
    expect(valid.numClasses).toBe(3);
    expect(valid.classNames).toEqual(['a', 'b', 'c']);
    expect((valid as { sources?: string[] }).sources).toEqual(['/data/counting.bin']);
    const b = valid.getBatch([0, 3, 9]);
    expect(Array.from(b.x)).toEqual([validIndices[0], validIndices[3], validIndices[9]]);
    expect(Array.from(b.y)).toEqual([validIndices[0]! % 3, validIndices[3]! % 3, validIndices[9]! % 3]);
    expect(() => valid.getBatch([10])).toThrow(/sample index 10 is out of range \[0, 10\)/);
    expect(() => train.getBatch([-1])).toThrow(SpikeflowError);
  });

  it("keeps a task dataset's typed target", () => {
    const ds: TaskDataset = {
      name: 'series',
      split: 'train',
      length: 20,
      sampleShape: [4],
      targetSpec: { kind: 'regression', shape: [2] },
      getBatch: (idx) => ({ x: new Float32Array(idx.length * 4), y: Float32Array.from({ length: idx.length * 2 }, (_, i) => idx[Math.floor(i / 2)]!) }),
    };
    const { valid, validIndices } = holdOut(ds, { fraction: 0.25, seed: 3 });
    expect(valid.targetSpec).toEqual({ kind: 'regression', shape: [2] });
    expect(Array.from(valid.getBatch([1]).y)).toEqual([validIndices[1], validIndices[1]]);
  });

  it('refuses a fraction outside (0, 1) or one that leaves a part empty', () => {
    for (const fraction of [0, 1, -0.1, Number.NaN]) {
      expect(() => holdOut(counting(10), { fraction, seed: 1 })).toThrow(/validation fraction must be a number in \(0, 1\)/);
    }
    expect(() => holdOut(counting(10), { fraction: 0.01, seed: 1 })).toThrow(/leaves 0 for validation/);
  });
});

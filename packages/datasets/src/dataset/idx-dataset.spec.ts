import { SpikeflowError } from '@spikeflow/core';
import { describe, expect, it } from 'vitest';
import { IdxDataset } from './idx-dataset.js';

// Three 2x2x2 samples (NHWC): sample i has pixels 10*i + k, k = 0..7.
const pixels = Uint8Array.from({ length: 24 }, (_, j) => 10 * Math.floor(j / 8) + (j % 8));
pixels[23] = 255;
const labels = Uint8Array.from([2, 0, 1]);
const make = () => new IdxDataset({ name: 'toy', split: 'train', pixels, labels, sampleShape: [2, 2, 2], numClasses: 3, classNames: ['a', 'b', 'c'] });

describe('IdxDataset', () => {
  it('describes itself', () => {
    const ds = make();
    expect({
      name: ds.name,
      split: ds.split,
      length: ds.length,
      sampleShape: ds.sampleShape,
      numClasses: ds.numClasses,
      classNames: ds.classNames,
      sampleSize: ds.sampleSize,
    }).toEqual({
      name: 'toy',
      split: 'train',
      length: 3,
      sampleShape: [2, 2, 2],
      numClasses: 3,
      classNames: ['a', 'b', 'c'],
      sampleSize: 8,
    });
    expect(ds.classCounts()).toEqual([1, 1, 1]);
  });

  it('gathers samples in the order asked, NHWC, scaled by /255, with int32 labels', () => {
    const { x, y } = make().getBatch([2, 0, 2]);
    expect(x).toBeInstanceOf(Float32Array);
    expect(y).toBeInstanceOf(Int32Array);
    expect(x.length).toBe(3 * 8);
    const expected = [2, 0, 2].flatMap((i) => Array.from({ length: 8 }, (_, k) => pixels[i * 8 + k] / 255));
    expect(Array.from(x)).toEqual(expected.map(Math.fround));
    expect(x[7]).toBe(1); // 255 -> exactly 1
    expect(Array.from(y)).toEqual([1, 2, 1]);
    expect(make().getBatch(Int32Array.from([])).x.length).toBe(0);
  });

  it('refuses indices outside the dataset', () => {
    for (const bad of [3, -1, 1.5, Number.NaN]) {
      expect(() => make().getBatch([0, bad])).toThrowError(/dataset toy\/train: sample index .* \(position 1 of the batch\) is outside 0\.\.2/);
    }
    try {
      make().getBatch([5]);
    } catch (e) {
      expect(SpikeflowError.is(e, 'invalid-options')).toBe(true);
    }
  });

  it('refuses pixels that do not make whole samples, and wrong class-name counts', () => {
    expect(() => new IdxDataset({ name: 't', split: 'x', pixels: pixels.subarray(1), labels, sampleShape: [2, 2, 2], numClasses: 3 })).toThrowError(
      /23 pixel bytes do not make 3 samples of shape \[2, 2, 2\]/,
    );
    expect(() => new IdxDataset({ name: 't', split: 'x', pixels, labels, sampleShape: [2, 2, 2], numClasses: 3, classNames: ['a'] })).toThrowError(/1 class names for 3 classes/);
  });
});

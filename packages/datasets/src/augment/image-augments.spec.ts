import { describe, expect, it } from 'vitest';
import { imageAugmentPolicy } from './augment-policy.js';
import { compose, type AugmentContext } from './batch-augment.js';
import { cutout, horizontalFlip, normalize, randomCrop } from './image-augments.js';
import { eraseSquare, flipImage, shiftImage, type ImageShape } from './image-ops.js';

const H = 6;
const W = 5;
const C = 3;
const SIZE = H * W * C;

/** A batch whose value at (sample b, y, x, c) is `1 + b·1000 + y·100 + x·10 + c` (never 0). */
function batch(n: number): Float32Array {
  const x = new Float32Array(n * SIZE);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) for (let c = 0; c < C; c++) x[b * SIZE + (y * W + xx) * C + c] = 1 + b * 1000 + y * 100 + xx * 10 + c;
  return x;
}

const at = (x: Float32Array, b: number, y: number, xx: number, c: number): number => x[b * SIZE + (y * W + xx) * C + c]!;
const ctx = (indices: number[], epoch = 0, seed = 0): AugmentContext => ({ sampleShape: [H, W, C], indices, epoch, seed });
const shape: ImageShape = [H, W, C];

describe('image operations', () => {
  it('flip is a left-right mirror', () => {
    const x = batch(2);
    const src = x.slice();
    flipImage(x, shape, SIZE);
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) for (let c = 0; c < C; c++) expect(at(x, 1, y, xx, c)).toBe(at(src, 1, y, W - 1 - xx, c));
    expect(x.subarray(0, SIZE)).toEqual(src.subarray(0, SIZE)); // other samples untouched
  });

  it.each([
    [0, 0],
    [2, -1],
    [-3, 4],
    [6, 0],
  ])('shift by (dy %i, dx %i) is a moved window with zeros outside', (dy, dx) => {
    const x = batch(1);
    const src = x.slice();
    shiftImage(x, shape, 0, dy, dx);
    for (let y = 0; y < H; y++)
      for (let xx = 0; xx < W; xx++)
        for (let c = 0; c < C; c++) {
          const sy = y - dy;
          const sx = xx - dx;
          expect(at(x, 0, y, xx, c)).toBe(sy >= 0 && sy < H && sx >= 0 && sx < W ? at(src, 0, sy, sx, c) : 0);
        }
  });

  it('erases a square clipped at the borders', () => {
    const x = batch(1);
    eraseSquare(x, shape, 0, 0, 4, 4); // rows [-2, 2) → [0, 2), columns [2, 6) → [2, 5)
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) expect(at(x, 0, y, xx, 1) === 0).toBe(y < 2 && xx >= 2);
  });
});

describe('batch augmentations', () => {
  it('random crop of a zero-padded image: a window of the padded image, corner uniform over (2p+1)² places', () => {
    const p = 2;
    const src = batch(1);
    const padded = (y: number, xx: number, c: number): number => (y >= p && y < H + p && xx >= p && xx < W + p ? at(src, 0, y - p, xx - p, c) : 0);
    const windows = new Map<string, Float32Array>();
    for (let top = 0; top <= 2 * p; top++)
      for (let left = 0; left <= 2 * p; left++) {
        const w = new Float32Array(SIZE);
        for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) for (let c = 0; c < C; c++) w[(y * W + xx) * C + c] = padded(y + top, xx + left, c);
        windows.set(`${top},${left}`, w);
      }
    const counts = new Map<string, number>();
    for (let index = 0; index < 500; index++) {
      const x = batch(1);
      randomCrop({ padding: p })(x, ctx([index]));
      const match = [...windows].filter(([, w]) => w.every((v, i) => v === x[i])).map(([k]) => k);
      expect(match).toHaveLength(1);
      counts.set(match[0]!, (counts.get(match[0]!) ?? 0) + 1);
    }
    expect(counts.size).toBe((2 * p + 1) ** 2);
    for (const n of counts.values()) expect(n).toBeGreaterThan(5); // 20 expected each
  });

  it('flips about half of the samples, each a mirror or unchanged', () => {
    const n = 200;
    const x = batch(n);
    const src = x.slice();
    horizontalFlip()(x, ctx(Array.from({ length: n }, (_, i) => i)));
    let flipped = 0;
    for (let b = 0; b < n; b++) {
      const mirrored = at(x, b, 3, 0, 1) === at(src, b, 3, W - 1, 1);
      if (mirrored) flipped++;
      for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) expect(at(x, b, y, xx, 0)).toBe(at(src, b, y, mirrored ? W - 1 - xx : xx, 0));
    }
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
  });

  it('normalises each channel as (v - mean[c]) / std[c]', () => {
    const mean = [0.5, 0.25, 0.125];
    const std = [0.2, 0.4, 0.8];
    const x = batch(2);
    const src = x.slice();
    normalize({ mean, std })(x, ctx([0, 1]));
    for (let i = 0; i < x.length; i++) expect(x[i]).toBe(Math.fround((src[i]! - mean[i % 3]!) / std[i % 3]!));
    expect(() => normalize({ mean: [0.5], std: [0] })).toThrow(/positive std/);
    expect(() => normalize({ mean: [0.5, 0.5], std: [1, 1] })(batch(1), ctx([0]))).toThrow(/\(3\)/);
  });

  it('cutout zeroes one square per sample, the rest unchanged', () => {
    const n = 50;
    const x = batch(n);
    const src = x.slice();
    cutout({ size: 2 })(x, ctx(Array.from({ length: n }, (_, i) => i)));
    for (let b = 0; b < n; b++) {
      const zeroed: [number, number][] = [];
      for (let y = 0; y < H; y++)
        for (let xx = 0; xx < W; xx++) {
          const values = [0, 1, 2].map((c) => at(x, b, y, xx, c));
          if (values.every((v) => v === 0)) zeroed.push([y, xx]);
          else expect(values).toEqual([0, 1, 2].map((c) => at(src, b, y, xx, c)));
        }
      // A 2x2 square, or fewer cells where it is clipped at the top or left border.
      expect(zeroed.length).toBeGreaterThanOrEqual(1);
      expect(zeroed.length).toBeLessThanOrEqual(4);
      const ys = zeroed.map(([y]) => y);
      const xs = zeroed.map(([, xx]) => xx);
      expect(Math.max(...ys) - Math.min(...ys)).toBeLessThanOrEqual(1);
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(1);
    }
  });

  it('depends only on (seed, epoch, dataset index): not on the batch a sample is in', () => {
    const augment = imageAugmentPolicy({ cropPadding: 2, flip: true, normalize: { mean: [0, 0, 0], std: [1, 2, 4] }, cutout: { size: 2 } });
    const indices = [7, 3, 11, 5];
    const whole = batch(4);
    augment(whole, ctx(indices, 2, 9));
    // Each sample alone (as another rank or a resumed run would see it) comes out the same.
    for (let b = 0; b < 4; b++) {
      const one = batch(4).slice(b * SIZE, (b + 1) * SIZE);
      augment(one, ctx([indices[b]!], 2, 9));
      expect(one).toEqual(whole.slice(b * SIZE, (b + 1) * SIZE));
    }
    const again = batch(4);
    augment(again, ctx(indices, 2, 9));
    expect(again).toEqual(whole);
    for (const other of [ctx(indices, 3, 9), ctx(indices, 2, 10)]) {
      const x = batch(4);
      augment(x, other);
      expect(x).not.toEqual(whole);
    }
  });

  it('compose runs its steps in order, and a policy is that composition', () => {
    const crop = randomCrop({ padding: 1 });
    const flip = horizontalFlip({ p: 1 });
    const a = batch(3);
    compose(crop, flip)(a, ctx([0, 1, 2]));
    const b = batch(3);
    crop(b, ctx([0, 1, 2]));
    flip(b, ctx([0, 1, 2]));
    expect(a).toEqual(b);
    const c = batch(3);
    imageAugmentPolicy({ cropPadding: 1 })(c, ctx([0, 1, 2]));
    flip(c, ctx([0, 1, 2]));
    expect(c).toEqual(b);
  });

  it('refuses a batch that is not [H, W, C] images', () => {
    expect(() => horizontalFlip()(new Float32Array(10), { sampleShape: [10], indices: [0], epoch: 0, seed: 0 })).toThrow(/\[H, W, C\]/);
    expect(() => randomCrop({ padding: -1 })).toThrow(/padding/);
  });
});

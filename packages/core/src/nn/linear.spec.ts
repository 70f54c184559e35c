import { expectClose, expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { globalRng, manualSeed } from '../util/seed.js';
import { withoutInitialisation } from './init.js';
import { randnData } from '../ops/test-utils/compare.js';
import { Linear } from './linear.js';

describe('Linear', () => {
  it('maps [T, B, in] to [T, B, out] as x·W + b (float64 reference), folding all leading axes', () => {
    manualSeed(3);
    const fc = new Linear(5, 3);
    const w = fc.weight.dataSync();
    const b = fc.bias!.dataSync();
    const xData = randnData(2 * 4 * 5, new Rng(1));
    const y = fc.forward(tf.tensor(xData, [2, 4, 5]));
    expect(y.shape).toEqual([2, 4, 3]);
    const want = new Float64Array(2 * 4 * 3);
    for (let r = 0; r < 8; r++) {
      for (let o = 0; o < 3; o++) {
        let s = b[o];
        for (let i = 0; i < 5; i++) s += xData[r * 5 + i] * w[i * 3 + o];
        want[r * 3 + o] = s;
      }
    }
    expectClose(y.dataSync(), want, 1e-5, 'y');
    expect(fc.forward(tf.zeros([2, 3, 4, 5])).shape).toEqual([2, 3, 4, 3]);
  });

  it('initialises reproducibly from the seeded global generator within PyTorch bounds', () => {
    manualSeed(42);
    const a = new Linear(784, 64);
    manualSeed(42);
    const b = new Linear(784, 64);
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    expect(Array.from(a.bias!.dataSync())).toEqual(Array.from(b.bias!.dataSync()));
    const bound = 1 / Math.sqrt(784);
    const w = a.weight.dataSync();
    const absMax = Array.from(w).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(absMax).toBeLessThanOrEqual(bound);
    expect(absMax).toBeGreaterThan(0.99 * bound); // uniform over the whole range, not a narrower one
    expect(a.bias!.dataSync().every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(a.weight.shape).toEqual([784, 64]);
    const c = new Linear(784, 64); // the generator moved on: a different draw
    expect(Array.from(c.weight.dataSync().slice(0, 8))).not.toEqual(Array.from(w.slice(0, 8)));
  });

  it('names its parameters like PyTorch, supports bias=false and describes itself', () => {
    expect(new Linear(784, 512).namedParameters().map(([n, v]) => [n, v.shape])).toEqual([
      ['weight', [784, 512]],
      ['bias', [512]],
    ]);
    const nb = new Linear(4, 2, { bias: false });
    expect(nb.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(new Linear(784, 512).describe()).toBe('Linear(784, 512)');
    expect(nb.describe()).toBe('Linear(4, 2, bias=false)');
  });

  it('rejects wrong input shapes and bad options with a SpikeflowError naming the layer and both shapes', () => {
    const fc = new Linear(784, 512);
    expect(() => fc.forward(tf.zeros([2, 3, 100]))).toThrowError('Linear(784, 512): expected input [T, B, ..., 784], got [2, 3, 100]');
    expect(() => fc.forward(tf.zeros([3, 784]))).toThrowError(/got \[3, 784\]/);
    expectSpikeflowError(() => fc.forward(tf.zeros([1, 1, 5])), 'shape-mismatch');
    expect(() => new Linear(0, 3)).toThrowError(/Linear: inFeatures must be an integer >= 1/);
  });
});

describe('withoutInitialisation', () => {
  it('builds the same shapes with zero weights and leaves the global generator where it was', () => {
    manualSeed(11);
    const drawn = new Linear(5, 3);
    const next = globalRng().uniform();
    manualSeed(11);
    const counted = withoutInitialisation(() => new Linear(5, 3));
    expect(counted.parameterCount()).toBe(drawn.parameterCount());
    expect(Array.from(counted.weight.dataSync())).toEqual(new Array(15).fill(0));
    // Not advanced: the next draw is the first one a fresh seed gives.
    const first = globalRng().uniform();
    manualSeed(11);
    expect(first).toBe(globalRng().uniform());
    expect(first).not.toBe(next);
    // Outside the call, layers are initialised again.
    expect(new Linear(5, 3).weight.dataSync().some((v) => v !== 0)).toBe(true);
  });
});

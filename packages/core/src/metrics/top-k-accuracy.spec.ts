import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { createSpikeflow } from '../plugin/spikeflow.js';

const sf = createSpikeflow();
const C = 7;
const target = { kind: 'class' as const, numClasses: C };

describe('accuracy and top-k', () => {
  it('equal the share of rows whose label is among the k best scores, over uneven batches', () => {
    const rng = new Rng(3);
    const n = 301;
    const scores = Float32Array.from({ length: n * C }, () => Math.round(rng.uniform() * 8) / 8); // coarse: many ties
    const labels = Int32Array.from({ length: n }, () => rng.int(C));
    // Reference: sort each row's classes by score descending, lower index first on ties.
    const hits = (k: number) => {
      let h = 0;
      for (let i = 0; i < n; i++) {
        const order = [...Array(C).keys()].sort((a, b) => scores[i * C + b]! - scores[i * C + a]! || a - b);
        if (order.slice(0, k).includes(labels[i]!)) h++;
      }
      return h / n;
    };
    for (const [id, options, k] of [
      ['accuracy', {}, 1],
      ['top5', {}, 5],
      ['top-k', { k: 3 }, 3],
    ] as const) {
      const m = sf.metric(id, options, { target });
      let at = 0;
      for (const b of [5, 100, 1, 195]) {
        m.update(scores.subarray(at * C, (at + b) * C), labels.subarray(at, at + b));
        at += b;
      }
      expect(m.result()).toBe(hits(k));
    }
  });

  it('top-1 is arg-max with the first maximum winning, a NaN row is wrong, a mask selects samples', () => {
    const acc = sf.metric('accuracy', {}, { target: { kind: 'class', numClasses: 3 } });
    acc.update([1, 1, 0, 0, 2, 2, 0, Number.NaN, 5], [0, 2, 2]);
    // Row 0: tie 0/1 → 0 wins (right). Row 1: tie 1/2 → 1 wins (label 2 wrong). Row 2: NaN → wrong.
    expect(acc.result()).toBeCloseTo(1 / 3, 15);
    acc.reset();
    acc.update([0, 1, 0, 1, 0, 0], [1, 1], [true, false]);
    expect(acc.result()).toBe(1);
    acc.update([0, 1, 0], [0], [1]);
    expect(acc.result()).toBe(0.5);
  });

  it('label sequences: each step is a row, the mask selects whole samples', () => {
    const acc = sf.metric('accuracy', {}, { target: { kind: 'sequence', steps: 2, item: { kind: 'class', numClasses: 2 } } });
    // sample 0: steps (1, 0) right/wrong; sample 1 masked out.
    acc.update([0, 1, 0, 1, 1, 0, 1, 0], [1, 0, 0, 0], [1, 0]);
    expect(acc.result()).toBe(0.5);
  });

  it('refuses labels outside the classes, regression targets and k < 1', () => {
    const acc = sf.metric('accuracy', {}, { target });
    expect(() => acc.update(new Float32Array(C), [C])).toThrowError(/label 7 at position 0 is not a class in \[0, 7\)/);
    try {
      acc.update(new Float32Array(C + 1), [0]);
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'shape-mismatch')).toBe(true);
    }
    expect(() => sf.metric('accuracy', {}, { target: { kind: 'regression', shape: [2] } })).toThrowError(/takes class targets, got a 'regression' target/);
    expect(() => sf.metric('top-k', { k: 0 }, { target })).toThrowError(/invalid options for metric 'core\/top-k'/);
  });
});

import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { createSpikeflow } from '../plugin/spikeflow.js';
import type { ReadOut, TargetSpec } from '../contracts/task.js';

const sf = createSpikeflow();
const T = 3,
  B = 4,
  D = 2;
const rng = new Rng(5);
// Values spread so no residual sits near MAE's kink at 0 or Huber's at ±delta.
const out = Array.from({ length: T * B * D }, () => rng.normal() * 2);
const y = Array.from({ length: B * D }, () => rng.normal() * 2);
const mask = [1, 0, 1, 1];

const penalties: Record<string, (d: number) => number> = {
  mse: (d) => d * d,
  mae: (d) => Math.abs(d),
  huber: (d) => (Math.abs(d) <= 0.5 ? 0.5 * d * d : 0.5 * (Math.abs(d) - 0.25)),
};

/** Float64 reference: read out O[t][b][j] (T·B·D, time-first), compare with y[b][j], mean over counted samples. */
function reference(o: number[], id: string, readOut: ReadOut, m?: number[]): number {
  let s = 0,
    n = 0;
  for (let b = 0; b < B; b++) {
    if (m && !m[b]) continue;
    for (let j = 0; j < D; j++) {
      const at = (t: number) => o[(t * B + b) * D + j]!;
      const pred = readOut === 'mean' ? (at(0) + at(1) + at(2)) / T : at(T - 1);
      s += penalties[id]!(pred - y[b * D + j]!);
      n++;
    }
  }
  return s / n;
}

function lossOf(id: string, readOut: ReadOut, m?: number[]) {
  const loss = sf.taskLoss(id, id === 'huber' ? { delta: 0.5 } : {});
  const target = { kind: 'regression', shape: [D] } as const;
  const yt = tf.tensor(y, [B, D]);
  return (o: tf.Tensor) => loss.compute(o, yt, { target, readOut, ...(m ? { mask: tf.tensor1d(m) } : {}) });
}

describe('regression losses', () => {
  for (const id of ['mse', 'mae', 'huber']) {
    for (const readOut of ['mean', 'last'] as const) {
      for (const m of [undefined, mask]) {
        it(`${id}, read-out ${readOut}${m ? ', masked' : ''}: value and gradient match a float64 reference and its central differences`, () => {
          const f = lossOf(id, readOut, m);
          const o = tf.tensor(out, [T, B, D]);
          expect(f(o).dataSync()[0]).toBeCloseTo(reference(out, id, readOut, m), 5);
          const grad = tf
            .grad((x: tf.Tensor) => f(x))(o)
            .dataSync();
          const h = 1e-6;
          for (let i = 0; i < out.length; i++) {
            const plus = out.slice();
            plus[i]! += h;
            const minus = out.slice();
            minus[i]! -= h;
            const numeric = (reference(plus, id, readOut, m) - reference(minus, id, readOut, m)) / (2 * h);
            expect(grad[i]).toBeCloseTo(numeric, 5);
          }
        });
      }
    }
  }

  it('per-step: output step t against target step t of a [B, T, D] sequence', () => {
    const target: TargetSpec = { kind: 'sequence', steps: T, item: { kind: 'regression', shape: [D] } };
    const seq = Array.from({ length: B * T * D }, (_, i) => Math.sin(i));
    let s = 0;
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let j = 0; j < D; j++) s += (out[(t * B + b) * D + j]! - seq[(b * T + t) * D + j]!) ** 2;
    const value = sf.taskLoss('mse').compute(tf.tensor(out, [T, B, D]), tf.tensor(seq, [B, T, D]), { target, readOut: 'per-step' });
    expect(value.dataSync()[0]).toBeCloseTo(s / (T * B * D), 5);
  });

  it('refuses class targets, wrong shapes, masks and read-outs with typed errors naming what was expected', () => {
    const loss = sf.taskLoss('mse');
    const target = { kind: 'regression', shape: [D] } as const;
    const o = tf.tensor(out, [T, B, D]);
    const yt = tf.tensor(y, [B, D]);
    expectSpikeflowError(() => loss.compute(o, yt, { target: { kind: 'class', numClasses: 2 }, readOut: 'mean' }), 'invalid-options', /got a 'class' target/);
    expectSpikeflowError(() => loss.compute(tf.zeros([T, B, 3]), yt, { target, readOut: 'mean' }), 'shape-mismatch', /\[T, 4, 2\], got \[3,4,3\]/);
    expectSpikeflowError(() => loss.compute(o, tf.zeros([B, 3]), { target, readOut: 'mean' }), 'shape-mismatch', /target \[B, 2\], got \[4,3\]/);
    expectSpikeflowError(() => loss.compute(o, yt, { target, readOut: 'mean', mask: tf.ones([3]) }), 'shape-mismatch', /mask \[4\]/);
    expectSpikeflowError(() => loss.compute(o, yt, { target, readOut: 'per-step' }), 'invalid-options', /per-step goes with sequence targets/);
    // The classic signature cannot take class labels and says so.
    expectSpikeflowError(() => sf.loss('mse').compute(o, tf.tensor1d([0, 1, 0, 1], 'int32'), D), 'not-supported', /^loss 'core\/mse' is a regression loss/);
    expectSpikeflowError(() => sf.taskLoss('huber', { delta: -1 }), 'invalid-options', /^invalid options for loss 'core\/huber'/);
  });
});

describe('classification losses under the task-loss signature', () => {
  const C = 3;
  const o = tf.tensor(
    Array.from({ length: T * B * C }, () => rng.normal()),
    [T, B, C],
  );
  const labels = tf.tensor1d([0, 2, 1, 2], 'int32');
  const target = { kind: 'class', numClasses: C } as const;

  it.each(['ce-mean', 'mse-rate', 'tet', 'ce-membrane', 'mse-membrane'])('%s gives the same bits as its LossFunction', (id) => {
    const classic = sf.loss(id).compute(o, labels, C).dataSync()[0];
    const general = sf.taskLoss(id).compute(o, labels, { target, readOut: 'mean' }).dataSync()[0];
    expect(Object.is(general, classic)).toBe(true);
  });

  it('ce-mean with a mask is the cross-entropy mean over the counted samples (float64 reference)', () => {
    const data = o.arraySync() as number[][][];
    const ys = [0, 2, 1, 2];
    let s = 0;
    for (const b of [0, 2, 3]) {
      const mean = [0, 1, 2].map((c) => (data[0]![b]![c]! + data[1]![b]![c]! + data[2]![b]![c]!) / T);
      const lse = Math.log(mean.reduce((a, v) => a + Math.exp(v), 0));
      s += lse - mean[ys[b]!]!;
    }
    const value = sf.taskLoss('ce-mean').compute(o, labels, { target, readOut: 'mean', mask: tf.tensor1d(mask) });
    expect(value.dataSync()[0]).toBeCloseTo(s / 3, 5);
    expect(() => sf.taskLoss('ce-mean').compute(o, labels, { target: { kind: 'regression', shape: [C] }, readOut: 'mean' })).toThrowError(
      /fits class labels, got a 'regression' target/,
    );
  });
});

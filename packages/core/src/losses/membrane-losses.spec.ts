import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { createSpikeflow } from '../plugin/spikeflow.js';
import { NonSpikingLIF } from '../spike/non-spiking-lif.js';
import { crossEntropyMembraneLoss, mseMembraneLoss } from './membrane-losses.js';

const T = 3;
const B = 2;
const C = 4;
const V = Array.from({ length: T * B * C }, (_, i) => Math.sin(i * 1.7) * 2);
const labels = [2, 0];
const at = (t: number, b: number, c: number) => V[(t * B + b) * C + c];

describe('membrane losses', () => {
  it('ce-membrane is the per-step cross-entropy of the membrane, averaged over time (float64 reference)', () => {
    let want = 0;
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        const row = Array.from({ length: C }, (_, c) => at(t, b, c));
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        want += (lse - row[labels[b]]) / (T * B);
      }
    const got = crossEntropyMembraneLoss()
      .compute(tf.tensor(V, [T, B, C]), tf.tensor1d(labels, 'int32'), C)
      .dataSync()[0];
    expect(got).toBeCloseTo(want, 5);
  });

  it('mse-membrane compares every step with on/off targets (float64 reference)', () => {
    let want = 0;
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++)
        for (let c = 0; c < C; c++) {
          const target = c === labels[b] ? 0.8 : -0.1;
          want += (at(t, b, c) - target) ** 2 / (T * B * C);
        }
    const got = mseMembraneLoss({ onTarget: 0.8, offTarget: -0.1 })
      .compute(tf.tensor(V, [T, B, C]), tf.tensor1d(labels, 'int32'), C)
      .dataSync()[0];
    expect(got).toBeCloseTo(want, 5);
  });

  it('are registered by core as ce-membrane and mse-membrane and reject a wrong shape with a typed error', () => {
    const sf = createSpikeflow();
    expect(sf.loss('ce-membrane').id).toBe('core/ce-membrane');
    expect(sf.loss('mse-membrane', { onTarget: 1 }).id).toBe('core/mse-membrane');
    expect(() => sf.loss('ce-membrane').compute(tf.zeros([B, C]), tf.tensor1d(labels, 'int32'), C)).toThrowError(
      expect.objectContaining({ kind: 'shape-mismatch', message: expect.stringContaining('[T, B, 4]') }),
    );
  });
});

describe('NonSpikingLIF', () => {
  it('outputs the leaky-integrated membrane (float64 reference), the same in single steps', () => {
    const x = [
      [0.5, -1],
      [2, 0.25],
      [0, 3],
      [1, 1],
    ];
    for (const decayInput of [true, false]) {
      const tau = 3;
      let v = [0, 0];
      const want: number[] = [];
      for (const xt of x) {
        v = v.map((vi, i) => (decayInput ? vi + (xt[i] - vi) / tau : vi * (1 - 1 / tau) + xt[i]));
        want.push(...v);
      }
      const layer = new NonSpikingLIF({ tau, decayInput });
      const got = layer.forward(tf.tensor(x, [4, 1, 2])).dataSync();
      want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
      const steps = x.map((xt) => layer.step(tf.tensor(xt, [1, 2])).dataSync()).flatMap((a) => Array.from(a));
      want.forEach((w, i) => expect(steps[i]).toBeCloseTo(w, 5));
      layer.resetState();
      expect(layer.v).toBeNull();
    }
    expect(() => new NonSpikingLIF({ tau: 1 })).toThrowError(expect.objectContaining({ kind: 'invalid-options' }));
  });
});

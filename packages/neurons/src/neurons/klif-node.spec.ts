import { createSpikeflow, tf, type Tensor } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { randomMatrix, sigmoidPrimitive64 } from '../test-utils/reference.js';
import { disposeAfterEach, stepColumn } from '../test-utils/spec-helpers.js';
import { expectGradientsMatch, type Ref64 } from '../test-utils/grad-check.js';
import { KLIFNode } from './klif-node.js';
import { LIFNode } from './lif-node.js';

const track = disposeAfterEach();

const close = (actual: number[], expected: number[], tol = 1e-6) => actual.forEach((x, i) => expect(Math.abs(x - expected[i]), `${i}: ${x} vs ${expected[i]}`).toBeLessThan(tol));

describe('KLIFNode: hand-computed cases (τ = 2, V_th = 1)', () => {
  it('k = 2, hard reset: F = ReLU(2H) fires where LIF would not, and clips a negative membrane to 0', () => {
    const node = track(new KLIFNode({ initK: 2 }));
    // t0: H = 0.6/2 = 0.3, F = 0.6 → 0, V = F = 0.6 | t1: H = 0.6 + 0/2 = 0.6, F = 1.2 → 1, V = 0
    // t2: as t0, V 0.6 | t3: H = 0.6 + (−1 − 0.6)/2 = −0.2, F = ReLU(−0.4) = 0 → 0, V = 0
    const r = stepColumn(node, [0.6, 0.6, 0.6, -1]);
    expect(r.spikes).toEqual([0, 1, 0, 0]);
    close(r.v, [0.6, 0, 0.6, 0]);
    expect((node.forward(tf.tensor2d([[0.6], [0.6], [0.6], [-1]])).arraySync() as number[][]).flat()).toEqual([0, 1, 0, 0]);
  });

  it('k = 2, soft reset with scaleReset: V = (F − S·V_th)/k', () => {
    const node = track(new KLIFNode({ initK: 2, vReset: null, scaleReset: true }));
    // t0: H = 0.75, F = 1.5 → 1, V = 0.5/2 = 0.25 | t1: H = 0.25 + 1.25/2 = 0.875, F = 1.75 → 1, V = 0.375
    // t2: H = 0.375 + 1.125/2 = 0.9375, F = 1.875 → 1, V = 0.4375
    const r = stepColumn(node, [1.5, 1.5, 1.5]);
    expect(r.spikes).toEqual([1, 1, 1]);
    close(r.v, [0.25, 0.375, 0.4375]);
  });

  it('k = 1 on a non-negative membrane is LIF: same spikes and input gradients', () => {
    const xs = randomMatrix(8, 6, 0, 2.5, 3);
    const c = tf.tensor2d(randomMatrix(8, 6, -1, 1, 4));
    const run = (n: KLIFNode | LIFNode) =>
      tf.tidy(() => ({
        s: n.forward(tf.tensor2d(xs)).arraySync(),
        g: (
          tf
            .grad((x: Tensor) => tf.sum(tf.mul(n.forward(x), c)))(tf.tensor2d(xs))
            .arraySync() as number[][]
        ).flat(),
      }));
    const a = run(track(new KLIFNode()));
    const b = run(track(new LIFNode({ fused: false })));
    expect(a.s).toEqual(b.s);
    close(a.g, b.g, 1e-6);
    c.dispose();
  });
});

interface Cfg {
  readonly vReset: number | null;
  readonly scaleReset: boolean;
  readonly decayInput: boolean;
}

/** KLIF in float64 from the TSDoc equations; `p.k` is the scaling factor. */
function klifRef(cfg: Cfg, tau: number, vTh: number): Ref64 {
  return (xs, p, fire) => {
    const k = p.k[0];
    const vr = cfg.vReset ?? 0;
    const v = xs[0].map(() => vr);
    return xs.map((x) =>
      x.map((xk, j) => {
        const h = cfg.decayInput ? v[j] + (xk - (v[j] - vr)) / tau : v[j] - (v[j] - vr) / tau + xk;
        const f = Math.max(0, k * h);
        const s = fire(f - vTh);
        const base = cfg.scaleReset ? f / k : f;
        const th = cfg.scaleReset ? vTh / k : vTh;
        v[j] = cfg.vReset === null ? base - s * th : s * cfg.vReset + (1 - s) * base;
        return s;
      }),
    );
  };
}

const CFGS: Cfg[] = [
  { vReset: 0, scaleReset: false, decayInput: true },
  { vReset: null, scaleReset: false, decayInput: false },
  { vReset: 0.1, scaleReset: true, decayInput: true },
  { vReset: null, scaleReset: true, decayInput: true },
];

describe.each(CFGS)('KLIFNode gradients (vReset $vReset, scaleReset $scaleReset, decayInput $decayInput)', (cfg) => {
  it('spikes match the float64 loop; dL/dX and dL/dk match central differences through the surrogate', () => {
    const xs = randomMatrix(6, 5, 0.05, 2.2, 41);
    const c = randomMatrix(6, 5, -1, 1, 42);
    const node = track(new KLIFNode({ ...cfg, tau: 2.5, vThreshold: 1, surrogate: sigmoid() }));
    expectGradientsMatch(node, klifRef(cfg, 2.5, 1), xs, { k: [1.3] }, c, sigmoidPrimitive64(4));
  });
});

describe('KLIFNode options and registry', () => {
  it('rejects k = 0, tau ≤ 1 and non time-first inputs', () => {
    expectSpikeflowError(() => new KLIFNode({ initK: 0 }), 'invalid-options', /initK must be a finite non-zero number/);
    expectSpikeflowError(() => new KLIFNode({ tau: 0.5 }), 'invalid-options');
    const x = tf.zeros([4]);
    expectSpikeflowError(() => track(new KLIFNode()).forward(x), 'shape-mismatch');
    x.dispose();
  });

  it('is registered as neurons/klif; k is the trainable parameter', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    expect(sf.neurons.parseOptions('klif', {}).options).toMatchObject({ tau: 2, decayInput: true, scaleReset: false, initK: 1 });
    const node = track(sf.neuron('klif', { scaleReset: true, initK: 1.5, surrogate: 'atan' }) as KLIFNode);
    expect(node).toBeInstanceOf(KLIFNode);
    expect(node.namedParameters().map(([n]) => n)).toEqual(['k']);
    expect(node.describe()).toBe('KLIFNode(tau=2, k=1.5, scale_reset=true, v_th=1, v_reset=0, surrogate=atan(alpha=2))');
    expectSpikeflowError(() => sf.neuron('klif', { initK: 0 }), 'invalid-options');
  });
});

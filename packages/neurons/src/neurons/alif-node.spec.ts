import { createSpikeflow, tf, type Tensor } from '@spikeflow/core';
import { expectClose, expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { atan } from '../surrogates/atan.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { atanPrimitive64, randomMatrix, sigmoid64, sigmoidPrimitive64 } from '../test-utils/reference.js';
import { disposeAfterEach, expectSteps } from '../test-utils/spec-helpers.js';
import { expectGradientsMatch, runHard, softplus64, type Ref64 } from '../test-utils/grad-check.js';
import { ALIFNode } from './alif-node.js';
import { LIFNode } from './lif-node.js';

const track = disposeAfterEach();

describe('ALIFNode: hand-computed cases (τ = 2, ρ = 0.5, β = 0.5, V_th = 1)', () => {
  it('hard reset: the raised threshold silences every other step where LIF fires every step', () => {
    const node = track(new ALIFNode({ initRho: 0.5, initBeta: 0.5 }));
    // t0: θ = 1, H = 2.2/2 = 1.1 → S 1, V 0, a 1 | t1: θ = 1.5, H = 1.1 → 0, V 1.1, a 0.5
    // t2: θ = 1.25, H = 1.1 + 1.1/2 = 1.65 → 1, V 0, a 1.25 | t3: θ = 1.625, H 1.1 → 0, a 0.625
    // t4: θ = 1.3125, H = 1.65 → 1, a 1.3125
    const xs = [[2.2], [2.2], [2.2], [2.2], [2.2]];
    expectSteps(node, xs.flat(), { spikes: [1, 0, 1, 0, 1], v: [0, 1.1, 0, 1.1, 0], a: [1, 0.5, 1.25, 0.625, 1.3125] }, { abs: 1e-6 });
    expect((node.forward(tf.tensor2d(xs)).arraySync() as number[][]).flat()).toEqual([1, 0, 1, 0, 1]);
    const lif = track(new LIFNode({ fused: false }));
    expect((lif.forward(tf.tensor2d(xs)).arraySync() as number[][]).flat()).toEqual([1, 1, 1, 1, 1]);
  });

  it('soft reset subtracts the adapted threshold θ[t], not V_th', () => {
    const node = track(new ALIFNode({ initRho: 0.5, initBeta: 0.5, vReset: null }));
    // t0: θ 1, H 1.1 → 1, V 0.1 | t1: θ 1.5, H = 0.1 + 2.1/2 = 1.15 → 0, V 1.15
    // t2: θ 1.25, H = 1.15 + 1.05/2 = 1.675 → 1, V = 1.675 − 1.25 = 0.425
    // t3: θ 1.625, H = 0.425 + 1.775/2 = 1.3125 → 0, V 1.3125
    expectSteps(node, [2.2, 2.2, 2.2, 2.2], { spikes: [1, 0, 1, 0], v: [0.1, 1.15, 0.425, 1.3125] }, { abs: 1e-6 });
  });
});

interface Cfg {
  readonly name: string;
  readonly vReset: number | null;
  readonly decayInput: boolean;
  readonly surrogate: 'sigmoid' | 'atan';
}

/** ALIF in float64 from the TSDoc equations; raw parameters `rho` (ρ = σ) and `beta` (β = softplus). */
function alifRef(c: Cfg & { tau: number; vThreshold: number; rho?: number; beta?: number }): Ref64 {
  return (xs, p, fire) => {
    const rho = p.rho ? sigmoid64(p.rho[0]) : c.rho!;
    const beta = p.beta ? softplus64(p.beta[0]) : c.beta!;
    const vr = c.vReset ?? 0;
    let v = xs[0].map(() => vr);
    let a = xs[0].map(() => 0);
    return xs.map((x) => {
      const s: number[] = [];
      const nextV: number[] = [];
      x.forEach((xk, k) => {
        const theta = c.vThreshold + beta * a[k];
        const h = c.decayInput ? v[k] + (xk - (v[k] - vr)) / c.tau : v[k] - (v[k] - vr) / c.tau + xk;
        s.push(fire(h - theta));
        nextV.push(c.vReset === null ? h - s[k] * theta : s[k] * c.vReset + (1 - s[k]) * h);
      });
      a = a.map((ak, k) => rho * ak + s[k]);
      v = nextV;
      return s;
    });
  };
}

const CFGS: Cfg[] = [
  { name: 'hard reset, decayInput, sigmoid', vReset: 0, decayInput: true, surrogate: 'sigmoid' },
  { name: 'hard reset −0.2, no decayInput, atan', vReset: -0.2, decayInput: false, surrogate: 'atan' },
  { name: 'soft reset, decayInput, atan', vReset: null, decayInput: true, surrogate: 'atan' },
];

describe.each(CFGS)('ALIFNode gradients ($name)', (cfg) => {
  const xs = randomMatrix(6, 5, 0.2, 2.8, 11);
  const c = randomMatrix(6, 5, -1, 1, 12);
  const make = (extra: object = {}) =>
    track(
      new ALIFNode({
        tau: 2.5,
        vThreshold: 1,
        vReset: cfg.vReset,
        decayInput: cfg.decayInput,
        surrogate: cfg.surrogate === 'sigmoid' ? sigmoid() : atan(),
        ...extra,
      }),
    );
  const prim = cfg.surrogate === 'sigmoid' ? sigmoidPrimitive64(4) : atanPrimitive64(2);

  it('spikes match the float64 loop; dL/dX, dL/drho, dL/dbeta match central differences through the surrogate', () => {
    const node = make();
    const ref = alifRef({ ...cfg, tau: 2.5, vThreshold: 1 });
    expectGradientsMatch(node, ref, xs, { rho: [0.7], beta: [-0.4] }, c, prim);
  });

  it('frozen ρ is not a parameter (only beta trains); the reference with fixed ρ still matches', () => {
    const node = make({ learnRho: false, initRho: 0.8 });
    expect(node.namedParameters().map(([n]) => n)).toEqual(['beta']);
    const ref = alifRef({ ...cfg, tau: 2.5, vThreshold: 1, rho: 0.8 });
    expectGradientsMatch(node, ref, xs, { beta: [0.3] }, c, prim);
  });
});

describe('ALIFNode options, state and registry', () => {
  it('β frozen at 0 is plain LIF: same spikes and input gradients as LIFNode', () => {
    const xs = randomMatrix(8, 6, 0, 2, 5);
    const c = tf.tensor2d(randomMatrix(8, 6, -1, 1, 6));
    const alif = track(new ALIFNode({ initBeta: 0, learnBeta: false, learnRho: false }));
    const lif = track(new LIFNode({ fused: false }));
    const run = (n: ALIFNode | LIFNode) =>
      tf.tidy(() => ({
        s: n.forward(tf.tensor2d(xs)).arraySync(),
        g: tf
          .grad((x: Tensor) => tf.sum(tf.mul(n.forward(x), c)))(tf.tensor2d(xs))
          .arraySync() as number[][],
      }));
    const a = run(alif);
    const b = run(lif);
    expect(a.s).toEqual(b.s);
    expectClose(a.g.flat(), b.g.flat(), { abs: 1e-6 });
    expect(alif.namedParameters()).toEqual([]);
    c.dispose();
  });

  it('step() streams the same spikes as forward() and resetState() clears the adaptation', () => {
    const xs = randomMatrix(6, 3, 0.5, 2.5, 9);
    const node = track(new ALIFNode({ initRho: 0.6, initBeta: 0.4 }));
    const expected = runHard(alifRef({ name: '', vReset: 0, decayInput: true, surrogate: 'sigmoid', tau: 2, vThreshold: 1, rho: 0.6, beta: 0.4 }), xs, {}).spikes;
    expect(tf.tidy(() => node.forward(tf.tensor2d(xs)).arraySync())).toEqual(expected);
    const before = tf.memory().numTensors;
    const streamed = xs.map((row) => tf.tidy(() => Array.from(node.step(tf.tensor1d(row)).dataSync())));
    expect(streamed).toEqual(expected);
    expect(node.adaptation).not.toBeNull();
    node.resetState();
    expect(node.adaptation).toBeNull();
    expect(node.v).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and inputs with typed errors', () => {
    expectSpikeflowError(() => new ALIFNode({ initRho: 1 }), 'invalid-options', /initRho must be in \(0, 1\)/);
    expectSpikeflowError(() => new ALIFNode({ initBeta: 0 }), 'invalid-options', /initBeta must be > 0 when learned/);
    expectSpikeflowError(() => new ALIFNode({ initBeta: -1, learnBeta: false }), 'invalid-options');
    expectSpikeflowError(() => new ALIFNode({ tau: 1 }), 'invalid-options');
    const node = track(new ALIFNode());
    const x = tf.zeros([3]);
    expectSpikeflowError(() => node.forward(x), 'shape-mismatch');
    expectSpikeflowError(() => node.singleStep(x, x), 'not-supported');
    x.dispose();
  });

  it('is registered as neurons/alif with zod-validated options', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    expect(sf.neurons.parseOptions('alif', {}).options).toMatchObject({ tau: 2, initRho: 0.9, initBeta: 0.1, learnRho: true, learnBeta: true, vReset: 0 });
    const node = track(sf.neuron('neurons/alif', { initRho: 0.5, initBeta: 0.25, surrogate: 'atan', learnBeta: false }) as ALIFNode);
    expect(node).toBeInstanceOf(ALIFNode);
    expect(node.rho).toBeCloseTo(0.5, 6);
    expect(node.beta).toBe(0.25);
    expect(node.namedParameters().map(([n]) => n)).toEqual(['rho']);
    expect(node.describe()).toBe('ALIFNode(tau=2, rho=0.5, beta=0.25, learn_beta=false, v_th=1, v_reset=0, surrogate=atan(alpha=2))');
    const e = expectSpikeflowError(() => sf.neuron('alif', { initRho: 1.5 }), 'invalid-options');
    expect(e.message).toMatch(/initRho/);
  });
});

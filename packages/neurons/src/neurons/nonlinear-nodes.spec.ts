// QIF, EIF and Izhikevich: the explicit Euler updates of SpikingJelly's QIFNode, EIFNode and IzhikevichNode.
import { createSpikeflow, tf, type BaseNode, type Tensor } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { atan } from '../surrogates/atan.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { atanPrimitive64, randomMatrix, sigmoidPrimitive64 } from '../test-utils/reference.js';
import { disposeAfterEach, stepColumn } from '../test-utils/spec-helpers.js';
import { expectGradientsMatch, runHard, type Ref64 } from '../test-utils/grad-check.js';
import { EIFNode } from './eif-node.js';
import { IzhikevichNode } from './izhikevich-node.js';
import { QIFNode } from './qif-node.js';

const track = disposeAfterEach();

const close = (actual: number[], expected: number[], tol = 1e-5) => actual.forEach((x, i) => expect(Math.abs(x - expected[i]), `${i}: ${x} vs ${expected[i]}`).toBeLessThan(tol));

describe('hand-computed cases with SpikingJelly defaults', () => {
  it('QIF (τ 2, V_c 0.8, a₀ 1, V_rest 0, V_reset −0.1): starts at V_reset, the quadratic term accelerates the climb', () => {
    const node = track(new QIFNode());
    // t0: H = −0.1 + (1 + (−0.1)(−0.9))/2 = 0.445 | t1: H = 0.445 + (1 + 0.445·(−0.355))/2 = 0.8660125
    // t2: H = 0.8660125 + (1 + 0.8660125·0.0660125)/2 ≈ 1.3946 → fire, V = −0.1 | t3 = t0
    const r = stepColumn(node, [1, 1, 1, 1]);
    expect(r.spikes).toEqual([0, 0, 1, 0]);
    close(r.v, [0.445, 0.8660125, -0.1, 0.445]);
    expect((node.forward(tf.tensor2d([[1], [1], [1], [1]])).arraySync() as number[][]).flat()).toEqual([0, 0, 1, 0]);
  });

  it('EIF (τ 2, Δ_T 1, θ_rh 0.8, V_rest 0, V_reset −0.1)', () => {
    const node = track(new EIFNode());
    // t0: H = −0.1 + (1 + 0.1 + e^(−0.9))/2 = 0.65328483 | t1: H = 0.65328483 + (1 − 0.65328483 + e^(−0.14671517))/2
    //     = 1.25841237 → fire, V = −0.1 | t2 = t0
    const r = stepColumn(node, [1, 1, 1]);
    expect(r.spikes).toEqual([0, 1, 0]);
    close(r.v, [0.6532848298702997, -0.1, 0.6532848298702997]);
  });

  it('Izhikevich (a 0.5, b 0.2, τ_w 2; V_rest −0.1, V_reset 0): w follows H and jumps by b on a spike', () => {
    const node = track(new IzhikevichNode({ a: 0.5, b: 0.2, tauW: 2 }));
    // t0: H = (1.5 + 0.1·(−0.8) − 0)/2 = 0.71 → 0; w = (0.5·0.81)/2 = 0.2025
    // t1: H = 0.71 + (1.5 + 0.81·(−0.09) − 0.2025)/2 = 1.3223 → 1, V 0; w = 0.2025 + (0.5·1.4223 − 0.2025)/2 + 0.2 = 0.656825
    // t2: H = (1.5 − 0.08 − 0.656825)/2 = 0.3815875 → 0; w = 0.656825 + (0.5·0.4815875 − 0.656825)/2 = 0.448809375
    const out = tf.tidy(() => {
      let v: Tensor = tf.zeros([1]);
      let w: Tensor = tf.zeros([1]);
      return [1.5, 1.5, 1.5].map((x) => {
        const r = node.izhikevichStep(tf.tensor1d([x]), v, w);
        v = r.v;
        w = r.w;
        return [r.spikes.dataSync()[0], r.v.dataSync()[0], r.w.dataSync()[0]];
      });
    });
    expect(out.map((r) => r[0])).toEqual([0, 1, 0]);
    close(
      out.map((r) => r[1]),
      [0.71, 0, 0.3815875],
    );
    close(
      out.map((r) => r[2]),
      [0.2025, 0.656825, 0.448809375],
    );
  });
});

type Kind = 'qif' | 'eif' | 'izhikevich';

/** The three updates in float64, from the TSDoc equations (Izhikevich with a = 0.4, b = 0.3, τ_w = 3). */
function ref(kind: Kind, vReset: number | null): Ref64 {
  return (xs, _p, fire) => {
    const tau = 2.5;
    const start = vReset ?? 0;
    const v = xs[0].map(() => start);
    const w = xs[0].map(() => 0);
    return xs.map((x) =>
      x.map((xk, k) => {
        let h: number;
        if (kind === 'qif') h = v[k] + (xk + 1.2 * (v[k] - 0) * (v[k] - 0.7)) / tau;
        else if (kind === 'eif') h = v[k] + (xk - (v[k] - 0) + 0.8 * Math.exp((v[k] - 0.6) / 0.8)) / tau;
        else h = v[k] + (xk + 1 * (v[k] + 0.1) * (v[k] - 0.8) - w[k]) / tau;
        const s = fire(h - 1);
        if (kind === 'izhikevich') w[k] = w[k] + (0.4 * (h + 0.1) - w[k]) / 3 + 0.3 * s;
        v[k] = vReset === null ? h - s : s * vReset + (1 - s) * h;
        return s;
      }),
    );
  };
}

function make(kind: Kind, vReset: number | null, surrogate: 'sigmoid' | 'atan'): BaseNode {
  const common = { tau: 2.5, vReset, surrogate: surrogate === 'sigmoid' ? sigmoid() : atan() };
  if (kind === 'qif') return new QIFNode({ ...common, a0: 1.2, vC: 0.7 });
  if (kind === 'eif') return new EIFNode({ ...common, deltaT: 0.8, thetaRh: 0.6 });
  return new IzhikevichNode({ ...common, a: 0.4, b: 0.3, tauW: 3 });
}

describe.each([
  ['qif', -0.1, 'sigmoid'],
  ['qif', null, 'atan'],
  ['eif', -0.1, 'atan'],
  ['eif', null, 'sigmoid'],
  ['izhikevich', 0, 'sigmoid'],
  ['izhikevich', null, 'atan'],
] as const)('%s, vReset %s, %s surrogate', (kind, vReset, surrogate) => {
  const xs = randomMatrix(6, 5, 0, 1.6, 71);
  const c = randomMatrix(6, 5, -1, 1, 72);

  it('spikes match the float64 loop; dL/dX matches central differences through the surrogate', () => {
    const node = track(make(kind, vReset, surrogate));
    expectGradientsMatch(node, ref(kind, vReset), xs, {}, c, surrogate === 'sigmoid' ? sigmoidPrimitive64(4) : atanPrimitive64(2));
  });

  it('step() streams the same spikes as forward(), and resetState() restarts from rest', () => {
    const node = track(make(kind, vReset, surrogate));
    const expected = runHard(ref(kind, vReset), xs, {}).spikes;
    const before = tf.memory().numTensors;
    for (let round = 0; round < 2; round++) {
      const streamed = xs.map((row) => tf.tidy(() => Array.from(node.step(tf.tensor1d(row)).dataSync())));
      expect(streamed).toEqual(expected);
      node.resetState();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('validation and registry', () => {
  it('rejects what SpikingJelly asserts against, with typed errors', () => {
    expectSpikeflowError(() => new QIFNode({ tau: 1 }), 'invalid-options');
    expectSpikeflowError(() => new QIFNode({ a0: 0 }), 'invalid-options', /a0 must be a finite number > 0/);
    expectSpikeflowError(() => new QIFNode({ vRest: -0.5 }), 'invalid-options', /vRest \(-0.5\) must be ≥ vReset \(-0.1\)/);
    expectSpikeflowError(() => new EIFNode({ vReset: 1 }), 'invalid-options', /vThreshold \(1\) must be greater than vReset \(1\)/);
    expectSpikeflowError(() => new EIFNode({ deltaT: -1 }), 'invalid-options', /deltaT/);
    expectSpikeflowError(() => new IzhikevichNode({ tauW: 0 }), 'invalid-options', /tauW/);
    expect(() => new QIFNode({ vRest: -5, vReset: null }).dispose()).not.toThrow(); // soft reset: no V_rest ≥ V_reset check
    const izh = track(new IzhikevichNode());
    const x = tf.zeros([2]);
    expectSpikeflowError(() => izh.singleStep(x, x), 'not-supported');
    expectSpikeflowError(() => izh.forward(x), 'shape-mismatch');
    x.dispose();
  });

  it('registers neurons/qif, neurons/eif and neurons/izhikevich with SpikingJelly defaults', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    expect(sf.neurons.parseOptions('qif', {}).options).toMatchObject({ tau: 2, vC: 0.8, a0: 1, vRest: 0, vReset: -0.1, vThreshold: 1 });
    expect(sf.neurons.parseOptions('eif', {}).options).toMatchObject({ tau: 2, deltaT: 1, thetaRh: 0.8, vRest: 0, vReset: -0.1 });
    expect(sf.neurons.parseOptions('izhikevich', {}).options).toMatchObject({ tau: 2, vC: 0.8, a0: 1, vRest: -0.1, vReset: 0, wRest: 0, tauW: 2, a: 0, b: 0 });
    expect(track(sf.neuron('qif', {})).describe()).toBe('QIFNode(tau=2, v_c=0.8, a0=1, v_rest=0, v_th=1, v_reset=-0.1, surrogate=sigmoid(alpha=4))');
    expect(track(sf.neuron('eif', { vReset: null })) as EIFNode).toBeInstanceOf(EIFNode);
    const izh = track(sf.neuron('neurons/izhikevich', { a: 0.02, b: 0.2 }) as IzhikevichNode);
    expect([izh.a, izh.b, izh.vRest]).toEqual([0.02, 0.2, -0.1]);
    expectSpikeflowError(() => sf.neuron('eif', { deltaT: 0 }), 'invalid-options');
    expectSpikeflowError(() => sf.neuron('qif', { vRest: -1 }), 'invalid-options', /vRest/);
  });
});

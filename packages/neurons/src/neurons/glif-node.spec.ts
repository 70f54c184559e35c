import { createSpikeflow, manualSeed, tf } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { atan } from '../surrogates/atan.js';
import { atanPrimitive64, randomMatrix, sigmoid64 } from '../test-utils/reference.js';
import { disposeAfterEach } from '../test-utils/spec-helpers.js';
import { assignParams, expectGradientsMatch, type Params64, type Ref64 } from '../test-utils/grad-check.js';
import { GLIFNode } from './glif-node.js';

const track = disposeAfterEach();

const logit = (p: number) => Math.log(p / (1 - p));

/** GLIF in float64 from the TSDoc equations; every parameter raw (the model applies the sigmoid). */
const glifRef: Ref64 = (xs, p, fire) => {
  const at = (name: string, k: number) => sigmoid64(p[name].length === 1 ? p[name][0] : p[name][k]);
  const n = xs[0].length;
  const perStep = p.conduct.length / xs.length; // 1 (layer-wise) or C
  const u = new Array<number>(n).fill(0);
  const s = new Array<number>(n).fill(0);
  return xs.map((x, t) =>
    x.map((xk, k) => {
      const [alpha, beta, gamma, tau, vTh, vL, vR] = ['alpha', 'beta', 'gamma', 'tau', 'vThreshold', 'linearDecay', 'vSubreset'].map((name) => at(name, k));
      const g = sigmoid64(p.conduct[t * perStep + (perStep === 1 ? 0 : k)]);
      const input = xk * (1 - beta * (1 - g));
      const decay = 1 - alpha * (1 - tau);
      u[k] = decay * u[k] * (1 - gamma * s[k]) - (1 - alpha) * vL + input - (1 - gamma) * vR * s[k];
      s[k] = fire(u[k] - vTh);
      return s[k];
    }),
  );
};

describe('GLIFNode: hand-computed case', () => {
  it('gates α = β = γ = 0.5, τ = 0.5, V_th = 0.5, V_L = 0.1, V_R = 0.5, G = 0.5', () => {
    const node = track(new GLIFNode({ timeSteps: 4 }));
    const half = [0];
    assignParams(node, { alpha: half, beta: half, gamma: half, tau: half, vThreshold: half, linearDecay: [logit(0.1)], vSubreset: half, conduct: [0, 0, 0, 0] });
    // decay 1 − α(1 − τ) = 0.75, leak (1 − α)V_L = 0.05, reset (1 − γ)V_R = 0.25, I = 0.6·(1 − 0.5·0.5) = 0.45
    // t0: U = −0.05 + 0.45 = 0.4 → 0 | t1: U = 0.3 − 0.05 + 0.45 = 0.7 → 1
    // t2: U = 0.525·(1 − 0.5) − 0.05 + 0.45 − 0.25 = 0.4125 → 0 | t3: U = 0.309375 + 0.4 = 0.709375 → 1
    const x = tf.fill([4, 1], 0.6);
    expect((node.forward(x).arraySync() as number[][]).flat()).toEqual([0, 1, 0, 1]);
    x.dispose();
  });
});

describe.each([
  { name: 'layer-wise', channels: undefined },
  { name: 'channel-wise', channels: 3 },
])('GLIFNode gradients ($name)', ({ channels }) => {
  it('spikes match the float64 loop; dL/dX and dL/d(every parameter) match central differences', () => {
    const T = 5;
    const C = channels ?? 1;
    const xs = randomMatrix(T, 3, 0, 1.4, 91);
    const c = randomMatrix(T, 3, -1, 1, 92);
    const node = track(new GLIFNode({ timeSteps: T, channels, surrogate: atan() }));
    const vec = (...v: number[]) => (channels ? v : v.slice(0, 1));
    const p: Params64 = {
      alpha: vec(0.3, -0.4, 0.8),
      beta: vec(-0.2, 0.5, 0.1),
      gamma: vec(0.6, -0.3, 0.2),
      tau: vec(-0.9, -0.5, -1.2),
      vThreshold: vec(-0.1, 0.2, 0.05),
      linearDecay: vec(-2.5, -2, -3),
      vSubreset: vec(0.1, -0.3, 0.4),
      conduct: Array.from({ length: T * C }, (_, i) => 0.3 * Math.sin(i + 1)),
    };
    expectGradientsMatch(node, glifRef, xs, p, c, atanPrimitive64(2));
  });
});

describe('GLIFNode options, shapes and registry', () => {
  it("has SpikingJelly's parameter set and initial values; the gates come from the seeded generator", () => {
    manualSeed(7);
    const a = track(new GLIFNode({ timeSteps: 4, channels: 2 }));
    manualSeed(7);
    const b = track(new GLIFNode({ timeSteps: 4, channels: 2 }));
    expect(a.namedParameters().map(([n, v]) => [n, v.shape])).toEqual([
      ['alpha', [2]],
      ['beta', [2]],
      ['gamma', [2]],
      ['tau', [2]],
      ['vThreshold', [2]],
      ['linearDecay', [2]],
      ['vSubreset', [2]],
      ['conduct', [4, 2]],
    ]);
    expect(Array.from(a.alpha.dataSync())).toEqual(Array.from(b.alpha.dataSync()));
    for (const g of [a.alpha, a.beta, a.gamma]) for (const v of g.dataSync()) expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
    const sig = (v: tf.Variable) => Array.from(tf.tidy(() => tf.sigmoid(v).dataSync()));
    // τ₀ 0.25, V_th₀ 0.5, V_L₀ = 0.5/(2·4) = 0.0625, V_R₀ = V_th₀, G₀ 0.5
    for (const [v, want] of [
      [a.tau, 0.25],
      [a.vThreshold, 0.5],
      [a.linearDecay, 0.0625],
      [a.vSubreset, 0.5],
      [a.conduct, 0.5],
    ] as const) {
      for (const got of sig(v)) expect(got).toBeCloseTo(want, 6);
    }
  });

  it('rejects a wrong T, a wrong channel axis and bad options with typed errors', () => {
    const node = track(new GLIFNode({ timeSteps: 4, channels: 3 }));
    const x = tf.zeros([5, 2, 3]);
    const e = expectSpikeflowError(() => node.forward(x), 'shape-mismatch');
    expect(e.message).toMatch(/\[4, B, \.\.\.\], got shape \[5,2,3\]/);
    const y = tf.zeros([4, 2, 2]);
    expectSpikeflowError(() => node.forward(y), 'shape-mismatch', /last axis is 3/);
    x.dispose();
    y.dispose();
    expectSpikeflowError(() => new GLIFNode({ timeSteps: 0 }), 'invalid-options');
    expectSpikeflowError(() => new GLIFNode({ timeSteps: 4, initTau: 1.5 }), 'invalid-options', /initTau must be in \(0, 1\)/);
    expectSpikeflowError(() => new GLIFNode({ timeSteps: 4, channels: 0 }), 'invalid-options', /channels/);
  });

  it('is registered as neurons/glif and needs timeSteps', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    const node = track(sf.neuron('glif', { timeSteps: 6, channels: 4, surrogate: 'atan' }) as GLIFNode);
    expect(node).toBeInstanceOf(GLIFNode);
    expect(node.describe()).toBe('GLIFNode(T=6, channels=4, v_th=0.5, surrogate=atan(alpha=2))');
    const e = expectSpikeflowError(() => sf.neuron('glif', {}), 'invalid-options');
    expect(e.message).toMatch(/timeSteps/);
  });
});

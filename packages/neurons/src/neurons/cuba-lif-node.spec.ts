import { createSpikeflow, SpikeflowError, tf, type Tensor } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { atan } from '../surrogates/atan.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { atanGrad64, atanPrimitive64, randomMatrix, sigmoidGrad64, sigmoidPrimitive64 } from '../test-utils/reference.js';
import { bpttCuba, numericGradient, simulateCuba, smoothCubaLoss, type CubaRef } from '../test-utils/cuba-reference.js';
import { disposeAfterEach, expectSteps, matrix, stepRows, expectRowsClose } from '../test-utils/spec-helpers.js';
import { CubaLIFNode } from './cuba-lif-node.js';
import { IFNode } from './if-node.js';
import { LIFNode } from './lif-node.js';

const TOL = 1e-5;
const track = disposeAfterEach();

describe('CubaLIFNode: hand-computed cases', () => {
  // Each comment row is I[t], H[t] → S[t], V[t], worked out by hand from the equations in the TSDoc.
  it('τ_syn = τ_mem = 2, hard reset: the current outlives a spike and H = V_th fires', () => {
    const node = track(new CubaLIFNode({ tauSyn: 2, tauMem: 2 }));
    // I = 1, H = 1 → 1, V = 0 | I = 0.5, H = 0.5 → 0, 0.5 | I = 0.25 + 0.5 = 0.75, H = 0.25 + 0.75 = 1 → 1, 0
    // | I = 0.375 + 1 = 1.375, H = 1.375 → 1, 0 | I = 0.6875, H = 0.6875 → 0, 0.6875
    const xs = [[1], [0], [0.5], [1], [0]];
    expectSteps(node, xs.flat(), { spikes: [1, 0, 1, 1, 0], i: [1, 0.5, 0.75, 1.375, 0.6875], v: [0, 0.5, 0, 0, 0.6875] });
    expect(matrix(node.forward(tf.tensor2d(xs))).flat()).toEqual([1, 0, 1, 1, 0]);
  });

  it('τ_syn = 4, τ_mem = 2, soft reset: one input pulse fires four times through the decaying current', () => {
    const node = track(new CubaLIFNode({ tauSyn: 4, tauMem: 2, vReset: null }));
    // I = 2, H = 2 → 1, V = 1 | I = 1.5, H = 0.5 + 1.5 = 2 → 1, 1 | I = 1.125, H = 1.625 → 1, 0.625
    // | I = 0.84375, H = 0.3125 + 0.84375 = 1.15625 → 1, 0.15625 | I = 0.6328125, H = 0.7109375 → 0
    expectSteps(node, [2, 0, 0, 0, 0], { spikes: [1, 1, 1, 1, 0], i: [2, 1.5, 1.125, 0.84375, 0.6328125], v: [1, 1, 0.625, 0.15625, 0.7109375] });
  });

  it('V_reset = −0.5: starts there, resets there, and leaks towards 0 (multiplicative decay)', () => {
    const node = track(new CubaLIFNode({ tauSyn: 2, tauMem: 2, vReset: -0.5 }));
    // V0 = −0.5. I = 1, H = −0.25 + 1 = 0.75 → 0 | I = 1.5, H = 0.375 + 1.5 = 1.875 → 1, −0.5
    // | I = 0.75, H = −0.25 + 0.75 = 0.5 → 0, 0.5
    expectSteps(node, [1, 1, 0], { spikes: [0, 1, 0], v: [0.75, -0.5, 0.5] });
  });

  it('τ = ∞ means no decay; τ = 1 means no memory', () => {
    const noLeak = track(new CubaLIFNode({ tauSyn: Infinity, tauMem: Infinity, vThreshold: 10 }));
    // I = 1, 2, 3; V = 1, 3, 6
    expectSteps(noLeak, [1, 1, 1], { spikes: [0, 0, 0], i: [1, 2, 3], v: [1, 3, 6] });
    const memoryless = track(new CubaLIFNode({ tauSyn: 1, tauMem: 1, vThreshold: 10 }));
    expectSteps(memoryless, [1, 2, 0.5], { spikes: [0, 0, 0], i: [1, 2, 0.5], v: [1, 2, 0.5] });
  });
});

interface Config {
  readonly name: string;
  readonly tauSyn: number;
  readonly tauMem: number;
  readonly vReset: number | null;
  readonly vThreshold: number;
  readonly surrogate: 'sigmoid' | 'atan';
}

const CONFIGS: Config[] = [];
for (const [vName, vReset] of [
  ['hard V_reset=0', 0],
  ['hard V_reset=-0.3', -0.3],
  ['soft', null],
] as const) {
  CONFIGS.push({ name: `τ_syn=2.5 τ_mem=3 ${vName} sigmoid`, tauSyn: 2.5, tauMem: 3, vReset, vThreshold: 1, surrogate: 'sigmoid' });
  CONFIGS.push({ name: `τ_syn=5 τ_mem=1.5 ${vName} atan`, tauSyn: 5, tauMem: 1.5, vReset, vThreshold: 1.2, surrogate: 'atan' });
}

function makeNode(c: Config, detachReset: boolean): CubaLIFNode {
  const surrogate = c.surrogate === 'sigmoid' ? sigmoid({ alpha: 4 }) : atan({ alpha: 2 });
  return new CubaLIFNode({ tauSyn: c.tauSyn, tauMem: c.tauMem, vReset: c.vReset, vThreshold: c.vThreshold, detachReset, surrogate });
}

function makeRef(c: Config, detachReset: boolean): CubaRef {
  return {
    alpha: 1 - 1 / c.tauSyn,
    beta: 1 - 1 / c.tauMem,
    vThreshold: c.vThreshold,
    vReset: c.vReset,
    detachReset,
    surrogateGrad: c.surrogate === 'sigmoid' ? sigmoidGrad64(4) : atanGrad64(2),
    surrogatePrimitive: c.surrogate === 'sigmoid' ? sigmoidPrimitive64(4) : atanPrimitive64(2),
  };
}

const T = 6;
const N = 10;

describe.each(CONFIGS)('CubaLIFNode $name', (config) => {
  const xs = randomMatrix(T, N, -0.6, 1.1, 31);
  const cS = randomMatrix(T, N, -1, 1, 37);
  const cV = randomMatrix(T, N, -1, 1, 41);

  it('spikes, current and voltage match the float64 reference loop; forward() and step() agree', () => {
    const ref = simulateCuba(makeRef(config, false), xs);
    expect(ref.minMargin, 'inputs keep every H clear of the threshold').toBeGreaterThan(1e-4);
    const flat = ref.spikes.flat();
    expect(flat.some((s) => s === 1) && flat.some((s) => s === 0)).toBe(true);
    const node = track(makeNode(config, false));
    const r = stepRows(node, xs);
    expect(r.spikes).toEqual(ref.spikes);
    expectRowsClose(r.i, ref.i, TOL, 'I');
    expectRowsClose(r.v, ref.v, TOL, 'V');
    expect(matrix(tf.tidy(() => node.forward(tf.tensor2d(xs))))).toEqual(ref.spikes);
    const stepped = tf.tidy(() => xs.map((row) => Array.from(node.step(tf.tensor1d(row)).dataSync())));
    expect(stepped).toEqual(ref.spikes);
    expectRowsClose([Array.from(node.current!.dataSync())], [ref.i[T - 1]], TOL, 'final I');
    expectRowsClose([Array.from(node.v!.dataSync())], [ref.v[T - 1]], TOL, 'final V');
  });

  it.each([false, true])('BPTT of a spike + voltage loss equals finite differences of the smooth surrogate forward, and hand-written BPTT (detachReset=%s)', (detachReset) => {
    const node = track(makeNode(config, detachReset));
    const ref = makeRef(config, detachReset);
    const grad = tf.tidy(() => {
      const loss = (x: Tensor) => {
        let i: Tensor = tf.zeros([N]);
        let v: Tensor = tf.fill([N], node.vReset ?? 0);
        let total: Tensor = tf.scalar(0);
        tf.unstack(x).forEach((xt, t) => {
          const r = node.cubaStep(xt, i, v);
          total = tf.add(total, tf.add(tf.sum(tf.mul(r.spikes, tf.tensor1d(cS[t]))), tf.sum(tf.mul(r.v, tf.tensor1d(cV[t])))));
          i = r.i;
          v = r.v;
        });
        return total;
      };
      return matrix(tf.grad(loss)(tf.tensor2d(xs)));
    });
    const numeric = numericGradient(smoothCubaLoss(ref, xs, cS, cV), xs);
    expectRowsClose(grad, numeric, 1e-4, 'dL/dX vs finite differences');
    expectRowsClose(grad, bpttCuba(ref, xs, cS, cV), TOL, 'dL/dX vs hand BPTT');
    // The current's memory carries gradient too: dropping the α·I path backwards must be wrong.
    const withoutCurrentPath = bpttCuba(ref, xs, cS, cV, false);
    const gap = Math.max(...grad.flat().map((g, k) => Math.abs(g - withoutCurrentPath.flat()[k])));
    expect(gap).toBeGreaterThan(1e-2);
  });

  it('BPTT of a spike loss through forward() equals finite differences of the smooth forward', () => {
    const node = track(makeNode(config, false));
    const c = tf.tensor2d(cS);
    const grad = tf.tidy(() => matrix(tf.grad((x: Tensor) => tf.sum(tf.mul(node.forward(x), c)))(tf.tensor2d(xs))));
    c.dispose();
    expectRowsClose(grad, numericGradient(smoothCubaLoss(makeRef(config, false), xs, cS), xs), 1e-4, 'dL/dX');
    // step() builds the same graph: its gradient equals forward()'s.
    const viaStep = tf.tidy(() =>
      matrix(
        tf.grad((x: Tensor) => {
          node.resetState();
          return tf.sum(tf.mul(tf.stack(tf.unstack(x).map((xt) => node.step(xt))), tf.tensor2d(cS)));
        })(tf.tensor2d(xs)),
      ),
    );
    node.resetState();
    expectRowsClose(viaStep, grad, 1e-6, 'step vs forward gradient');
  });
});

describe('CubaLIFNode state handling', () => {
  const xs = randomMatrix(5, 4, 0, 1.2, 3);

  it('forward() starts from rest on every call and leaves no state; works on any trailing shape', () => {
    const node = track(new CubaLIFNode({ tauSyn: 3, tauMem: 2 }));
    const x3 = tf.tensor3d(xs.map((row) => [row.slice(0, 2), row.slice(2)]));
    const first = tf.tidy(() => node.forward(x3).arraySync()) as number[][][];
    const second = tf.tidy(() => node.forward(x3).arraySync());
    x3.dispose();
    expect(second).toEqual(first);
    expect(node.v).toBeNull();
    expect(node.current).toBeNull();
    expect(first.map((t) => t.flat())).toEqual(
      simulateCuba({ alpha: 2 / 3, beta: 0.5, vThreshold: 1, vReset: 0, detachReset: false, surrogateGrad: () => 0, surrogatePrimitive: () => 0 }, xs).spikes,
    );
  });

  it('resetState() clears the current as well as the voltage, so streaming restarts from rest', () => {
    const node = track(new CubaLIFNode({ tauSyn: 8, tauMem: 2, vThreshold: 5 }));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      node.step(tf.tensor1d([1, 1]));
      node.step(tf.tensor1d([1, 1]));
    });
    expect(Array.from(node.current!.dataSync())).toEqual([1.875, 1.875]); // 1·0.875 + 1
    node.resetState();
    expect(node.current).toBeNull();
    expect(node.v).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    tf.tidy(() => node.step(tf.tensor1d([1, 1])));
    expect(Array.from(node.current!.dataSync())).toEqual([1, 1]);
    node.resetState();
  });

  it("step() with τ_syn = 1 does not take ownership of the caller's input tensor", () => {
    const node = track(new CubaLIFNode({ tauSyn: 1, tauMem: 2 }));
    const x = tf.tensor1d([0.3, 0.4]);
    node.step(x).dispose();
    node.step(x).dispose();
    node.resetState();
    expect(x.isDisposed).toBe(false);
    expect(Array.from(x.dataSync())).toEqual([0.30000001192092896, 0.4000000059604645]);
    x.dispose();
  });

  it('singleStep(x, v) is refused: it cannot carry the current', () => {
    const node = track(new CubaLIFNode());
    const x = tf.zeros([2]);
    try {
      node.singleStep(x, x);
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'not-supported')).toBe(true);
      expect((e as Error).message).toMatch(/transition\(x, state\)/);
    }
    x.dispose();
  });
});

describe('CubaLIFNode reduces to LIF and IF when τ_syn = 1', () => {
  const xs = randomMatrix(8, 12, -0.4, 1.6, 17);
  const cS = randomMatrix(8, 12, -1, 1, 19);

  function spikesAndGrad(node: CubaLIFNode | LIFNode | IFNode): { spikes: number[][]; grad: number[][] } {
    return tf.tidy(() => {
      const x = tf.tensor2d(xs);
      const c = tf.tensor2d(cS);
      return { spikes: matrix(node.forward(x)), grad: matrix(tf.grad((v: Tensor) => tf.sum(tf.mul(node.forward(v), c)))(x)) };
    });
  }

  for (const vReset of [0, null] as const) {
    it(`τ_syn = 1, τ_mem = 3 is LIF(τ = 3, decayInput = false), vReset = ${vReset}: same spikes and gradients`, () => {
      const cuba = spikesAndGrad(track(new CubaLIFNode({ tauSyn: 1, tauMem: 3, vReset, surrogate: atan() })));
      const lif = spikesAndGrad(track(new LIFNode({ tau: 3, decayInput: false, vReset, surrogate: atan(), fused: false })));
      expect(cuba.spikes.flat().some((s) => s === 1)).toBe(true);
      expect(cuba.spikes).toEqual(lif.spikes);
      expectRowsClose(cuba.grad, lif.grad, 1e-6, 'dL/dX');
    });
  }

  it('with V_reset ≠ 0 they differ, as documented: LIF leaks towards V_reset, CUBA towards 0', () => {
    const node = track(new CubaLIFNode({ tauSyn: 1, tauMem: 2, vReset: -1 }));
    const lif = track(new LIFNode({ tau: 2, decayInput: false, vReset: -1, fused: false }));
    // From V = −1 with X = 1.4: CUBA H = −1/2 + 1.4 = 0.9; LIF H = −1 − (−1 − (−1))/2 + 1.4 = 0.4.
    expect(stepRows(node, [[1.4]]).v[0][0]).toBeCloseTo(0.9, 6);
    const lifV = tf.tidy(() => lif.singleStep(tf.tensor1d([1.4]), tf.tensor1d([-1])).v.dataSync()[0]);
    expect(lifV).toBeCloseTo(0.4, 6);
  });

  for (const vReset of [0, -0.3, null] as const) {
    it(`τ_syn = 1, τ_mem = ∞ is IFNode, vReset = ${vReset}: same spikes and gradients`, () => {
      const cuba = spikesAndGrad(track(new CubaLIFNode({ tauSyn: 1, tauMem: Infinity, vReset })));
      const ifn = spikesAndGrad(track(new IFNode({ vReset, fused: false })));
      expect(cuba.spikes.flat().some((s) => s === 1)).toBe(true);
      expect(cuba.spikes).toEqual(ifn.spikes);
      expectRowsClose(cuba.grad, ifn.grad, 1e-6, 'dL/dX');
    });
  }
});

describe('cuba-lif descriptor and describe()', () => {
  const sf = createSpikeflow({ plugins: [neurons()] });

  it('validates options with zod: defaults τ_syn 2, τ_mem 4 (SpikingJelly c_decay 0.5, v_decay 0.75)', () => {
    expect(sf.neurons.parseOptions('cuba-lif', {}).options).toEqual({
      vThreshold: 1,
      vReset: 0,
      detachReset: false,
      surrogate: 'sigmoid',
      surrogateOptions: {},
      tauSyn: 2,
      tauMem: 4,
    });
    const node = sf.neuron('neurons/cuba-lif', { tauSyn: 3, tauMem: 5, surrogate: 'atan', vReset: null }) as CubaLIFNode;
    expect(node).toBeInstanceOf(CubaLIFNode);
    expect([node.tauSyn, node.tauMem, node.vReset, node.surrogate.id]).toEqual([3, 5, null, 'neurons/atan']);
    expect(node.currentDecay).toBeCloseTo(2 / 3, 12);
    expect(node.voltageDecay).toBeCloseTo(0.8, 12);
    node.dispose();
  });

  it('rejects τ < 1 and unknown options, naming the option', () => {
    const e = expectSpikeflowError(() => sf.neuron('cuba-lif', { tauSyn: 0.5 }), 'invalid-options');
    expect(e.message).toMatch(/tauSyn must be at least 1[\s\S]*at tauSyn/);
    expectSpikeflowError(() => sf.neuron('cuba-lif', { tau: 2 }), 'invalid-options', /tau/);
    expect(() => new CubaLIFNode({ tauMem: 0.9 })).toThrowError(/CubaLIFNode: tauMem must be a number ≥ 1/);
    expect(() => new CubaLIFNode({ tauSyn: Number.NaN })).toThrowError(/tauSyn/);
  });

  it('describes itself SpikingJelly-style', () => {
    expect(track(new CubaLIFNode()).describe()).toBe('CubaLIFNode(tau_syn=2, tau_mem=4, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))');
    expect(track(new CubaLIFNode({ tauSyn: 1, tauMem: Infinity, vReset: null, surrogate: atan() })).describe()).toBe(
      'CubaLIFNode(tau_syn=1, tau_mem=Infinity, v_th=1, v_reset=null, surrogate=atan(alpha=2))',
    );
  });
});

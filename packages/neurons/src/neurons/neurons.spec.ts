import { tf, type BaseNode, type Tensor } from '@spikeflow/core';
import { describe, expect, it } from 'vitest';
import { atan } from '../surrogates/atan.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { bptt, randomMatrix, refIF, refLIF, simulate, sigmoidGrad64, atanGrad64, type RefModel } from '../test-utils/reference.js';
import { disposeAfterEach, expectSteps, matrix, stepRows, expectRowsClose } from '../test-utils/spec-helpers.js';
import { IFNode } from './if-node.js';
import { LIFNode } from './lif-node.js';
import { ParametricLIFNode } from './parametric-lif-node.js';

const TOL = 1e-5;
const track = disposeAfterEach();

describe('hand-computed multi-step cases', () => {
  // Each row of the comment is H[t] → S[t], V[t], worked out by hand from SpikingJelly's equations.
  it('IF, hard reset: H = V + X; a potential exactly at threshold fires', () => {
    const node = track(new IFNode());
    // 0.6→0,0.6 | 1.1→1,0 | 0.2→0,0.2 | 1.1→1,0 | 0.5→0,0.5 | 1.0→1,0 (H = V_th fires: x >= 0)
    const xs = [[0.6], [0.5], [0.2], [0.9], [0.5], [0.5]];
    const r = stepRows(node, xs);
    expect(r.spikes.flat()).toEqual([0, 1, 0, 1, 0, 1]);
    expectRowsClose(r.v, [[0.6], [0], [0.2], [0], [0.5], [0]]);
    expect(matrix(node.forward(tf.tensor2d(xs))).flat()).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it.each([
    // 0.6→0,0.6 | 1.1→1,0.1 | 0.3→0,0.3 | 1.2→1,0.2
    { name: 'IF, soft reset: V = H − S·V_th', make: () => new IFNode({ vReset: null }), xs: [0.6, 0.5, 0.2, 0.9], spikes: [0, 1, 0, 1], v: [0.6, 0.1, 0.3, 0.2] },
    // 0.75→0,0.75 | 1.125→1,0 | 0.2→0,0.2 | 1.1→1,0
    { name: 'LIF τ=2 with decay_input, hard reset: H = V + (X − V)/2', make: () => new LIFNode(), xs: [1.5, 1.5, 0.4, 2.0], spikes: [0, 1, 0, 1], v: [0.75, 0, 0.2, 0] },
    // 0.6→0,0.6 | 1.1→1,0 | 0.3→0,0.3 | 0.25→0,0.25
    {
      name: 'LIF τ=2 without decay_input, hard reset: H = V − V/2 + X',
      make: () => new LIFNode({ decayInput: false }),
      xs: [0.6, 0.8, 0.3, 0.1],
      spikes: [0, 1, 0, 0],
      v: [0.6, 0, 0.3, 0.25],
    },
    // V0 = −0.5. 1: −0.5 + (2 − 0)/2 = 0.5→0 | 2: 0.5 + (2.5 − 1)/2 = 1.25→1, −0.5 | 3: −0.5 + (0.5 − 0)/2 = −0.25→0
    {
      name: 'LIF τ=2 with V_reset = −0.5: starts at V_reset and leaks towards it',
      make: () => new LIFNode({ vReset: -0.5 }),
      xs: [2, 2.5, 0.5],
      spikes: [0, 1, 0],
      v: [0.5, -0.5, -0.25],
    },
    // 1: 0 + 2.4/2 = 1.2→1, 0.2 | 2: 0.2 + (1 − 0.2)/2 = 0.6→0 | 3: 0.6 + (2.2 − 0.6)/2 = 1.4→1, 0.4
    {
      name: 'LIF τ=2, soft reset, with decay_input: leaks towards 0 and subtracts V_th',
      make: () => new LIFNode({ vReset: null }),
      xs: [2.4, 1, 2.2],
      spikes: [1, 0, 1],
      v: [0.2, 0.6, 0.4],
    },
  ])('$name', ({ make, xs, spikes, v }) => {
    expectSteps(track(make()), xs, { spikes, v }, TOL);
  });

  it('PLIF starts with 1/τ = sigmoid(w0) = 1/initTau, so it matches LIF(τ = initTau)', () => {
    const plif = track(new ParametricLIFNode({ initTau: 2 }));
    expect(plif.w.dataSync()[0]).toBeCloseTo(0, 10); // −ln(2 − 1)
    const r = stepRows(plif, [[1.5], [1.5], [0.4], [2.0]]);
    expect(r.spikes.flat()).toEqual([0, 1, 0, 1]);
    expectRowsClose(r.v, [[0.75], [0], [0.2], [0]]);
    const plif3 = track(new ParametricLIFNode({ initTau: 3 }));
    expect(plif3.w.dataSync()[0]).toBeCloseTo(-Math.log(2), 6);
    expect(plif3.tau).toBeCloseTo(3, 5);
  });
});

/** The configurations compared against the float64 reference. */
interface Config {
  readonly name: string;
  make(detachReset: boolean): BaseNode;
  ref(detachReset: boolean): RefModel;
}

function configs(): Config[] {
  const out: Config[] = [];
  const resets: Array<[string, number | null]> = [
    ['hard V_reset=0', 0],
    ['hard V_reset=-0.3', -0.3],
    ['soft', null],
  ];
  for (const [resetName, vReset] of resets) {
    out.push({
      name: `IF ${resetName}`,
      make: (detachReset) => new IFNode({ vReset, detachReset, surrogate: sigmoid({ alpha: 4 }) }),
      ref: (detachReset) => refIF({ vReset, detachReset, surrogateGrad: sigmoidGrad64(4) }),
    });
    for (const decayInput of [true, false]) {
      out.push({
        name: `LIF τ=2.5 ${resetName} decayInput=${decayInput}`,
        make: (detachReset) => new LIFNode({ tau: 2.5, decayInput, vReset, detachReset, surrogate: atan({ alpha: 2 }) }),
        ref: (detachReset) => refLIF({ k: 1 / 2.5, decayInput, vReset, detachReset, surrogateGrad: atanGrad64(2) }),
      });
      out.push({
        name: `PLIF initTau=3 ${resetName} decayInput=${decayInput}`,
        make: (detachReset) => new ParametricLIFNode({ initTau: 3, decayInput, vReset, detachReset, vThreshold: 0.8, surrogate: sigmoid({ alpha: 4 }) }),
        ref: (detachReset) => refLIF({ k: 1 / 3, decayInput, vReset, detachReset, vThreshold: 0.8, surrogateGrad: sigmoidGrad64(4) }),
      });
    }
  }
  return out;
}

const T = 6;
const N = 10;

describe.each(configs())('$name', (config) => {
  const xs = randomMatrix(T, N, -0.5, 2.6, 7);
  const cS = randomMatrix(T, N, -1, 1, 11);
  const cV = randomMatrix(T, N, -1, 1, 13);

  it('spikes and membrane match the float64 reference loop', () => {
    const ref = simulate(config.ref(false), xs);
    expect(ref.minMargin, 'inputs keep every H clear of the threshold').toBeGreaterThan(1e-4);
    expect(ref.spikes.flat().some((s) => s === 1) && ref.spikes.flat().some((s) => s === 0)).toBe(true);
    const node = track(config.make(false));
    const r = stepRows(node, xs);
    expect(r.spikes).toEqual(ref.spikes);
    expectRowsClose(r.v, ref.v, TOL, 'V');
    expect(matrix(tf.tidy(() => node.forward(tf.tensor2d(xs))))).toEqual(ref.spikes);
  });

  it.each([false, true])('BPTT input gradient of a spike loss matches hand-written BPTT (detachReset=%s)', (detachReset) => {
    const node = track(config.make(detachReset));
    const expected = bptt(config.ref(detachReset), xs, cS).gradX;
    const grad = tf.tidy(() => {
      const c = tf.tensor2d(cS);
      return matrix(tf.grad((x: Tensor) => tf.sum(tf.mul(node.forward(x), c)))(tf.tensor2d(xs)));
    });
    expectRowsClose(grad, expected, TOL, 'dL/dX');
  });

  it.each([false, true])('BPTT input gradient of a spike + membrane loss matches hand-written BPTT (detachReset=%s)', (detachReset) => {
    const node = track(config.make(detachReset));
    const expected = bptt(config.ref(detachReset), xs, cS, cV).gradX;
    const grad = tf.tidy(() => {
      const loss = (x: Tensor) => {
        const steps = tf.unstack(x);
        let v: Tensor = tf.fill([N], node.vReset ?? 0);
        let total: Tensor = tf.scalar(0);
        steps.forEach((xt, t) => {
          const r = node.singleStep(xt, v);
          total = tf.add(total, tf.add(tf.sum(tf.mul(r.spikes, tf.tensor1d(cS[t]))), tf.sum(tf.mul(r.v, tf.tensor1d(cV[t])))));
          v = r.v;
        });
        return total;
      };
      return matrix(tf.grad(loss)(tf.tensor2d(xs)));
    });
    expectRowsClose(grad, expected, TOL, 'dL/dX');
  });

  it('detachReset changes the gradient but not the forward pass', () => {
    const a = track(config.make(false));
    const b = track(config.make(true));
    const [sa, sb, ga, gb] = tf.tidy(() => {
      const x = tf.tensor2d(xs);
      const c = tf.tensor2d(cS);
      const g = (node: BaseNode) => matrix(tf.grad((v: Tensor) => tf.sum(tf.mul(node.forward(v), c)))(x));
      return [matrix(a.forward(x)), matrix(b.forward(x)), g(a), g(b)];
    });
    expect(sa).toEqual(sb);
    expect(ga.flat().some((g, i) => Math.abs(g - gb.flat()[i]) > 1e-3)).toBe(true);
  });

  it('single-step mode: step() T times equals forward() on the sequence, in values and gradients', () => {
    const node = track(config.make(false));
    const multi = tf.tidy(() => matrix(node.forward(tf.tensor2d(xs))));
    const single = tf.tidy(() => xs.map((row) => Array.from(node.step(tf.tensor1d(row)).dataSync())));
    expect(single).toEqual(multi);
    const ref = simulate(config.ref(false), xs);
    expectRowsClose([Array.from(node.v!.dataSync())], [ref.v[T - 1]], TOL, 'final V');
    node.resetState();
    expect(node.v).toBeNull();
    // After resetState the next step starts from rest again.
    expect(tf.tidy(() => Array.from(node.step(tf.tensor1d(xs[0])).dataSync()))).toEqual(multi[0]);
    node.resetState();

    const c = tf.tensor2d(cS);
    const viaForward = tf.tidy(() => matrix(tf.grad((x: Tensor) => tf.sum(tf.mul(node.forward(x), c)))(tf.tensor2d(xs))));
    const viaStep = tf.tidy(() => {
      const g = tf.grad((x: Tensor) => {
        node.resetState();
        const out = tf.stack(tf.unstack(x).map((xt) => node.step(xt)));
        return tf.sum(tf.mul(out, c));
      })(tf.tensor2d(xs));
      return matrix(g);
    });
    node.resetState();
    c.dispose();
    expectRowsClose(viaStep, viaForward, 1e-6, 'step vs forward gradient');
  });

  it('forward() is stateless between calls and works on any trailing shape', () => {
    const node = track(config.make(false));
    const x3 = tf.tensor3d(xs.map((row) => [row.slice(0, 5), row.slice(5)]));
    const first = tf.tidy(() => node.forward(x3).arraySync());
    const second = tf.tidy(() => node.forward(x3).arraySync());
    x3.dispose();
    expect(second).toEqual(first);
    expect(node.v).toBeNull();
    const ref = simulate(config.ref(false), xs);
    expect((first as number[][][]).map((t) => t.flat())).toEqual(ref.spikes);
  });
});

describe('ParametricLIFNode parameter w', () => {
  const xs = randomMatrix(T, 4, -0.4, 1.4, 21);
  const cS = randomMatrix(T, 4, -1, 1, 23);
  const cV = randomMatrix(T, 4, -1, 1, 29);

  it('is one registered scalar parameter named w, initialised to −ln(initTau − 1)', () => {
    const node = track(new ParametricLIFNode({ initTau: 4 }));
    const params = node.namedParameters();
    expect(params.map(([name]) => name)).toEqual(['w']);
    expect(params[0][1].shape).toEqual([]);
    expect(node.parameterCount()).toBe(1);
    expect(node.w.dataSync()[0]).toBeCloseTo(-Math.log(3), 6);
    expect(node.tau).toBeCloseTo(4, 5);
  });

  for (const decayInput of [true, false]) {
    for (const vReset of [0, -0.3, null] as const) {
      it(`dL/dw of a smooth membrane loss matches finite differences (decayInput=${decayInput}, vReset=${vReset})`, () => {
        // V_th is out of reach, so no neuron fires and the loss is smooth in w; the surrogate plays no part.
        const node = track(new ParametricLIFNode({ initTau: 2.5, decayInput, vReset, vThreshold: 100 }));
        const lossTf = () =>
          tf.tidy(() => {
            let v: Tensor = tf.fill([4], vReset ?? 0);
            let total: Tensor = tf.scalar(0);
            xs.forEach((row, t) => {
              const r = node.singleStep(tf.tensor1d(row), v);
              total = tf.add(total, tf.sum(tf.mul(r.v, tf.tensor1d(cV[t]))));
              v = r.v;
            });
            return total as tf.Scalar;
          });
        const { value, grads } = tf.variableGrads(lossTf, [node.w]);
        const gradW = grads[node.w.name].dataSync()[0];
        value.dispose();
        tf.dispose(grads);

        // Float64 reference loss as a function of w, differentiated numerically.
        const ref = refLIF({ k: 0, decayInput, vReset, vThreshold: 100, surrogateGrad: () => 0 });
        const lossRef = (w: number) => {
          const run = simulate(ref, xs, 1 / (1 + Math.exp(-w)));
          return run.v.reduce((acc, row, t) => acc + row.reduce((a, vi, i) => a + vi * cV[t][i], 0), 0);
        };
        const w0 = node.w.dataSync()[0];
        const numeric = ((4 * (lossRef(w0 + 5e-5) - lossRef(w0 - 5e-5))) / 1e-4 - (lossRef(w0 + 1e-4) - lossRef(w0 - 1e-4)) / 2e-4) / 3;
        expect(Math.abs(numeric)).toBeGreaterThan(0.05);
        expect(Math.abs(gradW - numeric)).toBeLessThan(TOL * Math.max(1, Math.abs(numeric)));

        // Finite differences of the tf model itself (float32, so a looser tolerance).
        const h = 1e-2;
        const at = (w: number) => {
          node.w.assign(tf.scalar(w));
          const l = lossTf();
          const out = l.dataSync()[0];
          l.dispose();
          return out;
        };
        const numericTf = (at(w0 + h) - at(w0 - h)) / (2 * h);
        node.w.assign(tf.scalar(w0));
        expect(Math.abs(gradW - numericTf)).toBeLessThan(1e-3 * Math.max(1, Math.abs(numeric)));
      });
    }
  }

  for (const detachReset of [false, true]) {
    it(`dL/dw with spikes matches hand-written BPTT through the surrogate (detachReset=${detachReset})`, () => {
      const node = track(new ParametricLIFNode({ initTau: 2, detachReset, vThreshold: 0.6, surrogate: sigmoid() }));
      const ref = refLIF({ k: 0.5, vThreshold: 0.6, detachReset, surrogateGrad: sigmoidGrad64(4) });
      expect(simulate(ref, xs).minMargin).toBeGreaterThan(1e-4);
      const { gradK } = bptt(ref, xs, cS, cV);
      const expected = gradK * 0.5 * (1 - 0.5); // dk/dw = sigmoid'(0)
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(() => {
            let v: Tensor = tf.zeros([4]);
            let total: Tensor = tf.scalar(0);
            xs.forEach((row, t) => {
              const r = node.singleStep(tf.tensor1d(row), v);
              total = tf.add(total, tf.add(tf.sum(tf.mul(r.spikes, tf.tensor1d(cS[t]))), tf.sum(tf.mul(r.v, tf.tensor1d(cV[t])))));
              v = r.v;
            });
            return total as tf.Scalar;
          }),
        [node.w],
      );
      const gradW = grads[node.w.name].dataSync()[0];
      value.dispose();
      tf.dispose(grads);
      expect(Math.abs(expected)).toBeGreaterThan(0.05);
      expect(Math.abs(gradW - expected)).toBeLessThan(TOL * Math.max(1, Math.abs(expected)));
    });
  }
});

describe('constructor validation and describe()', () => {
  it('rejects tau ≤ 1 and initTau ≤ 1 with a SpikeflowError naming the option', () => {
    for (const make of [() => new LIFNode({ tau: 0.5 }), () => new LIFNode({ tau: 1 }), () => new LIFNode({ tau: Number.NaN })]) {
      try {
        make();
        expect.unreachable();
      } catch (e) {
        expect((e as { kind?: string }).kind).toBe('invalid-options');
        expect((e as Error).message).toMatch(/LIFNode: tau must be a finite number greater than 1/);
      }
    }
    expect(() => new ParametricLIFNode({ initTau: 1 })).toThrowError(/initTau must be/);
    expect(() => new IFNode({ vThreshold: Number.POSITIVE_INFINITY })).toThrowError(/vThreshold/);
  });

  it('describes itself the way SpikingJelly prints its modules', () => {
    expect(track(new LIFNode()).describe()).toBe('LIFNode(tau=2, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))');
    expect(track(new LIFNode({ tau: 3, decayInput: false, vReset: null, detachReset: true, surrogate: atan() })).describe()).toBe(
      'LIFNode(tau=3, decay_input=false, v_th=1, v_reset=null, detach_reset=true, surrogate=atan(alpha=2))',
    );
    expect(track(new IFNode({ vThreshold: 0.5 })).describe()).toBe('IFNode(v_th=0.5, v_reset=0, surrogate=sigmoid(alpha=4))');
    expect(track(new ParametricLIFNode({ initTau: 3 })).describe()).toBe('ParametricLIFNode(tau=3, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))');
  });

  it('defaults match SpikingJelly (tau 2, decay_input, V_th 1, V_reset 0, no detach, Sigmoid α=4)', () => {
    const lif = track(new LIFNode());
    expect([lif.tau, lif.decayInput, lif.vThreshold, lif.vReset, lif.detachReset]).toEqual([2, true, 1, 0, false]);
    expect(lif.surrogate.id).toBe('neurons/sigmoid');
    expect(lif.surrogate.params).toEqual({ alpha: 4 });
    const plif = track(new ParametricLIFNode());
    expect([plif.initTau, plif.decayInput, plif.vThreshold, plif.vReset]).toEqual([2, true, 1, 0]);
  });
});

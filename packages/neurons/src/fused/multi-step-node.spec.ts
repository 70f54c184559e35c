// The fused multi-step op against BaseNode's composed path (tf autograd through ~10 ops per step):
// spikes must be bit-identical, input gradients and PLIF's dL/dw equal within 1e-5 (relative for
// large values). Runs on the backend named by SPIKEFLOW_TEST_BACKEND (wasm by default, or cpu).
import { createSpikeflow, tf, type BaseNode, type SurrogateFunction } from '@spikeflow/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '@spikeflow/testing';
import { IFNode } from '../neurons/if-node.js';
import { LIFNode } from '../neurons/lif-node.js';
import { ParametricLIFNode } from '../neurons/parametric-lif-node.js';
import { neurons } from '../plugin.js';
import { atan } from '../surrogates/atan.js';
import { erf } from '../surrogates/erf.js';
import { piecewiseLeakyRelu } from '../surrogates/piecewise-leaky-relu.js';
import { piecewiseQuadratic } from '../surrogates/piecewise-quadratic.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { softSign } from '../surrogates/soft-sign.js';
import { superSpike } from '../surrogates/super-spike.js';
import { rect } from '../surrogates/rect.js';
import { piecewiseExp } from '../surrogates/piecewise-exp.js';
import { lcg } from '../test-utils/reference.js';
import { fusedForwardArrays, fusedMultiStep, type FusedNeuronParams } from './multi-step-node.js';
import { fusedByDefault } from './fused-forward.js';

const TOL = 1e-5;

type Model = 'if' | 'lif' | 'lif-nodecay' | 'plif' | 'plif-nodecay';

interface Case {
  readonly model: Model;
  readonly vReset: number | null;
  readonly detachReset: boolean;
  readonly vThreshold: number;
  readonly tau: number;
  readonly surrogate: () => SurrogateFunction;
  readonly surrogateName: string;
}

const SURROGATES: Array<[string, () => SurrogateFunction]> = [
  ['sigmoid', () => sigmoid()],
  ['atan', () => atan()],
  ['piecewise-quadratic', () => piecewiseQuadratic()],
  ['erf', () => erf()],
  ['soft-sign', () => softSign()],
  ['super-spike', () => superSpike()],
  ['piecewise-leaky-relu', () => piecewiseLeakyRelu()],
  ['rect', () => rect({ alpha: 0.5 })],
  ['piecewise-exp', () => piecewiseExp({ alpha: 1.5 })],
  ['sigmoid(alpha=7)', () => sigmoid({ alpha: 7 })],
  ['atan(alpha=3)', () => atan({ alpha: 3 })],
];

function makeNode(c: Case, fused: boolean, w?: number): BaseNode {
  const common = { vThreshold: c.vThreshold, vReset: c.vReset, detachReset: c.detachReset, surrogate: c.surrogate(), fused };
  switch (c.model) {
    case 'if':
      return new IFNode(common);
    case 'lif':
    case 'lif-nodecay':
      return new LIFNode({ ...common, tau: c.tau, decayInput: c.model === 'lif' });
    case 'plif':
    case 'plif-nodecay': {
      const node = new ParametricLIFNode({ ...common, initTau: c.tau, decayInput: c.model === 'plif' });
      if (w !== undefined) node.w.assign(tf.scalar(w));
      return node;
    }
  }
}

function randomArray(size: number, seed: number, lo: number, hi: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * next());
}

interface Result {
  spikes: Float32Array;
  gradX: Float32Array;
  gradW: number | null;
}

/** Spikes, dL/dX and (PLIF) dL/dw of `L = Σ c·S` through `node.forward`. */
function run(node: BaseNode, shape: number[], xData: Float32Array, cData: Float32Array): Result {
  const init = tf.tensor(xData, shape);
  const x = tf.variable(init, true, undefined, 'float32');
  init.dispose();
  const c = tf.tensor(cData, shape);
  let spikes: Float32Array | null = null;
  const plif = node instanceof ParametricLIFNode ? node : null;
  const vars = plif ? [x, plif.w] : [x];
  const { value, grads } = tf.variableGrads(() => {
    const s = node.forward(x);
    spikes = s.dataSync().slice() as Float32Array;
    return tf.sum(tf.mul(s, c)) as tf.Scalar;
  }, vars);
  const out: Result = {
    spikes: spikes!,
    gradX: grads[x.name].dataSync().slice() as Float32Array,
    gradW: plif ? grads[plif.w.name].dataSync()[0] : null,
  };
  value.dispose();
  tf.dispose(grads);
  x.dispose();
  c.dispose();
  return out;
}

function compare(c: Case, shape: number[], seed: number, scale = 1): { firingRate: number } {
  const size = shape.reduce((a, b) => a * b, 1);
  // Inputs mostly below threshold so spikes, silences and resets all occur (decayInput divides by τ).
  const gain = scale * (c.model === 'lif' ? c.tau : c.model === 'plif' ? 2.5 : 1);
  const xData = randomArray(size, seed, -0.6 * gain, 1.4 * gain);
  const cData = randomArray(size, seed + 7, -1, 1);
  const w = c.model.startsWith('plif') ? -0.4 + (seed % 5) * 0.3 : undefined;
  const fusedNode = makeNode(c, true, w);
  const composedNode = makeNode(c, false, w);
  const before = tf.memory().numTensors;
  const fused = run(fusedNode, shape, xData, cData);
  const composed = run(composedNode, shape, xData, cData);
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  fusedNode.dispose();
  composedNode.dispose();

  let mismatches = 0;
  let fired = 0;
  for (let i = 0; i < size; i++) {
    if (fused.spikes[i] !== composed.spikes[i]) mismatches++;
    fired += fused.spikes[i];
  }
  expect(mismatches, 'spikes differ from the composed path').toBe(0);
  expectClose(fused.gradX, composed.gradX, TOL, 'dL/dX');
  if (composed.gradW !== null) expectClose([fused.gradW!], [composed.gradW], TOL, 'dL/dw');
  return { firingRate: fired / size };
}

const MODELS: Model[] = ['if', 'lif', 'lif-nodecay', 'plif', 'plif-nodecay'];
const RESETS: Array<number | null> = [0, -0.3, null];
const CASES: Case[] = [];
let index = 0;
for (const model of MODELS) {
  for (const vReset of RESETS) {
    for (const detachReset of [false, true]) {
      const [surrogateName, surrogate] = SURROGATES[index % SURROGATES.length];
      CASES.push({ model, vReset, detachReset, vThreshold: index % 3 === 2 ? 0.8 : 1, tau: index % 2 === 0 ? 2 : 3.7, surrogate, surrogateName });
      index++;
    }
  }
}

const label = (c: Case) => `${c.model} vReset=${c.vReset} detachReset=${c.detachReset} vTh=${c.vThreshold} tau=${c.tau} ${c.surrogateName}`;

describe('fused multi-step neurons equal the composed path', () => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))('[T,B,N]: %s', (_, c, i) => {
    const { firingRate } = compare(c, [7, 3, 19], 100 + i);
    expect(firingRate).toBeGreaterThan(0.02);
    expect(firingRate).toBeLessThan(0.9);
  });

  it.each(CASES.map((c, i) => [label(c), c, i] as const))('[T,B,H,W,C]: %s', (_, c, i) => {
    compare(c, [4, 2, 3, 3, 5], 500 + i);
  });

  it.each(SURROGATES.map(([name, make]) => [name, make] as const))('every surrogate, LIF soft reset: %s', (name, make) => {
    compare({ model: 'lif', vReset: null, detachReset: false, vThreshold: 1, tau: 2, surrogate: make, surrogateName: name }, [6, 4, 11], 900);
    compare({ model: 'plif', vReset: 0, detachReset: false, vThreshold: 1, tau: 2, surrogate: make, surrogateName: name }, [6, 4, 11], 901);
  });

  it('large inputs (relative tolerance) and long sequences', () => {
    compare({ model: 'if', vReset: null, detachReset: false, vThreshold: 1, tau: 2, surrogate: () => atan(), surrogateName: 'atan' }, [32, 2, 9], 77, 25);
    compare({ model: 'plif-nodecay', vReset: -0.3, detachReset: false, vThreshold: 1, tau: 2, surrogate: () => sigmoid(), surrogateName: 'sigmoid' }, [32, 2, 9], 78, 10);
    compare({ model: 'lif', vReset: 0, detachReset: false, vThreshold: 1, tau: 3.7, surrogate: () => sigmoid(), surrogateName: 'sigmoid' }, [64, 2, 9], 79);
  });

  it('T = 1 (tfjs cannot differentiate the composed unstack of one step: compare with singleStep)', () => {
    const c: Case = { model: 'plif', vReset: -0.3, detachReset: false, vThreshold: 1, tau: 2, surrogate: () => atan(), surrogateName: 'atan' };
    const xData = randomArray(10, 5, -0.5, 3);
    const cData = randomArray(10, 6, -1, 1);
    const fusedNode = makeNode(c, true, 0.2) as ParametricLIFNode;
    const composedNode = makeNode(c, false, 0.2) as ParametricLIFNode;
    const before = tf.memory().numTensors;
    const fused = run(fusedNode, [1, 2, 5], xData, cData);
    const expected = tf.tidy(() => {
      const x = tf.tensor(xData, [2, 5]);
      const cT = tf.tensor(cData, [2, 5]);
      const v0 = tf.fill([2, 5], -0.3);
      const s = composedNode.singleStep(x, v0).spikes;
      const gx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(composedNode.singleStep(xi, v0).spikes, cT)))(x);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(composedNode.singleStep(x, v0).spikes, cT)) as tf.Scalar, [composedNode.w]);
      return { spikes: s.dataSync().slice(), gradX: gx.dataSync().slice(), gradW: grads[composedNode.w.name].dataSync()[0] };
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(fused.spikes)).toEqual(Array.from(expected.spikes));
    expect(fused.spikes.some((v) => v === 1) && fused.spikes.some((v) => v === 0)).toBe(true);
    expectClose(fused.gradX, expected.gradX, TOL, 'dL/dX');
    expectClose([fused.gradW!], [expected.gradW], TOL, 'dL/dw');
    fusedNode.dispose();
    composedNode.dispose();
  });

  it('a potential exactly at threshold fires (H = V_th)', () => {
    const node = new IFNode();
    const x = tf.tensor2d([[0.5], [0.5], [0.25]]);
    const s = node.forward(x);
    expect(Array.from(s.dataSync())).toEqual([0, 1, 0]);
    tf.dispose([x, s]);
  });
});

function fusedParams(node: BaseNode): { params: FusedNeuronParams; k: number } {
  const common = { vThreshold: node.vThreshold, vReset: node.vReset, detachReset: node.detachReset, surrogate: node.surrogate };
  if (node instanceof ParametricLIFNode) {
    const k = tf.tidy(() => tf.sigmoid(node.w).dataSync()[0]);
    return { params: { ...common, model: 'plif', w: node.w, decayInput: node.decayInput }, k };
  }
  if (node instanceof LIFNode) return { params: { ...common, model: 'lif', tau: node.tau, decayInput: node.decayInput }, k: 0 };
  return { params: { ...common, model: 'if' }, k: 0 };
}

describe('fused membrane is bit-identical to the composed float32 ops', () => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))('%s', (_, c, i) => {
    const T = 6;
    const n = 3000;
    const gain = c.model === 'lif' ? c.tau : c.model === 'plif' ? 2.5 : 1;
    const xData = randomArray(T * n, 1000 + i, -0.6 * gain, 1.4 * gain);
    const node = makeNode(c, false, c.model.startsWith('plif') ? 0.37 : undefined);
    const { params, k } = fusedParams(node);
    const hs = new Float32Array(T * n);
    const out = new Float32Array(T * n);
    const vs = new Float32Array(T * n);
    fusedForwardArrays(xData, T, params, k, hs, out, vs);
    // (Typed arrays are filled inside the tidy, never returned from it: tfjs would walk every element.)
    const composed = { vAll: new Float32Array(T * n), sAll: new Float32Array(T * n) };
    tf.tidy(() => {
      let v: tf.Tensor = tf.fill([n], c.vReset ?? 0);
      for (let t = 0; t < T; t++) {
        const r = node.singleStep(tf.tensor1d(xData.subarray(t * n, (t + 1) * n)), v);
        composed.vAll.set(r.v.dataSync(), t * n);
        composed.sAll.set(r.spikes.dataSync(), t * n);
        v = r.v;
      }
    });
    let badV = 0;
    let badS = 0;
    let badH = 0;
    for (let j = 0; j < T * n; j++) {
      if (!Object.is(vs[j], composed.vAll[j])) badV++;
      if (out[j] !== composed.sAll[j]) badS++;
      if (out[j] === 0 && !Object.is(hs[j], composed.vAll[j])) badH++;
    }
    expect({ badV, badS, badH }).toEqual({ badV: 0, badS: 0, badH: 0 });
    node.dispose();
  });
});

describe('fused op plumbing', () => {
  it('inference (no tape) leaks no tensors and keeps shape and dtype', () => {
    const node = new ParametricLIFNode({ fused: true, vReset: null });
    const x = tf.randomUniform([5, 2, 3, 4], -1, 2);
    const before = tf.memory().numTensors;
    const s = node.forward(x);
    expect(s.shape).toEqual([5, 2, 3, 4]);
    expect(s.dtype).toBe('float32');
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.tidy(() => {
      fusedMultiStep(x, { model: 'if', vThreshold: 1, vReset: 0, detachReset: false, surrogate: sigmoid() });
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    node.dispose();
  });

  it('firing-rate monitoring sees the fused output', () => {
    const node = new LIFNode();
    node.monitor = true;
    const x = tf.randomUniform([6, 4, 10], 0, 3, 'float32', 1);
    const s = node.forward(x);
    const expected = tf.tidy(() => tf.mean(s).dataSync()[0]);
    expect(node.takeFiringRate()).toBeCloseTo(expected, 6);
    tf.dispose([x, s]);
  });

  it('rejects input without a time axis like the composed path', () => {
    const x = tf.ones([4]);
    expect(() => new LIFNode().forward(x)).toThrow(/expects a time-first input/);
    expect(() => new LIFNode({ fused: false }).forward(x)).toThrow(/expects a time-first input/);
    x.dispose();
  });

  it('descriptors accept `fused` (unset: chosen by backend)', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    expect((sf.neuron('lif') as LIFNode).fused).toBeUndefined();
    // cpu: the JS recursion; wasm: the compiled SIMD kernels (always loadable from this package).
    expect(fusedByDefault()).toBe(tf.getBackend() === 'cpu' || tf.getBackend() === 'wasm');
    expect((sf.neuron('lif', { fused: true }) as LIFNode).fused).toBe(true);
    expect((sf.neuron('lif', { fused: false }) as LIFNode).fused).toBe(false);
    expect((sf.neuron('if', { fused: false }) as IFNode).fused).toBe(false);
    expect((sf.neuron('plif', { fused: false }) as ParametricLIFNode).fused).toBe(false);
    expect(() => sf.neuron('plif', { fused: 'yes' })).toThrow(/fused/);
    expect(new IFNode().fused).toBeUndefined();
  });

  it('the fused PLIF trains w through variableGrads like the composed one (one SGD step)', () => {
    const x = tf.randomUniform([5, 3, 7], -0.5, 2, 'float32', 11);
    const ws = [true, false].map((fused) => {
      const node = new ParametricLIFNode({ fused, vReset: null });
      const { value, grads } = tf.variableGrads(() => tf.sum(node.forward(x)) as tf.Scalar, [node.w]);
      const g = grads[node.w.name].dataSync()[0];
      tf.dispose([value, grads]);
      node.dispose();
      return g;
    });
    expect(Math.abs(ws[0] - ws[1])).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(ws[1])));
    x.dispose();
  });
});

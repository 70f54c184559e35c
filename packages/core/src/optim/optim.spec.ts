import { expectClose } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { SGD } from './sgd.js';
import { Adam, AdamW } from './adam.js';
import { cosineLr } from './schedule.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { useCompiledLayerKernels } from '../ops/wasm-ops.js';
import { onBackend } from '../ops/test-utils/compare.js';
import { Rng } from '../util/rng.js';

// Float64 references written from the PyTorch update rules.
function refSgd(p: number[], grads: number[][], lr: number, mom: number, wd: number, nesterov: boolean): number[] {
  let buf: number[] | null = null;
  for (const g0 of grads) {
    const g = g0.map((g, i) => g + wd * p[i]);
    buf = buf ? buf.map((b, i) => mom * b + g[i]) : g.slice();
    const d = nesterov ? g.map((gi, i) => gi + mom * buf![i]) : buf;
    p = p.map((pi, i) => pi - lr * d[i]);
  }
  return p;
}

function refAdam(p: number[], grads: number[][], lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean): number[] {
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  grads.forEach((g0, k) => {
    const t = k + 1;
    const g = decoupled ? g0 : g0.map((g, i) => g + wd * p[i]);
    if (decoupled) p = p.map((pi) => pi * (1 - lr * wd));
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    p = p.map((pi, i) => pi - (lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps)));
  });
  return p;
}

const p0 = [0.5, -1.25, 2, 0.125];
const grads = [
  [0.1, -0.2, 0.3, 0.05],
  [-0.4, 0.25, 0.1, 0.0],
  [0.3, 0.3, -0.2, 1.5],
];

type MakeOptimizer = (params: Array<[string, tf.Variable]>) => { step(g: Map<string, tf.Tensor>): void; dispose(): void };

/** The parameter after one optimizer step per gradient, starting from `init`. */
function run(make: MakeOptimizer, init: ArrayLike<number> = p0, gradients: ArrayLike<number>[] = grads): Float32Array {
  const w = tf.variable(tf.tensor(Array.from(init)));
  const opt = make([['w', w]]);
  for (const g of gradients) {
    const t = tf.tensor(Array.from(g));
    opt.step(new Map([['w', t]]));
    t.dispose();
  }
  const out = Float32Array.from(w.dataSync());
  w.dispose();
  opt.dispose();
  return out;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => expectClose(a, b, { abs: 1e-5 });

describe('optimizers match the PyTorch update rules', () => {
  it('SGD with momentum, weight decay and nesterov', () => {
    close(
      run((ps) => new SGD(ps, { lr: 0.1 })),
      refSgd(p0, grads, 0.1, 0, 0, false),
    );
    close(
      run((ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 1e-2 })),
      refSgd(p0, grads, 0.1, 0.9, 1e-2, false),
    );
    close(
      run((ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true })),
      refSgd(p0, grads, 0.05, 0.8, 0, true),
    );
  });

  it('Adam and AdamW', () => {
    close(
      run((ps) => new Adam(ps, { lr: 0.01 })),
      refAdam(p0, grads, 0.01, 0.9, 0.999, 1e-8, 0, false),
    );
    close(
      run((ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 })),
      refAdam(p0, grads, 0.01, 0.9, 0.999, 1e-8, 0.1, false),
    );
    close(
      run((ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 })),
      refAdam(p0, grads, 0.01, 0.9, 0.999, 1e-8, 0.1, true),
    );
  });

  it('the compiled wasm Adam/AdamW step is bit-identical to the composed tf ops', async () => {
    const rng = new Rng('adam-compiled');
    const n = 1001;
    const init = Float32Array.from({ length: n }, () => rng.normal());
    const gs = [0, 1, 2, 3].map(() => Float32Array.from({ length: n }, () => rng.normal() * 0.1));
    const steps = (compiled: boolean, make: MakeOptimizer) => {
      useCompiledLayerKernels(compiled);
      try {
        return run(make, init, gs);
      } finally {
        useCompiledLayerKernels(true);
      }
    };
    await onBackend('wasm', () => {
      for (const make of [
        (ps: Array<[string, tf.Variable]>) => new Adam(ps, { lr: 3e-3 }),
        (ps: Array<[string, tf.Variable]>) => new Adam(ps, { lr: 1e-2, weightDecay: 0.05 }),
        (ps: Array<[string, tf.Variable]>) => new AdamW(ps, { lr: 1e-2, weightDecay: 0.1 }),
      ]) {
        const a = steps(true, make);
        const b = steps(false, make);
        let diff = 0;
        for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) diff++;
        expect(diff).toBe(0);
      }
    });
  });

  it('state round-trips: a restored optimizer continues identically', () => {
    const w = tf.variable(tf.tensor(p0));
    const a = new Adam([['w', w]], { lr: 0.01 });
    a.step(new Map([['w', tf.tensor(grads[0])]]));
    const state = a.getState();
    const w2 = tf.variable(tf.tensor(Array.from(w.dataSync())));
    const b = new Adam([['w', w2]], { lr: 0.01 });
    b.setState(state);
    for (const g of grads.slice(1)) {
      a.step(new Map([['w', tf.tensor(g)]]));
      b.step(new Map([['w', tf.tensor(g)]]));
    }
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
    expect(() => new SGD([['w', w]], { lr: 0.1 }).setState(state)).toThrowError(/adam optimizer state, but the optimizer is sgd/);
  });

  it('rejects bad hyper-parameters and mismatched gradients', () => {
    const w = tf.variable(tf.zeros([2]));
    expect(() => new SGD([['w', w]], { lr: -1 })).toThrowError(SpikeflowError);
    expect(() => new Adam([['w', w]], { beta1: 1 })).toThrowError(/beta1/);
    expect(() => new SGD([['w', w]], { lr: 0.1 }).step(new Map([['w', tf.zeros([3])]]))).toThrowError(/shape \[3\].*\[2\]/);
  });
});

describe('Optimizer.step names', () => {
  it('refuses gradients keyed by names it does not hold instead of training nothing', () => {
    const w = tf.variable(tf.tensor([1, 2, 3]), true);
    const b = tf.variable(tf.tensor([0.5]), true);
    const opt = new SGD(
      [
        ['fc.weight', w],
        ['fc.bias', b],
      ],
      { lr: 0.1 },
    );
    // A hand-written loop that passes tf.variableGrads' result through (keyed by tfjs variable names).
    const { grads } = tf.variableGrads(() => tf.sum(tf.add(tf.sum(tf.square(w)), b)) as tf.Scalar, [w, b]);
    let caught: unknown;
    try {
      opt.step(new Map(Object.entries(grads)));
    } catch (e) {
      caught = e;
    }
    expect(SpikeflowError.is(caught, 'unknown-id')).toBe(true);
    const msg = (caught as Error).message;
    expect(msg).toContain(`'${w.name}' is the tfjs variable name of parameter 'fc.weight'`);
    expect(msg).toContain("it holds 'fc.weight', 'fc.bias'");
    // Nothing moved and no step was counted.
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
    expect(opt.steps).toBe(0);
    // A near miss gets a suggestion.
    expect(() => opt.step(new Map([['fc.weigth', tf.ones([3])]]))).toThrowError(/did you mean 'fc\.weight'\?/);
    // Keyed by parameter name it trains: p - lr * 2p.
    opt.step(
      new Map([
        ['fc.weight', grads[w.name]],
        ['fc.bias', undefined],
      ]),
    );
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.8, 1.6, 2.4][i], 6));
  });
});

describe('cosine schedule', () => {
  it('anneals from lr to minLr following (1 + cos(pi t / T)) / 2', () => {
    const s = cosineLr({ lr: 0.1, totalSteps: 100, minLr: 0.001 });
    expect(s.lrAt(0)).toBeCloseTo(0.1, 12);
    expect(s.lrAt(50)).toBeCloseTo(0.001 + (0.099 * (1 + Math.cos(Math.PI / 2))) / 2, 12);
    expect(s.lrAt(100)).toBeCloseTo(0.001, 12);
    const w = cosineLr({ lr: 1, totalSteps: 10, warmupSteps: 4 });
    expect([0, 1, 2, 3].map((t) => w.lrAt(t))).toEqual([0.25, 0.5, 0.75, 1]);
  });
});

// The neuron docs/plugins.md walks through: its text is the guide's, and it does what the guide says.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Linear, Sequential, SpikeflowError, detach, monitorMembrane, resetNet, selectBackend, setStepMode, standardDynamics, tf, type Tensor } from '@spikeflow/core';
import { atan } from '@spikeflow/neurons';
import { AdaptiveLIFNode } from './adaptive-lif-node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
beforeAll(async () => {
  await selectBackend('wasm');
});

/** The equations of the docs in float64, hard reset to 0, V_th = 1: spikes and v after each step, x as [T][N]. */
function reference(x: number[][], tauMem: number, tauAdapt: number, beta: number): { s: number[][]; v: number[][] } {
  const n = x[0].length;
  const v = new Float64Array(n);
  const a = new Float64Array(n);
  const s: number[][] = [];
  const vs: number[][] = [];
  for (const xt of x) {
    const st: number[] = [];
    for (let i = 0; i < n; i++) {
      const h = v[i] + (xt[i] - v[i]) / tauMem;
      const fired = h - (1 + beta * a[i]) >= 0 ? 1 : 0;
      v[i] = fired ? 0 : h;
      a[i] = a[i] * (1 - 1 / tauAdapt) + fired;
      st.push(fired);
    }
    s.push(st);
    vs.push(Array.from(v));
  }
  return { s, v: vs };
}

describe('docs/plugins.md: a real neuron', () => {
  it('the guide shows examples/adaptive-lif-node.ts verbatim', () => {
    const doc = readFileSync(path.join(here, '..', 'docs', 'plugins.md'), 'utf8');
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(readFileSync(path.join(here, 'adaptive-lif-node.ts'), 'utf8'));
  });

  it('follows its equations (float64 reference), adapts, and runs the same one step at a time', () => {
    const x = tf.randomUniform([12, 2, 5], 0, 3, 'float32', 3);
    const rows = (x.arraySync() as number[][][]).map((b) => b.flat());
    const ref = reference(rows, 2, 10, 0.5);
    const node = new AdaptiveLIFNode({ surrogate: atan(), tauMem: 2, tauAdapt: 10, beta: 0.5 });
    const net = new Sequential(node);
    const vMon = monitorMembrane(net, '0');
    const s = (net.forward(x).arraySync() as number[][][]).map((b) => b.flat());
    expect(s).toEqual(ref.s);
    vMon.records[0].dataSync().forEach((v, i) => expect(v).toBeCloseTo(ref.v.flat()[i], 5));
    // Adaptation makes a constant drive fire less often than plain LIF would.
    const constant = reference(Array(12).fill([3]), 2, 10, 0.5)
      .s.flat()
      .reduce((p, q) => p + q, 0);
    const plain = reference(Array(12).fill([3]), 2, 10, 0)
      .s.flat()
      .reduce((p, q) => p + q, 0);
    expect(constant).toBeLessThan(plain);

    setStepMode(net, 's');
    resetNet(net);
    const stepped = tf.concat(
      tf.split(x, 12, 0).map((xt) => net.forward(xt)),
      0,
    );
    expect((stepped.arraySync() as number[][][]).map((b) => b.flat())).toEqual(ref.s);
    expect(node.adaptation).not.toBeNull();
    resetNet(net);
    expect(node.v).toBeNull();
    expect(node.adaptation).toBeNull();
    setStepMode(net, 'm');
    vMon.remove();
  });

  it("passes the surrogate gradient: dS/dx at the first step is ATan's derivative / τ_m (analytic)", () => {
    const xs = [0.5, 1.9, 2.1, 4];
    const g = tf.grad((x: Tensor) => tf.sum(new AdaptiveLIFNode({ surrogate: atan(), tauMem: 2 }).forward(x)))(tf.tensor(xs, [1, 1, 4]));
    const alpha = 2;
    xs.forEach((x, i) => {
      const u = x / 2 - 1;
      expect(g.dataSync()[i]).toBeCloseTo(alpha / 2 / (1 + ((Math.PI / 2) * alpha * u) ** 2) / 2, 5);
    });
    // And trains weights before it.
    const fc = new Linear(3, 4);
    const grads = tf.variableGrads(() => tf.sum(new AdaptiveLIFNode({ surrogate: atan() }).forward(fc.forward(tf.ones([4, 2, 3])))) as tf.Scalar, [fc.weight]).grads;
    expect(Math.max(...Array.from(grads[fc.weight.name].dataSync()).map(Math.abs))).toBeGreaterThan(0);
  });

  it('is refused by chip exporters instead of being exported as plain LIF', () => {
    try {
      standardDynamics(new AdaptiveLIFNode({ surrogate: atan() }), 'fc1.neuron', 'Loihi');
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'not-supported')).toBe(true);
      expect((e as Error).message).toContain("'fc1.neuron'");
    }
  });

  it("the guide's table of tf ops without a useful gradient is what tfjs does", () => {
    const x = tf.tensor([-1.5, -0.2, 0.3, 1.7]);
    const grad = (f: (v: Tensor) => Tensor) =>
      Array.from(
        tf
          .grad((v: Tensor) => tf.sum(f(v)))(x)
          .dataSync(),
      );
    for (const f of [tf.floor, tf.round, tf.sign, tf.ceil, tf.step] as Array<(v: Tensor) => Tensor>) expect(grad(f)).toEqual([0, 0, 0, 0]);
    expect(grad((v) => tf.cast(tf.greaterEqual(v, 0), 'float32'))).toEqual([0, 0, 0, 0]);
    expect(() => grad((v) => tf.mul(v, tf.cast(tf.greater(v, 0), 'float32')))).toThrowError(/gradient function not found for Greater/);
    expect(() => grad((v) => tf.where(tf.greater(v, 0), v, tf.zerosLike(v)))).toThrowError(/gradient function not found/);
    // A cast to int32 and back passes the gradient straight through (tfjs' Cast gradient is the identity).
    expect(grad((v) => tf.cast(tf.cast(v, 'int32'), 'float32'))).toEqual([1, 1, 1, 1]);
    // The guide's straight-through rounding: rounds forward, gradient 1.
    const ste = (v: Tensor) => tf.add(v, detach(tf.sub(tf.round(v), v)));
    expect(Array.from(ste(x).dataSync()).map((v) => v + 0)).toEqual([-2, 0, 0, 2]);
    expect(grad(ste)).toEqual([1, 1, 1, 1]);
  });
});

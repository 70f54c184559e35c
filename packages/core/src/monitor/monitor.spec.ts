import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { expectSpikeflowError } from '@spikeflow/testing';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { BaseNode } from '../spike/base-node.js';
import { sigmoidSurrogate } from '../test-utils/fixtures.js';
import { manualSeed } from '../util/seed.js';
import { setStepMode } from '../functional/step-mode.js';
import { resetNet } from '../functional/reset-net.js';
import { monitorMembrane } from './monitor-membrane.js';
import { monitorSpikes } from './monitor-spikes.js';

class TestLIF extends BaseNode {
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, tf.div(tf.sub(x, v), 2));
  }
}

/** LIF τ=2, V_th=1, hard reset to 0, in float64: spikes and V after reset per step, `x` as [T][N]. */
function lifReference(x: number[][]): { s: number[][]; v: number[][] } {
  const n = x[0].length;
  let v = new Float64Array(n);
  const s: number[][] = [];
  const vs: number[][] = [];
  for (const xt of x) {
    const st: number[] = [];
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = v[i] + (xt[i] - v[i]) / 2;
      const fired = h >= 1 ? 1 : 0;
      st.push(fired);
      next[i] = fired ? 0 : h;
    }
    v = next;
    s.push(st);
    vs.push(Array.from(v));
  }
  return { s, v: vs };
}

function net(): Sequential {
  manualSeed(7);
  return new Sequential(new Flatten(), new Linear(16, 12), new TestLIF({ surrogate: sigmoidSurrogate() }), new Linear(12, 3));
}

const flat = (t: Tensor, T: number) => (t.arraySync() as number[][][]).map((b) => b.flat()).slice(0, T);

describe('monitorSpikes / monitorMembrane', () => {
  it("record a layer's spikes and membrane on every forward, matching a float64 LIF from the layer's input", () => {
    const model = net();
    const x = tf.mul(tf.randomUniform([6, 2, 4, 4, 1], 0, 1, 'float32', 5), 4);
    const input = monitorSpikes(model, '1'); // the Linear before the neuron: any layer's output
    const spikes = monitorSpikes(model, '2');
    const membrane = monitorMembrane(model, '2');
    tf.tidy(() => {
      model.forward(x);
    });
    model.forward(tf.zerosLike(x));
    expect(spikes.records.length).toBe(2);
    expect(membrane.records.length).toBe(2);
    expect(spikes.records[0].shape).toEqual([6, 2, 12]);
    expect(membrane.records[0].shape).toEqual([6, 2, 12]);
    const current = flat(input.records[0], 6);
    const ref = lifReference(current);
    expect(flat(spikes.records[0], 6)).toEqual(ref.s);
    expect(ref.s.flat().some((v) => v === 1)).toBe(true);
    const v = flat(membrane.records[0], 6).flat();
    ref.v.flat().forEach((want, i) => expect(v[i]).toBeCloseTo(want, 5));
    // Zero input: no spikes, the membrane stays at rest.
    expect(Math.max(...(spikes.records[1].dataSync() as Float32Array))).toBe(0);

    // Single-step mode records one step per call, with the state carried over.
    setStepMode(model, 's');
    spikes.clear();
    membrane.clear();
    resetNet(model);
    for (const xt of tf.split(x, 6, 0)) model.forward(xt);
    expect(spikes.records.length).toBe(6);
    expect(tf.concat(spikes.records, 0).arraySync()).toEqual(spikesOf(ref.s));
    const vStep = tf.concat(membrane.records, 0).dataSync();
    ref.v.flat().forEach((want, i) => expect(vStep[i]).toBeCloseTo(want, 5));
    setStepMode(model, 'm');

    for (const m of [input, spikes, membrane]) m.remove();
    expect(spikes.records.length).toBe(0);
    expect(spikes.active).toBe(false);
    for (const [, m] of model.namedModules()) expect(Object.hasOwn(m, 'forward')).toBe(false);
  });

  it('name the unknown layer and refuse a membrane where there is none', () => {
    const model = net();
    const e = expectSpikeflowError(() => monitorSpikes(model, 'fc1.lif'), 'unknown-id', "'fc1.lif'");
    expect(e.message).toContain('0, 1, 2, 3');
    expect(() => monitorMembrane(model, '1')).toThrowError(expect.objectContaining({ kind: 'not-supported' }));
  });
});

/** `[T][B·N]` reference spikes back to the `[T, B, N]` nesting of `arraySync`. */
function spikesOf(s: number[][]): number[][][] {
  return s.map((row) => [row.slice(0, 12), row.slice(12)]);
}

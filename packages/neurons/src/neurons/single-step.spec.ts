// Every neuron of the package, stepped one time step at a time, gives its multi-step output: the
// spikes of `forward` (fused or parallel where that is the fast path) and every state variable after
// each step of the unrolled transition (`trace`), to 1e-6. The full PSN is the one exception: it is
// not causal, and says so.
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { StatefulNeuron, createSpikeflow, tf, type Tensor } from '@spikeflow/core';
import { neuronDescriptors, neurons } from '../plugin.js';

const T = 6;
const sf = createSpikeflow({ plugins: [neurons()] });

/**
 * Options per neuron id (several cases for some; every registered neuron must appear), and the input
 * range when the default [−0.5, 2.5] would not make the (random) PSN weights fire.
 */
const CASES: ReadonlyArray<[string, Record<string, unknown>, [number, number]?]> = [
  ['if', {}],
  ['if', { vReset: null, fused: false }],
  ['lif', {}],
  ['lif', { vReset: null, decayInput: false, fused: true }],
  ['lif', { learnableThreshold: 'channel', channels: 3 }],
  ['plif', { initTau: 3, vReset: -0.2 }],
  ['cuba-lif', { tauSyn: 3, tauMem: 2 }],
  ['cuba-lif', { tauSyn: 1, vReset: null }],
  ['alif', { initBeta: 0.5 }],
  ['alif', { vReset: null, detachReset: true }],
  ['klif', { scaleReset: true }],
  ['glif', { timeSteps: T, channels: 3 }],
  ['izhikevich', { a: 0.5, b: 0.2, tauW: 3 }],
  ['qif', {}],
  ['eif', { vReset: null }],
  ['masked-psn', { timeSteps: T, order: 2, lambdaInit: 1 }, [-6, 6]],
  ['sliding-psn', { order: 3 }],
  ['sliding-psn', { order: 1, expInit: false }, [-6, 6]],
];

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('single-step mode equals multi-step mode for every neuron', () => {
  it('covers every neuron the plugin registers', () => {
    const covered = new Set(CASES.map(([id]) => id));
    const missing = neuronDescriptors.map((d) => d.id).filter((id) => id !== 'psn' && !covered.has(id));
    expect(missing).toEqual([]);
  });

  it.each(CASES)('%s %j: spikes and states after each step', (id, options, range = [-0.5, 2.5]) => {
    const node = sf.neuron(id, options) as StatefulNeuron;
    expect(node).toBeInstanceOf(StatefulNeuron);
    const x = tf.randomUniform([T, 2, 3], range[0], range[1], 'float32', 11);
    const multi = node.forward(x);
    const traced = node.trace(x);
    // Not a vacuous comparison: some neurons fire, some do not.
    const total = tf.sum(multi).dataSync()[0];
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(multi.size);
    expect(maxAbsDiff(traced.spikes, multi)).toBeLessThanOrEqual(1e-6);
    expect(Object.keys(traced.states).sort()).toEqual([...node.stateNames].sort());

    node.resetState();
    const xs = tf.unstack(x, 0);
    const ys = tf.unstack(multi, 0);
    xs.forEach((xt, t) => {
      const s = node.step(xt);
      expect(maxAbsDiff(s, ys[t]), `spikes at t=${t}`).toBeLessThanOrEqual(1e-6);
      for (const name of node.stateNames) {
        const expected = tf.tidy(() => tf.squeeze(tf.slice(traced.states[name], [t], [1]), [0]));
        expect(maxAbsDiff(node.stateOf(name)!, expected), `${name} at t=${t}`).toBeLessThanOrEqual(1e-6);
        expected.dispose();
      }
    });
    expect(node.stepCount).toBe(T);
    node.resetState();
    expect(node.state).toBeNull();
    expect(node.stepCount).toBe(0);
    node.dispose();
  });

  it('the full PSN refuses single-step mode with not-supported, saying why and what to use', () => {
    const psn = sf.neuron('psn', { timeSteps: T }) as StatefulNeuron;
    const e = expectSpikeflowError(() => psn.step(tf.zeros([2, 3])), 'not-supported');
    expect(e.message).toMatch(/not causal/);
    expect(e.message).toMatch(/MaskedPSN .*SlidingPSN/);
  });

  it('a masked PSN whose mask is not fully on refuses single steps, and one that ran T steps asks for a reset', () => {
    const masked = sf.neuron('masked-psn', { timeSteps: 2, order: 1, lambdaInit: 0.5 }) as StatefulNeuron & { lambda: number };
    expectSpikeflowError(() => masked.step(tf.zeros([1])), 'not-supported');
    masked.lambda = 1;
    masked.step(tf.zeros([1]));
    masked.step(tf.zeros([1]));
    expectSpikeflowError(() => masked.step(tf.zeros([1])), 'invalid-state', /resetNet/);
    masked.resetState();
    expect(() => masked.step(tf.zeros([1]))).not.toThrow();
  });
});

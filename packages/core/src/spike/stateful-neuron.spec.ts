import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { sigmoidSurrogate } from '../test-utils/fixtures.js';
import { spike } from './spike-fn.js';
import { StatefulNeuron, type NeuronTransition } from './stateful-neuron.js';

type TraceState = { readonly v: Tensor; readonly trace: Tensor; readonly last: Tensor };

/**
 * A toy neuron with three state variables: v (rest 0.25) integrates x and resets to 0 on a spike,
 * trace (rest 0) decays by half and counts spikes, last passes the input through unchanged.
 */
class TraceNeuron extends StatefulNeuron<TraceState> {
  constructor() {
    super();
    this.registerState('v', 0.25);
    this.registerState('trace', 0);
    this.registerState('last', (shape) => tf.zeros([...shape]));
  }

  transition(x: Tensor, { v, trace }: TraceState): NeuronTransition<TraceState> {
    const h = tf.add(v, x);
    const spikes = spike(tf.sub(h, 1), sigmoidSurrogate());
    return { spikes, state: { v: tf.mul(h, tf.sub(1, spikes)), trace: tf.add(tf.mul(trace, 0.5), spikes), last: x } };
  }
}

/** The same neuron in float64 for one unit: spikes and states after each step. */
function reference(xs: number[]): { s: number[]; v: number[]; trace: number[]; last: number[] } {
  let v = 0.25;
  let trace = 0;
  const out = { s: [] as number[], v: [] as number[], trace: [] as number[], last: [] as number[] };
  for (const x of xs) {
    const h = v + x;
    const s = h >= 1 ? 1 : 0;
    v = s ? 0 : h;
    trace = trace * 0.5 + s;
    out.s.push(s);
    out.v.push(v);
    out.trace.push(trace);
    out.last.push(x);
  }
  return out;
}

describe('StatefulNeuron: declared state, one transition, the loop in the base', () => {
  const xs = [0.5, 0.4, 0.3, 0.9, -0.2, 1.5];

  it('multi-step, trace and single-step agree with the float64 reference, from the declared rest values', () => {
    const node = new TraceNeuron();
    const ref = reference(xs);
    const x = tf.tensor(xs, [xs.length, 1]);
    expect(Array.from(node.forward(x).dataSync())).toEqual(ref.s);
    const { spikes, states } = node.trace(x);
    expect(Array.from(spikes.dataSync())).toEqual(ref.s);
    expect(Object.keys(states)).toEqual(['v', 'trace', 'last']);
    for (const name of ['v', 'trace', 'last'] as const) {
      Array.from(states[name].dataSync()).forEach((value, t) => expect(value).toBeCloseTo(ref[name][t], 6));
    }
    expect(node.state).toBeNull();
    xs.forEach((value, t) => {
      const input = tf.tensor([value]);
      expect(node.step(input).dataSync()[0]).toBe(ref.s[t]);
      // The input passed through as a state is a copy: the caller may dispose its tensor.
      input.dispose();
      expect(node.stateOf('last')!.dataSync()[0]).toBeCloseTo(value, 6);
      expect(node.stateOf('v')!.dataSync()[0]).toBeCloseTo(ref.v[t], 6);
      expect(node.stateOf('trace')!.dataSync()[0]).toBeCloseTo(ref.trace[t], 6);
      expect(node.stepCount).toBe(t + 1);
    });
    node.resetState();
    expect(node.state).toBeNull();
    expect(node.stepCount).toBe(0);
  });

  it('keeps no tensors alive beyond its state across steps and resets', () => {
    const node = new TraceNeuron();
    const x = tf.ones([2, 3]);
    node.step(x).dispose();
    const before = tf.memory().numTensors;
    for (let t = 0; t < 5; t++) node.step(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    node.resetState();
    expect(tf.memory().numTensors).toBe(before - 3);
    x.dispose();
  });

  it('checks the time-first layout once, refuses a state declared twice, and describes no dynamics by default', () => {
    const node = new TraceNeuron();
    let error: unknown;
    try {
      node.forward(tf.ones([3]));
    } catch (e) {
      error = e;
    }
    expect(SpikeflowError.is(error, 'shape-mismatch')).toBe(true);
    expect((error as Error).message).toMatch(/time-first input \[T, B, \.\.\.\], got shape \[3\]/);
    expect(() => (node as unknown as { registerState(n: string, i: number): void }).registerState('v', 0)).toThrowError(/'v' is registered twice/);
    expect(node.dynamics()).toBeUndefined();
  });
});

// core's standardDynamics (what chip exporters read) on every neuron of this package: the four models
// that describe their dynamics come out with their trained values, every other one is refused because
// it does not describe itself; a neuron outside the package is read by its description alone.
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { BaseNode, SpikeflowError, createSpikeflow, standardDynamics, tf, type NeuronDynamics, type Tensor } from '@spikeflow/core';
import { neurons } from '../plugin.js';
import { sigmoid } from '../surrogates/sigmoid.js';

const sf = createSpikeflow({ plugins: [neurons()] });
const node = (id: string, options: Record<string, unknown> = {}) => sf.neuron(id, options) as BaseNode;

describe('standardDynamics', () => {
  it('reads IF, LIF, PLIF (learned τ) and CUBA-LIF', () => {
    expect(standardDynamics(node('if', { vThreshold: 0.8 }), 'a', 'X')).toEqual({ kind: 'if', vThreshold: 0.8, vReset: 0 });
    expect(standardDynamics(node('lif', { tau: 3, decayInput: false, vReset: null }), 'a', 'X')).toEqual({ kind: 'lif', tau: 3, decayInput: false, vThreshold: 1, vReset: null });
    const plif = node('plif', { initTau: 2 }) as BaseNode & { w: { assign(v: unknown): void } };
    plif.w.assign(tf.scalar(-Math.log(4 - 1)));
    const d = standardDynamics(plif, 'a', 'X');
    expect(d.kind).toBe('lif');
    expect((d as { tau: number }).tau).toBeCloseTo(4, 5);
    expect(standardDynamics(node('cuba-lif', { tauSyn: 2, tauMem: 5 }), 'a', 'X')).toEqual({ kind: 'cuba', tauSyn: 2, tauMem: 5, vThreshold: 1, vReset: 0 });
  });

  it('gives the trained value of a learnable per-layer threshold, and refuses a per-channel one', () => {
    const n = node('lif', { learnableThreshold: 'layer' });
    const [, th] = n.namedParameters().find(([k]) => k === 'vThreshold')!;
    th.assign(tf.scalar(0.625));
    expect(standardDynamics(n, 'fc1', 'Loihi')).toMatchObject({ kind: 'lif', vThreshold: 0.625 });
    const c = node('if', { learnableThreshold: 'channel', channels: 3 });
    expect(() => standardDynamics(c, 'fc1', 'Loihi')).toThrow(/'fc1' .*per-channel threshold \(3 values\).*Loihi supports/);
  });

  it.each([
    ['alif', {}],
    ['klif', {}],
    ['glif', { timeSteps: 4 }],
    ['qif', {}],
    ['eif', {}],
    ['izhikevich', {}],
    ['psn', { timeSteps: 4 }],
    ['masked-psn', { timeSteps: 4, order: 2 }],
    ['sliding-psn', { order: 2 }],
  ])('refuses %s with not-supported', (id, options) => {
    let error: unknown;
    try {
      standardDynamics(node(id, options), 'layer3', 'SpiNNaker');
    } catch (e) {
      error = e;
    }
    expect(SpikeflowError.is(error, 'not-supported'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/neuron 'layer3' .*does not describe its dynamics.*SpiNNaker supports IF, LIF, PLIF and CUBA-LIF/);
  });
});

/** A third-party LIF-like neuron: a `tau` field, a plain LIF charge, and a description only when asked. */
class PluginNeuron extends BaseNode {
  constructor(
    readonly tau: number,
    private readonly describes: boolean,
    extraParameter = false,
  ) {
    super({ surrogate: sigmoid() });
    if (extraParameter) this.registerParameter('gain', tf.scalar(1));
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, tf.div(tf.sub(x, v), this.tau));
  }

  override dynamics(): NeuronDynamics | undefined {
    if (!this.describes) return undefined;
    return { kind: 'lif', tau: this.tau, decayInput: true, ...this.thresholdDynamics() };
  }

  override describe(): string {
    return `LIFNode(tau=${this.tau})`; // named like ours on purpose: names are not read
  }
}

describe('standardDynamics reads only the description', () => {
  it('refuses a neuron with a tau field but no description, naming the layer', () => {
    const e = expectSpikeflowError(() => standardDynamics(new PluginNeuron(3, false), 'block.2', 'Loihi'), 'not-supported');
    expect(e.message).toMatch(/neuron 'block\.2' \(LIFNode\(tau=3\)\) does not describe its dynamics/);
  });

  it('reads a described third-party neuron whatever its class', () => {
    expect(standardDynamics(new PluginNeuron(3, true), 'a', 'X')).toEqual({ kind: 'lif', tau: 3, decayInput: true, vThreshold: 1, vReset: 0 });
  });

  it('refuses a learnable parameter the description does not account for', () => {
    expectSpikeflowError(() => standardDynamics(new PluginNeuron(3, true, true), 'a', 'X'), 'not-supported', /learnable parameter 'gain'/);
  });

  it('the described neurons state their kind, reset and learnable parameters', () => {
    expect(node('plif').dynamics()).toMatchObject({ kind: 'lif', reset: { kind: 'hard', vReset: 0 }, learnable: [{ parameter: 'w', role: 'tau', shape: [] }] });
    expect(node('if', { vReset: null, learnableThreshold: 'channel', channels: 2 }).dynamics()).toEqual({
      kind: 'if',
      vThreshold: [1, 1],
      reset: { kind: 'soft' },
      learnable: [{ parameter: 'vThreshold', role: 'threshold', shape: [2] }],
    });
    expect(node('cuba-lif', { tauSyn: 3, tauMem: 5, vReset: -0.5 }).dynamics()).toEqual({
      kind: 'cuba-lif',
      tauSyn: 3,
      tauMem: 5,
      vThreshold: 1,
      reset: { kind: 'hard', vReset: -0.5 },
      learnable: [],
    });
    for (const id of ['alif', 'klif', 'qif', 'eif', 'izhikevich']) expect(node(id).dynamics(), id).toBeUndefined();
  });
});

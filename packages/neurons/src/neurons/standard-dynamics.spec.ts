// core's standardDynamics (what chip exporters read) on every neuron of this package: the four models
// chips implement come out with their trained values, every other one is refused by name or parameter.
import { describe, expect, it } from 'vitest';
import { BaseNode, SpikeflowError, createSpikeflow, standardDynamics, tf } from '@spikeflow/core';
import { neurons } from '../plugin.js';

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
    ['alif', {}], ['klif', {}], ['glif', { timeSteps: 4 }], ['qif', {}], ['eif', {}], ['izhikevich', {}],
    ['psn', { timeSteps: 4 }], ['masked-psn', { timeSteps: 4, order: 2 }], ['sliding-psn', { order: 2 }],
  ])('refuses %s with not-supported', (id, options) => {
    let error: unknown;
    try {
      standardDynamics(node(id, options), 'layer3', 'SpiNNaker');
    } catch (e) {
      error = e;
    }
    expect(SpikeflowError.is(error, 'not-supported'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/neuron 'layer3' .*SpiNNaker supports IF, LIF, PLIF and CUBA-LIF/);
  });
});

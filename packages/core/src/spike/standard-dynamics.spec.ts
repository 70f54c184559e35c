import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import type { NeuronDynamics } from '../contracts/neuron.js';
import { expectSpikeflowError } from '@spikeflow/testing';
import { TestIF, sigmoidSurrogate } from '../test-utils/fixtures.js';
import { BaseNode } from './base-node.js';
import { standardDynamics } from './standard-dynamics.js';

/** A neuron that says whatever description it is given (class and fields are not what is read). */
class Described extends BaseNode {
  readonly tau = 7;
  constructor(
    private readonly description: NeuronDynamics | undefined,
    vReset: number | null = 0,
  ) {
    super({ surrogate: sigmoidSurrogate(), vReset });
  }
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
  override dynamics(): NeuronDynamics | undefined {
    return this.description;
  }
}

describe('standardDynamics reads the description a neuron opts into', () => {
  const common = { vThreshold: 0.75, reset: { kind: 'hard', vReset: -0.25 }, learnable: [] } as const;

  it('maps each described kind, the reset and the threshold', () => {
    expect(standardDynamics(new Described({ kind: 'if', ...common }), 'a', 'X')).toEqual({ kind: 'if', vThreshold: 0.75, vReset: -0.25 });
    expect(standardDynamics(new Described({ kind: 'lif', tau: 3, decayInput: false, ...common, reset: { kind: 'soft' } }), 'a', 'X')).toEqual({
      kind: 'lif',
      tau: 3,
      decayInput: false,
      vThreshold: 0.75,
      vReset: null,
    });
    expect(standardDynamics(new Described({ kind: 'cuba-lif', tauSyn: 2, tauMem: 5, ...common }), 'a', 'X')).toEqual({
      kind: 'cuba',
      tauSyn: 2,
      tauMem: 5,
      vThreshold: 0.75,
      vReset: -0.25,
    });
  });

  it('refuses a neuron without a description, whatever its fields, naming the layer and the target', () => {
    expectSpikeflowError(
      () => standardDynamics(new Described(undefined), 'net.3', 'Loihi'),
      'not-supported',
      /^neuron 'net\.3' \(.*\) does not describe its dynamics.*Loihi supports/,
    );
    expectSpikeflowError(() => standardDynamics(new TestIF({ surrogate: sigmoidSurrogate() }), 'fc', 'SpiNNaker'), 'not-supported', /'fc'.*does not describe/);
  });

  it('refuses a per-channel threshold and parameters the description does not account for', () => {
    expectSpikeflowError(() => standardDynamics(new Described({ kind: 'if', ...common, vThreshold: [1, 2] }), 'a', 'X'), 'not-supported', /per-channel threshold \(2 values\)/);
    const extra = new Described({ kind: 'if', ...common });
    (extra as unknown as { registerParameter(n: string, t: Tensor): unknown }).registerParameter('gain', tf.scalar(1));
    expectSpikeflowError(() => standardDynamics(extra, 'a', 'X'), 'not-supported', /learnable parameter 'gain' \[\]/);
  });
});

import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import type { NeuronDynamics } from '../contracts/neuron.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
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

function refusal(fn: () => unknown): SpikeflowError {
  try {
    fn();
  } catch (e) {
    if (SpikeflowError.is(e, 'not-supported')) return e;
    throw e;
  }
  throw new Error('expected a not-supported SpikeflowError');
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
    const e = refusal(() => standardDynamics(new Described(undefined), 'net.3', 'Loihi'));
    expect(e.message).toMatch(/^neuron 'net\.3' \(.*\) does not describe its dynamics.*Loihi supports/);
    expect(refusal(() => standardDynamics(new TestIF({ surrogate: sigmoidSurrogate() }), 'fc', 'SpiNNaker')).message).toMatch(/'fc'.*does not describe/);
  });

  it('refuses a per-channel threshold and parameters the description does not account for', () => {
    expect(refusal(() => standardDynamics(new Described({ kind: 'if', ...common, vThreshold: [1, 2] }), 'a', 'X')).message).toMatch(/per-channel threshold \(2 values\)/);
    const extra = new Described({ kind: 'if', ...common });
    (extra as unknown as { registerParameter(n: string, t: Tensor): unknown }).registerParameter('gain', tf.scalar(1));
    expect(refusal(() => standardDynamics(extra, 'a', 'X')).message).toMatch(/learnable parameter 'gain' \[\]/);
  });
});

// What ALIF and KLIF share: LIFNode's membrane (τ, decayInput and SpikingJelly's LIF charge) under a
// spike and reset of their own.
import { BaseNode, tf, type Tensor } from '@spikeflow/core';
import { baseNodeOptions, requireTau, type NodeConstructorOptions } from './node-options.js';

/** Constructor options of a neuron with LIFNode's membrane. */
export type LIFChargeNodeOptions = NodeConstructorOptions & {
  /** Membrane time constant τ > 1 (default 2), as LIFNode's. */
  readonly tau?: number;
  /** Whether the input is divided by τ too (default true), as LIFNode's `decayInput`. */
  readonly decayInput?: boolean;
};

/**
 * A charge–fire–reset neuron that charges as SpikingJelly's LIFNode; subclasses add their own
 * parameters, states, spike or reset.
 */
export abstract class LIFChargeNode<S extends { readonly v: Tensor } = { readonly v: Tensor }> extends BaseNode<S> {
  readonly tau: number;
  readonly decayInput: boolean;

  constructor(owner: string, options: LIFChargeNodeOptions) {
    super(baseNodeOptions(options));
    this.tau = requireTau(owner, 'tau', options.tau ?? 2);
    this.decayInput = options.decayInput ?? true;
  }

  /** `H = V + (X − (V − V_reset))/τ` with `decayInput`, else `H = V − (V − V_reset)/τ + X`; a soft reset (`vReset` null) leaks towards 0. */
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const leak = this.vReset === null || this.vReset === 0 ? v : tf.sub(v, this.vReset);
    if (this.decayInput) return tf.add(v, tf.div(tf.sub(x, leak), this.tau));
    return tf.add(tf.sub(v, tf.div(leak, this.tau)), x);
  }
}

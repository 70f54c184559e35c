// What QIF and EIF share: SpikingJelly's defaults and checks for its nonlinear integrate-and-fire
// neurons (τ, V_rest, V_reset = −0.1 by default, V_th > V_reset and V_rest ≥ V_reset with a hard reset).
import { BaseNode, SpikeflowError } from '@spikeflow/core';
import { z } from 'zod';
import { baseNodeOptions, requireTau, spikingNodeOptionsShape, tauOptionShape, type NodeConstructorOptions } from './node-options.js';

/** Constructor options every nonlinear IF neuron takes. */
export type NonlinearIFNodeOptions = NodeConstructorOptions & {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Resting potential V_rest (default 0). */
  readonly vRest?: number;
};

/** The descriptor options every nonlinear IF neuron takes, with SpikingJelly's defaults (V_reset = −0.1, τ = 2, V_rest = 0). */
export const nonlinearIFOptionShape = {
  ...spikingNodeOptionsShape,
  vReset: z.number().nullable().default(-0.1),
  ...tauOptionShape,
  vRest: z.number().default(0),
};

/** A charge–fire–reset neuron with a nonlinear charge around V_rest; V_reset defaults to −0.1 as in SpikingJelly. */
export abstract class NonlinearIFNode extends BaseNode {
  readonly tau: number;
  readonly vRest: number;

  constructor(owner: string, options: NonlinearIFNodeOptions) {
    super(baseNodeOptions({ ...options, vReset: options.vReset === undefined ? -0.1 : options.vReset }));
    this.tau = requireTau(owner, 'tau', options.tau ?? 2);
    this.vRest = options.vRest ?? 0;
    if (!Number.isFinite(this.vRest)) throw new SpikeflowError('invalid-options', `${owner}: vRest must be a finite number, got ${this.vRest}`, { option: 'vRest' });
    // SpikingJelly's checks, with a hard reset only.
    if (this.vReset === null) return;
    if (!(this.vThreshold > this.vReset))
      throw new SpikeflowError('invalid-options', `${owner}: vThreshold (${this.vThreshold}) must be greater than vReset (${this.vReset})`, { option: 'vThreshold' });
    if (!(this.vRest >= this.vReset)) throw new SpikeflowError('invalid-options', `${owner}: vRest (${this.vRest}) must be ≥ vReset (${this.vReset})`, { option: 'vRest' });
  }
}

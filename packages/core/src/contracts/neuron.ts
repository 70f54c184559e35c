import type { Descriptor } from './descriptor.js';
import type { SurrogateFunction } from './surrogate.js';
import type { NeuronModule } from '../spike/neuron-module.js';

/** What a neuron descriptor gets besides its options. */
export interface NeuronContext {
  /** Resolve a surrogate by id (`sigmoid`, `neurons/atan`, ...) with its options. */
  surrogate(id: string, options?: Record<string, unknown>): SurrogateFunction;
}

export const NeuronDescriptor = Symbol.for('@spikeflow/core/NeuronDescriptor');
export interface NeuronDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  create(options: TOptions, context: NeuronContext): NeuronModule;
}

/**
 * Makes a fresh neuron layer each call; architectures take one so any registered neuron plugs in.
 * `name` is the layer's position in the architecture (for per-layer options and reports).
 */
export type NeuronFactory = (name?: string) => NeuronModule;

/** How a neuron resets after a spike: to a fixed potential (hard), or by subtracting V_th (soft). */
export type NeuronReset = { readonly kind: 'hard'; readonly vReset: number } | { readonly kind: 'soft' };

/**
 * A learnable parameter that takes part in the described dynamics: `role` says which quantity it
 * sets (`'threshold'`: V_th; `'tau'`: the membrane time constant, e.g. PLIF's `1/τ = sigmoid(w)`).
 */
export interface NeuronLearnable {
  /** The parameter's name in `namedParameters()` (e.g. `vThreshold`, `w`). */
  readonly parameter: string;
  readonly role: 'threshold' | 'tau';
  readonly shape: readonly number[];
}

/** What every described neuron states, whatever its model. */
export interface NeuronDynamicsCommon {
  /** Firing threshold V_th (S = Θ(H − V_th)): the trained value; one per channel of the last axis when an array. */
  readonly vThreshold: number | readonly number[];
  readonly reset: NeuronReset;
  /** Learnable parameters inside these dynamics (their current values are already in the fields above). */
  readonly learnable: readonly NeuronLearnable[];
}

/**
 * The discrete-time dynamics of a neuron layer, in the terms chips implement. A neuron opts in by
 * returning it from {@link NeuronModule.dynamics}; exporters read only this, never class names or
 * fields. Per step (SpikingJelly's conventions, V_reset counting as 0 in the charge with a soft reset):
 *
 * - `if`: `H = V + X`.
 * - `lif`: `H = V + (X − (V − V_reset))/τ` with `decayInput`, else `H = V − (V − V_reset)/τ + X`.
 * - `cuba-lif`: a current synapse `I = (1 − 1/τ_syn)·I + X`, then `H = (1 − 1/τ_mem)·V + I`; the
 *   current is not reset by a spike.
 *
 * then `S = Θ(H − V_th)` and the {@link NeuronReset}.
 *
 * @example
 * ```ts
 * override dynamics(): NeuronDynamics {
 *   return { kind: 'lif', tau: this.tau, decayInput: true, vThreshold: 1, reset: { kind: 'hard', vReset: 0 }, learnable: [] };
 * }
 * ```
 */
export type NeuronDynamics =
  | (NeuronDynamicsCommon & { readonly kind: 'if' })
  | (NeuronDynamicsCommon & { readonly kind: 'lif'; readonly tau: number; readonly decayInput: boolean })
  | (NeuronDynamicsCommon & {
      readonly kind: 'cuba-lif';
      /** Synaptic (current) time constant: the current keeps `1 − 1/τ_syn` of itself per step. */
      readonly tauSyn: number;
      /** Membrane time constant: the voltage keeps `1 − 1/τ_mem` of itself per step. */
      readonly tauMem: number;
    });

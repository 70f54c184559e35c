import { SpikeflowError } from '@spikeflow/core';
import type { CellParameters } from './spinnaker-network.js';

/** sPyNNaker's per-step factors of an exponential synapse (real values; see {@link expSynapseFactors}). */
export interface ExpSynapseFactors {
  /** Fraction of the synaptic current kept per step: `exp(−dt/τ_syn)`. */
  readonly decay: number;
  /** Factor applied to a step's arriving weight: `(τ_syn/dt)·(1 − decay)`. */
  readonly init: number;
}

/**
 * The factors sPyNNaker's exponential synapse (`IF_curr_exp`) applies each time step: the
 * arriving weight sum W is added as `init·W`, the current drives the membrane in that same step,
 * then the current is multiplied by `decay`. `init = (τ_syn/dt)(1 − e^(−dt/τ_syn))` makes a weight's
 * total charge `Σ init·decay^k = τ_syn/dt` of the continuous synapse.
 *
 * @example
 * ```ts
 * expSynapseFactors(1 / Math.LN2, 1); // { decay: 0.5, init: 0.7213… }
 * ```
 */
export function expSynapseFactors(tauSynMs: number, dtMs: number): ExpSynapseFactors {
  if (!(tauSynMs > 0) || !Number.isFinite(tauSynMs)) throw new SpikeflowError('invalid-options', `tau_syn must be a positive finite time in ms, got ${tauSynMs}`);
  const decay = Math.exp(-dtMs / tauSynMs);
  return { decay, init: (tauSynMs / dtMs) * (1 - decay) };
}

/** `i_offset` and the initial excitatory synaptic current that realise a constant model input. */
export interface ExpCurrentInput {
  /** Constant current (nA) added to the membrane input every step. */
  readonly iOffset: number;
  /** Synaptic current (nA) at the start of the run (`isyn_exc`; may be negative). */
  readonly isynInit: number;
}

/**
 * A CUBA-LIF layer driven by a constant input X per step charges its synaptic current as
 * `I[t] = α·I[t−1] + X`, i.e. `I[t] = X·(1 − α^(t+1))/(1 − α)` from rest — not a constant, so it
 * cannot be PyNN's `i_offset` alone. It splits into a constant part `X/(1 − α)` (the `i_offset`)
 * and a part decaying with the synapse, `−X·α^(t+1)/(1 − α)`, which an initial synaptic current
 * reproduces exactly. On sPyNNaker the current of step n is `decay^n·isyn` (the decay comes after
 * the membrane update), and a current I adds `(1 − e)·R·I` to V, so
 * `i_offset = X/((1 − α)·g)` and `isyn = −α·X/((1 − α)·g)` with `g = (1 − e)·R`.
 * (Brian2 and NEST integrate the current one step later; the exported script adapts `isyn`.)
 *
 * @example
 * ```ts
 * exponentialCurrentInput(net.populations[0].params, 1, 0.3); // { iOffset, isynInit }
 * ```
 */
export function exponentialCurrentInput(params: CellParameters, dtMs: number, x: number): ExpCurrentInput {
  if (params.tau_syn_E === undefined) throw new SpikeflowError('invalid-options', 'exponentialCurrentInput needs IF_curr_exp parameters (tau_syn_E is missing)');
  const { decay } = expSynapseFactors(params.tau_syn_E, dtMs);
  const g = (1 - Math.exp(-dtMs / params.tau_m)) * (params.tau_m / params.cm);
  return { iOffset: x / ((1 - decay) * g), isynInit: (-decay * x) / ((1 - decay) * g) };
}

import { SpikeflowError } from '@spikeflow/core';
import { cubaParameters } from './cuba-parameters.js';
import type { CellParameters } from './spinnaker-network.js';

/** What the mapping needs to know about a trained spiking neuron. */
export interface NeuronSpec {
  /**
   * `lif` (leak towards v_reset each step), `if` (no leak) or `cuba` (CUBA-LIF: a synaptic
   * current decaying by 1 − 1/tauSyn and a voltage decaying by 1 − 1/tauMem per step).
   */
  readonly kind: 'lif' | 'if' | 'cuba';
  /** Membrane time constant in steps (LIF, > 1). */
  readonly tau?: number;
  /** SpikingJelly's decay_input: the input is divided by tau too (LIF only). */
  readonly decayInput?: boolean;
  /** CUBA-LIF synaptic time constant in steps (> 1, finite). */
  readonly tauSyn?: number;
  /** CUBA-LIF membrane time constant in steps (> 1, finite). */
  readonly tauMem?: number;
  readonly vThreshold: number;
  /** Hard-reset potential; soft reset (null) has no PyNN equivalent. */
  readonly vReset: number | null;
}

/**
 * The leak of an IF neuron on SpiNNaker: its closed-form LIF update has no pure integrator, so IF
 * becomes a LIF whose per-step leak is 1 − exp(−1/4096) ≈ 2.4e−4 (documented approximation).
 */
export const IF_TAU_M_STEPS = 4096;

/**
 * PyNN `IF_curr_delta` parameters that reproduce a discrete SpikingJelly neuron at time step dt.
 *
 * sPyNNaker's LIF step is `V ← α − e·(α − V)` with `α = I·R + v_rest`, `e = exp(−dt/τ_m)` and
 * `R = τ_m/c_m`, then `V ≥ v_thresh` fires and sets `V = v_reset`: decay and input first, then the
 * threshold test, then the reset — SpikingJelly's charge–fire–reset order. Matching
 * `H = V + (X − (V − V_reset))/τ` term by term gives `e = 1 − 1/τ` (so `τ_m = −dt/ln(1 − 1/τ)`,
 * 1.4427 ms for τ = 2 — not τ·dt, because the discrete leak is not the continuous one sampled),
 * `v_rest = V_reset` (SpikingJelly leaks towards V_reset) and `(1 − e)·R = 1/τ`, i.e. `c_m = τ_m`
 * (R = 1 MΩ: a weight of w nA is the trained weight w). Without decay_input, `(1 − e)·R = 1`.
 * Refractoriness is 0: the discrete model has none. A `cuba` spec gives `IF_curr_exp` parameters
 * ({@link cubaParameters}).
 *
 * @example
 * ```ts
 * neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }, 1);
 * // { tau_m: 1.4427, cm: 1.4427, v_rest: 0, v_reset: 0, v_thresh: 1, tau_refrac: 0 }
 * ```
 */
export function neuronParameters(spec: NeuronSpec, dtMs: number): CellParameters {
  if (spec.kind === 'cuba') return cubaParameters({ tauSyn: spec.tauSyn ?? NaN, tauMem: spec.tauMem ?? NaN, vThreshold: spec.vThreshold, vReset: spec.vReset }, dtMs);
  if (spec.vReset === null) {
    throw new SpikeflowError('not-supported', 'soft reset (vReset: null) cannot be exported to PyNN: IF_curr_delta resets to a fixed v_reset; train with a hard reset');
  }
  if (!Number.isFinite(spec.vThreshold)) throw new SpikeflowError('invalid-options', `vThreshold must be finite, got ${spec.vThreshold}`);
  let decay: number;
  let gain: number;
  if (spec.kind === 'lif') {
    const tau = spec.tau ?? NaN;
    if (!(tau > 1) || !Number.isFinite(tau)) throw new SpikeflowError('invalid-options', `a LIF neuron needs a finite tau > 1, got ${spec.tau}`);
    decay = 1 - 1 / tau;
    gain = spec.decayInput === false ? 1 : 1 / tau;
  } else {
    decay = Math.exp(-1 / IF_TAU_M_STEPS);
    gain = 1;
  }
  const tauM = spec.kind === 'if' ? IF_TAU_M_STEPS * dtMs : -dtMs / Math.log(decay);
  // (1 − e)·R = gain with R = τ_m/c_m; with decay_input gain = 1 − e exactly, so c_m = τ_m.
  const cm = spec.kind === 'lif' && spec.decayInput !== false ? tauM : (tauM * (1 - decay)) / gain;
  return { tau_m: tauM, cm, v_rest: spec.vReset, v_reset: spec.vReset, v_thresh: spec.vThreshold, tau_refrac: 0 };
}

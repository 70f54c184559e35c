import { SpikeflowError } from '@spikeflow/core';
import { expSynapseFactors } from './exp-synapse.js';
import type { CellParameters } from './spinnaker-network.js';

/** A trained CUBA-LIF neuron (time constants in steps, as `CubaLIFNode` holds them). */
export interface CubaNeuronSpec {
  readonly tauSyn: number;
  readonly tauMem: number;
  readonly vThreshold: number;
  /** Hard-reset potential; soft reset (null) has no PyNN equivalent. */
  readonly vReset: number | null;
}

function timeConstant(name: 'tauSyn' | 'tauMem', tau: number, dtMs: number): number {
  if (!(tau > 1) || !Number.isFinite(tau)) {
    throw new SpikeflowError(
      'not-supported',
      `CUBA-LIF ${name} = ${tau} has no IF_curr_exp equivalent: it needs a finite ${name} > 1 step (decay 1 − 1/${name} strictly between 0 and 1)`,
    );
  }
  return -dtMs / Math.log(1 - 1 / tau);
}

/**
 * PyNN `IF_curr_exp` parameters that reproduce a discrete CUBA-LIF neuron
 * (`I[t] = α·I[t−1] + X[t]`, `H[t] = β·V[t−1] + I[t]`, α = 1 − 1/τ_syn, β = 1 − 1/τ_mem, fire at
 * `H ≥ V_th`, hard reset) at time step dt, as sPyNNaker runs it: per step the arriving weight
 * sum W adds `init·W` to the synaptic current, `V ← a − e·(a − V)` with `a = I·R + v_rest` uses
 * that current, the threshold test and reset follow, then the current decays by `decay`.
 *
 * Term by term: `decay = α` (`τ_syn = −dt/ln α`), `e = β` (`τ_m = −dt/ln β`), `v_rest = 0` (the
 * CUBA voltage leaks towards 0 whatever V_reset is) and `(1 − e)·R·init = 1`, i.e.
 * `c_m = τ_m·(1 − β)·init`, so an exported weight of w nA is the trained weight. The neuron starts
 * at V_reset (the population's `vInit`), not at v_rest.
 *
 * @example
 * ```ts
 * cubaParameters({ tauSyn: 2, tauMem: 4, vThreshold: 1, vReset: 0 }, 1);
 * // { tau_m: 3.476, cm: 0.6269, v_rest: 0, v_reset: 0, v_thresh: 1, tau_refrac: 0, tau_syn_E: 1.4427, tau_syn_I: 1.4427 }
 * ```
 */
export function cubaParameters(spec: CubaNeuronSpec, dtMs: number): CellParameters {
  if (spec.vReset === null) {
    throw new SpikeflowError(
      'not-supported',
      'soft reset (vReset: null) cannot be exported to PyNN: IF_curr_exp resets to a fixed v_reset; train the CUBA-LIF neuron with a hard reset',
    );
  }
  if (!Number.isFinite(spec.vThreshold)) throw new SpikeflowError('invalid-options', `vThreshold must be finite, got ${spec.vThreshold}`);
  if (!(dtMs > 0)) throw new SpikeflowError('invalid-options', `dtMs must be positive, got ${dtMs}`);
  const tauSyn = timeConstant('tauSyn', spec.tauSyn, dtMs);
  const tauM = timeConstant('tauMem', spec.tauMem, dtMs);
  const { init } = expSynapseFactors(tauSyn, dtMs);
  const cm = tauM * (1 / spec.tauMem) * init;
  return { tau_m: tauM, cm, v_rest: 0, v_reset: spec.vReset, v_thresh: spec.vThreshold, tau_refrac: 0, tau_syn_E: tauSyn, tau_syn_I: tauSyn };
}

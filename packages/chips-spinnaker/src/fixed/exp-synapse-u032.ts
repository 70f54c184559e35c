import { SpikeflowError } from '@spikeflow/core';
import { fromS1615, S1615_ONE, toS1615, U032_ONE } from './s1615.js';

/** The exponential synapse's per-step factors as the board holds them (u0.32 raw bits). */
export interface ExpSynapseU032 {
  /** `exp(−dt/τ_syn)`. */
  readonly decay: number;
  /** `(τ_syn/dt)·(1 − decay)`. */
  readonly init: number;
}

/**
 * The u0.32 `decay` and `init` of an `IF_curr_exp` synapse, computed the way sPyNNaker's
 * `decay_and_init` does on the core from the s16.15 τ_syn and dt: `ts/τ` and `τ/ts` by s16.15
 * division (`kdivk`, taken here as truncating), `decay = expulr(−ts/τ)` (here: the exact
 * exponential of that s16.15 value rounded to the nearest u0.32 — the library routine is within
 * about an LSB), `1 − decay` against `1.0ulr` (which saturates to 2^32 − 1), and
 * `init = (τ/ts · (1 − decay)) >> 15` (`decay_s1615_to_u032`, truncating).
 *
 * @example
 * ```ts
 * expSynapseU032(toS1615(1 / Math.LN2), 1); // { decay: ≈2^31, init: ≈0.7213·2^32 }
 * ```
 */
export function expSynapseU032(tauSynBits: number, dtMs: number): ExpSynapseU032 {
  if (tauSynBits <= 0) throw new SpikeflowError('unrepresentable', `tau_syn must be positive on SpiNNaker, got ${fromS1615(tauSynBits)} ms`);
  const ts = toS1615(dtMs, 'dt');
  const tsOverTau = Math.trunc((ts * S1615_ONE) / tauSynBits);
  const decay = Math.min(U032_ONE - 1, Math.round(Math.exp(-tsOverTau / S1615_ONE) * U032_ONE));
  const invDecay = U032_ONE - 1 - decay;
  const tauOverTs = Math.trunc((tauSynBits * S1615_ONE) / ts);
  const init = Number(((BigInt(tauOverTs) * BigInt(invDecay)) >> 15n) & 0xffffffffn);
  return { decay, init };
}

import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Variable } from '../engine/tf.js';
import type { BaseNode } from './base-node.js';

/**
 * The dynamics of a trained neuron layer when they are one of the standard discrete models chips
 * implement: IF, LIF (SpikingJelly's, `decay_input` either way; PLIF gives its learned τ) or CUBA-LIF.
 * Thresholds are the trained ones (a learnable per-layer threshold gives its current value).
 */
export type StandardDynamics =
  | { readonly kind: 'if'; readonly vThreshold: number; readonly vReset: number | null }
  | { readonly kind: 'lif'; readonly tau: number; readonly decayInput: boolean; readonly vThreshold: number; readonly vReset: number | null }
  | { readonly kind: 'cuba'; readonly tauSyn: number; readonly tauMem: number; readonly vThreshold: number; readonly vReset: number | null };

/**
 * Models of `@spikeflow/neurons` that expose a `tau` but are not LIF (nonlinear charge, adaptation,
 * gates, or no reset): a chip's LIF would silently compute something else, so they are refused by name.
 */
const NOT_STANDARD = ['ALIFNode', 'KLIFNode', 'GLIFNode', 'QIFNode', 'EIFNode', 'IzhikevichNode', 'PSN', 'MaskedPSN', 'SlidingPSN'];

/**
 * Read a neuron layer's dynamics by what it exposes (chips do not import neuron plugins): `tauSyn` and
 * `tauMem` (CUBA-LIF), `tau` and `decayInput` (LIF), a learnable `w` with `1/τ = sigmoid(w)` (PLIF),
 * or an `IFNode`. Throws `not-supported` for anything else — other models, learnable parameters a
 * chip's model has no place for, a per-channel threshold — naming the layer and `target`.
 *
 * @example
 * ```ts
 * const d = standardDynamics(node, 'fc1', 'Loihi'); // { kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }
 * ```
 */
export function standardDynamics(node: BaseNode, where: string, target: string): StandardDynamics {
  const n = node as BaseNode & { tau?: unknown; decayInput?: unknown; tauSyn?: unknown; tauMem?: unknown; w?: Variable };
  const name = node.describe();
  const refuse = (why: string) =>
    new SpikeflowError('not-supported', `neuron '${where}' (${name}) ${why}; ${target} supports IF, LIF, PLIF and CUBA-LIF with a per-layer threshold`);
  const className = name.replace(/\(.*$/s, '');
  if (NOT_STANDARD.includes(className)) throw refuse('has dynamics no chip LIF model computes');
  let vThreshold = node.vThreshold;
  for (const [pname, p] of node.namedParameters()) {
    if (pname === 'w' && p.size === 1) continue;
    if (pname === 'vThreshold') {
      if (p.size !== 1) throw refuse(`has a per-channel threshold (${p.size} values)`);
      vThreshold = p.dataSync()[0];
      continue;
    }
    throw refuse(`has the learnable parameter '${pname}' [${p.shape}] that the chip's model has no place for`);
  }
  const base = { vThreshold, vReset: node.vReset };
  if (typeof n.tauSyn === 'number' && typeof n.tauMem === 'number') return { kind: 'cuba', tauSyn: n.tauSyn, tauMem: n.tauMem, ...base };
  if (typeof n.tau === 'number') return { kind: 'lif', tau: n.tau, decayInput: n.decayInput !== false, ...base };
  if (n.w && n.w.size === 1 && typeof n.decayInput === 'boolean') {
    // PLIF: 1/τ = sigmoid(w), so τ = 1 + e^(−w).
    return { kind: 'lif', tau: 1 + Math.exp(-n.w.dataSync()[0]), decayInput: n.decayInput, ...base };
  }
  if (className === 'IFNode') return { kind: 'if', ...base };
  throw refuse('is not a model the chip implements');
}

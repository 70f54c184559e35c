import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { NeuronModule } from './neuron-module.js';

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
 * Read a neuron layer's dynamics from the description it opts into (`node.dynamics()`); chips do not
 * import neuron plugins and nothing here looks at class names or fields. Throws `not-supported`,
 * naming the layer and `target`, for a neuron that does not describe its dynamics, a per-channel
 * threshold, or a learnable parameter the chip's model has no place for (any parameter of the layer
 * that the description does not account for).
 *
 * @example
 * ```ts
 * const d = standardDynamics(node, 'fc1', 'Loihi'); // { kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }
 * ```
 */
export function standardDynamics(node: NeuronModule, where: string, target: string): StandardDynamics {
  const refuse = (why: string) =>
    new SpikeflowError('not-supported', `neuron '${where}' (${node.describe()}) ${why}; ${target} supports IF, LIF, PLIF and CUBA-LIF with a per-layer threshold`);
  const d = typeof node.dynamics === 'function' ? node.dynamics() : undefined;
  if (!d) throw refuse('does not describe its dynamics (it has no dynamics() description), so it cannot be mapped to a chip neuron model');
  if (typeof d.vThreshold !== 'number') throw refuse(`has a per-channel threshold (${d.vThreshold.length} values)`);
  const described = new Set(d.learnable.map((l) => l.parameter));
  for (const [name, p] of node.namedParameters()) {
    if (!described.has(name)) throw refuse(`has the learnable parameter '${name}' [${p.shape}] that the chip's model has no place for`);
  }
  const base = { vThreshold: d.vThreshold, vReset: d.reset.kind === 'soft' ? null : d.reset.vReset };
  switch (d.kind) {
    case 'if':
      return { kind: 'if', ...base };
    case 'lif':
      return { kind: 'lif', tau: d.tau, decayInput: d.decayInput, ...base };
    case 'cuba-lif':
      return { kind: 'cuba', tauSyn: d.tauSyn, tauMem: d.tauMem, ...base };
    default:
      throw refuse(`describes the model '${(d as { kind: unknown }).kind}', which is not one the chip implements`);
  }
}

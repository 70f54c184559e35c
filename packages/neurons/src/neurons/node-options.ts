// What the three neuron descriptors share: the zod shape of the charge–fire–reset options, turning
// validated options into BaseNode options (resolving the surrogate by id), and `describe()` text.
import { SpikeflowError, type BaseNode, type BaseNodeOptions, type NeuronContext, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { sigmoid } from '../surrogates/sigmoid.js';

/**
 * The options every spiking node descriptor accepts, with SpikingJelly's defaults. Third-party
 * neuron plugins can spread it into their own schema so configs look the same everywhere.
 */
export const spikingNodeOptionsShape = {
  /** Firing threshold V_th. */
  vThreshold: z.number().default(1),
  /** Reset potential of a hard reset; `null` selects a soft reset (V ← V − V_th). */
  vReset: z.number().nullable().default(0),
  /** Detach the spike in the reset term only (SpikingJelly's `detach_reset`). */
  detachReset: z.boolean().default(false),
  /** Id of a registered surrogate, short (`atan`) or full (`neurons/atan`). */
  surrogate: z.string().min(1).default('sigmoid'),
  /** Hyper-parameters of that surrogate, validated by its own schema (e.g. `{ alpha: 2 }`). */
  surrogateOptions: z.record(z.string(), z.number()).default({}),
};

/** The validated shared options (output of {@link spikingNodeOptionsShape}). */
export interface SpikingNodeOptions {
  readonly vThreshold: number;
  readonly vReset: number | null;
  readonly detachReset: boolean;
  readonly surrogate: string;
  readonly surrogateOptions: Record<string, number>;
}

/** Constructor options of the neuron classes: BaseNode's, with the surrogate defaulting to `sigmoid()`. */
export type NodeConstructorOptions = Omit<BaseNodeOptions, 'surrogate'> & {
  /** Surrogate gradient of the spike (default SpikingJelly's `Sigmoid`, α = 4). */
  readonly surrogate?: SurrogateFunction;
};

/** BaseNode options from constructor options, defaulting the surrogate as SpikingJelly does. */
export function baseNodeOptions(options: NodeConstructorOptions): BaseNodeOptions {
  return { vThreshold: options.vThreshold, vReset: options.vReset, detachReset: options.detachReset, surrogate: options.surrogate ?? sigmoid() };
}

/** BaseNode options from validated descriptor options, resolving the surrogate through the registry. */
export function resolveNodeOptions(options: SpikingNodeOptions, context: NeuronContext): BaseNodeOptions {
  return {
    vThreshold: options.vThreshold,
    vReset: options.vReset,
    detachReset: options.detachReset,
    surrogate: context.surrogate(options.surrogate, options.surrogateOptions),
  };
}

/**
 * Check a membrane time constant the way SpikingJelly asserts it (`tau > 1`): with tau ≤ 1 the
 * leak `1/tau` would remove all (or more than all) of the potential each step.
 */
export function requireTau(owner: string, option: 'tau' | 'initTau', value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 1) {
    throw new SpikeflowError('invalid-options', `${owner}: ${option} must be a finite number greater than 1 (as SpikingJelly requires), got ${value}`, { option, value });
  }
  return value;
}

/** Short numbers for summaries: float32 noise is rounded away (`3.0000001` prints as `3`). */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** `sigmoid(alpha=4)`: the surrogate's short id and its hyper-parameters. */
export function describeSurrogate(surrogate: SurrogateFunction): string {
  const name = surrogate.id.slice(surrogate.id.lastIndexOf('/') + 1);
  const params = Object.entries(surrogate.params).map(([k, v]) => `${k}=${formatNumber(v)}`);
  return `${name}(${params.join(', ')})`;
}

/**
 * SpikingJelly-style one-line description, e.g.
 * `LIFNode(tau=2, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))`; options at their defaults
 * (decay_input, detach_reset) are left out.
 */
export function describeNode(name: string, node: BaseNode, leading: readonly string[] = []): string {
  const parts = [...leading, `v_th=${formatNumber(node.vThreshold)}`, `v_reset=${node.vReset === null ? 'null' : formatNumber(node.vReset)}`];
  if (node.detachReset) parts.push('detach_reset=true');
  parts.push(`surrogate=${describeSurrogate(node.surrogate)}`);
  return `${name}(${parts.join(', ')})`;
}

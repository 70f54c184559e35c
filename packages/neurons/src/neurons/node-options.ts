// What the three neuron descriptors share: the zod shape of the charge–fire–reset options, turning
// validated options into BaseNode options (resolving the surrogate by id), and `describe()` text.
import { SpikeflowError, tf, type BaseNode, type BaseNodeOptions, type NeuronDescriptor, type NeuronModule, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { sigmoid } from '../surrogates/sigmoid.js';

/** The surrogate options of a neuron descriptor: a registered surrogate id (default `fallback`) and its hyper-parameters. */
export function surrogateOptionShape(fallback: string) {
  return {
    /** Id of a registered surrogate, short (`atan`) or full (`neurons/atan`). */
    surrogate: z.string().min(1).default(fallback),
    /** Hyper-parameters of that surrogate, validated by its own schema (e.g. `{ alpha: 2 }`). */
    surrogateOptions: z.record(z.string(), z.number()).default({}),
  };
}

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
  ...surrogateOptionShape('sigmoid'),
};

/** τ > 1 (default 2), checked as SpikingJelly asserts it; spread into the schema of every neuron with a membrane τ. */
export const tauOptionShape = {
  tau: z.number().gt(1, 'tau must be greater than 1 (SpikingJelly requires tau > 1)').default(2),
};

/** τ and `decayInput` (default true), the membrane options of LIF and its variants. */
export const lifOptionShape = {
  ...tauOptionShape,
  decayInput: z.boolean().default(true),
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

/**
 * A neuron descriptor whose `create` hands the validated options to `make`, with the surrogate id
 * and its options resolved through the registry into a surrogate function.
 */
export function neuronDescriptor<O extends { readonly surrogate: string; readonly surrogateOptions: Record<string, number> }>(
  id: string,
  description: string,
  options: z.ZodType<O>,
  make: (options: Omit<O, 'surrogate' | 'surrogateOptions'> & { readonly surrogate: SurrogateFunction }) => NeuronModule,
): NeuronDescriptor<O> {
  return {
    id,
    description,
    options,
    create: ({ surrogateOptions, ...rest }, context) =>
      make({ ...rest, surrogate: context.surrogate(rest.surrogate, surrogateOptions) } as Omit<O, 'surrogate' | 'surrogateOptions'> & { readonly surrogate: SurrogateFunction }),
  };
}

/**
 * SpikingJelly's LIF charge as ALIF and KLIF compute it: `H = V + (X − (V − V_reset))/τ` with
 * `decayInput`, else `H = V − (V − V_reset)/τ + X`; a soft reset (`vReset` null) leaks towards 0.
 */
export function lifCharge(x: Tensor, v: Tensor, tau: number, decayInput: boolean, vReset: number | null): Tensor {
  const leak = vReset === null || vReset === 0 ? v : tf.sub(v, vReset);
  if (decayInput) return tf.add(v, tf.div(tf.sub(x, leak), tau));
  return tf.add(tf.sub(v, tf.div(leak, tau)), x);
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

/** `describe()` fragments `name=value` with short numbers, in the record's order. */
export function formatParams(params: Readonly<Record<string, number>>): string[] {
  return Object.entries(params).map(([k, v]) => `${k}=${formatNumber(v)}`);
}

/** `sigmoid(alpha=4)`: the surrogate's short id and its hyper-parameters. */
export function describeSurrogate(surrogate: SurrogateFunction): string {
  const name = surrogate.id.slice(surrogate.id.lastIndexOf('/') + 1);
  return `${name}(${formatParams(surrogate.params).join(', ')})`;
}

/**
 * SpikingJelly-style one-line description, e.g.
 * `LIFNode(tau=2, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))`; options at their defaults
 * (decay_input, detach_reset) are left out.
 */
export function describeNode(name: string, node: BaseNode<any>, leading: readonly string[] = []): string {
  const parts = [...leading, `v_th=${formatNumber(node.vThreshold)}`, `v_reset=${node.vReset === null ? 'null' : formatNumber(node.vReset)}`];
  if (node.detachReset) parts.push('detach_reset=true');
  parts.push(`surrogate=${describeSurrogate(node.surrogate)}`);
  return `${name}(${parts.join(', ')})`;
}

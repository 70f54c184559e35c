// What the three neuron descriptors share: the zod shape of the charge–fire–reset options, turning
// validated options into BaseNode options (resolving the surrogate by id), and `describe()` text.
import { SpikeflowError, type BaseNode, type BaseNodeOptions, type NeuronDescriptor, type NeuronModule, type SurrogateFunction } from '@spikeflow/core';
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

/** `decayInput` (default true): whether LIF and its variants divide the input by τ too. */
export const decayInputOptionShape = {
  decayInput: z.boolean().default(true),
};

/** τ and `decayInput`, the membrane options of LIF and its variants. */
export const lifOptionShape = {
  ...tauOptionShape,
  ...decayInputOptionShape,
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

/** The options a descriptor's node class is built with: the validated options, the surrogate resolved to a function. */
export type ResolvedNodeOptions<O> = Omit<O, 'surrogate' | 'surrogateOptions'> & { readonly surrogate: SurrogateFunction };

/** What a neuron descriptor adds to its id and node class: the registry line and the zod shape of its options. */
export interface NeuronDefinition<P extends z.ZodRawShape> {
  readonly description: string;
  /** The options' fields; the descriptor validates them as a strict object (unknown keys are errors). */
  readonly options: P;
}

/** The validated options of a neuron descriptor (`NeuronDescriptorOptions<typeof lifDescriptor>`). */
export type NeuronDescriptorOptions<D> = D extends NeuronDescriptor<infer O> ? O : never;

/**
 * A neuron descriptor `neurons/<id>` whose `create` validates the options against the strict object
 * of `definition.options`, resolves the surrogate id and its options through the registry into a
 * surrogate function, and builds `node` with the result.
 *
 * @example
 * ```ts
 * export const ifDescriptor = neuronDescriptor('if', IFNode, {
 *   description: 'Integrate-and-fire neuron (SpikingJelly IFNode): H = V + X',
 *   options: { ...spikingNodeOptionsShape },
 * });
 * ```
 */
export function neuronDescriptor<P extends z.ZodRawShape & ReturnType<typeof surrogateOptionShape>>(
  id: string,
  node: new (options: ResolvedNodeOptions<z.output<z.ZodObject<P>>>) => NeuronModule,
  definition: NeuronDefinition<P>,
): NeuronDescriptor<z.output<z.ZodObject<P>>> {
  type Options = z.output<z.ZodObject<P>>;
  const options = z.object(definition.options).strict() as unknown as z.ZodType<Options>;
  return {
    id,
    description: definition.description,
    options,
    create: (validated, context) => {
      const { surrogate, surrogateOptions, ...rest } = validated as Options & Pick<SpikingNodeOptions, 'surrogate' | 'surrogateOptions'>;
      return new node({ ...rest, surrogate: context.surrogate(surrogate, surrogateOptions) } as ResolvedNodeOptions<Options>);
    },
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

/** Throw `invalid-options` unless `value` is a finite number > 0 (a sharpness such as QIF's a₀ or EIF's Δ_T). */
export function requirePositive(owner: string, option: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new SpikeflowError('invalid-options', `${owner}: ${option} must be a finite number > 0, got ${value}`, { option });
  return value;
}

/** Throw `invalid-options` unless `value` is a finite non-zero number (a factor the dynamics divide by). */
export function requireNonZero(owner: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value === 0) throw new SpikeflowError('invalid-options', `${owner}: ${option} must be a finite non-zero number, got ${value}`, { option });
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

/** `describe()` fragments of an LIF membrane: `tau`, then `params`, as `name=value`, then `decay_input=false` when it is off. */
export function lifParams(tau: number, decayInput: boolean, params: Readonly<Record<string, number>> = {}): string[] {
  const parts = formatParams({ tau, ...params });
  if (!decayInput) parts.push('decay_input=false');
  return parts;
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
  return describeWithSurrogate(name, parts, node.surrogate);
}

/** `Name(part, …, surrogate=sigmoid(alpha=4))`: a neuron's one-line summary, its surrogate last. */
export function describeWithSurrogate(name: string, parts: readonly string[], surrogate: SurrogateFunction): string {
  return `${name}(${[...parts, `surrogate=${describeSurrogate(surrogate)}`].join(', ')})`;
}

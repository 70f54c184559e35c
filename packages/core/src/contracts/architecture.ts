import type { Descriptor } from './descriptor.js';
import type { NeuronFactory } from './neuron.js';
import type { Module } from '../nn/module.js';

/** What an architecture descriptor gets besides its options. */
export interface ArchitectureContext {
  /** Shape of one input sample (NHWC without the batch, e.g. `[28, 28, 1]`). */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** Makes the spiking layers; the user picks the neuron by id. */
  readonly neuron: NeuronFactory;
  /**
   * True when the input is the same at every time step (direct encoding), so an architecture may
   * compute its first stateless block once and repeat it over T.
   */
  readonly staticInput?: boolean;
  /** Time steps T the model will run for, when the caller knows it (layers with per-step parameters need it). */
  readonly timeSteps?: number;
}

/** A published model's configuration and parameter count (see {@link ArchitectureDescriptor.reference}). */
export interface ArchitectureReference<TOptions = Record<string, unknown>> {
  /** Standard input of one sample, NHWC without the batch (e.g. `[224, 224, 3]`). */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** Options selecting the published configuration (defaults otherwise). */
  readonly options?: Partial<TOptions>;
  /** Parameter count of the published model (trainable parameters; BN running statistics excluded). */
  readonly parameters: number;
  /**
   * Significant digits the source gives (e.g. 3 for "9.32M"); absent when the source gives the exact
   * count. A built model matches when its count rounded to these digits equals `parameters`.
   */
  readonly significantDigits?: number;
  /** Where the number comes from (paper table or reference implementation). */
  readonly source: string;
}

export const ArchitectureDescriptor = Symbol.for('@spikeflow/core/ArchitectureDescriptor');
export interface ArchitectureDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  /** Which encoder the architecture expects by default (e.g. `core/direct`). */
  readonly defaultEncoder?: string;
  /**
   * The published model this architecture reproduces: its standard input, the options that select the
   * published configuration, and its parameter count with the source. `spikeflow models` lists it, and
   * tests check the built model against it.
   */
  readonly reference?: ArchitectureReference<TOptions>;
  /**
   * The input the architecture is designed for when it reproduces no published model (e.g.
   * Fashion-MNIST's `[28, 28, 1]`, 10 classes); `spikeflow models` builds it at this input without `--input`.
   */
  readonly defaultInput?: { readonly inputShape: readonly number[]; readonly numClasses: number };
  /** Set on a second id for the same architecture (e.g. `sdt`): the id it is another name for; lists show it once. */
  readonly aliasOf?: string;
  create(options: TOptions, context: ArchitectureContext): Module;
}

/**
 * Whether a built model's parameter count equals a published one, at the precision the source gives.
 *
 * @example
 * ```ts
 * matchesReference(9_324_730, { parameters: 9.32e6, significantDigits: 3, ... }); // true
 * ```
 */
export function matchesReference(parameters: number, reference: Pick<ArchitectureReference, 'parameters' | 'significantDigits'>): boolean {
  if (reference.significantDigits === undefined) return parameters === reference.parameters;
  return Number(parameters.toPrecision(reference.significantDigits)) === reference.parameters;
}

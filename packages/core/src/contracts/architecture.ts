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
}

export const ArchitectureDescriptor = Symbol.for('@spikeflow/core/ArchitectureDescriptor');
export interface ArchitectureDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  /** Which encoder the architecture expects by default (e.g. `core/direct`). */
  readonly defaultEncoder?: string;
  create(options: TOptions, context: ArchitectureContext): Module;
}

import type { Descriptor } from './descriptor.js';
import type { SurrogateFunction } from './surrogate.js';
import type { NeuronModule } from '../spike/neuron-module.js';

/** What a neuron descriptor gets besides its options. */
export interface NeuronContext {
  /** Resolve a surrogate by id (`sigmoid`, `neurons/atan`, ...) with its options. */
  surrogate(id: string, options?: Record<string, unknown>): SurrogateFunction;
}

export const NeuronDescriptor = Symbol.for('@spikeflow/core/NeuronDescriptor');
export interface NeuronDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  create(options: TOptions, context: NeuronContext): NeuronModule;
}

/**
 * Makes a fresh neuron layer each call; architectures take one so any registered neuron plugs in.
 * `name` is the layer's position in the architecture (for per-layer options and reports).
 */
export type NeuronFactory = (name?: string) => NeuronModule;

import { registerKernelConfigs, type AnyKernelConfig } from '@spikeflow/core';
import { neuronBackwardConfigs } from './neuron-backward.js';
import { neuronForwardConfigs } from './neuron-forward.js';

/** Every custom kernel of this package, for every backend it has one for. */
export const NEURON_KERNELS: readonly AnyKernelConfig[] = [...neuronForwardConfigs, ...neuronBackwardConfigs];

/**
 * Register the neuron kernels for `backendName`. The package adds this as a kernel registrar
 * (`addKernelRegistrar`), so `selectBackend` runs it; there is no other registration.
 */
export function registerNeuronKernels(backendName: string): void {
  registerKernelConfigs(NEURON_KERNELS, backendName);
}

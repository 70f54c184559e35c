// Shared glue between the neuron classes and the fused op: when it is used, and the `fused` option.
import { tf } from '@spikeflow/core';
import { z } from 'zod';
import { inlineSurrogatesAvailable } from './neuron-kernels.js';

/**
 * Whether the fused op is used when a neuron's `fused` option is not set: on the cpu backend (its JS
 * recursion is 2-3x the composed ops, `benchmarks/fused-neurons.mjs`) and on wasm when the compiled
 * SIMD kernels load (6x at [16, 64, 16384], `spikeflow bench W3`; the JS recursion alone only matched
 * wasm's own kernels there, so without the compiled module wasm keeps the composed ops).
 */
export function fusedByDefault(): boolean {
  const backend = tf.getBackend();
  return backend === 'cpu' || (backend === 'wasm' && inlineSurrogatesAvailable());
}

/**
 * Zod shape of the `fused` option the IF/LIF/PLIF descriptors accept. Left optional (so parsed
 * defaults stay SpikingJelly's option set); an absent value means {@link fusedByDefault}.
 */
export const fusedOptionShape = {
  /** Run multi-step forward/backward as one fused op; false = BaseNode's composed tf ops; unset = by backend. */
  fused: z.boolean().optional(),
};

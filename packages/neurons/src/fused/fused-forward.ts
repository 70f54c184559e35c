// Shared glue between the neuron classes and the fused op: the `fused` option and the multi-step
// input check BaseNode.forward performs.
import { SpikeflowError, tf, type BaseNode, type Tensor } from '@spikeflow/core';
import { z } from 'zod';

/**
 * Whether the fused op is used when a neuron's `fused` option is not set. It pays off on the cpu
 * backend (2-3x, `benchmarks/fused-neurons.mjs`). On wasm it runs in custom kernels directly on the
 * wasm heap (no copies), but its JS recursion only about matches wasm's own kernels on large layers
 * (1.2-1.6x on [8,64,512], 0.9-1.1x on [4,32,28,28,32] measured), so the composed ops stay the
 * default there.
 */
export function fusedByDefault(): boolean {
  return tf.getBackend() === 'cpu';
}

/**
 * Zod shape of the `fused` option the IF/LIF/PLIF descriptors accept. Left optional (so parsed
 * defaults stay SpikingJelly's option set); an absent value means {@link fusedByDefault}.
 */
export const fusedOptionShape = {
  /** Run multi-step forward/backward as one fused op; false = BaseNode's composed tf ops; unset = by backend. */
  fused: z.boolean().optional(),
};

/** The same time-first check (and error) as BaseNode's multi-step forward. */
export function requireTimeFirst(node: BaseNode, xSeq: Tensor): void {
  if (xSeq.rank < 2) throw new SpikeflowError('shape-mismatch', `${node.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`);
}

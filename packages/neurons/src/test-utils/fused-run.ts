// What the fused-kernel specs share: seeded inputs, and one differentiated run of fusedMultiStep that
// records which neuron kernels it dispatched.
import { tf } from '@spikeflow/core';
import { vi } from 'vitest';
import { fusedMultiStep, type FusedImpl, type FusedNeuronParams } from '../fused/multi-step-node.js';
import { lcg } from './reference.js';

/** `size` floats uniform in [lo, hi) from the seeded generator {@link lcg}. */
export function randomArray(size: number, seed: number, lo: number, hi: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * next());
}

/** What one fused run gives: the spikes, dL/dX and dL/dw (PLIF's scalar, else null) of `L = Σ c·S`, and the kernels it ran. */
export interface FusedRun {
  readonly spikes: Float32Array;
  readonly gradX: Float32Array;
  readonly gradW: Float32Array | null;
  readonly kernels: string[];
}

/**
 * Differentiate `L = Σ c·S` through fusedMultiStep with `impl`, for the input `xData` and weights `cData`
 * of `shape`. With `w0` a trainable scalar `w` (PLIF's) starts there and is handed to `params`;
 * `onInput` sees the input variable before the run (e.g. to ask where it sits in the heap).
 */
export function runFused(
  params: (w: tf.Variable | null) => FusedNeuronParams,
  w0: number | null,
  impl: FusedImpl,
  shape: number[],
  xData: Float32Array,
  cData: Float32Array,
  onInput?: (x: tf.Variable) => void,
): FusedRun {
  const x = tf.tidy(() => tf.variable(tf.tensor(xData, shape), true, undefined, 'float32'));
  const c = tf.tensor(cData, shape);
  const w = w0 === null ? null : tf.tidy(() => tf.variable(tf.scalar(w0), true));
  onInput?.(x);
  const spy = vi.spyOn(tf.engine(), 'runKernel');
  let spikes: Float32Array = new Float32Array(0);
  const { value, grads } = tf.variableGrads(
    () => {
      const s = fusedMultiStep(x, params(w), impl);
      spikes = s.dataSync().slice() as Float32Array;
      return tf.sum(tf.mul(s, c)) as tf.Scalar;
    },
    w ? [x, w] : [x],
  );
  const kernels = spy.mock.calls.map((call) => call[0]).filter((name) => name.startsWith('SpikeflowNeuron'));
  spy.mockRestore();
  const out = { spikes, gradX: grads[x.name].dataSync().slice() as Float32Array, gradW: w ? (grads[w.name].dataSync().slice() as Float32Array) : null, kernels };
  tf.dispose([value, grads, x, c]);
  w?.dispose();
  return out;
}

import type { Tensor } from '@spikeflow/core';
import type { NeuronCore } from '../recursion.js';
import type { SurrogateKind } from './neuron-codes.js';

// The neuron kernels' names, inputs and attributes: the one place they are typed.
//
//   SpikeflowNeuronForward  inputs { x }              → [spikes, H]         (both shaped like x)
//   SpikeflowNeuronBackward inputs { dy, h, sg?, x? } → [dx] or [dx, dw]    (dw shaped `wShape`, PLIF)

export const NeuronForward = 'SpikeflowNeuronForward';
export const NeuronBackward = 'SpikeflowNeuronBackward';

/** The kernels' attributes: {@link NeuronCore} and k = sigmoid(w) as plain values. */
export type NeuronKernelAttrs = {
  model: NeuronCore['model'];
  vThreshold: number;
  /** V_reset (ignored when `soft`). */
  vReset: number;
  soft: boolean;
  detachReset: boolean;
  /** LIF only. */
  tau: number;
  /** LIF/PLIF only. */
  decayInput: boolean;
  /** PLIF: sigmoid(w); 0 otherwise. */
  k: number;
  /** PLIF: the shape of w (the backward's dw output). */
  wShape: number[];
  /**
   * Backward only: the surrogate formula the compiled wasm kernel evaluates inline
   * (csrc/neuron-kernels.c), or `SurrogateKind.Given` when the derivative comes in as the input `sg`.
   */
  sgKind: SurrogateKind;
  sgP: number;
  sgQ: number;
};

/** Charge, fire and reset over T steps from rest → [spikes, H]. */
export interface NeuronForwardSig {
  inputs: { x: Tensor };
  attrs: NeuronKernelAttrs;
}
/** Exact BPTT backward → [dx] (and dw for PLIF); `sg` unless inline, `x` for PLIF. */
export interface NeuronBackwardSig {
  inputs: { dy: Tensor; h: Tensor; sg?: Tensor | null; x?: Tensor | null };
  attrs: NeuronKernelAttrs;
}

/** Every neuron kernel name with its signature. */
export interface NeuronKernelSignatures {
  [NeuronForward]: NeuronForwardSig;
  [NeuronBackward]: NeuronBackwardSig;
}

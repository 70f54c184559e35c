import type { Tensor } from '../../engine/tf.js';

// Core's custom kernel names, and for each its inputs and attributes: the one place they are typed
// (the kernel files, the ops that run them and the gradients all refer to these).

export const SparseMatMul = 'SpikeflowSparseMatMul';
export const SparseMatMulGradW = 'SpikeflowSparseMatMulGradW';
export const BatchNormForward = 'SpikeflowBatchNormForward';
export const BatchNormBackward = 'SpikeflowBatchNormBackward';
export const MaxPoolForward = 'SpikeflowMaxPoolForward';
export const MaxPoolBackward = 'SpikeflowMaxPoolBackward';
export const SparseConv2D = 'SpikeflowSparseConv2D';
export const SparseConv2DGradW = 'SpikeflowSparseConv2DGradW';
export const AdamUpdate = 'SpikeflowAdamUpdate';
export const JoinRows = 'SpikeflowJoinRows';

/** Stride, zero padding on each side and output size of a convolution. */
export interface ConvAttrs {
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  ho: number;
  wo: number;
}

/** Window geometry of a max pool: a convolution's stride, padding and output size (ho, wo) plus the window. */
export interface PoolAttrs extends ConvAttrs {
  kh: number;
  kw: number;
}

/** One Adam step's constants (bias corrections precomputed; `decay` the decoupled weight-decay factor). */
export interface AdamAttrs {
  b1: number;
  oneMinusB1: number;
  b2: number;
  oneMinusB2: number;
  sqrtBc2: number;
  eps: number;
  step: number;
  wd: number;
  decay: number;
}

/** `x [N, K] · w [K, M]` visiting only non-zero x → y [N, M]. */
export interface SparseMatMulSig {
  inputs: { x: Tensor; w: Tensor };
  attrs: Record<string, never>;
}
/** `xᵀ [K, N] · dy [N, M]` visiting only non-zero x → dw [K, M]. */
export interface SparseMatMulGradWSig {
  inputs: { x: Tensor; dy: Tensor };
  attrs: Record<string, never>;
}
/** Training batch norm of x [M, C] → [y, mean, invstd, variance]. */
export interface BatchNormForwardSig {
  inputs: { x: Tensor; weight?: Tensor | null; bias?: Tensor | null };
  attrs: { eps: number };
}
/** → [dx, dweight, dbias]. */
export interface BatchNormBackwardSig {
  inputs: { dy: Tensor; x: Tensor; mean: Tensor; invstd: Tensor; weight?: Tensor | null };
  attrs: Record<string, never>;
}
/** x [N, H, W, C] → [y, argmax (int32 flat indices into x)]. */
export interface MaxPoolForwardSig {
  inputs: { x: Tensor };
  attrs: PoolAttrs;
}
/** dy routed to the recorded argmax → dx [n, h, w, c]. */
export interface MaxPoolBackwardSig {
  inputs: { dy: Tensor; arg: Tensor };
  attrs: { n: number; h: number; w: number; c: number };
}
/** Event-driven conv of x [N, H, W, Cin] with w [kh, kw, Cin, Cout] → y [N, ho, wo, Cout]. */
export interface SparseConv2DSig {
  inputs: { x: Tensor; w: Tensor };
  attrs: ConvAttrs;
}
/** Event-driven filter gradient → dw [kh, kw, Cin, Cout]. */
export interface SparseConv2DGradWSig {
  inputs: { x: Tensor; dy: Tensor };
  attrs: ConvAttrs & { kh: number; kw: number };
}
/** One fused Adam step → [p1, m1, v1]. */
export interface AdamUpdateSig {
  inputs: { p: Tensor; g: Tensor; m: Tensor; v: Tensor };
  attrs: AdamAttrs;
}
/** [top rows; the rows at float offset `off` of the parallel pool's shared buffer] shaped `shape`. */
export interface JoinRowsSig {
  inputs: { top: Tensor };
  attrs: { shape: number[]; off: number };
}

/** Every core kernel name with its signature: what {@link runCoreKernel} checks calls against. */
export interface CoreKernelSignatures {
  [SparseMatMul]: SparseMatMulSig;
  [SparseMatMulGradW]: SparseMatMulGradWSig;
  [BatchNormForward]: BatchNormForwardSig;
  [BatchNormBackward]: BatchNormBackwardSig;
  [MaxPoolForward]: MaxPoolForwardSig;
  [MaxPoolBackward]: MaxPoolBackwardSig;
  [SparseConv2D]: SparseConv2DSig;
  [SparseConv2DGradW]: SparseConv2DGradWSig;
  [AdamUpdate]: AdamUpdateSig;
  [JoinRows]: JoinRowsSig;
}

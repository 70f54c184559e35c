import { z } from 'zod';
import { BatchNorm2d, Linear, Sequential, SpikeflowError, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { patchSplitting, stemConv, type TransformerContext } from './patch-splitting.js';
import { Residual } from './residual.js';
import { SpikformerBlock } from './spikformer-block.js';
import { TokenMean } from './token-mean.js';
import { transformerSizeOptions } from './transformer-size-options.js';

export interface SpikformerOptions {
  /** Encoder blocks L (CIFAR "4-384": 4). */
  readonly depth: number;
  /** Embedding dim D (CIFAR "4-384": 384); a multiple of 8 and of heads. */
  readonly dim: number;
  /** Attention heads (CIFAR: 12). */
  readonly heads: number;
  /** MLP hidden width / D (4). */
  readonly mlpRatio: number;
  /** Attention scale s (0.125). */
  readonly scale: number;
  /** Attention neuron threshold relative to the chosen neuron's V_th (paper 0.5; see ThresholdScaledNeuron). */
  readonly attnThreshold: number;
  /** Bias in the Q/K/V linears (reference CIFAR code: true). */
  readonly qkvBias: boolean;
}

/** The `[H, W, C]` input shape, checked: H and W divisible by `2^pools`. */
export function tokenGridInput(id: string, inputShape: readonly number[], pools: number): [number, number, number] {
  const f = 2 ** pools;
  const [h, w, c] = inputShape;
  if (inputShape.length !== 3 || !(h > 0 && w > 0 && c > 0) || h % f !== 0 || w % f !== 0) {
    throw new SpikeflowError('invalid-options', `${id} needs an NHWC image shape [H, W, C] with H and W divisible by ${f}, got [${inputShape}]`);
  }
  return [h, w, c];
}

/** Checks dim is a multiple of 8 (the stem's D/8 channels) and of heads. */
export function checkDims(id: string, dim: number, heads: number): void {
  if (dim % 8 !== 0 || dim % heads !== 0) throw new SpikeflowError('invalid-options', `${id}: dim must be a multiple of 8 and of heads (${heads}), got ${dim}`);
}

/**
 * Spikformer (Zhou et al., ICLR 2023), CIFAR variant, NHWC:
 *
 * - SPS (spiking patch splitting): `[Conv3x3 → BN → SN]` with D/8, D/4, D/2, D channels (bias-free
 *   convs), 3×3/2 max pools (padding 1) after the D/2 and D stages (32×32 → 8×8 tokens), then the
 *   relative position embedding `X + SN(BN(Conv3x3(X)))`;
 * - L × {@link SpikformerBlock} (SSA + MLP, spike-domain shortcuts);
 * - head: mean over tokens, `Linear(D, classes)` per time step (the loss averages over T).
 *
 * "Spikformer-4-384" for CIFAR-10 (depth 4, dim 384, 12 heads, MLP ratio 4, 32×32×3, T = 4) has
 * 9,324,730 parameters (published 9.32M). The reference code also builds two LayerNorms per
 * block that its forward never uses (6,144 parameters at 4-384); they are left out.
 * Event frames work the same with C = 2 (`[T, B, H, W, 2]`).
 *
 * @example
 * ```ts
 * const net = sf.model('spikformer', { depth: 2, dim: 128, heads: 4 }, { inputShape: [32, 32, 3], numClasses: 10, neuron: { id: 'lif' } });
 * ```
 */
export function spikformer(options: SpikformerOptions, context: TransformerContext): Module {
  const id = 'spikformer';
  const [, , c] = tokenGridInput(id, context.inputShape, 2);
  const D = options.dim;
  checkDims(id, D, options.heads);
  const n = context.neuron;
  // Named children (`sps.lif1`, `blocks.0.attn.q.lif`, `head.fc`) give readable parameter names and
  // firing-rate keys; construction order (and so every RNG draw) is the same as when they were numbered.
  const sps = patchSplitting(c, D, context, [false, false, true, true], () => true);
  sps.append(new Residual(new Sequential({ conv: stemConv(D, D), bn: new BatchNorm2d(D), lif: n('sps.rpe') })), 'rpe');
  const blocks = new Sequential();
  for (let i = 0; i < options.depth; i++) {
    blocks.append(
      new SpikformerBlock(D, n, {
        heads: options.heads,
        mlpRatio: options.mlpRatio,
        scale: options.scale,
        attnThreshold: options.attnThreshold,
        qkvBias: options.qkvBias,
        name: `block${i}`,
      }),
    );
  }
  return new Sequential({ sps, blocks, head: new Sequential({ mean: new TokenMean(), fc: new Linear(D, context.numClasses) }) });
}

export const spikformerDescriptor: ArchitectureDescriptor<SpikformerOptions> = {
  id: 'spikformer',
  description: 'Spikformer (spiking self-attention transformer); default the CIFAR "4-384" model (9.32M parameters at 10 classes)',
  defaultEncoder: 'core/direct',
  options: z
    .object({
      ...transformerSizeOptions({ depth: 4, dim: 384, heads: 12 }),
      scale: z.number().positive().default(0.125),
      attnThreshold: z.number().positive().default(0.5),
      qkvBias: z.boolean().default(true),
    })
    .strict(),
  reference: { inputShape: [32, 32, 3], numClasses: 10, parameters: 9.32e6, significantDigits: 3, source: 'Spikformer-4-384 on CIFAR-10, Zhou et al. 2023 (9.32M)' },
  create: (options, context) => spikformer(options, context),
};

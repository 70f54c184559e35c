import { z } from 'zod';
import { BatchNorm2d, Linear, Sequential, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { patchSplitting, stemConv, type TransformerContext } from './patch-splitting.js';
import { MembraneShortcutBlock } from './membrane-shortcut-block.js';
import { Residual } from './residual.js';
import type { SdsaForm } from './spike-driven-self-attention.js';
import { checkDims, tokenGridInput } from './spikformer.js';
import { TokenMean } from './token-mean.js';
import { transformerSizeOptions } from './transformer-size-options.js';

export interface SpikeDrivenTransformerOptions {
  /** Encoder blocks L (CIFAR "2-512": 2). */
  readonly depth: number;
  /** Embedding dim D (CIFAR "2-512": 512); a multiple of 8 and of heads. */
  readonly dim: number;
  /** Heads (8; they do not change SDSA, see SpikeDrivenSelfAttention). */
  readonly heads: number;
  /** MLP hidden width / D (4). */
  readonly mlpRatio: number;
  /** Which of the four stem stages end in a 3×3/2 max pool, e.g. `'0011'` (CIFAR) or `'1111'` (ImageNet). */
  readonly poolingStat: string;
  /** Threshold of the SDSA neuron relative to the chosen neuron's V_th (paper 0.5). */
  readonly attnThreshold: number;
  /** SDSA operand arrangement (`'qk-v'` paper equation, `'q-kv'` reference code). */
  readonly form: SdsaForm;
}

/**
 * Spike-driven Transformer (Yao et al., NeurIPS 2023), CIFAR variant, NHWC, membrane shortcuts:
 *
 * - MS-SPS stem: `Conv3x3 → BN → SN` with D/8, D/4, D/2 channels, then `Conv3x3(D) → BN`
 *   (bias-free convs), a 3×3/2 max pool (padding 1) after each stage whose `poolingStat` digit is 1
 *   (CIFAR `'0011'`: after the D/2 and D stages, 32×32 → 8×8 tokens), then the position embedding
 *   `X + BN(Conv3x3(SN(X)))` — the stem ends in the membrane domain;
 * - L × {@link MembraneShortcutBlock} (SDSA + MLP, membrane shortcuts);
 * - head: mean over tokens → SN → `Linear(D, classes)` per time step.
 *
 * "2-512" (depth 2, dim 512, 8 heads, MLP ratio 4, 32×32×3, T = 4) has 10,233,418 parameters at
 * 10 classes and 10,279,588 at 100; the published "10.28M" is the 100-class count. The reference
 * code also builds an unused `talking_heads` Conv1d per block (64 parameters at 8 heads), left out.
 *
 * @example
 * ```ts
 * const net = sf.model('sdt', { depth: 1, dim: 64 }, { inputShape: [32, 32, 2], numClasses: 10, neuron: { id: 'lif' } });
 * ```
 */
export function spikeDrivenTransformer(options: SpikeDrivenTransformerOptions, context: TransformerContext): Module {
  const id = 'spike-driven-transformer';
  const pools = [...options.poolingStat].map((d) => d === '1');
  const [, , c] = tokenGridInput(id, context.inputShape, pools.filter(Boolean).length);
  const D = options.dim;
  checkDims(id, D, options.heads);
  const n = context.neuron;
  // Named children (`sps.lif1`, `blocks.0.attn.q.lif`, `head.lif`) give readable parameter names and
  // firing-rate keys; construction order (and so every RNG draw) is the same as when they were numbered.
  // The last stage does not fire: its membrane value goes on to the position embedding's neuron.
  const sps = patchSplitting(c, D, context, pools, (s) => s < 3);
  sps.append(new Residual(new Sequential({ lif: n('sps.3'), conv: stemConv(D, D), bn: new BatchNorm2d(D) })), 'rpe');
  const blocks = new Sequential();
  for (let i = 0; i < options.depth; i++) {
    blocks.append(
      new MembraneShortcutBlock(D, n, { heads: options.heads, mlpRatio: options.mlpRatio, attnThreshold: options.attnThreshold, form: options.form, name: `block${i}` }),
    );
  }
  return new Sequential({ sps, blocks, head: new Sequential({ mean: new TokenMean(), lif: n('head'), fc: new Linear(D, context.numClasses) }) });
}

export const spikeDrivenTransformerDescriptor: ArchitectureDescriptor<SpikeDrivenTransformerOptions> = {
  id: 'spike-driven-transformer',
  description: 'Spike-driven Transformer (SDSA, membrane shortcuts); default the CIFAR "2-512" model',
  defaultEncoder: 'core/direct',
  options: z
    .object({
      ...transformerSizeOptions({ depth: 2, dim: 512, heads: 8 }),
      poolingStat: z
        .string()
        .regex(/^[01]{4}$/, 'four digits 0/1, one per stem stage')
        .default('0011'),
      attnThreshold: z.number().positive().default(0.5),
      form: z.enum(['qk-v', 'q-kv']).default('qk-v'),
    })
    .strict(),
  reference: {
    inputShape: [32, 32, 3],
    numClasses: 100,
    parameters: 10.28e6,
    significantDigits: 4,
    source: 'Spike-driven Transformer-2-512, Yao et al. 2023 (10.28M, the CIFAR table; a 100-class head — with 10 classes the model has 10.23M)',
  },
  create: (options, context) => spikeDrivenTransformer(options, context),
};

/** The same architecture under the short id `sdt`. */
export const sdtDescriptor: ArchitectureDescriptor<SpikeDrivenTransformerOptions> = {
  ...spikeDrivenTransformerDescriptor,
  id: 'sdt',
  description: 'Alias of spike-driven-transformer',
  aliasOf: 'spike-driven-transformer',
};

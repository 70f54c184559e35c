import { z } from 'zod';
import { Flatten, Linear, SpikeflowError, type ArchitectureContext, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
import { Chain } from './chain.js';
import { NORM_KINDS, type NormChoice } from './norm-factory.js';
import { imageShape, normOrDefault, stages, staticStem, stemEntries } from './resnet-parts.js';
import { SpikingBasicBlock } from './spiking-basic-block.js';

export interface ResNet19Options {
  /** Channels of the first stage (128); the stages have width, 2·width, 4·width. */
  readonly width: number;
  /**
   * Channels of the stem conv. Default: `width` (128, as the tdBN paper's table); 64 is what the
   * TET authors' code builds (`self.inplanes = 64`, with a projection into stage 1), which is the
   * widely quoted 12.63M-parameter count.
   */
  readonly stemChannels?: number;
  /** Width of the hidden fully connected layer (256). */
  readonly hidden: number;
  /** Normalisation after each conv (TypeScript API only; default core BatchNorm2d, the papers use tdBN). */
  readonly norm?: NormChoice;
}

/**
 * The CIFAR ResNet-19 of the tdBN (Zheng et al. 2021) and TET (Deng et al. 2022) papers: stem
 * `3x3 conv → BN → neuron`, three stages of {@link SpikingBasicBlock}s with 128/256/512 channels
 * and 3/3/2 blocks (stages 2 and 3 strided), global average pool, `fc1 (512→256) → neuron →
 * fc2 (256→classes)`. For CIFAR-10: 12,697,994 parameters with the 128-channel stem,
 * 12,630,858 (the published 12.63M) with `stemChannels: 64` as in the TET code.
 *
 * @example
 * ```ts
 * const net = resNet19({ width: 128, hidden: 256 }, { inputShape: [32, 32, 3], numClasses: 10, neuron });
 * ```
 */
export function resNet19(options: ResNet19Options, context: ArchitectureContext): Module {
  const [, , c] = imageShape('resnet19', context.inputShape);
  const w = options.width;
  const stemC = options.stemChannels ?? w;
  for (const [k, v] of [
    ['width', w],
    ['stemChannels', stemC],
    ['hidden', options.hidden],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new SpikeflowError('invalid-options', `resnet19: ${k} must be a positive integer, got ${v}`);
  }
  const norm = normOrDefault(options.norm, context);
  // Stem first: layers draw their initial weights from the global generator in build order.
  const stem = stemEntries('cifar', c, stemC, norm, staticStem(options.norm, context));
  const { entries, outChannels } = stages(stemC, [w, 2 * w, 4 * w], [3, 3, 2], [1, 2, 2], (i, o, s, deps) => new SpikingBasicBlock(i, o, s, deps), context.neuron, norm);
  return new Chain([
    ...stem,
    ['sn1', context.neuron('sn1')],
    ...entries,
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['fc1', new Linear(outChannels, options.hidden)],
    ['sn_fc1', context.neuron('sn_fc1')],
    ['fc2', new Linear(options.hidden, context.numClasses)],
  ]);
}

export const resNet19Descriptor: ArchitectureDescriptor<ResNet19Options> = {
  id: 'resnet19',
  description: 'CIFAR ResNet-19 of the tdBN/TET papers: 128/256/512 channels, 3/3/2 basic blocks, FC-256, FC-classes',
  defaultEncoder: 'core/direct',
  options: z
    .object({
      width: z.number().int().positive().default(128),
      stemChannels: z.number().int().positive().optional(),
      hidden: z.number().int().positive().default(256),
      norm: z.enum(NORM_KINDS).optional(),
    })
    .strict(),
  reference: {
    inputShape: [32, 32, 3],
    numClasses: 10,
    options: { stemChannels: 64 },
    parameters: 12.63e6,
    significantDigits: 4,
    source: "ResNet-19 on CIFAR-10, TET (Deng et al. 2022): 12.63M, with the TET code's 64-channel stem",
  },
  create: (options, context) => resNet19(options, context),
};

import { z } from 'zod';
import { Flatten, Linear, SpikeflowError, type ArchitectureContext, type ArchitectureDescriptor, type ArchitectureReference, type Module } from '@spikeflow/core';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
import { Chain } from './chain.js';
import { NORM_KINDS, type NormChoice } from './norm-factory.js';
import { imageShape, normOrDefault, stages, staticStem, stemEntries, stemPool, type BlockBuilder } from './resnet-parts.js';
import { SpikingBasicBlock } from './spiking-basic-block.js';

/** Blocks per stage of the basic-block ResNets. */
export const RESNET_BLOCKS: Readonly<Record<18 | 34, readonly number[]>> = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3] };

export interface SpikingResNetOptions {
  /** 18 or 34 (basic blocks [2, 2, 2, 2] / [3, 4, 6, 3]). */
  readonly depth: 18 | 34;
  /** Channels of the stem and first stage (torchvision: 64); stages double it. */
  readonly width: number;
  /**
   * `'imagenet'`: torchvision's 7x7/2 conv and 3x3/2 max pool (input /4 before the stages);
   * `'cifar'`: a 3x3/1 conv and no pool, the usual choice for 32x32 inputs and event frames.
   */
  readonly stem: 'imagenet' | 'cifar';
  /** Normalisation after each conv (TypeScript API only; default core BatchNorm2d). */
  readonly norm?: NormChoice;
}

/**
 * The torchvision basic-block ResNet layout with spiking neurons: stem `conv1 → bn1 → sn1
 * [→ maxpool]`, four stages of `block` (64·2^i channels for width 64, the first block of stages
 * 2–4 strided), global average pool, flatten, `fc` (with bias, no neuron: the output `[T, B,
 * classes]` is the per-step class score, averaged over T by the loss).
 */
export function basicResNet(arch: string, options: Omit<SpikingResNetOptions, 'depth'> & { blocks: readonly number[] }, context: ArchitectureContext, block: BlockBuilder): Module {
  const [, , c] = imageShape(arch, context.inputShape);
  if (!Number.isInteger(options.width) || options.width < 1) throw new SpikeflowError('invalid-options', `${arch}: width must be a positive integer, got ${options.width}`);
  const norm = normOrDefault(options.norm, context);
  const w = options.width;
  // Stem first: layers draw their initial weights from the global generator in build order.
  const stem = stemEntries(options.stem, c, w, norm, staticStem(options.norm, context));
  const { entries, outChannels } = stages(w, [w, 2 * w, 4 * w, 8 * w], options.blocks, [1, 2, 2, 2], block, context.neuron, norm);
  return new Chain([
    ...stem,
    ['sn1', context.neuron('sn1')],
    ...(options.stem === 'imagenet' ? [['maxpool', stemPool()] as [string, Module]] : []),
    ...entries,
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['fc', new Linear(outChannels, context.numClasses)],
  ]);
}

/**
 * Spiking ResNet-18/34 (SpikingJelly's `spiking_resnet`): torchvision's ResNet with a neuron after
 * every BN and after each residual addition ({@link SpikingBasicBlock}). Same parameters as
 * torchvision's resnet18/34 (11,689,512 / 21,797,672 for 224x224x3 and 1000 classes).
 *
 * @example
 * ```ts
 * const net = spikingResNet({ depth: 18, width: 64, stem: 'cifar' }, { inputShape: [32, 32, 3], numClasses: 10, neuron: (name) => new LIFNode() });
 * net.forward(x); // x [T, B, 32, 32, 3] -> [T, B, 10]
 * ```
 */
export function spikingResNet(options: SpikingResNetOptions, context: ArchitectureContext): Module {
  const blocks = RESNET_BLOCKS[options.depth];
  if (!blocks) throw new SpikeflowError('invalid-options', `spiking-resnet: depth must be 18 or 34, got ${options.depth}`);
  return basicResNet(`spiking-resnet${options.depth}`, { ...options, blocks }, context, (i, o, s, deps) => new SpikingBasicBlock(i, o, s, deps));
}

/** The zod options shared by the basic-block ResNet descriptors. */
export const resNetOptionsSchema = z.object({
  width: z.number().int().positive().default(64),
  stem: z.enum(['imagenet', 'cifar']).default('imagenet'),
  norm: z.enum(NORM_KINDS).optional(),
});

/** torchvision's exact ResNet-18/34 counts at 224x224x3, 1000 classes (spiking and SEW variants add no parameters). */
export function torchvisionResNetReference(depth: 18 | 34): ArchitectureReference {
  return { inputShape: [224, 224, 3], numClasses: 1000, parameters: depth === 18 ? 11_689_512 : 21_797_672, source: `torchvision resnet${depth} (exact count)` };
}

function descriptor(depth: 18 | 34): ArchitectureDescriptor<Omit<SpikingResNetOptions, 'depth'>> {
  return {
    id: `spiking-resnet${depth}`,
    description: `Spiking ResNet-${depth} (SpikingJelly spiking_resnet): torchvision layout, neuron after each BN and residual add`,
    defaultEncoder: 'core/direct',
    options: resNetOptionsSchema.strict(),
    reference: torchvisionResNetReference(depth),
    create: (options, context) => spikingResNet({ ...options, depth }, context),
  };
}

export const spikingResNet18Descriptor = descriptor(18);
export const spikingResNet34Descriptor = descriptor(34);

import { z } from 'zod';
import { SpikeflowError, type ArchitectureContext, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { SewBasicBlock } from './sew-basic-block.js';
import { SEW_CONNECT_FUNCTIONS, type SewConnect } from './sew-connect.js';
import { RESNET_BLOCKS, basicResNet, resNetOptionsSchema, torchvisionResNetReference, type SpikingResNetOptions } from './spiking-resnet.js';

export interface SewResNetOptions extends SpikingResNetOptions {
  /** The connect function g of every block (default ADD, the paper's best on ImageNet). */
  readonly connect: SewConnect;
}

/**
 * SEW-ResNet-18/34 (Fang et al. 2021; SpikingJelly's `sew_resnet`): torchvision's layout with
 * {@link SewBasicBlock}s, whose spike outputs are joined to the (spiking) shortcut by ADD, AND or
 * IAND. The connect functions add no parameters: counts equal torchvision's resnet18/34.
 *
 * @example
 * ```ts
 * const net = sewResNet({ depth: 18, width: 64, stem: 'imagenet', connect: 'IAND' }, { inputShape: [224, 224, 3], numClasses: 1000, neuron });
 * ```
 */
export function sewResNet(options: SewResNetOptions, context: ArchitectureContext): Module {
  const blocks = RESNET_BLOCKS[options.depth];
  if (!blocks) throw new SpikeflowError('invalid-options', `sew-resnet: depth must be 18 or 34, got ${options.depth}`);
  return basicResNet(`sew-resnet${options.depth}`, { ...options, blocks }, context, (i, o, s, deps) => new SewBasicBlock(i, o, s, deps, options.connect));
}

function descriptor(depth: 18 | 34): ArchitectureDescriptor<Omit<SewResNetOptions, 'depth'>> {
  return {
    id: `sew-resnet${depth}`,
    description: `SEW-ResNet-${depth} (Fang et al. 2021): spike-element-wise residual blocks, connect ADD/AND/IAND`,
    defaultEncoder: 'core/direct',
    options: resNetOptionsSchema.extend({ connect: z.enum(SEW_CONNECT_FUNCTIONS as [SewConnect, ...SewConnect[]]).default('ADD') }).strict(),
    reference: torchvisionResNetReference(depth),
    create: (options, context) => sewResNet({ ...options, depth }, context),
  };
}

export const sewResNet18Descriptor = descriptor(18);
export const sewResNet34Descriptor = descriptor(34);

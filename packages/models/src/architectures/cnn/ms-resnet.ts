import { Flatten, Linear, SpikeflowError, type ArchitectureContext, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
import { Chain } from './chain.js';
import { MsBasicBlock } from './ms-basic-block.js';
import { imageShape, normOrDefault, stages, staticStem, stemEntries } from './resnet-parts.js';
import { resNetOptionsSchema, type SpikingResNetOptions } from './spiking-resnet.js';

export type MsResNetOptions = Omit<SpikingResNetOptions, 'depth'>;

/**
 * MS-ResNet-18 (Hu et al., "Advancing Spiking Neural Networks towards Deep Residual Learning"),
 * laid out as the authors' ImageNet code (`ResNet_origin_18`): stem `conv1 (7x7/2) → bn1` with no
 * neuron and no max pool, four stages of {@link MsBasicBlock}s whose first block is strided 2
 * (so stage 1 also projects its shortcut), then `sn_out → global avg pool → fc`. Membrane
 * potentials flow through the shortcuts; only the branches and the head spike.
 * 11,693,736 parameters at 224x224x3 / 1000 classes (torchvision's resnet18 plus stage 1's
 * 64→64 projection, 4,224; the paper reports 11.69M). With `stem: 'cifar'` the stem is a 3x3/1
 * conv and stage 1 is not strided.
 *
 * @example
 * ```ts
 * const net = msResNet18({ width: 64, stem: 'imagenet' }, { inputShape: [224, 224, 3], numClasses: 1000, neuron });
 * ```
 */
export function msResNet18(options: MsResNetOptions, context: ArchitectureContext): Module {
  const [, , c] = imageShape('ms-resnet18', context.inputShape);
  if (!Number.isInteger(options.width) || options.width < 1) throw new SpikeflowError('invalid-options', `ms-resnet18: width must be a positive integer, got ${options.width}`);
  const norm = normOrDefault(options.norm, context);
  const w = options.width;
  const strides = options.stem === 'imagenet' ? [2, 2, 2, 2] : [1, 2, 2, 2];
  // Stem first: layers draw their initial weights from the global generator in build order.
  const stem = stemEntries(options.stem, c, w, norm, staticStem(options.norm, context));
  const { entries, outChannels } = stages(w, [w, 2 * w, 4 * w, 8 * w], [2, 2, 2, 2], strides, (i, o, s, deps) => new MsBasicBlock(i, o, s, deps), context.neuron, norm);
  return new Chain([
    ...stem,
    ...entries,
    ['sn_out', context.neuron('sn_out')],
    ['avgpool', new AdaptiveAvgPool2d(1)],
    ['flatten', new Flatten()],
    ['fc', new Linear(outChannels, context.numClasses)],
  ]);
}

export const msResNet18Descriptor: ArchitectureDescriptor<MsResNetOptions> = {
  id: 'ms-resnet18',
  description: 'MS-ResNet-18 (Hu et al.): membrane shortcuts, pre-activation neuron → conv → BN branches',
  defaultEncoder: 'core/direct',
  options: resNetOptionsSchema.strict(),
  reference: { inputShape: [224, 224, 3], numClasses: 1000, parameters: 11.69e6, significantDigits: 4, source: 'MS-ResNet-18 on ImageNet, Hu et al. (11.69M)' },
  create: (options, context) => msResNet18(options, context),
};

import { Module, tf, type Conv2d, type NeuronModule, type Tensor } from '@spikeflow/core';
import { conv3x3, needsProjection, projection, type BlockDeps } from './block-parts.js';

/**
 * The Spiking ResNet basic block (SpikingJelly's `spiking_resnet.BasicBlock`, after Zheng et al.
 * and Hu et al.): `sn2(bn2(conv2(sn1(bn1(conv1(x))))) + shortcut(x))`, the neuron after the
 * addition. The shortcut is the identity, or `conv1x1 → norm` (no neuron) when the block changes
 * stride or width. Parameters are those of torchvision's BasicBlock.
 *
 * @example
 * ```ts
 * const block = new SpikingBasicBlock(64, 128, 2, { neuron: () => new LIFNode(), norm: (c) => new BatchNorm2d(c), name: 'layer2.0' });
 * block.forward(x); // x [T, B, 56, 56, 64] -> [T, B, 28, 28, 128]
 * ```
 */
export class SpikingBasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly sn1: NeuronModule;
  readonly conv2: Conv2d;
  readonly bn2: Module;
  readonly downsample: Module | null;
  readonly sn2: NeuronModule;

  constructor(inChannels: number, outChannels: number, stride: number, deps: BlockDeps) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inChannels, outChannels, stride));
    this.bn1 = this.registerModule('bn1', deps.norm(outChannels, `${deps.name}.bn1`));
    this.sn1 = this.registerModule('sn1', deps.neuron(`${deps.name}.sn1`));
    this.conv2 = this.registerModule('conv2', conv3x3(outChannels, outChannels));
    this.bn2 = this.registerModule('bn2', deps.norm(outChannels, `${deps.name}.bn2`));
    this.downsample = needsProjection(inChannels, outChannels, stride) ? this.registerModule('downsample', projection(inChannels, outChannels, stride, deps)) : null;
    this.sn2 = this.registerModule('sn2', deps.neuron(`${deps.name}.sn2`));
  }

  override forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.sn1.forward(this.bn1.forward(this.conv1.forward(x)))));
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return this.sn2.forward(tf.add(out, identity));
  }
}

import { Module, tf, type Conv2d, type NeuronModule, type Tensor } from '@spikeflow/core';
import { conv3x3, needsProjection, projection, type BlockDeps } from './block-parts.js';

/**
 * The MS-ResNet basic block with a membrane shortcut (Hu et al., "Advancing Spiking Neural
 * Networks towards Deep Residual Learning"): the block carries membrane inputs, not spikes, and
 * each branch layer is pre-activation, `bn2(conv2(sn2(bn1(conv1(sn1(x)))))) + shortcut(x)`.
 * The shortcut is the identity, or `conv1x1 → norm` applied to the membrane input itself when the
 * block changes stride or width, as the authors' ImageNet code does (no neuron on the shortcut).
 * The output is not spiking: the next block (or the network's last neuron) fires on it.
 *
 * @example
 * ```ts
 * const block = new MsBasicBlock(64, 128, 2, { neuron, norm: (c) => new BatchNorm2d(c), name: 'layer2.0' });
 * ```
 */
export class MsBasicBlock extends Module {
  readonly sn1: NeuronModule;
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly sn2: NeuronModule;
  readonly conv2: Conv2d;
  readonly bn2: Module;
  readonly downsample: Module | null;

  constructor(inChannels: number, outChannels: number, stride: number, deps: BlockDeps) {
    super();
    this.sn1 = this.registerModule('sn1', deps.neuron(`${deps.name}.sn1`));
    this.conv1 = this.registerModule('conv1', conv3x3(inChannels, outChannels, stride));
    this.bn1 = this.registerModule('bn1', deps.norm(outChannels, `${deps.name}.bn1`));
    this.sn2 = this.registerModule('sn2', deps.neuron(`${deps.name}.sn2`));
    this.conv2 = this.registerModule('conv2', conv3x3(outChannels, outChannels));
    this.bn2 = this.registerModule('bn2', deps.norm(outChannels, `${deps.name}.bn2`));
    this.downsample = needsProjection(inChannels, outChannels, stride) ? this.registerModule('downsample', projection(inChannels, outChannels, stride, deps)) : null;
  }

  override forward(x: Tensor): Tensor {
    const branch = this.bn2.forward(this.conv2.forward(this.sn2.forward(this.bn1.forward(this.conv1.forward(this.sn1.forward(x))))));
    return tf.add(branch, this.downsample ? this.downsample.forward(x) : x);
  }
}

import { Module, SpikeflowError, type Conv2d, type NeuronModule, type Tensor } from '@spikeflow/core';
import { conv3x3, needsProjection, projection, type BlockDeps } from './block-parts.js';
import { SEW_CONNECT_FUNCTIONS, sewConnect, type SewConnect } from './sew-connect.js';

/**
 * The SEW (spike-element-wise) ResNet basic block (Fang et al. 2021; SpikingJelly's
 * `sew_resnet.BasicBlock`): `g(sn2(bn2(conv2(sn1(bn1(conv1(x)))))), shortcut(x))` with the
 * connect function g ∈ {ADD, AND, IAND} (see {@link sewConnect}). Both arguments of g are spikes:
 * the shortcut is the identity, or `conv1x1 → norm → neuron` when the block changes stride or
 * width. No parameters beyond torchvision's BasicBlock (the neurons' own, e.g. PLIF's w, aside).
 *
 * @example
 * ```ts
 * const block = new SewBasicBlock(64, 64, 1, { neuron, norm: (c) => new BatchNorm2d(c), name: 'layer1.0' }, 'ADD');
 * ```
 */
export class SewBasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: Module;
  readonly sn1: NeuronModule;
  readonly conv2: Conv2d;
  readonly bn2: Module;
  readonly sn2: NeuronModule;
  /** `conv1x1 → norm`, then `downsampleSn`; null for the identity shortcut. */
  readonly downsample: Module | null;
  readonly downsampleSn: NeuronModule | null;

  constructor(
    inChannels: number,
    outChannels: number,
    stride: number,
    deps: BlockDeps,
    readonly connect: SewConnect = 'ADD',
  ) {
    super();
    if (!SEW_CONNECT_FUNCTIONS.includes(connect)) {
      throw new SpikeflowError('invalid-options', `SewBasicBlock ${deps.name}: connect must be one of ${SEW_CONNECT_FUNCTIONS.join(', ')}, got ${JSON.stringify(connect)}`);
    }
    this.conv1 = this.registerModule('conv1', conv3x3(inChannels, outChannels, stride));
    this.bn1 = this.registerModule('bn1', deps.norm(outChannels, `${deps.name}.bn1`));
    this.sn1 = this.registerModule('sn1', deps.neuron(`${deps.name}.sn1`));
    this.conv2 = this.registerModule('conv2', conv3x3(outChannels, outChannels));
    this.bn2 = this.registerModule('bn2', deps.norm(outChannels, `${deps.name}.bn2`));
    this.sn2 = this.registerModule('sn2', deps.neuron(`${deps.name}.sn2`));
    const project = needsProjection(inChannels, outChannels, stride);
    this.downsample = project ? this.registerModule('downsample', projection(inChannels, outChannels, stride, deps)) : null;
    this.downsampleSn = project ? this.registerModule('downsample_sn', deps.neuron(`${deps.name}.downsample_sn`)) : null;
  }

  override forward(x: Tensor): Tensor {
    const out = this.sn2.forward(this.bn2.forward(this.conv2.forward(this.sn1.forward(this.bn1.forward(this.conv1.forward(x))))));
    const identity = this.downsample ? this.downsampleSn!.forward(this.downsample.forward(x)) : x;
    return sewConnect(this.connect, out, identity);
  }

  override describe(): string {
    return `SewBasicBlock(connect=${this.connect})`;
  }
}

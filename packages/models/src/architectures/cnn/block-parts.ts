// Shared pieces of the residual blocks (internal: not exported from the package).
import { Conv2d, Sequential, type Module, type NeuronFactory } from '@spikeflow/core';
import type { NormFactory } from './norm-factory.js';

/** What a block needs to make its layers; `name` prefixes the neuron and norm names (`layer1.0`). */
export interface BlockDeps {
  readonly neuron: NeuronFactory;
  readonly norm: NormFactory;
  readonly name: string;
}

/** ResNet's 3x3 convolution: padding 1, no bias (the BN after it has one). */
export function conv3x3(inChannels: number, outChannels: number, stride = 1): Conv2d {
  return new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
}

/**
 * torchvision's projection shortcut `conv1x1(stride) → norm`, used when the block changes the
 * resolution or width; children `0` and `1` as torchvision's `downsample.0` / `downsample.1`.
 */
export function projection(inChannels: number, outChannels: number, stride: number, deps: BlockDeps, suffix = 'downsample'): Module {
  return new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), deps.norm(outChannels, `${deps.name}.${suffix}.1`));
}

/** Whether a block from `inChannels` to `outChannels` with `stride` needs a projection shortcut. */
export function needsProjection(inChannels: number, outChannels: number, stride: number): boolean {
  return stride !== 1 || inChannels !== outChannels;
}

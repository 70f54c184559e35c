// Shared layout code of the ResNet builders (internal: not exported from the package).
import { Conv2d, MaxPool2d, Sequential, SpikeflowError, type Module, type NeuronFactory } from '@spikeflow/core';
import { TimeInvariant } from '../../layers/time-invariant.js';
import type { BlockDeps } from './block-parts.js';
import { Chain } from './chain.js';
import { isPerStepNorm, resolveNorm, type NormChoice, type NormFactory } from './norm-factory.js';

/** Makes one residual block. */
export type BlockBuilder = (inChannels: number, outChannels: number, stride: number, deps: BlockDeps) => Module;

/** Check an NHWC `[H, W, C]` input shape and return it. */
export function imageShape(arch: string, inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new SpikeflowError(
      'invalid-options',
      `${arch} needs an NHWC image shape [H, W, C] of positive integers (C = 3 or 1 for images, 2 for event frames), got [${inputShape}]`,
    );
  }
  return [inputShape[0], inputShape[1], inputShape[2]];
}

/** The norm factory to use (core's BatchNorm2d unless given); T for per-step kinds comes from the context. */
export function normOrDefault(norm: NormChoice | undefined, context: { readonly timeSteps?: number }): NormFactory {
  return resolveNorm(norm, context.timeSteps);
}

/** Whether the stem may run once on a time-invariant input (not with per-step normalisation). */
export function staticStem(norm: NormChoice | undefined, context: { readonly staticInput?: boolean }): boolean {
  return context.staticInput === true && !isPerStepNorm(norm);
}

/**
 * The stem's stateless part `conv1 → bn1` as named entries: torchvision's `7x7/2` conv for
 * `'imagenet'`, a `3x3/1` conv for `'cifar'` (no bias: BN follows). With a time-invariant input it
 * runs once, wrapped as `stem` in a TimeInvariant (parameter names then read `stem.inner.conv1...`).
 */
export function stemEntries(kind: 'imagenet' | 'cifar', inChannels: number, outChannels: number, norm: NormFactory, staticInput: boolean | undefined): Array<[string, Module]> {
  const conv =
    kind === 'imagenet' ? new Conv2d(inChannels, outChannels, 7, { stride: 2, padding: 3, bias: false }) : new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false });
  const entries: Array<[string, Module]> = [
    ['conv1', conv],
    ['bn1', norm(outChannels, 'bn1')],
  ];
  return staticInput ? [['stem', new TimeInvariant(new Chain(entries))]] : entries;
}

/** torchvision's stem max pool (3x3, stride 2, padding 1), after the first neuron. */
export function stemPool(): MaxPool2d {
  return new MaxPool2d(3, 2, 1);
}

/**
 * The residual stages `layer1..layerN`: stage i has `channels[i]` channels and `blocks[i]` blocks,
 * the first block of a stage strided by `strides[i]`. Returns the entries and the final width.
 */
export function stages(
  inChannels: number,
  channels: readonly number[],
  blocks: readonly number[],
  strides: readonly number[],
  block: BlockBuilder,
  neuron: NeuronFactory,
  norm: NormFactory,
): { entries: Array<[string, Module]>; outChannels: number } {
  const entries: Array<[string, Module]> = [];
  let c = inChannels;
  channels.forEach((width, i) => {
    const stage = new Sequential();
    for (let b = 0; b < blocks[i]; b++) {
      stage.append(block(c, width, b === 0 ? strides[i] : 1, { neuron, norm, name: `layer${i + 1}.${b}` }));
      c = width;
    }
    entries.push([`layer${i + 1}`, stage]);
  });
  return { entries, outChannels: c };
}

import type { ArchitectureDescriptor } from '@spikeflow/core';
import { msResNet18Descriptor } from './ms-resnet.js';
import { resNet19Descriptor } from './resnet19.js';
import { sewResNet18Descriptor, sewResNet34Descriptor } from './sew-resnet.js';
import { spikingResNet18Descriptor, spikingResNet34Descriptor } from './spiking-resnet.js';
import { vgg11BnDescriptor, vgg11Descriptor, vgg13BnDescriptor, vgg13Descriptor, vgg16BnDescriptor, vgg16Descriptor } from './spiking-vgg.js';

/** Every CNN architecture descriptor, in the order the models plugin registers them. */
// `any`: the descriptors differ in their options type (PluginContributions takes the same).
export const cnnArchitectures: ReadonlyArray<ArchitectureDescriptor<any>> = [
  vgg11Descriptor,
  vgg11BnDescriptor,
  vgg13Descriptor,
  vgg13BnDescriptor,
  vgg16Descriptor,
  vgg16BnDescriptor,
  spikingResNet18Descriptor,
  spikingResNet34Descriptor,
  sewResNet18Descriptor,
  sewResNet34Descriptor,
  msResNet18Descriptor,
  resNet19Descriptor,
];

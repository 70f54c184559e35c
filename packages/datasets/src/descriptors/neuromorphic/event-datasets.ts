import { cifar10DvsSpec } from './cifar10-dvs.js';
import { dvs128GestureSpec } from './dvs128-gesture.js';
import { eventDatasetDescriptor, type EventDatasetDescriptor } from './event-dataset-descriptor.js';
import { nCaltech101Spec } from './n-caltech101.js';
import { nMnistSpec } from './n-mnist.js';
import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';
import { shdSpec, sscSpec } from './shd.js';

/** Every neuromorphic dataset spec, in the order `spikeflow datasets list` shows them. */
export const neuromorphicSpecs: readonly NeuromorphicDatasetSpec[] = Object.freeze([nMnistSpec, nCaltech101Spec, dvs128GestureSpec, cifar10DvsSpec, shdSpec, sscSpec]);

/** The registry entries of the neuromorphic datasets. */
export const eventDatasetDescriptors: readonly EventDatasetDescriptor[] = Object.freeze(neuromorphicSpecs.map(eventDatasetDescriptor));

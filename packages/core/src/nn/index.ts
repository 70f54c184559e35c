// Layers of the module system. Each layer lives in its own file; this barrel is re-exported by the package index.
export { Sequential } from './sequential.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Conv2d } from './conv2d.js';
export type { Conv2dLayerOptions } from './conv2d.js';
export { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
export type { BatchNormOptions } from './batch-norm.js';
export { MaxPool2d, AvgPool2d } from './pooling.js';
export { Flatten } from './flatten.js';
export { Dropout } from './dropout.js';
export { ShapedOutput } from './shaped-output.js';

// The differentiable ops the layers are built on, for custom layers that need them directly.
export { linear } from '../ops/linear.js';
export { conv2d, convGeometry } from '../ops/conv2d.js';
export type { Conv2dOptions, Conv2dPadding, ConvGeometry } from '../ops/conv2d.js';
export { maxPool2d } from '../ops/max-pool.js';
export { repeatTime } from '../ops/repeat-time.js';
export { batchNormTrain } from '../ops/batch-norm.js';
export type { BatchNormTrainResult } from '../ops/batch-norm.js';

export { models } from './plugin.js';
export { lifMlp, lifMlpDescriptor } from './architectures/lif-mlp.js';
export type { LifMlpOptions } from './architectures/lif-mlp.js';
export { convFmnist, convFmnistDescriptor } from './architectures/conv-fmnist.js';
export type { ConvFmnistOptions } from './architectures/conv-fmnist.js';
export { TimeInvariant } from './layers/time-invariant.js';

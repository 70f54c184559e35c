import { definePlugin, type Plugin } from '@spikeflow/core';
import { lifMlpDescriptor } from './architectures/lif-mlp.js';
import { convFmnistDescriptor } from './architectures/conv-fmnist.js';

/**
 * The `@spikeflow/models` plugin: architectures `models/lif-mlp` and `models/conv-fmnist`.
 *
 * @example
 * ```ts
 * const sf = createSpikeflow({ plugins: [neurons(), models()] });
 * const net = sf.model('lif-mlp', {}, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' } });
 * ```
 */
export function models(): Plugin {
  return definePlugin({ name: '@spikeflow/models', version: '0.1.0', namespace: 'models' }, { architectures: [lifMlpDescriptor, convFmnistDescriptor] });
}

export default models;

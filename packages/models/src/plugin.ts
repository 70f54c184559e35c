import { definePlugin, type Plugin } from '@spikeflow/core';
import { lifMlpDescriptor } from './architectures/lif-mlp.js';
import { convFmnistDescriptor } from './architectures/conv-fmnist.js';
import { cnnArchitectures } from './architectures/cnn/cnn-architectures.js';
import { transformerArchitectures } from './transformers/transformer-architectures.js';
import { poissonEncoderDescriptor } from './encoders/poisson-encoder.js';
import { latencyEncoderDescriptor } from './encoders/latency-encoder.js';
import { deltaEncoderDescriptor } from './encoders/delta-encoder.js';
import { ceRateDescriptor } from './losses/ce-rate-loss.js';
import { mseCountDescriptor } from './losses/mse-count-loss.js';

/**
 * The `@spikeflow/models` plugin: architectures `models/lif-mlp` and `models/conv-fmnist`; the CNNs
 * `vgg11`/`vgg13`/`vgg16` (and `-bn`), `spiking-resnet18/34`, `sew-resnet18/34`, `ms-resnet18`, `resnet19`;
 * the transformers `spikformer` and `spike-driven-transformer` (`sdt`); the encoders `models/poisson`,
 * `models/latency`, `models/delta`; the losses `models/ce-rate`, `models/mse-count`.
 *
 * @example
 * ```ts
 * const sf = createSpikeflow({ plugins: [neurons(), models()] });
 * const net = sf.model('lif-mlp', {}, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' } });
 * ```
 */
export function models(): Plugin {
  return definePlugin(
    { name: '@spikeflow/models', version: '0.1.0', namespace: 'models' },
    {
      architectures: [lifMlpDescriptor, convFmnistDescriptor, ...cnnArchitectures, ...transformerArchitectures],
      encoders: [poissonEncoderDescriptor, latencyEncoderDescriptor, deltaEncoderDescriptor],
      losses: [ceRateDescriptor, mseCountDescriptor],
    },
  );
}

export default models;

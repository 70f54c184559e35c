import { definePlugin, type Plugin } from '@spikeflow/core';
import { fashionMnistDataset } from './descriptors/fashion-mnist.js';
import type { IdxDatasetDescriptor } from './descriptors/idx-descriptor.js';
import { kmnistDataset } from './descriptors/kmnist.js';
import { mnistDataset } from './descriptors/mnist.js';
import { cifar10Dataset } from './descriptors/cifar10.js';
import { imageFolderDataset } from './images/image-folder-descriptor.js';
import { cifar10FolderDataset } from './images/cifar10-folder.js';
import { eventDatasetDescriptors } from './descriptors/neuromorphic/event-datasets.js';
import { eventFramesEncoderDescriptor } from './encoders/event-frames-encoder.js';
import { timeSeriesDescriptors } from './timeseries/time-series-datasets.js';

/** The namespace of this package's registry ids (`datasets/fashion-mnist`). */
export const NAMESPACE = 'datasets';

/** Every dataset this package contributes. */
export const datasetDescriptors: readonly IdxDatasetDescriptor[] = Object.freeze([mnistDataset, fashionMnistDataset, kmnistDataset]);

/**
 * The `@spikeflow/datasets` plugin: `mnist`, `fashion-mnist`, `kmnist` and `cifar10`, colour
 * images from folders (`image-folder`, torchvision's ImageFolder layout, and `cifar10-folder`), the
 * neuromorphic `n-mnist`, `n-caltech101`, `dvs128-gesture`, `cifar10-dvs`, `shd` and `ssc` (as
 * integrated frames) with the `event-frames` encoder that feeds them to the trainer, the forecasting
 * series `etth1`, `etth2` and `exchange-rate` (opened with `sf.taskDataset`), under the
 * `datasets` namespace. Opening one finds its files (`--data-dir`, `$SPIKEFLOW_DATA`, the user cache,
 * `/usr/share/datasets`), downloads and verifies them when they are nowhere, and loads the split.
 * The CLI finds the plugin through the package's `"spikeflow": { "plugin" }` field.
 *
 * @example
 * ```ts
 * import { createSpikeflow } from '@spikeflow/core';
 * import { datasets } from '@spikeflow/datasets';
 *
 * const sf = createSpikeflow({ plugins: [datasets()] });
 * const train = await sf.dataset('fashion-mnist', { split: 'train' });
 * ```
 */
export function datasets(): Plugin {
  return definePlugin(
    { name: '@spikeflow/datasets', version: '0.1.0', namespace: NAMESPACE },
    {
      datasets: [...datasetDescriptors, cifar10Dataset, imageFolderDataset, cifar10FolderDataset, ...eventDatasetDescriptors, ...timeSeriesDescriptors],
      encoders: [eventFramesEncoderDescriptor],
    },
  );
}

export default datasets;

import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

/** N-MNIST (Orchard, Jayawant, Cohen & Thakor 2015): MNIST digits seen by an ATIS on a moving platform. */
export const nMnistSpec: NeuromorphicDatasetSpec = {
  id: 'n-mnist',
  title: 'N-MNIST',
  description: 'MNIST digits recorded by an ATIS event camera (three saccades), 34x34, 10 classes, 60000 train / 10000 test',
  homepage: 'https://www.garrickorchard.com/datasets/n-mnist',
  citation: 'Orchard G., Jayawant A., Cohen G. K., Thakor N. (2015). Converting Static Image Datasets to Spiking Neuromorphic Datasets Using Saccades. Front. Neurosci. 9:437.',
  license: 'CC BY-SA 4.0',
  format: 'nmnist-bin',
  width: 34,
  height: 34,
  channels: 2,
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  counts: { train: 60000, test: 10000 },
  split: { kind: 'official', note: 'Train.zip and Test.zip, the MNIST split' },
  files: [
    { name: 'Train.zip', split: 'train', urls: ['https://www.dropbox.com/sh/tg2ljlbmtzygrag/AABlMOuR15ugeOxMCX0Pvoxga/Train.zip?dl=1'], md5: '20959b8e626244a1b502305a9e6e2031' },
    { name: 'Test.zip', split: 'test', urls: ['https://www.dropbox.com/sh/tg2ljlbmtzygrag/AADSKgJ2CjaBWh75HnTNZyhca/Test.zip?dl=1'], md5: '69ca8762b2fe404d9b9bad1103e97832' },
  ],
  downloadable: true,
  layout: 'Train/<digit>/*.bin and Test/<digit>/*.bin (the two zips extracted)',
  defaultSplit: { by: 'number', frames: 10 },
};

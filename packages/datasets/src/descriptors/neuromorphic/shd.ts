import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

const CITATION = 'Cramer B., Stradmann Y., Schemmel J., Zenke F. (2020). The Heidelberg Spiking Data Sets for the Systematic Evaluation of Spiking Neural Networks. IEEE TNNLS 33(7):2744-2757.';

/** Spiking Heidelberg Digits: spoken digits 0-9 in English and German through a cochlea model. */
export const shdSpec: NeuromorphicDatasetSpec = {
  id: 'shd',
  title: 'Spiking Heidelberg Digits',
  description: 'SHD: spoken digits (English and German) as spikes on 700 channels, 20 classes, 8156 train / 2264 test (HDF5)',
  homepage: 'https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/',
  citation: CITATION,
  license: 'CC BY 4.0',
  format: 'shd-hdf5',
  width: 700,
  height: 1,
  channels: 1,
  classNames: ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  counts: { train: 8156, test: 2264 },
  split: { kind: 'official', note: 'shd_train.h5 and shd_test.h5 (test speakers partly unseen in training)' },
  files: [
    { name: 'shd_train.h5.zip', split: 'train', urls: ['https://zenkelab.org/datasets/shd_train.h5.zip'], md5: 'f3252aeb598ac776c1b526422d90eecb' },
    { name: 'shd_test.h5.zip', split: 'test', urls: ['https://zenkelab.org/datasets/shd_test.h5.zip'], md5: '1503a5064faa34311c398fb0a1ed0a6f' },
  ],
  downloadable: true,
  layout: 'shd_train.h5 and shd_test.h5',
  defaultSplit: { by: 'duration', duration: 10_000 },
  // SHD recordings last up to about 1.4 s.
  defaultBatchFrames: 150,
};

/** Spiking Speech Commands: Google Speech Commands through the same cochlea model. */
export const sscSpec: NeuromorphicDatasetSpec = {
  id: 'ssc',
  title: 'Spiking Speech Commands',
  description: 'SSC: 35 spoken commands as spikes on 700 channels, official train/valid/test files (HDF5)',
  homepage: 'https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/',
  citation: CITATION,
  license: 'CC BY 4.0',
  format: 'shd-hdf5',
  width: 700,
  height: 1,
  channels: 1,
  // Label order of the files' /extra/keys; filled from the file when opened.
  classNames: [],
  numClasses: 35,
  counts: { train: 75466, test: 20382 },
  split: { kind: 'official', note: 'ssc_train.h5, ssc_valid.h5 and ssc_test.h5' },
  files: [
    { name: 'ssc_train.h5.zip', split: 'train', urls: ['https://zenkelab.org/datasets/ssc_train.h5.zip'], md5: 'd102be95e7144fcc0553d1f45ba94170' },
    { name: 'ssc_valid.h5.zip', split: 'valid', urls: ['https://zenkelab.org/datasets/ssc_valid.h5.zip'], md5: 'b4eee3516a4a90dd0c71a6ac23a8ae43' },
    { name: 'ssc_test.h5.zip', split: 'test', urls: ['https://zenkelab.org/datasets/ssc_test.h5.zip'], md5: 'a35ff1e9cffdd02a20eb850c17c37748' },
  ],
  downloadable: true,
  layout: 'ssc_train.h5, ssc_valid.h5 and ssc_test.h5',
  defaultSplit: { by: 'duration', duration: 10_000 },
  // Speech Commands clips last 1 s.
  defaultBatchFrames: 100,
};

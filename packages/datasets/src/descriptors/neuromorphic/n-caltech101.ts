import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

/** N-Caltech101 (Orchard et al. 2015): Caltech101 images seen by an ATIS. No official split. */
export const nCaltech101Spec: NeuromorphicDatasetSpec = {
  id: 'n-caltech101',
  title: 'N-Caltech101',
  description: 'Caltech101 images recorded by an ATIS event camera, up to 240x180, 101 classes, seeded 90/10 split',
  homepage: 'https://www.garrickorchard.com/datasets/n-caltech101',
  citation: 'Orchard G., Jayawant A., Cohen G. K., Thakor N. (2015). Converting Static Image Datasets to Spiking Neuromorphic Datasets Using Saccades. Front. Neurosci. 9:437.',
  license: 'CC BY 4.0',
  format: 'nmnist-bin',
  width: 240,
  height: 180,
  channels: 2,
  // The class folders of Caltech101.zip, sorted; filled from the folder names when opened.
  classNames: [],
  numClasses: 101,
  split: { kind: 'seeded', trainRatio: 0.9, seed: 0 },
  files: [{ name: 'Caltech101.zip', urls: ['https://www.dropbox.com/sh/iuv7o3h2gv6g4vd/AAD0T79lglp-BrdbSCuH_7MFa/Caltech101.zip?dl=1'], md5: '66201824eabb0239c7ab992480b50ba3' }],
  downloadable: true,
  layout: 'Caltech101/<class>/*.bin (the zip extracted)',
  defaultSplit: { by: 'number', frames: 14 },
};

import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

const FIGSHARE = [
  ['airplane', 7712788, '0afd5c4bf9ae06af762a77b180354fdd'],
  ['automobile', 7712791, '8438dfeba3bc970c94962d995b1b9bdd'],
  ['bird', 7712794, 'a9c207c91c55b9dc2002dc21c684d785'],
  ['cat', 7712812, '52c63c677c2b15fa5146a8daf4d56687'],
  ['deer', 7712815, 'b6bf21f6c04d21ba4e23fc3e36c8a4a3'],
  ['dog', 7712818, 'f379ebdf6703d16e0a690782e62639c3'],
  ['frog', 7712842, 'cad6ed91214b1c7388a5f6ee56d08803'],
  ['horse', 7712851, 'e7cbbf77bec584ffbf913f00e682782a'],
  ['ship', 7712836, '41c7bd7d6b251be82557c6cce9a7d5c9'],
  ['truck', 7712839, '89f3922fd147d9aeff89e76a2b0b70a7'],
] as const;

/**
 * CIFAR10-DVS (Li et al. 2017): 10000 CIFAR-10 images (1000 per class) moved in front of a DVS128.
 * It has no official train/test split; spikeflow's is the documented seeded 90/10 per-class split
 * (900 train / 100 test per class).
 */
export const cifar10DvsSpec: NeuromorphicDatasetSpec = {
  id: 'cifar10-dvs',
  title: 'CIFAR10-DVS',
  description: 'CIFAR-10 images recorded by a DVS128, 128x128, 10 classes, 10000 samples, seeded 90/10 split per class',
  homepage: 'https://figshare.com/articles/dataset/CIFAR10-DVS_New/4724671',
  citation: 'Li H., Liu H., Ji X., Li G., Shi L. (2017). CIFAR10-DVS: An Event-Stream Dataset for Object Classification. Front. Neurosci. 11:309.',
  license: 'CC BY 4.0',
  format: 'aedat2',
  width: 128,
  height: 128,
  channels: 2,
  classNames: FIGSHARE.map(([c]) => c),
  counts: { train: 9000, test: 1000 },
  split: { kind: 'seeded', trainRatio: 0.9, seed: 0 },
  files: FIGSHARE.map(([c, id, md5]) => ({ name: `${c}.zip`, urls: [`https://ndownloader.figshare.com/files/${id}`], md5 })),
  downloadable: true,
  layout: '<class>/cifar10_<class>_<n>.aedat (the ten zips extracted; AEDAT 2.0, or .aedat4 from the re-release)',
  defaultSplit: { by: 'number', frames: 10 },
};

import { idxDatasetDescriptor } from './idx-descriptor.js';
import { archiveMd5s, mnistLayoutSpec } from './mnist-layout-spec.js';

/**
 * Kuzushiji-MNIST (Clanuwat et al., 2018): ten classes of cursive Japanese (Kuzushiji) hiragana,
 * from the ROIS-DS Center for Open Data in the Humanities.
 *
 * Checksums: the MD5s of the official `.gz` files as torchvision pins them
 * (`torchvision/datasets/mnist.py`, class KMNIST). No SHA-256 and no digest of the decompressed
 * bytes is stored: no copy of the files was at hand to establish them.
 */
export const kmnistSpec = mnistLayoutSpec({
  id: 'kmnist',
  title: 'Kuzushiji-MNIST',
  description: 'cursive Japanese hiragana, 28x28 grey, 10 classes, 60000 train / 10000 test (IDX)',
  homepage: 'https://github.com/rois-codh/kmnist',
  license: 'CC BY-SA 4.0',
  classNames: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
  files: archiveMd5s('bdb82020997e1d708af4cf47b453dcf7', 'e144d726b3acfaa3e44228e80efcd344', '5c965bf0a639b31b8f53240b1b52f4d7', '7320c461ea6c1c855c0b718fb2a4b134'),
  mirrors: ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/', 'https://codh.rois.ac.jp/kmnist/dataset/kmnist/'],
});

/** The `datasets/kmnist` registry entry. */
export const kmnistDataset = idxDatasetDescriptor(kmnistSpec);

import { idxDatasetDescriptor } from './idx-descriptor.js';
import { archiveMd5s, mnistLayoutSpec } from './mnist-layout-spec.js';

/**
 * MNIST (LeCun, Cortes & Burges): handwritten digits.
 *
 * Checksums: the MD5s of the official `.gz` files as torchvision pins them
 * (`torchvision/datasets/mnist.py`). No SHA-256 and no digest of the decompressed bytes is stored:
 * no copy of the files was at hand to establish them. Local copies are therefore verified against
 * the archive MD5 when they are the original `.gz`, and only structurally when they are raw.
 */
export const mnistSpec = mnistLayoutSpec({
  id: 'mnist',
  title: 'MNIST',
  description: 'handwritten digits, 28x28 grey, 10 classes, 60000 train / 10000 test (IDX)',
  homepage: 'http://yann.lecun.com/exdb/mnist/',
  license: 'not stated by its authors',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  files: archiveMd5s('f68b3c2dcbeaaa9fbdd348bbdeb94873', 'd53e105ee54ea40749a09fcbcd1e9432', '9fb629c4189551a2d022fa330f9573f3', 'ec29112dd5afa0611ce80d1b7f02629c'),
  mirrors: ['http://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
});

/** The `datasets/mnist` registry entry. */
export const mnistDataset = idxDatasetDescriptor(mnistSpec);

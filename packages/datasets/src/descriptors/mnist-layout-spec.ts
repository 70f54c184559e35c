import type { IdxDatasetSpec, IdxFileSpec } from './idx-dataset-spec.js';

/** The digests of one file of an MNIST-layout dataset (its name follows from its place). */
export type IdxFileDigests = Omit<IdxFileSpec, 'name'>;

/** What sets one MNIST-layout dataset apart from another: who made it, its classes, its sources and its file digests. */
export interface MnistLayoutInfo extends Omit<IdxDatasetSpec, 'sampleShape' | 'numClasses' | 'splits'> {
  /** Digests of the train images, train labels, test images and test labels, in that order. */
  readonly files: readonly [IdxFileDigests, IdxFileDigests, IdxFileDigests, IdxFileDigests];
}

/**
 * The {@link MnistLayoutInfo.files} of a dataset known only by the MD5s of its official `.gz`
 * files (as torchvision pins them), given in the same order: train images, train labels, test
 * images, test labels. Without a content digest, a raw local copy is checked only structurally.
 *
 * @example
 * ```ts
 * const files = archiveMd5s('f68b...', 'd53e...', '9fb6...', 'ec29...');
 * ```
 */
export function archiveMd5s(trainImages: string, trainLabels: string, testImages: string, testLabels: string): MnistLayoutInfo['files'] {
  return [{ archive: { md5: trainImages } }, { archive: { md5: trainLabels } }, { archive: { md5: testImages } }, { archive: { md5: testLabels } }];
}

/**
 * The spec of a dataset laid out exactly as MNIST: 28x28 grey images, 60000 train and 10000 test
 * samples in `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte` (MNIST, Fashion-MNIST and Kuzushiji-MNIST all are).
 *
 * @example
 * ```ts
 * const spec = mnistLayoutSpec({ id: 'toy', title: 'Toy', description: '...', homepage: '...', license: 'MIT', classNames, files, mirrors: [] });
 * ```
 */
export function mnistLayoutSpec(info: MnistLayoutInfo): IdxDatasetSpec {
  const { files, systemPackage, ...about } = info;
  const [trainImages, trainLabels, testImages, testLabels] = files;
  return {
    id: about.id,
    title: about.title,
    description: about.description,
    homepage: about.homepage,
    license: about.license,
    sampleShape: [28, 28, 1],
    numClasses: about.classNames.length,
    classNames: about.classNames,
    splits: {
      train: { count: 60000, images: { name: 'train-images-idx3-ubyte', ...trainImages }, labels: { name: 'train-labels-idx1-ubyte', ...trainLabels } },
      test: { count: 10000, images: { name: 't10k-images-idx3-ubyte', ...testImages }, labels: { name: 't10k-labels-idx1-ubyte', ...testLabels } },
    },
    mirrors: about.mirrors,
    ...(systemPackage === undefined ? {} : { systemPackage }),
  };
}

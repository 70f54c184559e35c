import type { Checksum } from '../checksum/checksum.js';

/** The splits every IDX dataset here has. */
export type Split = 'train' | 'test';

/**
 * One IDX file of a dataset. It is stored and downloaded as `<name>.gz`; a folder may hold it
 * either gzip-compressed or raw.
 */
export interface IdxFileSpec {
  /** The uncompressed file name, e.g. `train-images-idx3-ubyte`. */
  readonly name: string;
  /** Digests of the official `.gz` exactly as served; downloads are verified against these. */
  readonly archive: Checksum;
  /**
   * Digests of the decompressed IDX bytes. They do not depend on how the file was gzipped, so
   * they also verify copies recompressed by a distribution (Debian's Fashion-MNIST is one).
   */
  readonly content?: Checksum;
}

/** The images and labels of one split, and how many samples it has. */
export interface IdxSplitSpec {
  readonly images: IdxFileSpec;
  readonly labels: IdxFileSpec;
  readonly count: number;
}

/** Everything spikeflow knows about an MNIST-format dataset: shape, classes, files, sources. */
export interface IdxDatasetSpec {
  /** Registry id and folder name (`<SPIKEFLOW_DATA>/<id>`, `/usr/share/datasets/<id>`). */
  readonly id: string;
  readonly title: string;
  /** One line for `spikeflow info`. */
  readonly description: string;
  readonly homepage: string;
  readonly license: string;
  /** NHWC without the batch dimension. */
  readonly sampleShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly splits: Readonly<Record<Split, IdxSplitSpec>>;
  /** Base URLs (ending in `/`) serving `<file>.gz`, tried in order; the authors' own first. */
  readonly mirrors: readonly string[];
  /** A distribution package that installs the files into `/usr/share/datasets/<id>`, if any. */
  readonly systemPackage?: string;
}

/** The two files of a split, images first. */
export function splitFiles(spec: IdxDatasetSpec, split: Split): readonly [IdxFileSpec, IdxFileSpec] {
  const s = spec.splits[split];
  return [s.images, s.labels];
}

import { SpikeflowError } from '@spikeflow/core';
import { ChecksumHasher, checksumAlgorithms, compareChecksum, checksumError, verifyChecksum } from '../checksum/checksum.js';
import { splitFiles, type IdxDatasetSpec, type IdxFileSpec, type Split } from '../descriptors/idx-dataset-spec.js';
import { readIdx, type IdxArray, type IdxExpectation } from '../idx/read-idx.js';
import { IdxDataset } from './idx-dataset.js';

/** Options of {@link loadIdxSplit}. */
export interface LoadIdxSplitOptions {
  /**
   * Check the files' checksums (default true). Turn off only for a copy you trust that was
   * recompressed; the structural checks (shape, counts, label range) always run.
   */
  readonly verify?: boolean;
}

/**
 * Read one file, check its structure, then its checksum. Verification runs here, on every open,
 * rather than once with a stamp file: hashing bytes already in memory costs tens of milliseconds
 * for Fashion-MNIST's 47 MB of training images (decompressing them takes about half a second),
 * needs no write access (so it works on a read-only `/usr/share/datasets`), and cannot be fooled
 * by a stamp that outlived a change to the data. The decompressed-content digest is preferred
 * because it does not depend on how a copy was gzipped; without one, the original `.gz` is checked
 * against the archive digest, and a raw copy is checked structurally only.
 */
async function readChecked(path: string, file: IdxFileSpec, expect: IdxExpectation, verify: boolean): Promise<IdxArray> {
  // The archive digest is of the file as stored, so it is hashed as the file streams in.
  const hasher = verify && !file.content && (file.archive.sha256 || file.archive.md5) ? new ChecksumHasher(checksumAlgorithms(file.archive)) : undefined;
  const idx = await readIdx(path, expect, { onFileChunk: hasher ? (c) => hasher.update(c) : undefined });
  if (!verify) return idx;
  if (file.content) {
    verifyChecksum(idx.bytes, file.content, path, {
      form: 'decompressed IDX bytes',
      hint: 'The file is not the official one (damaged, edited or from another dataset); delete it so it is downloaded again, or point --data-dir at a good copy',
    });
  } else if (idx.gzipped && hasher) {
    const mismatch = compareChecksum(file.archive, hasher.digest());
    if (mismatch) {
      throw checksumError(path, mismatch, {
        form: 'gzip file',
        hint: 'It differs from the official archive: delete it so it is downloaded again, or, if it is a trusted copy that was merely recompressed, open the dataset with the option verify: false',
      });
    }
  }
  return idx;
}

/**
 * Load one split from its images and labels files and check that they belong together: uint8
 * images of the dataset's sample shape, uint8 labels, the same number of each and the number the
 * dataset has, every label a valid class. Mismatched files (say, test labels with train images)
 * are refused rather than silently truncated to the shorter one.
 *
 * @throws SpikeflowError `dataset-corrupt` naming the file and what was expected; `checksum-mismatch`.
 */
export async function loadIdxSplit(
  spec: IdxDatasetSpec,
  split: Split,
  files: { readonly images: string; readonly labels: string },
  options: LoadIdxSplitOptions = {},
): Promise<IdxDataset> {
  const verify = options.verify ?? true;
  const [imagesSpec, labelsSpec] = splitFiles(spec, split);
  const [h, w, c] = spec.sampleShape;
  const imageDims = c === 1 ? [null, h, w] : [null, h, w, c];
  // No split is larger than its spec says, so no header may claim more (bounds memory and work).
  const expected = spec.splits[split].count;
  const [images, labels] = await Promise.all([
    readChecked(files.images, imagesSpec, { dtype: 'uint8', dims: imageDims, maxBytes: 4 + 4 * imageDims.length + expected * h * w * c }, verify),
    readChecked(files.labels, labelsSpec, { dtype: 'uint8', dims: [null], maxBytes: 8 + expected }, verify),
  ]);
  const n = images.dims[0];
  const m = labels.dims[0];
  if (n !== m) {
    throw new SpikeflowError('dataset-corrupt', `${files.images} has ${n} images but ${files.labels} has ${m} labels; expected one label per image`, {
      images: files.images,
      labels: files.labels,
      imageCount: n,
      labelCount: m,
    });
  }
  if (n !== expected) {
    throw new SpikeflowError('dataset-corrupt', `${files.images} and ${files.labels} hold ${n} samples; ${spec.title} ${split} has ${expected}`, {
      images: files.images,
      labels: files.labels,
      count: n,
      expected,
    });
  }
  const labelBytes = labels.data as Uint8Array;
  for (let i = 0; i < labelBytes.length; i++) {
    if (labelBytes[i] >= spec.numClasses) {
      throw new SpikeflowError('dataset-corrupt', `${files.labels}: label ${labelBytes[i]} at sample ${i} is out of range; expected 0..${spec.numClasses - 1}`, {
        file: files.labels,
        index: i,
        label: labelBytes[i],
      });
    }
  }
  return new IdxDataset({
    name: spec.id,
    split,
    pixels: images.data as Uint8Array,
    labels: labelBytes,
    sampleShape: spec.sampleShape,
    numClasses: spec.numClasses,
    classNames: spec.classNames,
    sources: [files.images, files.labels],
  });
}

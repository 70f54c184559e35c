/**
 * `@spikeflow/datasets`: MNIST-format datasets (MNIST, Fashion-MNIST, Kuzushiji-MNIST) for
 * spikeflow — a strict IDX reader, data location with verified downloads, an in-memory dataset and
 * a seeded, resumable, prefetching batch loader — and a plugin registering the datasets.
 *
 * @example
 * ```ts
 * import { createSpikeflow } from '@spikeflow/core';
 * import { DataLoader, datasets } from '@spikeflow/datasets';
 *
 * const sf = createSpikeflow({ plugins: [datasets()] });
 * const train = await sf.dataset('fashion-mnist', { split: 'train' }); // found or downloaded, verified
 * const loader = new DataLoader({ dataset: train, batchSize: 64, seed: 0 });
 * for await (const batch of loader.batches(0)) {
 *   // batch.x: Float32Array [64, 28, 28, 1] in [0, 1]; batch.y: Int32Array labels
 * }
 * ```
 *
 * @packageDocumentation
 */

// The plugin and its datasets.
export { datasets, datasetDescriptors, NAMESPACE } from './plugin.js';
export { mnistSpec, mnistDataset } from './descriptors/mnist.js';
export { fashionMnistSpec, fashionMnistDataset } from './descriptors/fashion-mnist.js';
export { kmnistSpec, kmnistDataset } from './descriptors/kmnist.js';
export { idxDatasetDescriptor, idxDatasetOptions } from './descriptors/idx-descriptor.js';
export type { IdxDatasetDescriptor, IdxDatasetOptions } from './descriptors/idx-descriptor.js';
export { splitFiles } from './descriptors/idx-dataset-spec.js';
export type { IdxDatasetSpec, IdxFileSpec, IdxSplitSpec, Split } from './descriptors/idx-dataset-spec.js';

// Reading IDX files.
export { readIdx, parseIdx, isGzip } from './idx/read-idx.js';
export type { IdxArray, IdxData, IdxDType, IdxExpectation } from './idx/read-idx.js';

// Checksums.
export { verifyChecksum, compareChecksum, digestBytes, checksumAlgorithms, checksumError, ChecksumHasher } from './checksum/checksum.js';
export type { Checksum, ChecksumAlgorithm, ChecksumMismatch, ChecksumErrorNote } from './checksum/checksum.js';

// Finding and downloading files.
export { datasetSearchPath, defaultCacheRoot, downloadFolder, SYSTEM_DATA_ROOT } from './locate/search-path.js';
export type { DataFolder, DataFolderSource, DataLocationOptions } from './locate/search-path.js';
export { findSplitFiles, findIdxFile } from './locate/find-split-files.js';
export type { SplitFiles, SplitSearch } from './locate/find-split-files.js';
export { datasetMirrors, fileUrls, MIRROR_ENV } from './locate/mirrors.js';
export type { MirrorOptions } from './locate/mirrors.js';
export { downloadFile } from './locate/download-file.js';
export type { DownloadFileOptions, DownloadResult, DownloadAttempt } from './locate/download-file.js';
export { stderrDownloadProgress } from './locate/download-progress.js';
export type { DatasetProgress } from './locate/download-progress.js';
export { resolveSplitFiles } from './locate/resolve-split-files.js';
export type { ResolveSplitOptions } from './locate/resolve-split-files.js';

// Datasets in memory.
export { IdxDataset } from './dataset/idx-dataset.js';
export type { IdxDatasetInit } from './dataset/idx-dataset.js';
export { loadIdxSplit } from './dataset/load-idx-split.js';
export type { LoadIdxSplitOptions } from './dataset/load-idx-split.js';
export { openIdxDataset } from './dataset/open-idx-dataset.js';
export type { OpenIdxDatasetOptions } from './dataset/open-idx-dataset.js';

// Batches.
export { DataLoader } from './loader/data-loader.js';
export type { DataLoaderOptions } from './loader/data-loader.js';
export { subsetIndices } from './loader/subset-indices.js';

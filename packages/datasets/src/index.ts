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
export type { IdxArray, IdxData, IdxDType, IdxExpectation, ReadIdxOptions } from './idx/read-idx.js';

// Checksums.
export { verifyChecksum, compareChecksum, digestBytes, checksumAlgorithms, checksumError, ChecksumHasher } from './checksum/checksum.js';
export type { Checksum, ChecksumAlgorithm, ChecksumMismatch, ChecksumErrorNote } from './checksum/checksum.js';

// Finding and downloading files.
export { checkDataDir, datasetSearchPath, defaultCacheRoot, downloadFolder, SYSTEM_DATA_ROOT } from './locate/search-path.js';
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

// Event streams: readers of the neuromorphic file formats.
export { eventBatch, concatEvents, sliceEvents } from './events/event-batch.js';
export type { EventBatch } from './events/event-batch.js';
export { EventBuilder } from './events/event-builder.js';
export type { EventFile, EventFileInfo, EventFormat, EventReadOptions } from './events/event-file.js';
export { openEventFile, detectEventFormat } from './events/open-event-file.js';
export { readAllEvents } from './events/read-all-events.js';
export { summarizeEvents } from './events/event-summary.js';
export type { EventSummary, EventRecord } from './events/event-summary.js';
export { EventChecker } from './events/event-checker.js';
export type { EventGeometry } from './events/event-checker.js';
export { openNmnistBin, decodeNmnist, NMNIST_EVENT_BYTES, NMNIST_OVERFLOW_Y } from './formats/nmnist/open-nmnist-bin.js';
export { openAedat4, readAedat4Header, decodeAedat4EventPacket, AEDAT4_MAGIC, AEDAT4_MAX_PACKET_BYTES } from './formats/aedat4/open-aedat4.js';
export type { Aedat4Header, Aedat4Stream } from './formats/aedat4/open-aedat4.js';
export { lz4FrameLength } from './formats/aedat4/lz4-frame-length.js';
export { lz4FrameBound } from './formats/aedat4/lz4-frame-bound.js';
export type { Lz4FrameBound } from './formats/aedat4/lz4-frame-bound.js';
export { zstdFrameLength } from './formats/aedat4/zstd-frame-length.js';
export { zstdFrameBound } from './formats/aedat4/zstd-frame-bound.js';
export type { ZstdFrameBound } from './formats/aedat4/zstd-frame-bound.js';
export { openAedat3, AEDAT31_MAGIC } from './formats/aedat3/open-aedat3.js';
export { readGestureLabels, splitGestureSegments } from './formats/aedat3/gesture-labels.js';
export type { GestureSegment } from './formats/aedat3/gesture-labels.js';
export { openAedat2 } from './formats/aedat2/open-aedat2.js';
export type { Aedat2Orientation } from './formats/aedat2/open-aedat2.js';
export { openPropheseeDat } from './formats/prophesee/open-prophesee-dat.js';
export { openEvt2 } from './formats/prophesee/open-evt2.js';
export { openEvt3 } from './formats/prophesee/open-evt3.js';
export { readPropheseeHeader } from './formats/prophesee/prophesee-header.js';
export type { PropheseeHeader } from './formats/prophesee/prophesee-header.js';
export { openShd, SHD_CHANNELS } from './formats/shd/open-shd.js';
export type { ShdFile } from './formats/shd/open-shd.js';
export { readCifar10Bin, decodeCifar10, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES } from './formats/cifar10/read-cifar10-bin.js';
export type { Cifar10Batch } from './formats/cifar10/read-cifar10-bin.js';

// Events to frames, and the frame cache.
export { integrateFrames, frameSegments } from './frames/integrate-frames.js';
export type { Frames, FrameSplit, IntegrateOptions } from './frames/integrate-frames.js';
export { segmentsByNumber, segmentsByTime, segmentsByDuration } from './frames/frame-segments.js';
export type { FrameSegments } from './frames/frame-segments.js';
export { denoiseEvents } from './frames/denoise-events.js';
export { downsampleEvents } from './frames/downsample-events.js';
export { runPipeline, pipelineFrameShape, validatePipeline } from './frames/frame-pipeline.js';
export type { FramePipeline } from './frames/frame-pipeline.js';
export { buildFrameCache, frameWorkerUrl, WORKER_MIN_INPUT_BYTES } from './frames/build-frame-cache.js';
export type { BuildFrameCacheOptions, BuildFrameCacheResult } from './frames/build-frame-cache.js';
export { FrameCache, frameCacheName, readFrameCacheIndex, FRAME_CACHE_VERSION } from './frames/frame-cache.js';
export type { FrameCacheIndex, FrameCacheKey } from './frames/frame-cache.js';
export type { SampleSource, SourceSample } from './frames/sample-source.js';

// Neuromorphic datasets: specs, registry entries, frame datasets and loaders.
export { nMnistSpec } from './descriptors/neuromorphic/n-mnist.js';
export { nCaltech101Spec } from './descriptors/neuromorphic/n-caltech101.js';
export { dvs128GestureSpec } from './descriptors/neuromorphic/dvs128-gesture.js';
export { cifar10DvsSpec } from './descriptors/neuromorphic/cifar10-dvs.js';
export { shdSpec, sscSpec } from './descriptors/neuromorphic/shd.js';
export type { NeuromorphicDatasetSpec, DistributionFile, SplitRule } from './descriptors/neuromorphic/neuromorphic-spec.js';
export { neuromorphicSpecs, eventDatasetDescriptors } from './descriptors/neuromorphic/event-datasets.js';
export { eventDatasetDescriptor, eventDatasetOptions } from './descriptors/neuromorphic/event-dataset-descriptor.js';
export type { EventDatasetDescriptor, EventDatasetOptions } from './descriptors/neuromorphic/event-dataset-descriptor.js';
export { cifar10Dataset, cifar10Archive, cifar10SplitFiles, openCifar10, Cifar10Dataset } from './descriptors/cifar10.js';
export { FrameDataset } from './event-dataset/frame-dataset.js';
export type { FrameDatasetInit } from './event-dataset/frame-dataset.js';
export { EventFrameLoader } from './event-dataset/event-frame-loader.js';
export type { EventFrameLoaderOptions } from './event-dataset/event-frame-loader.js';
export { augmentFrames, drawAugment } from './event-dataset/event-augment.js';
export type { EventAugmentOptions, DrawnAugment } from './event-dataset/event-augment.js';
export { seededClassSplit } from './event-dataset/seeded-split.js';
export { listSplitSources } from './event-dataset/list-sources.js';
export type { SplitSources } from './event-dataset/list-sources.js';
export { openEventDataset, prepareEventDataset, locateEventDataset, framePipeline } from './event-dataset/open-event-dataset.js';
export type { OpenEventDatasetOptions, EventFrameOptions } from './event-dataset/open-event-dataset.js';
export { eventFramesEncoder, eventFramesEncoderDescriptor } from './encoders/event-frames-encoder.js';
export type { EventFramesEncoder } from './encoders/event-frames-encoder.js';
export { fetchEventDataset } from './event-dataset/fetch-event-dataset.js';
export type { FetchEventDatasetOptions } from './event-dataset/fetch-event-dataset.js';
export { extractZip, listZip } from './archive/extract-zip.js';
export type { ZipEntry } from './archive/extract-zip.js';
export { extractTar } from './archive/extract-tar.js';
export type { ExtractTarOptions } from './archive/extract-tar.js';

// Forecasting series: sliding windows over multivariate time series with float targets.
export { readSeriesFile, parseSeries } from './timeseries/read-series-file.js';
export type { SeriesFileLayout, SeriesTable } from './timeseries/read-series-file.js';
export { etth1Spec, etth2Spec, exchangeRateSpec } from './timeseries/time-series-spec.js';
export type { TimeSeriesSpec, SplitRows } from './timeseries/time-series-spec.js';
export { TimeSeriesDataset } from './timeseries/time-series-dataset.js';
export type { TimeSeriesDatasetInit } from './timeseries/time-series-dataset.js';
export { openTimeSeries, trainStatistics } from './timeseries/open-time-series.js';
export type { TimeSeriesOptions, OpenTimeSeriesOptions } from './timeseries/open-time-series.js';
export { timeSeriesDescriptor } from './timeseries/time-series-descriptor.js';
export type { TimeSeriesDescriptor, TimeSeriesDescriptorOptions } from './timeseries/time-series-descriptor.js';
export { timeSeriesDescriptors } from './timeseries/time-series-datasets.js';

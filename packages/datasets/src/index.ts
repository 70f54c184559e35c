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

import { datasets, datasetDescriptors, NAMESPACE } from './plugin.js';
import { mnistSpec, mnistDataset } from './descriptors/mnist.js';
import { fashionMnistSpec, fashionMnistDataset } from './descriptors/fashion-mnist.js';
import { kmnistSpec, kmnistDataset } from './descriptors/kmnist.js';
import { idxDatasetDescriptor, idxDatasetOptions, type IdxDatasetDescriptor, type IdxDatasetOptions } from './descriptors/idx-descriptor.js';
import { splitFiles, type IdxDatasetSpec, type IdxFileSpec, type IdxSplitSpec, type Split } from './descriptors/idx-dataset-spec.js';
import { readIdx, parseIdx, isGzip, type IdxArray, type IdxData, type IdxDType, type IdxExpectation, type ReadIdxOptions } from './idx/read-idx.js';
import {
  verifyChecksum,
  compareChecksum,
  digestBytes,
  checksumAlgorithms,
  checksumError,
  ChecksumHasher,
  type Checksum,
  type ChecksumAlgorithm,
  type ChecksumMismatch,
  type ChecksumErrorNote,
} from './checksum/checksum.js';
import {
  checkDataDir,
  datasetSearchPath,
  defaultCacheRoot,
  downloadFolder,
  SYSTEM_DATA_ROOT,
  type DataFolder,
  type DataFolderSource,
  type DataLocationOptions,
} from './locate/search-path.js';
import { findSplitFiles, findIdxFile, type SplitFiles, type SplitSearch } from './locate/find-split-files.js';
import { datasetMirrors, fileUrls, MIRROR_ENV, type MirrorOptions } from './locate/mirrors.js';
import { downloadFile, type DownloadFileOptions, type DownloadResult, type DownloadAttempt } from './locate/download-file.js';
import { stderrDownloadProgress, type DatasetProgress } from './locate/download-progress.js';
import { resolveSplitFiles, type ResolveSplitOptions } from './locate/resolve-split-files.js';
import { IdxDataset, type IdxDatasetInit } from './dataset/idx-dataset.js';
import { loadIdxSplit, type LoadIdxSplitOptions } from './dataset/load-idx-split.js';
import { openIdxDataset, type OpenIdxDatasetOptions } from './dataset/open-idx-dataset.js';
import { DataLoader, type DataLoaderOptions } from './loader/data-loader.js';
import { holdOut, type HeldOutSource, type HoldOut } from './dataset/hold-out.js';
import { subsetIndices } from './loader/subset-indices.js';
import { eventBatch, concatEvents, sliceEvents, type EventBatch } from './events/event-batch.js';
import { EventBuilder } from './events/event-builder.js';
import type { EventFile, EventFileInfo, EventFormat, EventReadOptions } from './events/event-file.js';
import { openEventFile, detectEventFormat } from './events/open-event-file.js';
import { readAllEvents } from './events/read-all-events.js';
import { summarizeEvents, type EventSummary, type EventRecord } from './events/event-summary.js';
import { EventChecker, type EventGeometry } from './events/event-checker.js';
import { openNmnistBin, decodeNmnist, NMNIST_EVENT_BYTES, NMNIST_OVERFLOW_Y } from './formats/nmnist/open-nmnist-bin.js';
import {
  openAedat4,
  readAedat4Header,
  decodeAedat4EventPacket,
  AEDAT4_MAGIC,
  AEDAT4_MAX_PACKET_BYTES,
  type Aedat4Header,
  type Aedat4Stream,
} from './formats/aedat4/open-aedat4.js';
import { lz4FrameLength } from './formats/aedat4/lz4-frame-length.js';
import { lz4FrameBound, type Lz4FrameBound } from './formats/aedat4/lz4-frame-bound.js';
import { zstdFrameLength } from './formats/aedat4/zstd-frame-length.js';
import { zstdFrameBound, type ZstdFrameBound } from './formats/aedat4/zstd-frame-bound.js';
import { openAedat3, AEDAT31_MAGIC } from './formats/aedat3/open-aedat3.js';
import { readGestureLabels, splitGestureSegments, type GestureSegment } from './formats/aedat3/gesture-labels.js';
import { openAedat2, type Aedat2Orientation } from './formats/aedat2/open-aedat2.js';
import { openPropheseeDat } from './formats/prophesee/open-prophesee-dat.js';
import { openEvt2 } from './formats/prophesee/open-evt2.js';
import { openEvt3 } from './formats/prophesee/open-evt3.js';
import { readPropheseeHeader, type PropheseeHeader } from './formats/prophesee/prophesee-header.js';
import { openShd, SHD_CHANNELS, type ShdFile } from './formats/shd/open-shd.js';
import { readCifar10Bin, decodeCifar10, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES, type Cifar10Batch } from './formats/cifar10/read-cifar10-bin.js';
import { integrateFrames, frameSegments, type Frames, type FrameSplit, type IntegrateOptions } from './frames/integrate-frames.js';
import { segmentsByNumber, segmentsByTime, segmentsByDuration, type FrameSegments } from './frames/frame-segments.js';
import { denoiseEvents } from './frames/denoise-events.js';
import { downsampleEvents } from './frames/downsample-events.js';
import { runPipeline, pipelineFrameShape, validatePipeline, type FramePipeline } from './frames/frame-pipeline.js';
import { buildFrameCache, frameWorkerUrl, WORKER_MIN_INPUT_BYTES, type BuildFrameCacheOptions, type BuildFrameCacheResult } from './frames/build-frame-cache.js';
import { FrameCache, frameCacheName, readFrameCacheIndex, FRAME_CACHE_VERSION, type FrameCacheIndex, type FrameCacheKey } from './frames/frame-cache.js';
import type { SampleSource, SourceSample } from './frames/sample-source.js';
import { nMnistSpec } from './descriptors/neuromorphic/n-mnist.js';
import { nCaltech101Spec } from './descriptors/neuromorphic/n-caltech101.js';
import { dvs128GestureSpec } from './descriptors/neuromorphic/dvs128-gesture.js';
import { cifar10DvsSpec } from './descriptors/neuromorphic/cifar10-dvs.js';
import { shdSpec, sscSpec } from './descriptors/neuromorphic/shd.js';
import type { NeuromorphicDatasetSpec, DistributionFile, SplitRule } from './descriptors/neuromorphic/neuromorphic-spec.js';
import { neuromorphicSpecs, eventDatasetDescriptors } from './descriptors/neuromorphic/event-datasets.js';
import { eventDatasetDescriptor, eventDatasetOptions, type EventDatasetDescriptor, type EventDatasetOptions } from './descriptors/neuromorphic/event-dataset-descriptor.js';
import { cifar10Dataset, cifar10Archive, cifar10SplitFiles, openCifar10, Cifar10Dataset } from './descriptors/cifar10.js';
import { FrameDataset, type FrameDatasetInit } from './event-dataset/frame-dataset.js';
import { EventFrameLoader, type EventFrameLoaderOptions } from './event-dataset/event-frame-loader.js';
import { augmentFrames, drawAugment, type EventAugmentOptions, type DrawnAugment } from './event-dataset/event-augment.js';
import { seededClassSplit } from './event-dataset/seeded-split.js';
import { listSplitSources, type SplitSources } from './event-dataset/list-sources.js';
import {
  openEventDataset,
  prepareEventDataset,
  locateEventDataset,
  framePipeline,
  type OpenEventDatasetOptions,
  type EventFrameOptions,
} from './event-dataset/open-event-dataset.js';
import { eventFramesEncoder, eventFramesEncoderDescriptor, type EventFramesEncoder } from './encoders/event-frames-encoder.js';
import { fetchEventDataset, type FetchEventDatasetOptions } from './event-dataset/fetch-event-dataset.js';
import { extractZip, listZip, type ZipEntry } from './archive/extract-zip.js';
import { extractTar, type ExtractTarOptions } from './archive/extract-tar.js';
import { readSeriesFile, parseSeries, type SeriesFileLayout, type SeriesTable } from './timeseries/read-series-file.js';
import { etth1Spec, etth2Spec, exchangeRateSpec, type TimeSeriesSpec, type SplitRows } from './timeseries/time-series-spec.js';
import { TimeSeriesDataset, type TimeSeriesDatasetInit } from './timeseries/time-series-dataset.js';
import { openTimeSeries, trainStatistics, type TimeSeriesOptions, type OpenTimeSeriesOptions } from './timeseries/open-time-series.js';
import { timeSeriesDescriptor, type TimeSeriesDescriptor, type TimeSeriesDescriptorOptions } from './timeseries/time-series-descriptor.js';
import { timeSeriesDescriptors } from './timeseries/time-series-datasets.js';
import { openImageFolder, imageCacheDir, type OpenImageFolderOptions } from './images/open-image-folder.js';
import { ImageFolderDataset, type ImageFolderDatasetInit } from './images/image-folder-dataset.js';
import { imageFolderDataset, imageFolderOptions, type ImageFolderDescriptor, type ImageFolderOptions, type ImageFolderOpenOptions } from './images/image-folder-descriptor.js';
import {
  cifar10FolderDataset,
  cifar10FolderOptions,
  cifar10ImagesArchive,
  openCifar10Folder,
  locateCifar10Images,
  type Cifar10FolderOptions,
  type OpenCifar10FolderOptions,
} from './images/cifar10-folder.js';
import { listClassFolder, imageFolderLayout, IMAGE_EXTENSIONS, type ClassFolder, type ImageFolderLayout, type ImageSplit } from './images/list-image-folder.js';
import { buildImageCache, type BuildImageCacheOptions, type BuildImageCacheResult, type ImageDecodeOptions, type LabelledImage } from './images/build-image-cache.js';
import { imageCacheName, readImageCache, IMAGE_CACHE_VERSION, type ImageCacheData, type ImageCacheHeader, type ImageCacheKey } from './images/image-cache.js';
import { decodeImageFiles, IMAGE_WORKER_MIN_FILES, type DecodeImageFilesOptions } from './images/decode-image-files.js';
import { decodeImage, type DecodedImage, type SharpLike } from './images/decode-image.js';
import { loadSharp } from './images/load-sharp.js';
import { compose, perSampleAugment, sampleRng, type AugmentContext, type BatchAugment } from './augment/batch-augment.js';
import { randomCrop, horizontalFlip, normalize, cutout } from './augment/image-augments.js';
import { shiftImage, flipImage, eraseSquare, normalizeChannels, type ImageShape } from './augment/image-ops.js';
import { imageAugmentPolicy, type ImageAugmentPolicy } from './augment/augment-policy.js';

// The plugin and its datasets.
export {
  datasets,
  datasetDescriptors,
  NAMESPACE,
  mnistSpec,
  mnistDataset,
  fashionMnistSpec,
  fashionMnistDataset,
  kmnistSpec,
  kmnistDataset,
  idxDatasetDescriptor,
  idxDatasetOptions,
  splitFiles,
};
export type { IdxDatasetDescriptor, IdxDatasetOptions, IdxDatasetSpec, IdxFileSpec, IdxSplitSpec, Split };

// Reading IDX files.
export { readIdx, parseIdx, isGzip };
export type { IdxArray, IdxData, IdxDType, IdxExpectation, ReadIdxOptions };

// Checksums.
export { verifyChecksum, compareChecksum, digestBytes, checksumAlgorithms, checksumError, ChecksumHasher };
export type { Checksum, ChecksumAlgorithm, ChecksumMismatch, ChecksumErrorNote };

// Finding and downloading files.
export {
  checkDataDir,
  datasetSearchPath,
  defaultCacheRoot,
  downloadFolder,
  SYSTEM_DATA_ROOT,
  findSplitFiles,
  findIdxFile,
  datasetMirrors,
  fileUrls,
  MIRROR_ENV,
  downloadFile,
  stderrDownloadProgress,
  resolveSplitFiles,
};
export type {
  DataFolder,
  DataFolderSource,
  DataLocationOptions,
  SplitFiles,
  SplitSearch,
  MirrorOptions,
  DownloadFileOptions,
  DownloadResult,
  DownloadAttempt,
  DatasetProgress,
  ResolveSplitOptions,
};

// Datasets in memory.
export { IdxDataset, loadIdxSplit, openIdxDataset };
export type { IdxDatasetInit, LoadIdxSplitOptions, OpenIdxDatasetOptions };

// Batches.
export { DataLoader, holdOut, subsetIndices };
export type { HeldOutSource, HoldOut, DataLoaderOptions };

// Event streams: readers of the neuromorphic file formats.
export {
  eventBatch,
  concatEvents,
  sliceEvents,
  EventBuilder,
  openEventFile,
  detectEventFormat,
  readAllEvents,
  summarizeEvents,
  EventChecker,
  openNmnistBin,
  decodeNmnist,
  NMNIST_EVENT_BYTES,
  NMNIST_OVERFLOW_Y,
  openAedat4,
  readAedat4Header,
  decodeAedat4EventPacket,
  AEDAT4_MAGIC,
  AEDAT4_MAX_PACKET_BYTES,
  lz4FrameLength,
  lz4FrameBound,
  zstdFrameLength,
  zstdFrameBound,
  openAedat3,
  AEDAT31_MAGIC,
  readGestureLabels,
  splitGestureSegments,
  openAedat2,
  openPropheseeDat,
  openEvt2,
  openEvt3,
  readPropheseeHeader,
  openShd,
  SHD_CHANNELS,
  readCifar10Bin,
  decodeCifar10,
  CIFAR10_CLASSES,
  CIFAR10_RECORD_BYTES,
};
export type {
  EventBatch,
  EventFile,
  EventFileInfo,
  EventFormat,
  EventReadOptions,
  EventSummary,
  EventRecord,
  EventGeometry,
  Aedat4Header,
  Aedat4Stream,
  Lz4FrameBound,
  ZstdFrameBound,
  GestureSegment,
  Aedat2Orientation,
  PropheseeHeader,
  ShdFile,
  Cifar10Batch,
};

// Events to frames, and the frame cache.
export {
  integrateFrames,
  frameSegments,
  segmentsByNumber,
  segmentsByTime,
  segmentsByDuration,
  denoiseEvents,
  downsampleEvents,
  runPipeline,
  pipelineFrameShape,
  validatePipeline,
  buildFrameCache,
  frameWorkerUrl,
  WORKER_MIN_INPUT_BYTES,
  FrameCache,
  frameCacheName,
  readFrameCacheIndex,
  FRAME_CACHE_VERSION,
};
export type {
  Frames,
  FrameSplit,
  IntegrateOptions,
  FrameSegments,
  FramePipeline,
  BuildFrameCacheOptions,
  BuildFrameCacheResult,
  FrameCacheIndex,
  FrameCacheKey,
  SampleSource,
  SourceSample,
};

// Neuromorphic datasets: specs, registry entries, frame datasets and loaders.
export {
  nMnistSpec,
  nCaltech101Spec,
  dvs128GestureSpec,
  cifar10DvsSpec,
  shdSpec,
  sscSpec,
  neuromorphicSpecs,
  eventDatasetDescriptors,
  eventDatasetDescriptor,
  eventDatasetOptions,
  cifar10Dataset,
  cifar10Archive,
  cifar10SplitFiles,
  openCifar10,
  Cifar10Dataset,
  FrameDataset,
  EventFrameLoader,
  augmentFrames,
  drawAugment,
  seededClassSplit,
  listSplitSources,
  openEventDataset,
  prepareEventDataset,
  locateEventDataset,
  framePipeline,
  eventFramesEncoder,
  eventFramesEncoderDescriptor,
  fetchEventDataset,
  extractZip,
  listZip,
  extractTar,
};
export type {
  NeuromorphicDatasetSpec,
  DistributionFile,
  SplitRule,
  EventDatasetDescriptor,
  EventDatasetOptions,
  FrameDatasetInit,
  EventFrameLoaderOptions,
  EventAugmentOptions,
  DrawnAugment,
  SplitSources,
  OpenEventDatasetOptions,
  EventFrameOptions,
  EventFramesEncoder,
  FetchEventDatasetOptions,
  ZipEntry,
  ExtractTarOptions,
};

// Forecasting series: sliding windows over multivariate time series with float targets.
export { readSeriesFile, parseSeries, etth1Spec, etth2Spec, exchangeRateSpec, TimeSeriesDataset, openTimeSeries, trainStatistics, timeSeriesDescriptor, timeSeriesDescriptors };
export type {
  SeriesFileLayout,
  SeriesTable,
  TimeSeriesSpec,
  SplitRows,
  TimeSeriesDatasetInit,
  TimeSeriesOptions,
  OpenTimeSeriesOptions,
  TimeSeriesDescriptor,
  TimeSeriesDescriptorOptions,
};

// Colour images from folders (torchvision's ImageFolder layout), decoded once into a cache.
export {
  openImageFolder,
  imageCacheDir,
  ImageFolderDataset,
  imageFolderDataset,
  imageFolderOptions,
  cifar10FolderDataset,
  cifar10FolderOptions,
  cifar10ImagesArchive,
  openCifar10Folder,
  locateCifar10Images,
  listClassFolder,
  imageFolderLayout,
  IMAGE_EXTENSIONS,
  buildImageCache,
  imageCacheName,
  readImageCache,
  IMAGE_CACHE_VERSION,
  decodeImageFiles,
  IMAGE_WORKER_MIN_FILES,
  decodeImage,
  loadSharp,
};
export type {
  OpenImageFolderOptions,
  ImageFolderDatasetInit,
  ImageFolderDescriptor,
  ImageFolderOptions,
  ImageFolderOpenOptions,
  Cifar10FolderOptions,
  OpenCifar10FolderOptions,
  ClassFolder,
  ImageFolderLayout,
  ImageSplit,
  BuildImageCacheOptions,
  BuildImageCacheResult,
  ImageDecodeOptions,
  LabelledImage,
  ImageCacheData,
  ImageCacheHeader,
  ImageCacheKey,
  DecodeImageFilesOptions,
  DecodedImage,
  SharpLike,
};

// Image augmentation of batches, keyed by (seed, epoch, sample index).
export { compose, perSampleAugment, sampleRng, randomCrop, horizontalFlip, normalize, cutout, shiftImage, flipImage, eraseSquare, normalizeChannels, imageAugmentPolicy };
export type { AugmentContext, BatchAugment, ImageShape, ImageAugmentPolicy };

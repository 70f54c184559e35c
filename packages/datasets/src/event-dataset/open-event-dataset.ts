import { join } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import type { NeuromorphicDatasetSpec } from '../descriptors/neuromorphic/neuromorphic-spec.js';
import { buildFrameCache, type BuildFrameCacheResult } from '../frames/build-frame-cache.js';
import { FrameCache } from '../frames/frame-cache.js';
import type { FramePipeline } from '../frames/frame-pipeline.js';
import type { FrameSplit } from '../frames/integrate-frames.js';
import { checkDataDir, datasetSearchPath, defaultCacheRoot, type DataLocationOptions } from '../locate/search-path.js';
import { FrameDataset } from './frame-dataset.js';
import { listSplitSources, type SplitSources } from './list-sources.js';
import { fetchEventDataset } from './fetch-event-dataset.js';

/** How to integrate a neuromorphic dataset (all optional; the spec's defaults otherwise). */
export interface EventFrameOptions {
  /** Frames per sample for split by number or time. */
  readonly frames?: number;
  readonly splitBy?: 'number' | 'time' | 'duration';
  /** Frame length in µs when `splitBy` is `duration`. */
  readonly duration?: number;
  readonly denoiseTime?: number;
  readonly downsample?: number;
}

/** Options of {@link prepareEventDataset} and {@link openEventDataset}. */
export interface OpenEventDatasetOptions extends EventFrameOptions, DataLocationOptions {
  readonly split: 'train' | 'test';
  /** Where frame caches go (default `<user cache>/frames`). */
  readonly cacheDir?: string;
  /** Worker threads for integration (default: available parallelism). */
  readonly threads?: number;
  /** Draw a progress bar (default true, TTY only). */
  readonly progress?: boolean;
  readonly onProgress?: (event: { phase: string; done: number; total?: number; file?: string }) => void;
  /** Download and extract the official archives when the dataset is nowhere (default false). */
  readonly download?: boolean;
  /** Base address to download `<mirror><file name>` from instead of the official ones. */
  readonly mirror?: string;
  /** For `duration` frames: cut or pad every sample to this many frames in batches. */
  readonly batchFrames?: number;
  readonly binary?: boolean;
}

/** The pipeline an options object asks for. */
export function framePipeline(spec: NeuromorphicDatasetSpec, o: EventFrameOptions): FramePipeline {
  const by = o.splitBy ?? spec.defaultSplit.by;
  let split: FrameSplit;
  if (by === 'duration') {
    const duration = o.duration ?? (spec.defaultSplit.by === 'duration' ? spec.defaultSplit.duration : undefined);
    if (duration === undefined) throw new SpikeflowError('invalid-options', `${spec.id}: splitBy 'duration' needs a duration (µs)`);
    split = { by, duration };
  } else {
    split = { by, frames: o.frames ?? (spec.defaultSplit.by !== 'duration' ? spec.defaultSplit.frames : 16) };
  }
  return { width: spec.width, height: spec.height, channels: spec.channels, split, denoiseTime: o.denoiseTime, downsample: o.downsample };
}

/** Find the folder holding a dataset's extracted files on the search path (only `dataDir`, which must exist, when given). */
export async function locateEventDataset(
  spec: NeuromorphicDatasetSpec,
  split: 'train' | 'test',
  options: DataLocationOptions = {},
): Promise<{ root: string; sources: SplitSources }> {
  if (options.dataDir) await checkDataDir(spec.id, options.dataDir, `${spec.title} extracted as ${spec.layout}`);
  const tried: string[] = [];
  for (const folder of datasetSearchPath(spec.id, options)) {
    try {
      return { root: folder.dir, sources: await listSplitSources(spec, folder.dir, split) };
    } catch (e) {
      if (!(e instanceof SpikeflowError && e.kind === 'dataset-missing')) throw e;
      tried.push(`${folder.dir} (${folder.source})`);
    }
  }
  const how = spec.downloadable ? 'download' : 'download by hand (the publisher needs a browser)';
  throw new SpikeflowError(
    'dataset-missing',
    `${spec.title} is not on the search path; ${how} ${spec.files.map((f) => `${f.name} from ${f.urls[0]}${f.md5 ? ` (md5 ${f.md5})` : ''}`).join(', ')}, extract it as ${spec.layout} into one of: ${tried.join(', ')}`,
    { dataset: spec.id, searched: tried },
  );
}

/**
 * Locate a dataset split and integrate it into the frame cache (once; later calls reuse it).
 *
 * @example
 * ```ts
 * const r = await prepareEventDataset(dvs128GestureSpec, { split: 'train', frames: 16 });
 * console.log(r.dir, r.index.count);
 * ```
 */
export async function prepareEventDataset(
  spec: NeuromorphicDatasetSpec,
  options: OpenEventDatasetOptions,
): Promise<BuildFrameCacheResult & { classNames: readonly string[]; root: string; files: readonly string[] }> {
  // A wrong --data-dir is an error even when downloading is allowed (it would create that folder).
  if (options.dataDir) await checkDataDir(spec.id, options.dataDir, `${spec.title} extracted as ${spec.layout}`);
  let found: { root: string; sources: SplitSources };
  try {
    found = await locateEventDataset(spec, options.split, options);
  } catch (e) {
    // Nowhere on the search path: fetch the official archives when allowed and possible.
    if (!(SpikeflowError.is(e, 'dataset-missing') && options.download === true && spec.downloadable)) throw e;
    await fetchEventDataset(spec, { ...options, split: options.split });
    found = await locateEventDataset(spec, options.split, options);
  }
  const { sources } = found;
  const root = options.cacheDir ?? join(options.cacheRoot ?? defaultCacheRoot(options.env ?? process.env), 'frames');
  const r = await buildFrameCache({
    root,
    key: { dataset: spec.id, split: options.split, pipeline: framePipeline(spec, options) },
    sources: sources.sources,
    threads: options.threads,
    progress: options.progress,
    onProgress: options.onProgress ? (done, total) => options.onProgress!({ phase: 'integrate', done, total }) : undefined,
  });
  return { ...r, classNames: sources.classNames, root: found.root, files: [...new Set(sources.sources.map((x) => x.file))] };
}

/**
 * Open a split of a neuromorphic dataset as integrated frames (building the cache if needed).
 *
 * @example
 * ```ts
 * const train = await openEventDataset(nMnistSpec, { split: 'train', frames: 10 });
 * train.sampleShape; // [10, 34, 34, 2]
 * ```
 */
export async function openEventDataset(spec: NeuromorphicDatasetSpec, options: OpenEventDatasetOptions): Promise<FrameDataset> {
  const r = await prepareEventDataset(spec, options);
  const classNames = r.classNames.length ? r.classNames : spec.classNames;
  return new FrameDataset({
    name: spec.id,
    split: options.split,
    cache: FrameCache.open(r.dir),
    numClasses: spec.numClasses ?? (classNames.length || Math.max(...r.index.labels) + 1),
    classNames,
    frames: options.batchFrames ?? (framePipeline(spec, options).split.by === 'duration' ? spec.defaultBatchFrames : undefined),
    binary: options.binary,
    sources: r.files,
  });
}

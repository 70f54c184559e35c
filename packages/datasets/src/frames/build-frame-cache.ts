import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ProgressBar, SpikeflowError, writeFileAtomic, type SpikeflowErrorKind } from '@spikeflow/core';
import { FRAME_CACHE_VERSION, frameCacheName, readFrameCacheIndex, type FrameCacheIndex, type FrameCacheKey } from './frame-cache.js';
import { pipelineFrameShape, validatePipeline } from './frame-pipeline.js';
import { processSource, type EncodedSample } from './frame-worker-task.js';
import type { SampleSource } from './sample-source.js';

/** Options of {@link buildFrameCache}. */
export interface BuildFrameCacheOptions {
  /** Folder holding caches; the cache goes to `<root>/<frameCacheName(key)>`. */
  readonly root: string;
  readonly key: FrameCacheKey;
  readonly sources: readonly SampleSource[];
  /**
   * Worker threads (0 integrates on this thread). Default: the machine's available parallelism
   * when the input files total at least {@link WORKER_MIN_INPUT_BYTES}, else 0.
   */
  readonly threads?: number;
  /** Draw a progress bar on stderr (default true; it draws only on a TTY). */
  readonly progress?: boolean;
  /** Called after each source, for callers that report progress their own way. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link buildFrameCache} did. */
export interface BuildFrameCacheResult {
  readonly dir: string;
  readonly index: FrameCacheIndex;
  /** False when a complete cache with the same key was already there. */
  readonly built: boolean;
  /** Worker threads used (0: this thread). */
  readonly threads: number;
}

/**
 * Where the compiled worker is. Under the TypeScript sources (tests) it is taken from the built
 * `dist/` beside them, which CI builds before testing; without it, building runs on this thread.
 */
export function frameWorkerUrl(): URL | undefined {
  const here = new URL('./frame-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/frames/frame-worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/**
 * The parent's Node flags minus export conditions: the worker is compiled JavaScript and must
 * load the compiled packages even when the parent resolves `@spikeflow/source` (tests).
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-C' || a === '--conditions') i++;
    else if (!a.startsWith('--conditions=') && !a.startsWith('-C=')) out.push(a);
  }
  return out;
}

type Job = { id: number; source: SampleSource };
type Reply = { id: number; samples?: EncodedSample[]; error?: { name?: string; kind?: string; message: string; details?: Record<string, unknown> } };

async function runPool(workerUrl: URL, threads: number, jobs: Job[], key: FrameCacheKey, onDone: (samples: EncodedSample[]) => Promise<void>): Promise<void> {
  const workers = Array.from({ length: threads }, () => new Worker(workerUrl, { execArgv: workerExecArgv() }));
  let next = 0;
  let failed: unknown;
  // Writes to the cache file happen one at a time, in the order results arrive.
  let writing: Promise<void> = Promise.resolve();
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (failed !== undefined || next >= jobs.length) {
                resolve();
                return;
              }
              const job = jobs[next++]!;
              w.postMessage({ id: job.id, source: job.source, pipeline: key.pipeline });
            };
            w.on('message', (r: Reply) => {
              if (r.error) {
                const { name, kind, message, details } = r.error;
                failed = name === 'SpikeflowError' && kind ? new SpikeflowError(kind as SpikeflowErrorKind, message, details ?? {}) : new Error(`frame worker: ${message}`);
                reject(failed as Error);
                return;
              }
              const samples = r.samples!.map((s) => ({ ...s, blob: new Uint8Array(s.blob) }));
              writing = writing.then(() => onDone(samples));
              writing.then(feed, (e: unknown) => {
                failed = e;
                reject(e as Error);
              });
            });
            w.on('error', (e) => {
              failed = e;
              reject(e);
            });
            feed();
          }),
      ),
    );
    await writing;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Below this much input, starting workers (a few hundred ms each) costs more than it saves. */
export const WORKER_MIN_INPUT_BYTES = 16 << 20;

async function defaultThreads(sources: readonly SampleSource[]): Promise<number> {
  let bytes = 0;
  for (const file of new Set(sources.map((s) => s.file))) {
    bytes += (await stat(file).catch(() => ({ size: 0 }))).size;
    if (bytes >= WORKER_MIN_INPUT_BYTES) return availableParallelism();
  }
  return 0;
}

/**
 * Integrate every sample of a dataset split into frames and store them on disk, once: a cache
 * keyed by the dataset, split and pipeline (see `frameCacheName`) is reused when complete.
 * Sources are spread over worker threads (both cores of a 2-core machine by default); the main
 * thread appends their compressed frames to a temporary file, then renames it into place and
 * writes `index.json` atomically last, so an interrupted build leaves no cache that looks complete.
 *
 * @example
 * ```ts
 * const { dir } = await buildFrameCache({ root: '~/.cache/spikeflow/frames', key, sources });
 * const cache = FrameCache.open(dir);
 * ```
 */
export async function buildFrameCache(options: BuildFrameCacheOptions): Promise<BuildFrameCacheResult> {
  const { key, sources } = options;
  validatePipeline(key.pipeline);
  const dir = join(options.root, frameCacheName(key));
  const existing = readFrameCacheIndex(dir);
  if (existing !== undefined) return { dir, index: existing, built: false, threads: 0 };
  await mkdir(dir, { recursive: true });

  const count = sources.reduce((n, s) => n + s.samples.length, 0);
  const seen = new Set<number>();
  for (const s of sources) {
    for (const sample of s.samples) {
      if (!Number.isInteger(sample.index) || sample.index < 0 || sample.index >= count || seen.has(sample.index)) {
        throw new SpikeflowError('invalid-options', `frame cache sources must number their samples 0..${count - 1} once each; got index ${sample.index} (file '${s.file}')`);
      }
      seen.add(sample.index);
    }
  }
  const frames = new Array<number>(count).fill(0);
  const labels = new Array<number>(count).fill(0);
  const events = new Array<number>(count).fill(0);
  const offsets = new Array<number>(count).fill(0);
  const sizes = new Array<number>(count).fill(0);

  const tmp = join(dir, `frames.bin.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  let bytes = 0;
  let done = 0;
  const bar = options.progress === false ? undefined : new ProgressBar({ total: sources.length, label: `frames ${key.dataset}/${key.split}`, unit: 'files' });
  const onDone = async (samples: EncodedSample[]): Promise<void> => {
    for (const s of samples) {
      await fh.write(s.blob, 0, s.blob.length, bytes);
      offsets[s.index] = bytes;
      sizes[s.index] = s.blob.length;
      frames[s.index] = s.frames;
      labels[s.index] = s.label;
      events[s.index] = s.events;
      bytes += s.blob.length;
    }
    done++;
    bar?.tick(1);
    options.onProgress?.(done, sources.length);
  };

  const workerUrl = frameWorkerUrl();
  const wanted = options.threads ?? (await defaultThreads(sources));
  const threads = workerUrl === undefined ? 0 : Math.min(wanted, sources.length);
  try {
    const jobs = sources.map((source, id) => ({ id, source }));
    if (threads > 0) await runPool(workerUrl!, threads, jobs, key, onDone);
    else for (const job of jobs) await onDone(await processSource(job.source, key.pipeline));
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    bar?.done();
    throw e;
  }
  await fh.close();
  bar?.done();
  await rename(tmp, join(dir, 'frames.bin'));
  const index: FrameCacheIndex = {
    format: 'spikeflow-frames',
    version: FRAME_CACHE_VERSION,
    key: { dataset: key.dataset, split: key.split, pipeline: key.pipeline },
    frameShape: pipelineFrameShape(key.pipeline),
    count,
    frames,
    labels,
    events,
    offsets,
    sizes,
    bytes,
  };
  await writeFileAtomic(join(dir, 'index.json'), JSON.stringify(index));
  return { dir, index, built: true, threads };
}

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { SpikeflowError, startModuleWorker } from '@spikeflow/core';
import { loadSharp } from './load-sharp.js';
import { runDecodeJob, type DecodeFailure, type DecodeJob, type DecodeResult } from './decode-task.js';

/** Options of {@link decodeImageFiles}. */
export interface DecodeImageFilesOptions {
  /** Scale every image to `[height, width]`. */
  readonly resize?: readonly [number, number];
  /** Worker threads (0 decodes on this thread). Default: available parallelism from {@link IMAGE_WORKER_MIN_FILES} files on, else 0. */
  readonly threads?: number;
  /** Files per job sent to a worker (default 256). */
  readonly chunk?: number;
  /**
   * Receives each decoded run of files: `start` is the index of its first file in `files`. Runs
   * arrive in any order, one call at a time (the next waits for the returned promise).
   */
  readonly onDecoded: (start: number, result: DecodeResult) => Promise<void> | void;
}

/** Below this many files, starting workers (their own sharp and libvips start-up) costs more than it saves. */
export const IMAGE_WORKER_MIN_FILES = 2048;

function corrupt(f: DecodeFailure): SpikeflowError {
  return new SpikeflowError('dataset-corrupt', `image file '${f.error.file}' cannot be decoded: ${f.error.message}`, { file: f.error.file });
}

/**
 * Decode image files to RGB bytes, on worker threads when there are many. Each worker loads its
 * own sharp and is fed runs of `chunk` files until none are left.
 *
 * @throws SpikeflowError `dataset-corrupt` naming the first file found that does not decode;
 *   `not-supported` when sharp is not installed.
 * @returns The worker threads used (0: this thread).
 * @example
 * ```ts
 * await decodeImageFiles(files, { onDecoded: (start, r) => store(start, r.pixels) });
 * ```
 */
export async function decodeImageFiles(files: readonly string[], options: DecodeImageFilesOptions): Promise<number> {
  const sharp = await loadSharp(); // fails early, with the install hint, when sharp is missing
  const chunk = options.chunk ?? 256;
  const jobs: DecodeJob[] = [];
  for (let start = 0, id = 0; start < files.length; start += chunk, id++) {
    jobs.push({ id, files: files.slice(start, start + chunk), resize: options.resize });
  }
  const wanted = options.threads ?? (files.length >= IMAGE_WORKER_MIN_FILES ? availableParallelism() : 0);
  const threads = Math.min(wanted, jobs.length);
  if (threads === 0) {
    for (const job of jobs) {
      const r = await runDecodeJob(sharp, job);
      if ('error' in r) throw corrupt(r);
      await options.onDecoded(job.id * chunk, r);
    }
    return 0;
  }
  await runPool(threads, jobs, (r) => options.onDecoded(r.id * chunk, r));
  return threads;
}

async function runPool(threads: number, jobs: readonly DecodeJob[], onDone: (r: DecodeResult) => Promise<void> | void): Promise<void> {
  const workers: Worker[] = [];
  let next = 0;
  let failed = false;
  // Results are handed on one at a time, in the order they arrive.
  let handing: Promise<void> = Promise.resolve();
  try {
    await Promise.all(
      Array.from(
        { length: threads },
        () =>
          new Promise<void>((resolve, reject) => {
            const w = startModuleWorker(new URL('./decode-worker.js', import.meta.url));
            workers.push(w);
            const fail = (e: unknown): void => {
              failed = true;
              reject(e as Error);
            };
            const feed = (): void => {
              if (failed || next >= jobs.length) resolve();
              else w.postMessage(jobs[next++]);
            };
            w.on('message', (r: DecodeResult | DecodeFailure) => {
              if ('error' in r) return fail(corrupt(r));
              handing = handing.then(() => onDone(r));
              handing.then(feed, fail);
            });
            w.on('error', fail);
            feed();
          }),
      ),
    );
    await handing;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

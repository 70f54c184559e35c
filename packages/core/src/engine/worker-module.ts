import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { SpikeflowError } from '../errors/spikeflow-error.js';

// Worker threads run real module files, type-checked and compiled with their package. A package
// built to dist/ has `x-worker.js` beside the module that starts it; a package run from its
// sources (its tests under vitest) has only `x-worker.ts`, which runs through a tiny loader that
// transpiles TypeScript on the fly (worker-source-loader.mjs). Callers name the `.js` file either way.

/**
 * Start a worker thread running the module at `url` (a `.js` URL beside the caller, as
 * `new URL('./x-worker.js', import.meta.url)`): the compiled file when it exists, else its
 * `.ts` source.
 *
 * @example
 * ```ts
 * const worker = startModuleWorker(new URL('./heartbeat-worker.js', import.meta.url), { workerData });
 * ```
 */
export function startModuleWorker(url: URL, options: WorkerOptions = {}): Worker {
  const path = fileURLToPath(url);
  if (existsSync(path)) return new Worker(url, options);
  const source = path.replace(/\.js$/, '.ts');
  if (!path.endsWith('.js') || !existsSync(source)) {
    throw new SpikeflowError('invalid-state', `worker module ${path} not found (nor its source ${source}); the package is incomplete, rebuild it`);
  }
  const loader = new URL('./worker-source-loader.mjs', import.meta.url);
  return new Worker(loader, { ...options, argv: [pathToFileURL(source).href, ...(options.argv ?? [])] });
}

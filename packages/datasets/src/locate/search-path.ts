import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpikeflowError } from '@spikeflow/core';

/** Where a candidate folder came from, for messages. */
export type DataFolderSource = 'data-dir' | 'SPIKEFLOW_DATA' | 'cache' | 'system';

/** A folder that may hold a dataset's files. */
export interface DataFolder {
  readonly dir: string;
  readonly source: DataFolderSource;
}

/**
 * Where to look for dataset files. Every field is optional; the defaults are the user's
 * environment, and tests inject temporary folders instead.
 */
export interface DataLocationOptions {
  /** The `--data-dir` folder: it holds the files itself, or a `<dataset id>/` folder that does. */
  readonly dataDir?: string;
  /** Environment to read `SPIKEFLOW_DATA`, `XDG_CACHE_HOME` and `SPIKEFLOW_DATASET_MIRROR` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Root of the per-user cache (default `$XDG_CACHE_HOME/spikeflow` or `~/.cache/spikeflow`). */
  readonly cacheRoot?: string;
  /** Root of system-wide datasets (default `/usr/share/datasets`, where Debian's dataset packages install). */
  readonly systemRoot?: string;
}

/** Debian's dataset packages (e.g. `dataset-fashion-mnist`) install into `/usr/share/datasets/<name>`. */
export const SYSTEM_DATA_ROOT = '/usr/share/datasets';

/** The per-user cache root: `$XDG_CACHE_HOME/spikeflow` when set (XDG base directories), else `~/.cache/spikeflow`. */
export function defaultCacheRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'spikeflow');
}

/** The folder downloads of dataset `id` go to: `dataDir` when given, else the cache folder. */
export function downloadFolder(id: string, options: DataLocationOptions = {}): DataFolder {
  if (options.dataDir) return { dir: path.resolve(options.dataDir), source: 'data-dir' };
  return { dir: path.join(options.cacheRoot ?? defaultCacheRoot(options.env ?? process.env), id), source: 'cache' };
}

/**
 * The folders searched for dataset `id`, in order. With `--data-dir` only that folder (itself,
 * then `<dataDir>/<id>`): an explicit choice is never silently replaced by another copy. Otherwise
 * `$SPIKEFLOW_DATA/<id>`, the user cache `<cache>/<id>`, then `/usr/share/datasets/<id>`, so a
 * user can always shadow a system-wide install.
 */
export function datasetSearchPath(id: string, options: DataLocationOptions = {}): DataFolder[] {
  const env = options.env ?? process.env;
  if (options.dataDir) {
    const dir = path.resolve(options.dataDir);
    return [
      { dir, source: 'data-dir' },
      { dir: path.join(dir, id), source: 'data-dir' },
    ];
  }
  const folders: DataFolder[] = [];
  if (env.SPIKEFLOW_DATA) folders.push({ dir: path.join(path.resolve(env.SPIKEFLOW_DATA), id), source: 'SPIKEFLOW_DATA' });
  folders.push({ dir: path.join(options.cacheRoot ?? defaultCacheRoot(env), id), source: 'cache' });
  folders.push({ dir: path.join(options.systemRoot ?? SYSTEM_DATA_ROOT, id), source: 'system' });
  return folders;
}

/**
 * Check that an explicit `--data-dir` is an existing folder: a wrong path must be an error, not a
 * reason to look elsewhere. `expected` says which files it should hold.
 *
 * @example
 * ```ts
 * await checkDataDir('fashion-mnist', '/data', 'train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]');
 * ```
 * @throws SpikeflowError `dataset-missing` naming the folder and the files expected.
 */
export async function checkDataDir(id: string, dataDir: string, expected: string): Promise<void> {
  const dir = path.resolve(dataDir);
  const st = await fs.stat(dir).catch(() => undefined);
  if (st?.isDirectory()) return;
  throw new SpikeflowError(
    'dataset-missing',
    `--data-dir ${dir} ${st ? 'is not a folder' : 'does not exist'}; expected a folder holding ${expected} (itself or in ${path.join(dir, id)}). No other folder is searched when --data-dir is given.`,
    { dataset: id, dataDir: dir },
  );
}

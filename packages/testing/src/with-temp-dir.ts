import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Run `fn` with a new empty folder under the system temp folder and remove the folder afterwards,
 * whether `fn` returns or throws.
 *
 * @example
 * ```ts
 * const names = await withTempDir(async (dir) => { await writeRun(dir); return readdir(dir); });
 * ```
 */
export async function withTempDir<T>(fn: (dir: string) => T | Promise<T>, prefix = 'spikeflow-test-'): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

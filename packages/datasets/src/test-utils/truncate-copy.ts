import { copyFile, mkdtemp, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Copy `file` into a temp folder and cut it to `size` bytes (negative: that many fewer). */
export async function truncatedCopy(file: string, size: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spikeflow-trunc-'));
  const out = join(dir, basename(file));
  await copyFile(file, out);
  const { stat } = await import('node:fs/promises');
  const n = size < 0 ? (await stat(out)).size + size : size;
  await truncate(out, n);
  return out;
}

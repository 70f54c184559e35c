import { promises as fs } from 'node:fs';

/**
 * Flush a directory's entries (renames, new files) to disk, so a power loss after this returns
 * keeps them. Windows cannot open a directory for syncing; there the rename is all we can do.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(dir, 'r');
  } catch (e) {
    if (process.platform === 'win32') return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    // Some filesystems refuse fsync on a directory handle (EINVAL); nothing more can be done there.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && process.platform !== 'win32') throw e;
  } finally {
    await handle.close();
  }
}

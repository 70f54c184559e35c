import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from './fsync-dir.js';

/**
 * Write a file atomically: write a temp file beside it, fsync, rename over the target, then fsync
 * the folder, so a crash leaves either the old file or the new one, never a torn one, and a power
 * loss after this returns keeps the new one.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

/**
 * Write a folder atomically: `fill` writes its files into a temp folder beside `dir`
 * (`.<name>.<hex>.tmp`), which then replaces `dir` by rename (an existing `dir` is moved aside
 * to `.<name>.<hex>.old` first and removed after), and the parent folder is fsynced. A crash
 * leaves the old folder, the new one, or temp/old folders that a later start can clean up.
 * Returns the folder's absolute path.
 */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  if (!existsSync(parent)) {
    await fs.mkdir(parent, { recursive: true });
    await fsyncDir(path.dirname(parent));
  }
  const tmp = path.join(parent, `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.mkdir(tmp);
  try {
    await fill(tmp);
    let old: string | undefined;
    if (existsSync(target)) {
      old = path.join(parent, `.${path.basename(target)}.${randomBytes(4).toString('hex')}.old`);
      await fs.rename(target, old);
    }
    await fs.rename(tmp, target);
    // The rename is acknowledged once the parent folder's entry is on disk.
    await fsyncDir(parent);
    if (old) await fs.rm(old, { recursive: true, force: true });
    return target;
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

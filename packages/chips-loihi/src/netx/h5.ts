import { openSync, readSync, closeSync, existsSync, statSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SpikeflowError } from '@spikeflow/core';
import h5wasm, { type Dataset as H5Dataset, type File as H5File, type Group as H5Group } from 'h5wasm/node';

/** The h5wasm module, initialised once. */
export async function loadH5(): Promise<typeof h5wasm> {
  await h5wasm.ready;
  return h5wasm;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Open an HDF5 file for reading with a typed error for each way it can be wrong:
 * missing (`dataset-missing`), not HDF5 (`format-unknown`), unreadable HDF5 (`file-truncated`).
 */
export async function openH5(file: string, what: string): Promise<H5File> {
  const h5 = await loadH5();
  if (!existsSync(file) || !statSync(file).isFile()) throw new SpikeflowError('dataset-missing', `${what} '${file}' does not exist`);
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  let n = 0;
  try {
    n = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 8 || !SIGNATURE.every((b, i) => head[i] === b)) throw new SpikeflowError('format-unknown', `${what} '${file}' is not an HDF5 file (no HDF5 signature)`);
  let f: H5File;
  try {
    f = new h5.File(file, 'r');
  } catch (e) {
    throw new SpikeflowError('file-truncated', `${what} '${file}' has an HDF5 signature but cannot be read (truncated or corrupt): ${(e as Error).message}`);
  }
  // h5wasm reports a failed open as a file with an invalid id rather than throwing.
  try {
    f.keys();
  } catch (e) {
    try {
      f.close();
    } catch {
      /* already unusable */
    }
    throw new SpikeflowError('file-truncated', `${what} '${file}' has an HDF5 signature but cannot be read (truncated or corrupt): ${(e as Error).message}`);
  }
  return f;
}

/**
 * Write an HDF5 file atomically: `build` fills a file created beside the target under a temporary
 * name, which is renamed into place only when it is complete.
 */
export async function writeH5Atomic(file: string, build: (f: H5File) => void): Promise<void> {
  const h5 = await loadH5();
  const target = path.resolve(file);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  const f = new h5.File(tmp, 'w');
  try {
    build(f);
    f.close();
    await fs.rename(tmp, target);
  } catch (e) {
    try {
      f.close();
    } catch {
      /* closed already */
    }
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Create (or return) a chain of groups one level at a time (h5wasm cannot create nested paths). */
export function ensureGroup(parent: H5Group, names: readonly string[]): H5Group {
  let g = parent;
  for (const n of names) {
    const existing = g.get(n);
    g = existing instanceof h5wasm.Group ? existing : g.create_group(n);
  }
  return g;
}

/** Scalar int64 dataset, as h5py writes Python ints. */
export function writeInt(g: H5Group, name: string, value: number): void {
  g.create_dataset({ name, data: BigInt64Array.from([BigInt(value)]), shape: [], dtype: '<q' });
}

/** 1-D int64 dataset. */
export function writeIntArray(g: H5Group, name: string, values: readonly number[]): void {
  g.create_dataset({ name, data: BigInt64Array.from(values.map((v) => BigInt(v))), shape: [values.length], dtype: '<q' });
}

/** Float32 dataset of any shape. */
export function writeFloat32(g: H5Group, name: string, data: Float32Array, shape: readonly number[]): void {
  g.create_dataset({ name, data, shape: [...shape], dtype: '<f' });
}

/** Plain JS value of a dataset: numbers (bigint → number), strings, arrays, typed arrays. */
export function datasetValue(d: H5Dataset): { value: unknown; shape: number[]; dtype: string } {
  const raw = d.value as unknown;
  const conv = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, (x) => Number(x));
    if (Array.isArray(v)) return v.map(conv);
    return v;
  };
  return { value: conv(raw), shape: d.shape ?? [], dtype: String(d.dtype) };
}

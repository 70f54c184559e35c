import { readFile, stat } from 'node:fs/promises';
import { SpikeflowError } from '@spikeflow/core';
import { truncatedError } from '../../events/truncated.js';

/** Bytes of one CIFAR-10 binary record: a label byte and a 32x32x3 image. */
export const CIFAR10_RECORD_BYTES = 1 + 32 * 32 * 3;

/** Records in each official batch file (`data_batch_1.bin` ... `test_batch.bin`). */
export const CIFAR10_BATCH_RECORDS = 10000;

/** The ten CIFAR-10 classes, in label order (`batches.meta.txt`). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** Images and labels of a CIFAR-10 binary batch. */
export interface Cifar10Batch {
  readonly count: number;
  /** `count · 32 · 32 · 3` bytes, NHWC (the file stores each image as R, G and B planes). */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

/**
 * Read a CIFAR-10 binary batch (`data_batch_N.bin`, `test_batch.bin`).
 *
 * Format (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"): 10000
 * records of one label byte (0..9) then 3072 bytes — the red, green and blue 32x32 planes in
 * row-major order. A size that is not a whole number of records is reported as truncated; more
 * records than a batch file holds (checked from the size, before reading) or a label outside 0..9
 * as corrupt.
 *
 * @example
 * ```ts
 * const { images, labels } = await readCifar10Bin('cifar-10-batches-bin/test_batch.bin');
 * ```
 */
export async function readCifar10Bin(file: string, options: { maxRecords?: number } = {}): Promise<Cifar10Batch> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new SpikeflowError('dataset-missing', `cannot read CIFAR-10 file '${file}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { file });
  });
  if (!st.isFile())
    throw new SpikeflowError('invalid-options', `'${file}' is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected a CIFAR-10 binary batch file`, { file });
  const rest = st.size % CIFAR10_RECORD_BYTES;
  if (rest !== 0) throw truncatedError(file, 'CIFAR-10 binary', st.size, `a record (${rest} of ${CIFAR10_RECORD_BYTES} bytes)`);
  // Checked before reading: every official batch file holds 10000 records.
  const max = options.maxRecords ?? CIFAR10_BATCH_RECORDS;
  if (st.size / CIFAR10_RECORD_BYTES > max) {
    throw new SpikeflowError('dataset-corrupt', `CIFAR-10 file '${file}' has ${st.size} bytes, ${st.size / CIFAR10_RECORD_BYTES} records; a batch file holds at most ${max}`, {
      file,
      size: st.size,
    });
  }
  const batch = decodeCifar10(await readFile(file));
  const bad = batch.labels.findIndex((l) => l >= CIFAR10_CLASSES.length);
  if (bad >= 0) {
    throw new SpikeflowError(
      'dataset-corrupt',
      `CIFAR-10 file '${file}' is not valid at byte ${bad * CIFAR10_RECORD_BYTES}: record ${bad} has label ${batch.labels[bad]}, expected 0..${CIFAR10_CLASSES.length - 1}`,
      { file, offset: bad * CIFAR10_RECORD_BYTES, record: bad },
    );
  }
  return batch;
}

/** Decode whole CIFAR-10 records into NHWC images and labels. */
export function decodeCifar10(bytes: Uint8Array): Cifar10Batch {
  const count = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const r = n * CIFAR10_RECORD_BYTES;
    labels[n] = bytes[r]!;
    const o = n * 3072;
    for (let i = 0; i < 1024; i++) {
      images[o + 3 * i] = bytes[r + 1 + i]!;
      images[o + 3 * i + 1] = bytes[r + 1 + 1024 + i]!;
      images[o + 3 * i + 2] = bytes[r + 1 + 2048 + i]!;
    }
  }
  return { count, images, labels };
}

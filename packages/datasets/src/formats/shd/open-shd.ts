import { stat } from 'node:fs/promises';
import { SpikeflowError } from '@spikeflow/core';
import { eventBatch, type EventBatch } from '../../events/event-batch.js';
import type { EventFile, EventFileInfo } from '../../events/event-file.js';
import { truncatedError } from '../../events/truncated.js';
import { readHdf5Superblock } from './hdf5-superblock.js';

/** Input channels of SHD and SSC (the cochlea model's 700 fibres). */
export const SHD_CHANNELS = 700;

/** An opened SHD or SSC HDF5 file: labelled spike trains read one sample at a time. */
export interface ShdFile extends EventFile {
  /** Samples in the file. */
  readonly length: number;
  readonly labels: Uint16Array;
  /** Speaker of each sample, when the file has `/extra/speaker`. */
  readonly speakers?: Uint16Array;
  /** Sample `i` as events: t in µs, x the channel (0..699), y = 0, p = 0. */
  sample(index: number): EventBatch;
  close(): void;
}

type H5Module = typeof import('h5wasm/node');
let h5: Promise<H5Module['default']> | undefined;
async function h5wasm(): Promise<H5Module['default']> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5;
}

type Dataset = InstanceType<H5Module['default']['Dataset']>;

/** Find the SHD datasets, check their lengths against each other and the file size, read the labels. */
function readStructure(f: InstanceType<H5Module['default']['File']>, lib: H5Module['default'], fileSize: number, bad: (what: string) => SpikeflowError) {
  const times = f.get('spikes/times');
  const units = f.get('spikes/units');
  const labelsDs = f.get('labels');
  if (!(times instanceof lib.Dataset) || !(units instanceof lib.Dataset) || !(labelsDs instanceof lib.Dataset))
    throw bad('expected datasets /spikes/times, /spikes/units and /labels');
  const n = times.shape?.[0] ?? 0;
  if ((units.shape?.[0] ?? -1) !== n || (labelsDs.shape?.[0] ?? -1) !== n)
    throw bad(`/spikes/times, /spikes/units and /labels differ in length (${n}, ${units.shape?.[0]}, ${labelsDs.shape?.[0]})`);
  // The sample count comes from the file's dataspaces; check it against the file's size before
  // reading /labels, so a forged count is refused instead of allocated. Every sample stores a
  // label and one variable-length reference (16 bytes: length and global-heap id) in each of
  // /spikes/times and /spikes/units; filtered (deflate) storage shrinks at most ~1032:1.
  const perSample = labelsDs.metadata.size + 2 * 16;
  const filtered = [times, units, labelsDs].some((d) => d.filters.length > 0);
  const capacity = fileSize * (filtered ? 1032 : 1);
  if (n * perSample > capacity) {
    throw bad(
      `its datasets claim ${n} samples, which need at least ${n * perSample} bytes of ${filtered ? 'storage before compression' : 'storage'}, but the file has ${fileSize} bytes${filtered ? ' (and deflate packs at most 1032:1)' : ''}`,
    );
  }
  const labels = Uint16Array.from(labelsDs.value as ArrayLike<number>);
  const speakerDs = f.get('extra/speaker');
  if (speakerDs instanceof lib.Dataset && speakerDs.shape?.[0] !== n) throw bad(`/extra/speaker has ${speakerDs.shape?.[0]} entries for ${n} samples`);
  const speakers = speakerDs instanceof lib.Dataset ? Uint16Array.from(speakerDs.value as ArrayLike<number>) : undefined;
  return { times, units, n, labels, speakers };
}

/**
 * Open a Spiking Heidelberg Digits or Spiking Speech Commands file (Cramer, Stradmann, Schemmel &
 * Zenke 2020, "The Heidelberg Spiking Data Sets for the Systematic Evaluation of Spiking Neural
 * Networks", https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/) through h5wasm:
 * `/spikes/times` (variable-length float32 seconds per sample), `/spikes/units` (variable-length
 * uint16 channel per spike) and `/labels`. Samples are read lazily, one slice at a time. A file
 * shorter than the size its superblock records is reported as truncated.
 *
 * @example
 * ```ts
 * const shd = await openShd('shd_test.h5');
 * const first = shd.sample(0); // first.x are channels, first.t are µs
 * shd.close();
 * ```
 */
export async function openShd(file: string): Promise<ShdFile> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new SpikeflowError('dataset-missing', `cannot open SHD file '${file}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { file });
  });
  if (!st.isFile()) throw new SpikeflowError('invalid-options', `'${file}' is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected an SHD/SSC HDF5 file`, { file });
  const sb = await readHdf5Superblock(file);
  if (sb === undefined) throw new SpikeflowError('format-unknown', `'${file}' is not an HDF5 file (no HDF5 signature at byte 0)`, { file });
  if (sb.fileSize < sb.endOfFile) throw truncatedError(file, 'HDF5', sb.fileSize, `a file whose superblock records ${sb.endOfFile} bytes`);
  const lib = await h5wasm();
  let f: InstanceType<typeof lib.File>;
  try {
    f = new lib.File(file, 'r');
  } catch (e) {
    throw new SpikeflowError('dataset-corrupt', `'${file}' cannot be opened as HDF5: ${(e as Error).message}`, { file }, { cause: e });
  }
  const bad = (what: string): SpikeflowError => new SpikeflowError('dataset-corrupt', `'${file}' is not an SHD/SSC file: ${what}`, { file });
  let parts: { times: Dataset; units: Dataset; n: number; labels: Uint16Array; speakers?: Uint16Array };
  try {
    parts = readStructure(f, lib, sb.fileSize, bad);
  } catch (e) {
    f.close();
    if (SpikeflowError.is(e)) throw e;
    // The HDF5 library refuses some damage itself (say, a dataspace larger than its storage).
    throw new SpikeflowError(
      'dataset-corrupt',
      `'${file}' is not a readable SHD/SSC file: the HDF5 library reports '${(e as Error).message}' while reading /spikes/times, /spikes/units and /labels`,
      { file },
      { cause: e },
    );
  }
  const { times, units, n, labels, speakers } = parts;
  const info: EventFileInfo = { format: 'shd-hdf5', file, width: SHD_CHANNELS, height: 1, header: { samples: String(n) } };
  const sample = (index: number): EventBatch => {
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new SpikeflowError('invalid-options', `SHD sample index ${index} is outside 0..${n - 1}`);
    let t: ArrayLike<number>;
    let u: ArrayLike<number>;
    try {
      t = (times.slice([[index, index + 1]]) as ArrayLike<number>[])[0]!;
      u = (units.slice([[index, index + 1]]) as ArrayLike<number>[])[0]!;
    } catch (e) {
      throw new SpikeflowError('dataset-corrupt', `'${file}' sample ${index}: the HDF5 library cannot read its spikes ('${(e as Error).message}')`, { file, index }, { cause: e });
    }
    if (t.length !== u.length) throw new SpikeflowError('dataset-corrupt', `'${file}' sample ${index}: ${t.length} times but ${u.length} units`, { file, index });
    const out = eventBatch(t.length);
    for (let i = 0; i < t.length; i++) {
      // float32 seconds to µs, rounded: SHD times are given to the microsecond.
      out.t[i] = Math.round(t[i]! * 1e6);
      out.x[i] = u[i]!;
    }
    return out;
  };
  return {
    info,
    length: n,
    labels,
    speakers,
    sample,
    async *batches() {
      for (let i = 0; i < n; i++) {
        const b = sample(i);
        if (b.length > 0) yield b;
      }
    },
    close: () => f.close(),
  };
}

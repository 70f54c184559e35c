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
  await stat(file);
  const sb = await readHdf5Superblock(file);
  if (sb === undefined) throw new SpikeflowError('format-unknown', `'${file}' is not an HDF5 file (no HDF5 signature at byte 0)`, { file });
  if (sb.fileSize < sb.endOfFile) throw truncatedError(file, 'HDF5', sb.fileSize, `a file whose superblock records ${sb.endOfFile} bytes`);
  const lib = await h5wasm();
  const f = new lib.File(file, 'r');
  const bad = (what: string): SpikeflowError => {
    f.close();
    return new SpikeflowError('dataset-corrupt', `'${file}' is not an SHD/SSC file: ${what}`, { file });
  };
  const times = f.get('spikes/times');
  const units = f.get('spikes/units');
  const labelsDs = f.get('labels');
  if (!(times instanceof lib.Dataset) || !(units instanceof lib.Dataset) || !(labelsDs instanceof lib.Dataset)) throw bad('expected datasets /spikes/times, /spikes/units and /labels');
  const n = times.shape?.[0] ?? 0;
  if ((units.shape?.[0] ?? -1) !== n || (labelsDs.shape?.[0] ?? -1) !== n) throw bad(`/spikes/times, /spikes/units and /labels differ in length (${n}, ${units.shape?.[0]}, ${labelsDs.shape?.[0]})`);
  const labels = Uint16Array.from(labelsDs.value as ArrayLike<number>);
  const speakerDs = f.get('extra/speaker');
  const speakers = speakerDs instanceof lib.Dataset ? Uint16Array.from(speakerDs.value as ArrayLike<number>) : undefined;
  const info: EventFileInfo = { format: 'shd-hdf5', file, width: SHD_CHANNELS, height: 1, header: { samples: String(n) } };
  const sample = (index: number): EventBatch => {
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new SpikeflowError('invalid-options', `SHD sample index ${index} is outside 0..${n - 1}`);
    const t = (times.slice([[index, index + 1]]) as ArrayLike<number>[])[0]!;
    const u = (units.slice([[index, index + 1]]) as ArrayLike<number>[])[0]!;
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

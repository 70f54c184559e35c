import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import { openAedat2, type Aedat2Orientation } from '../formats/aedat2/open-aedat2.js';
import { openAedat3 } from '../formats/aedat3/open-aedat3.js';
import { openAedat4 } from '../formats/aedat4/open-aedat4.js';
import { openNmnistBin } from '../formats/nmnist/open-nmnist-bin.js';
import { openEvt2 } from '../formats/prophesee/open-evt2.js';
import { openEvt3 } from '../formats/prophesee/open-evt3.js';
import { openPropheseeDat } from '../formats/prophesee/open-prophesee-dat.js';
import { readPropheseeHeader } from '../formats/prophesee/prophesee-header.js';
import { openShd } from '../formats/shd/open-shd.js';
import type { EventFile, EventFormat, EventReadOptions } from './event-file.js';

/**
 * Check that `file` names a readable, non-empty regular file before any reader opens it: a
 * folder or an empty file would otherwise surface as a bare EISDIR or as a silent empty recording.
 */
async function checkEventPath(file: string): Promise<void> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new SpikeflowError('dataset-missing', `cannot open event file '${file}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { file });
  });
  if (!st.isFile())
    throw new SpikeflowError(
      'invalid-options',
      `'${file}' is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected an event recording file (.aedat4, .aedat, .raw, .dat, .bin, .h5)`,
      { file },
    );
  await access(file, constants.R_OK).catch((e: NodeJS.ErrnoException) => {
    throw new SpikeflowError('dataset-missing', `cannot open event file '${file}': ${e.message}`, { file });
  });
  if (st.size === 0)
    throw new SpikeflowError('file-truncated', `event file '${file}' is empty (0 bytes); expected a recording (a header or at least one event)`, { file, offset: 0 });
}

/**
 * Work out a file's event format from its first bytes (AEDAT magics, the HDF5 signature,
 * Prophesee `% evt` / `% format` header fields) and, for headerless N-MNIST files, its extension.
 */
export async function detectEventFormat(file: string): Promise<EventFormat> {
  await checkEventPath(file);
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new SpikeflowError('dataset-missing', `cannot open event file '${file}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { file });
  });
  const head = new Uint8Array(64);
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const text = Buffer.from(head).toString('latin1');
  if (text.startsWith('#!AER-DAT4.0')) return 'aedat4';
  if (text.startsWith('#!AER-DAT3')) return 'aedat3';
  if (text.startsWith('#!AER-DAT2') || text.startsWith('#!AER-DAT1')) return 'aedat2';
  if (text.startsWith('\x89HDF\r\n\x1a\n')) return 'shd-hdf5';
  const ext = extname(file).toLowerCase();
  if (text.startsWith('%')) {
    const { fields } = await readPropheseeHeader(file);
    const evt = fields['evt'] ?? /evt=?([\d.]+)/i.exec(fields['format'] ?? '')?.[1] ?? /EVT(\d)/i.exec(fields['format'] ?? '')?.[1];
    if (evt !== undefined && evt.startsWith('3')) return 'evt3';
    if (evt !== undefined && evt.startsWith('2')) return 'evt2';
    if (ext === '.dat' || fields['Version'] !== undefined || fields['Data'] !== undefined) return 'prophesee-dat';
  }
  if (ext === '.bin' || ext === '.bs2') return 'nmnist-bin';
  throw new SpikeflowError(
    'format-unknown',
    `cannot tell the event format of '${file}': expected an AEDAT 2/3.1/4 magic, an HDF5 signature, a Prophesee '% ' header (.raw EVT2/EVT3 or .dat), or an N-MNIST .bin/.bs2 file`,
    { file },
  );
}

/** What {@link openEventFile} accepts: every reader's options. */
type OpenEventOptions = EventReadOptions & { format?: EventFormat; orientation?: Aedat2Orientation };

/** The reader of each format; a new format cannot be added without one. */
const READERS: Readonly<Record<EventFormat, (file: string, options: OpenEventOptions) => Promise<EventFile>>> = {
  'nmnist-bin': openNmnistBin,
  aedat4: openAedat4,
  aedat3: openAedat3,
  aedat2: openAedat2,
  'prophesee-dat': openPropheseeDat,
  evt2: openEvt2,
  evt3: openEvt3,
  'shd-hdf5': (file) => openShd(file),
};

/**
 * Open an event recording of any supported format, detected from its content.
 *
 * @example
 * ```ts
 * const file = await openEventFile('recording.raw');
 * console.log(file.info.format, file.info.width, file.info.height);
 * ```
 */
export async function openEventFile(file: string, options: OpenEventOptions = {}): Promise<EventFile> {
  if (options.format !== undefined) await checkEventPath(file);
  const format = options.format ?? (await detectEventFormat(file));
  const read = Object.hasOwn(READERS, format) ? READERS[format] : undefined;
  if (!read) throw new SpikeflowError('invalid-options', `unknown event format '${String(format)}' for '${file}'; expected one of ${Object.keys(READERS).join(', ')}`, { file });
  return read(file, options);
}

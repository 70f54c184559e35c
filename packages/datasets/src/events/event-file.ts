import type { EventBatch } from './event-batch.js';

/** The event formats this package reads. */
export type EventFormat = 'nmnist-bin' | 'aedat4' | 'aedat3' | 'aedat2' | 'prophesee-dat' | 'evt2' | 'evt3' | 'shd-hdf5';

/** What a file's header says about its recording. */
export interface EventFileInfo {
  readonly format: EventFormat;
  readonly file: string;
  /** Sensor width and height in pixels, when the header (or the format) fixes them. */
  readonly width?: number;
  readonly height?: number;
  /** Header fields as found (`% key value` lines, AEDAT XML attributes, ...). */
  readonly header: Readonly<Record<string, string>>;
}

/**
 * An opened event recording. `batches()` streams its events in file order in bounded batches,
 * reading the file a chunk at a time; it can be iterated again (it reopens the file).
 *
 * @example
 * ```ts
 * const file = await openEventFile('sample.aedat4');
 * for await (const b of file.batches()) console.log(b.length, b.t[0]);
 * ```
 */
export interface EventFile {
  readonly info: EventFileInfo;
  batches(): AsyncIterable<EventBatch>;
}

/** Options every reader accepts. */
export interface EventReadOptions {
  /** Bytes read from disk per call (default 1 MiB); small values exercise chunk boundaries. */
  readonly chunkBytes?: number;
  /** Events per yielded batch (default 65536). */
  readonly batchEvents?: number;
}

import type { EventBatch } from '../../events/event-batch.js';
import { EventBuilder } from '../../events/event-builder.js';
import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { RecordStream } from '../../events/record-stream.js';
import { EventChecker } from '../../events/event-checker.js';
import { readPropheseeHeader } from './prophesee-header.js';

/**
 * Decodes one chunk of whole words (`base` is the chunk's byte offset in the file) into `out`,
 * yielding each batch as soon as `out` is full.
 */
export type RawWordDecoder = (bytes: Uint8Array, base: number, out: EventBuilder) => Generator<EventBatch>;

/** One Prophesee `.raw` event encoding (EVT 2.0, EVT 3.0): what {@link openPropheseeRaw} needs to read it. */
export interface PropheseeRawEncoding {
  readonly format: 'evt2' | 'evt3';
  /** The encoding's name in messages, e.g. `EVT 2.0`. */
  readonly label: string;
  /** Bytes per word. */
  readonly wordBytes: number;
  /** A decoder for one pass over the file, holding the stream's state (time base, current row, ...). */
  decoder(check: EventChecker): RawWordDecoder;
  /** Names a torn final word of `tornBytes` bytes in the truncation error. */
  tornWord(tornBytes: number): string;
}

/**
 * Open a Prophesee `.raw` recording in `encoding`: the `% ` header gives the sensor size, then each
 * pass streams the words through a fresh decoder. Events outside the sensor or out of time order
 * are reported as corrupt, a torn final word as truncated.
 *
 * @example
 * ```ts
 * const file = await openPropheseeRaw('recording.raw', {}, evt2Encoding);
 * ```
 */
export async function openPropheseeRaw(file: string, options: EventReadOptions, encoding: PropheseeRawEncoding): Promise<EventFile> {
  const header = await readPropheseeHeader(file);
  return {
    info: { format: encoding.format, file, width: header.width, height: header.height, header: header.fields },
    async *batches(): AsyncGenerator<EventBatch> {
      const records = new RecordStream(file, encoding.label, header.end, encoding.wordBytes, options.chunkBytes);
      const out = new EventBuilder(options.batchEvents);
      const decode = encoding.decoder(new EventChecker(file, encoding.label, header));
      for await (const { bytes, offset } of records) yield* decode(bytes, offset, out);
      const last = out.take();
      if (last) yield last;
      records.checkEnd(encoding.tornWord);
    },
  };
}

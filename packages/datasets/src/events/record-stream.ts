import { recordChunks } from './file-chunks.js';
import { truncatedError } from './truncated.js';

/** Whole records read from a file, and the byte offset of the first one. */
export interface RecordChunk {
  readonly bytes: Uint8Array;
  readonly offset: number;
}

/**
 * The fixed-size records of a file from `start`, a chunk of whole records at a time, each chunk
 * with its byte offset (for messages). A torn final record is not an error by itself, so a reader
 * can first hand out what it decoded; {@link checkEnd} then reports it as truncated. Leaving the
 * loop early closes the file.
 *
 * @example
 * ```ts
 * const records = new RecordStream(file, 'AEDAT 2.0', headerEnd, 8, options.chunkBytes);
 * for await (const { bytes, offset } of records) decode(bytes, offset);
 * records.checkEnd((torn) => `an event (${torn} of 8 bytes)`);
 * ```
 */
export class RecordStream implements AsyncIterable<RecordChunk> {
  private torn = 0;
  private end = 0;

  constructor(
    private readonly file: string,
    /** The format's name in messages, e.g. `EVT 2.0`. */
    private readonly format: string,
    private readonly start: number,
    private readonly recordBytes: number,
    private readonly chunkBytes?: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordChunk> {
    const it = recordChunks(this.file, this.start, this.recordBytes, this.chunkBytes);
    let offset = this.start;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) {
          this.torn = r.value;
          this.end = offset + r.value;
          return;
        }
        yield { bytes: r.value, offset };
        offset += r.value.length;
      }
    } finally {
      await it.return(0);
    }
  }

  /**
   * After the loop: throw `file-truncated` when the file ended inside a record; `what` names that
   * record given the bytes of it that were there.
   */
  checkEnd(what: (tornBytes: number) => string): void {
    if (this.torn !== 0) throw truncatedError(this.file, this.format, this.end, what(this.torn));
  }
}

/**
 * Just enough of the FlatBuffers binary layout (https://flatbuffers.dev/internals/) to read
 * AEDAT4's header and event packets without generated code: a table starts with an int32 offset
 * back to its vtable; the vtable lists uint16 offsets of each field (0 = absent, use the default).
 *
 * Every offset comes from the file, so every read is checked against the buffer first: a bad
 * offset or length throws a RangeError naming the position, which readers turn into a typed
 * `dataset-corrupt` error, instead of reading past the end (or into a neighbouring packet).
 */
export class FlatbufferTable {
  private readonly view: DataView;
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    readonly bytes: Uint8Array,
    /** Absolute position of the table in `bytes`. */
    readonly pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.need(pos, 4, 'table');
    const vt = pos - this.view.getInt32(pos, true);
    this.need(vt, 4, 'vtable');
    this.vtable = vt;
    this.vtableSize = this.view.getUint16(vt, true);
    // The vtable holds its own size, the table size and one uint16 per field.
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) throw new RangeError(`flatbuffer vtable at ${vt} has size ${this.vtableSize}, expected an even number of at least 4`);
    this.need(vt, this.vtableSize, 'vtable');
  }

  /** The root table of a buffer whose first uint32 is the root offset (at `start`). */
  static root(bytes: Uint8Array, start = 0): FlatbufferTable {
    if (start < 0 || start + 4 > bytes.length) throw new RangeError(`flatbuffer root offset at ${start} is past the end of the ${bytes.length}-byte buffer`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new FlatbufferTable(bytes, start + view.getUint32(start, true));
  }

  /** Throw unless `n` bytes at `at` lie inside the buffer. */
  private need(at: number, n: number, what: string): void {
    if (!(at >= 0 && n >= 0 && at + n <= this.bytes.length)) {
      throw new RangeError(`flatbuffer ${what} at ${at} (${n} bytes) is outside the ${this.bytes.length}-byte buffer`);
    }
  }

  /** Absolute position of field `index` (`size` bytes wide), or undefined when it is absent. */
  field(index: number, size = 1): number | undefined {
    const at = 4 + 2 * index;
    if (at + 2 > this.vtableSize) return undefined;
    const off = this.view.getUint16(this.vtable + at, true);
    if (off === 0) return undefined;
    this.need(this.pos + off, size, `field ${index}`);
    return this.pos + off;
  }

  int32(index: number, fallback: number): number {
    const f = this.field(index, 4);
    return f === undefined ? fallback : this.view.getInt32(f, true);
  }

  int64(index: number, fallback: number): number {
    const f = this.field(index, 8);
    return f === undefined ? fallback : Number(this.view.getBigInt64(f, true));
  }

  string(index: number): string | undefined {
    const v = this.vector(index);
    return v === undefined ? undefined : Buffer.from(this.bytes.buffer, this.bytes.byteOffset + v.start, v.length).toString('utf8');
  }

  /**
   * A vector field: where its elements start and how many there are. The elements
   * (`elementBytes` each) are checked to lie inside the buffer.
   */
  vector(index: number, elementBytes = 1): { start: number; length: number } | undefined {
    const f = this.field(index, 4);
    if (f === undefined) return undefined;
    const vec = f + this.view.getUint32(f, true);
    this.need(vec, 4, `vector length of field ${index}`);
    const length = this.view.getUint32(vec, true);
    this.need(vec + 4, length * elementBytes, `vector of ${length} ${elementBytes}-byte elements (field ${index})`);
    return { start: vec + 4, length };
  }
}

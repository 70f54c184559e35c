/**
 * Just enough of the FlatBuffers binary layout (https://flatbuffers.dev/internals/) to read
 * AEDAT4's header and event packets without generated code: a table starts with an int32 offset
 * back to its vtable; the vtable lists uint16 offsets of each field (0 = absent, use the default).
 */
export class FlatbufferTable {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** Absolute position of the table in `bytes`. */
    readonly pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const vt = pos - this.view.getInt32(pos, true);
    if (vt < 0 || vt + 4 > bytes.length) throw new RangeError(`flatbuffer vtable at ${vt} is out of bounds`);
    this.vtable = vt;
    this.vtableSize = this.view.getUint16(vt, true);
  }

  private readonly vtable: number;
  private readonly vtableSize: number;

  /** The root table of a buffer whose first uint32 is the root offset (at `start`). */
  static root(bytes: Uint8Array, start = 0): FlatbufferTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new FlatbufferTable(bytes, start + view.getUint32(start, true));
  }

  /** Absolute position of field `index`, or undefined when it is absent. */
  field(index: number): number | undefined {
    const at = 4 + 2 * index;
    if (at >= this.vtableSize) return undefined;
    const off = this.view.getUint16(this.vtable + at, true);
    return off === 0 ? undefined : this.pos + off;
  }

  int32(index: number, fallback: number): number {
    const f = this.field(index);
    return f === undefined ? fallback : this.view.getInt32(f, true);
  }

  int64(index: number, fallback: number): number {
    const f = this.field(index);
    return f === undefined ? fallback : Number(this.view.getBigInt64(f, true));
  }

  string(index: number): string | undefined {
    const v = this.vector(index);
    return v === undefined ? undefined : Buffer.from(this.bytes.buffer, this.bytes.byteOffset + v.start, v.length).toString('utf8');
  }

  /** A vector field: where its elements start and how many there are. */
  vector(index: number): { start: number; length: number } | undefined {
    const f = this.field(index);
    if (f === undefined) return undefined;
    const vec = f + this.view.getUint32(f, true);
    if (vec + 4 > this.bytes.length) throw new RangeError(`flatbuffer vector at ${vec} is out of bounds`);
    return { start: vec + 4, length: this.view.getUint32(vec, true) };
  }
}

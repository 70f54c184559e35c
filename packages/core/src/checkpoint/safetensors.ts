import { SpikeflowError } from '../errors/spikeflow-error.js';

/** A tensor as stored in a safetensors file (spikeflow writes F32 and I32). */
export interface StoredTensor {
  readonly dtype: 'F32' | 'I32';
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

const DTYPE_BYTES = { F32: 4, I32: 4 } as const;

/**
 * Encode tensors in the safetensors format (an 8-byte little-endian header length, a JSON
 * header with dtype, shape and byte offsets, then the raw little-endian data), readable by the
 * Python `safetensors` package and by PyTorch tooling.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, StoredTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = [...tensors.keys()];
  for (const name of names) {
    const t = tensors.get(name)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new SpikeflowError('shape-mismatch', `tensor '${name}' has shape [${t.shape}] but ${t.data.length} values`);
    const bytes = count * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  const pad = (8 - ((8 + Buffer.byteLength(json)) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Decode a safetensors buffer; malformed input throws a `checkpoint-invalid` error naming `source`. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  const bad = (why: string) => new SpikeflowError('checkpoint-invalid', `${source} is not a valid safetensors file: ${why}`, { source });
  if (bytes.length < 8) throw bad(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8 || n > 100 * 1024 * 1024) throw bad(`header length ${n} exceeds the file size ${bytes.length}`);
  let header: Record<string, any>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, n).toString('utf8'));
  } catch (e) {
    throw bad(`header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offs } = entry ?? {};
    if (dtype !== 'F32' && dtype !== 'I32') throw bad(`tensor '${name}' has dtype ${dtype}; spikeflow reads F32 and I32`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`tensor '${name}' has invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offs) || offs.length !== 2 || !(offs[0] <= offs[1]) || offs[1] > dataLength) throw bad(`tensor '${name}' has data offsets ${JSON.stringify(offs)} outside the ${dataLength}-byte data section`);
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (offs[1] - offs[0] !== count * 4) throw bad(`tensor '${name}' of shape [${shape}] needs ${count * 4} bytes, has ${offs[1] - offs[0]}`);
    // A fresh copy with its own buffer (Buffer.slice would be a view into a pooled ArrayBuffer).
    const copy = new Uint8Array(bytes.subarray(dataStart + offs[0], dataStart + offs[1]));
    const data = dtype === 'F32' ? new Float32Array(copy.buffer, 0, count) : new Int32Array(copy.buffer, 0, count);
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

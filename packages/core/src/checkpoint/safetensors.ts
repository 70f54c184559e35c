import { SpikeflowError } from '../errors/spikeflow-error.js';
import { parseJsonStrict } from './strict-json.js';

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
  if (names.includes('__metadata__')) throw new SpikeflowError('invalid-options', "a tensor cannot be named '__metadata__' (the safetensors format reserves it)");
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

/** The reference implementation's header limit (100 MB): a larger length is refused before reading it. */
const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the safetensors format defines (spikeflow reads F32 and I32). */
const FORMAT_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Decode a safetensors buffer, validating it as the reference implementation does: an 8-byte
 * little-endian header length (at most 100 MB, within the file), a UTF-8 JSON object header that
 * starts with `{` and repeats no key, `__metadata__` a string→string map, and for every tensor a
 * known dtype, a shape of non-negative integers and integer `data_offsets` whose length is
 * dtype size × element count; sorted by offset the tensors tile the data section exactly (first
 * begins at 0, each begins where the previous ended, the last ends at the end of the file).
 * Malformed input throws a `checkpoint-invalid` error naming `source`. Values are not checked
 * (the format allows NaN); {@link loadCheckpoint} refuses non-finite weights.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(readFileSync('model.safetensors'), 'model.safetensors');
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  const bad = (why: string) => new SpikeflowError('checkpoint-invalid', `${source} is not a valid safetensors file: ${why}`, { source });
  if (bytes.length < 8) throw bad(`only ${bytes.length} bytes, expected at least the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = view.getBigUint64(0, true);
  if (big > BigInt(MAX_HEADER_BYTES)) throw bad(`header length ${big} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  const n = Number(big);
  if (n > bytes.length - 8) throw bad(`header length ${n} exceeds the ${bytes.length - 8} bytes after the length field`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw bad('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw bad(`header must start with '{', found ${JSON.stringify(text.slice(0, 16))}`);
  let header: unknown;
  try {
    header = parseJsonStrict(text);
  } catch (e) {
    throw bad(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('header must be a JSON object');
  const entries = header as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  if ('__metadata__' in entries) {
    const meta = entries.__metadata__;
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw bad(`__metadata__ must be an object of strings, found ${JSON.stringify(meta)}`);
    for (const [k, v] of Object.entries(meta)) {
      if (typeof v !== 'string') throw bad(`__metadata__ value '${k}' must be a string, found ${JSON.stringify(v)}`);
      metadata[k] = v;
    }
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const layout: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number; count: number }> = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (name === '__metadata__') continue;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw bad(`tensor '${name}' must be an object with dtype, shape and data_offsets, found ${JSON.stringify(entry)}`);
    const { dtype, shape, data_offsets: offs } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in FORMAT_DTYPE_BYTES)) {
      throw bad(`tensor '${name}' has dtype ${JSON.stringify(dtype)}, expected one of ${Object.keys(FORMAT_DTYPE_BYTES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`tensor '${name}' has shape ${JSON.stringify(shape)}, expected an array of non-negative integers`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isCount)) {
      throw bad(`tensor '${name}' has data_offsets ${JSON.stringify(offs)}, expected [begin, end] of non-negative integers`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end) throw bad(`tensor '${name}' has data_offsets [${begin}, ${end}]: begin after end`);
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    const need = count * FORMAT_DTYPE_BYTES[dtype];
    if (!Number.isSafeInteger(need) || need !== end - begin)
      throw bad(`tensor '${name}' of dtype ${dtype} and shape [${shape}] needs ${need} bytes, its data_offsets [${begin}, ${end}] hold ${end - begin}`);
    layout.push({ name, dtype, shape: shape as number[], begin, end, count });
  }
  // The tensors must tile the data section: no overlap (aliased weights), no hole, no trailing bytes.
  layout.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const t of layout) {
    if (t.begin !== cursor) {
      throw bad(
        t.begin < cursor
          ? `tensor '${t.name}' data_offsets [${t.begin}, ${t.end}] overlap the previous tensor, which ends at ${cursor}`
          : `tensor '${t.name}' begins at ${t.begin}, expected ${cursor} (the data section has a hole)`,
      );
    }
    cursor = t.end;
  }
  if (cursor > dataLength) throw bad(`tensors need ${cursor} data bytes, the data section after the header has ${dataLength} (the file is truncated; offsets outside the data)`);
  if (cursor < dataLength) throw bad(`the data section has ${dataLength - cursor} trailing bytes after the last tensor (ends at ${cursor}, expected ${dataLength})`);
  const tensors = new Map<string, StoredTensor>();
  for (const t of layout) {
    if (t.dtype !== 'F32' && t.dtype !== 'I32') throw bad(`tensor '${t.name}' has dtype ${t.dtype}; spikeflow reads F32 and I32`);
    // A fresh copy with its own buffer (Buffer.slice would be a view into a pooled ArrayBuffer).
    const copy = new Uint8Array(bytes.subarray(dataStart + t.begin, dataStart + t.end));
    const data = t.dtype === 'F32' ? new Float32Array(copy.buffer, 0, t.count) : new Int32Array(copy.buffer, 0, t.count);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  // Keep the header's order (callers list tensors as written).
  const ordered = new Map<string, StoredTensor>();
  for (const name of Object.keys(entries)) if (tensors.has(name)) ordered.set(name, tensors.get(name)!);
  return { tensors: ordered, metadata };
}

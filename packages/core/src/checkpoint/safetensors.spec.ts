import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

// A malformed-file corpus rebuilt from the safetensors format specification (huggingface/safetensors
// README, "Format"): every file is assembled by hand from its header text and data bytes.
function file(header: string, dataBytes: number | Uint8Array = 0, lengthField?: bigint): Uint8Array {
  const h = Buffer.from(header, 'utf8');
  const data = typeof dataBytes === 'number' ? new Uint8Array(dataBytes) : dataBytes;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const entry = (dtype: string, shape: unknown, offsets: unknown) => JSON.stringify({ dtype, shape, data_offsets: offsets });

function rejects(bytes: Uint8Array, why: RegExp) {
  const e = expectSpikeflowError(() => decodeSafetensors(bytes, 'corpus.safetensors'), 'checkpoint-invalid', /^corpus\.safetensors is not a valid safetensors file: /);
  expect(e.message).toMatch(why);
}

describe('safetensors validation (the format specification as a test corpus)', () => {
  it('accepts the valid shapes the specification allows', () => {
    // Entries listed out of offset order are fine: order is by data_offsets.
    const ok = decodeSafetensors(file(`{"b":${entry('F32', [1], [8, 12])},"a":${entry('F32', [2], [0, 8])}}`, f32(1.5, -2, 3)));
    expect(Array.from(ok.tensors.get('a')!.data)).toEqual([1.5, -2]);
    expect(Array.from(ok.tensors.get('b')!.data)).toEqual([3]);
    // Empty tensors (a zero dimension), scalars, trailing space padding, an empty header, string metadata.
    const empty = decodeSafetensors(file(`{"e":${entry('F32', [0, 3], [0, 0])},"s":${entry('I32', [], [0, 4])},"__metadata__":{"k":"v"}}    `, 4));
    expect(empty.tensors.get('e')!.data.length).toBe(0);
    expect(empty.tensors.get('s')!.shape).toEqual([]);
    expect(empty.metadata).toEqual({ k: 'v' });
    expect(decodeSafetensors(file('{}')).tensors.size).toBe(0);
  });

  it('refuses bad header lengths', () => {
    rejects(new Uint8Array(7), /only 7 bytes/);
    // A length field shorter than the header cuts the JSON.
    rejects(file('{"a":1}', 0, 3n), /header is not valid JSON/);
    rejects(file('{}', 0, 1000n), /header length 1000 exceeds the 2 bytes/);
    rejects(file('{}', 0, 100_000_001n), /exceeds the format's limit of 100000000 bytes/);
    rejects(file('{}', 0, 2n ** 64n - 1n), /limit of 100000000/);
    rejects(file('', 0), /must start with '\{'/);
  });

  it('refuses headers that are not one UTF-8 JSON object starting with "{"', () => {
    rejects(file('null'), /must start with '\{'/);
    rejects(file('[]'), /must start with '\{'/);
    rejects(file(' {}'), /must start with '\{'/);
    rejects(file('{"a":'), /not valid JSON/);
    rejects(file('{} x'), /not valid JSON/);
    const latin1 = file('{"\u00e9":1}');
    latin1[8 + 2] = 0xff; // not a UTF-8 sequence
    rejects(latin1, /not valid UTF-8/);
  });

  it('refuses duplicate keys (JSON.parse would keep the last one)', () => {
    rejects(file(`{"a":${entry('F32', [1], [0, 4])},"a":${entry('F32', [1], [4, 8])}}`, 8), /duplicate key "a"/);
    rejects(file(`{"a":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}`, 4), /duplicate key "dtype"/);
    rejects(file('{"__metadata__":{"k":"1","k":"2"}}'), /duplicate key "k"/);
  });

  it('refuses metadata that is not a string-to-string map', () => {
    rejects(file('{"__metadata__":{"epoch":1}}'), /__metadata__ value 'epoch' must be a string, found 1/);
    rejects(file('{"__metadata__":null}'), /__metadata__ must be an object of strings/);
    rejects(file('{"__metadata__":["a"]}'), /__metadata__ must be an object of strings/);
  });

  it('refuses tensor entries with missing or ill-typed fields', () => {
    rejects(file('{"a":null}'), /tensor 'a' must be an object/);
    rejects(file('{"a":{"shape":[1],"data_offsets":[0,4]}}', 4), /tensor 'a' has dtype undefined/);
    rejects(file(`{"a":${entry('F33', [1], [0, 4])}}`, 4), /dtype "F33", expected one of BOOL, .*F32/);
    rejects(file('{"a":{"dtype":"F32","data_offsets":[0,4]}}', 4), /tensor 'a' has shape undefined/);
    rejects(file(`{"a":${entry('F32', [-1], [0, 4])}}`, 4), /shape \[-1\], expected an array of non-negative integers/);
    rejects(file(`{"a":${entry('F32', [1.5], [0, 4])}}`, 4), /shape \[1.5\]/);
    rejects(file(`{"a":${entry('F32', '1', [0, 4])}}`, 4), /shape "1"/);
    rejects(file('{"a":{"dtype":"F32","shape":[1]}}', 4), /data_offsets undefined/);
  });

  it('refuses negative, fractional, malformed and reversed offsets', () => {
    rejects(file(`{"a":${entry('F32', [1], [-4, 0])}}`, 4), /data_offsets \[-4,0\], expected \[begin, end\] of non-negative integers/);
    rejects(file(`{"a":${entry('F32', [1], [0.5, 4.5])}}`, 4), /data_offsets \[0.5,4.5\]/);
    rejects(file(`{"a":${entry('F32', [1], ['0', '4'])}}`, 4), /data_offsets \["0","4"\]/);
    rejects(file(`{"a":${entry('F32', [1], [0, 4, 8])}}`, 4), /data_offsets \[0,4,8\]/);
    rejects(file(`{"a":${entry('F32', [0], [4, 0])}}`, 4), /begin after end/);
  });

  it('refuses a byte length that is not dtype size x element count', () => {
    rejects(file(`{"a":${entry('F32', [3], [0, 16])}}`, 16), /dtype F32 and shape \[3\] needs 12 bytes, its data_offsets \[0, 16\] hold 16/);
    rejects(file(`{"a":${entry('F64', [2], [0, 8])}}`, 8), /needs 16 bytes/);
    rejects(file(`{"a":${entry('F32', [2 ** 40, 2 ** 40], [0, 4])}}`, 4), /needs .* bytes/);
  });

  it('refuses overlapping tensors, holes, a late first tensor, trailing bytes and offsets past the data', () => {
    rejects(file(`{"a":${entry('F32', [4], [0, 16])},"b":${entry('F32', [4], [8, 24])}}`, 24), /tensor 'b' data_offsets \[8, 24\] overlap the previous tensor, which ends at 16/);
    rejects(file(`{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [0, 8])}}`, 8), /overlap/);
    rejects(file(`{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [2], [16, 24])}}`, 24), /tensor 'b' begins at 16, expected 8 \(the data section has a hole\)/);
    rejects(file(`{"a":${entry('F32', [1], [4, 8])}}`, 8), /begins at 4, expected 0/);
    rejects(file(`{"a":${entry('F32', [1], [0, 4])}}`, 12), /8 trailing bytes after the last tensor/);
    rejects(file('{}', 4), /4 trailing bytes/);
    rejects(file(`{"a":${entry('F32', [2], [0, 8])}}`, 4), /need 8 data bytes, the data section after the header has 4/);
  });

  it('validates, then refuses dtypes it cannot read by name', () => {
    rejects(file(`{"h":${entry('F16', [2], [0, 4])}}`, 4), /tensor 'h' has dtype F16; spikeflow reads F32 and I32/);
  });

  it('keeps what the encoder writes readable, and refuses the reserved name', () => {
    const bytes = encodeSafetensors(
      new Map([
        ['x', { dtype: 'F32' as const, shape: [2], data: new Float32Array([1, 2]) }],
        ['y', { dtype: 'I32' as const, shape: [1, 1], data: new Int32Array([3]) }],
      ]),
      { producer: 'spikeflow' },
    );
    const { tensors } = decodeSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['x', 'y']);
    expect(() => encodeSafetensors(new Map([['__metadata__', { dtype: 'F32' as const, shape: [1], data: new Float32Array(1) }]]))).toThrowError(/reserves it/);
  });
});

import { describe, expect, it } from 'vitest';
import { compressFrameSync } from 'lz4-napi';
import { lz4FrameLength } from './lz4-frame-length.js';

describe('lz4FrameLength', () => {
  it('finds the end of frames made by lz4-napi (with and without checksums) and rejects cut ones', () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    for (const options of [{}, { contentChecksum: true, blockChecksums: true }, { contentChecksum: false }]) {
      const frame = compressFrameSync(data, options);
      expect(lz4FrameLength(Buffer.concat([frame, Buffer.from([1, 2, 3])]))).toBe(frame.length);
      expect(lz4FrameLength(frame.subarray(0, frame.length - 1))).toBeUndefined();
    }
    expect(lz4FrameLength(Buffer.from('not a frame'))).toBeUndefined();
  });
});

import { SpikeflowError } from '@spikeflow/core';
import { describe, expect, it } from 'vitest';
import { md5, sha256 } from '../test-utils/idx-fixtures.js';
import { ChecksumHasher, compareChecksum, digestBytes, verifyChecksum } from './checksum.js';

const bytes = Buffer.from('spikeflow datasets');
const good = { size: bytes.length, sha256: sha256(bytes), md5: md5(bytes) };

describe('checksums', () => {
  it('hashes in chunks exactly as in one piece', () => {
    const h = new ChecksumHasher(['sha256', 'md5']);
    h.update(bytes.subarray(0, 5));
    h.update(bytes.subarray(5));
    expect(h.digest()).toEqual({ size: bytes.length, sha256: good.sha256, md5: good.md5 });
    expect(digestBytes(bytes, { md5: good.md5 })).toEqual({ size: bytes.length, md5: good.md5 });
  });

  it('accepts matching SHA-256, MD5 (any case) and size', () => {
    expect(compareChecksum(good, digestBytes(bytes, good))).toBeUndefined();
    expect(() => verifyChecksum(bytes, { md5: good.md5.toUpperCase() }, 'f')).not.toThrow();
    expect(() => verifyChecksum(bytes, { sha256: good.sha256 }, 'f')).not.toThrow();
  });

  it('reports the first differing digest with expected and actual, and the size when it differs too', () => {
    const other = Buffer.from('spikeflow datasetz!');
    expect(compareChecksum(good, digestBytes(other, good))).toEqual({
      algorithm: 'sha256',
      expected: good.sha256,
      actual: sha256(other),
      size: { expected: bytes.length, actual: other.length },
    });
    expect(compareChecksum({ md5: good.md5 }, digestBytes(other, { md5: good.md5 }))).toEqual({ algorithm: 'md5', expected: good.md5, actual: md5(other), size: undefined });
    expect(compareChecksum({ size: 3 }, { size: 4 })).toEqual({ algorithm: 'size', expected: '3 bytes', actual: '4 bytes' });
    try {
      verifyChecksum(other, good, '/data/x.gz', { form: 'gzip file', hint: 'Delete it' });
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'checksum-mismatch')).toBe(true);
      expect((e as Error).message).toBe(`/data/x.gz (gzip file): SHA-256 mismatch, expected ${good.sha256}, got ${sha256(other)} (and 19 bytes instead of 18). Delete it`);
      expect((e as SpikeflowError).details).toMatchObject({ file: '/data/x.gz', algorithm: 'sha256', expected: good.sha256, actual: sha256(other) });
    }
  });
});

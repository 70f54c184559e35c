import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAME_MAC_BYTES, frameMac, verifyFrameMac } from './frame-mac.js';

describe('frameMac', () => {
  const key = randomBytes(32);
  const header = Buffer.from([1, 2, 3, 4]);
  const payload = Buffer.from(new Float32Array([1.5, -2]).buffer);

  it('is HMAC-SHA256 of the length-prefixed parts (RFC 2104 via node:crypto on the same bytes)', () => {
    const prefixed = Buffer.concat([Buffer.from([4, 0, 0, 0]), header, Buffer.from([8, 0, 0, 0]), payload]);
    expect(frameMac(key, header, payload).equals(createHmac('sha256', key).update(prefixed).digest())).toBe(true);
    expect(frameMac(key, header, payload)).toHaveLength(FRAME_MAC_BYTES);
  });

  it('verifies only the same bytes in the same parts under the same key', () => {
    const mac = frameMac(key, header, payload);
    expect(verifyFrameMac(key, mac, header, payload)).toBe(true);
    expect(verifyFrameMac(randomBytes(32), mac, header, payload)).toBe(false);
    const flipped = Buffer.from(payload);
    flipped[0] ^= 1;
    expect(verifyFrameMac(key, mac, header, flipped)).toBe(false);
    // Moving a byte from the header to the payload keeps the concatenation but not the MAC.
    expect(verifyFrameMac(key, mac, header.subarray(0, 3), Buffer.concat([header.subarray(3), payload]))).toBe(false);
    expect(verifyFrameMac(key, mac.subarray(0, 16), header, payload)).toBe(false);
    expect(verifyFrameMac(key, undefined, header, payload)).toBe(false);
    // No key (a link not yet configured) authenticates nothing.
    expect(verifyFrameMac(new Uint8Array(0), frameMac(new Uint8Array(0), header, payload), header, payload)).toBe(false);
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes of a ring frame's MAC (HMAC-SHA256). */
export const FRAME_MAC_BYTES = 32;

/**
 * HMAC-SHA256 of `parts` under a ring generation's secret key. Every ring frame carries one, so a
 * process that is not a member of the ring (it never saw the key the coordinator handed out) can
 * reach a ring socket but never feed it.
 *
 * @example
 * ```ts
 * const frames = [header, payload, frameMac(ringKey, header, payload)];
 * if (!verifyFrameMac(ringKey, received[2], received[0], received[1])) drop();
 * ```
 */
export function frameMac(key: Uint8Array, ...parts: readonly Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  // Each part is length-prefixed, so moving bytes from the header to the payload changes the MAC.
  const len = Buffer.alloc(4);
  for (const p of parts) {
    len.writeUInt32LE(p.byteLength, 0);
    h.update(len);
    h.update(p);
  }
  return h.digest();
}

/** True when `mac` is the {@link frameMac} of `parts` under `key` (constant-time comparison). */
export function verifyFrameMac(key: Uint8Array, mac: Uint8Array | undefined, ...parts: readonly Uint8Array[]): boolean {
  if (!mac || mac.byteLength !== FRAME_MAC_BYTES || key.byteLength === 0) return false;
  return timingSafeEqual(frameMac(key, ...parts), mac);
}

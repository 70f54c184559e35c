const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85-encode bytes (length a multiple of 4), as ZeroMQ prints CURVE keys (RFC 32). */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new RangeError(`Z85 needs a multiple of 4 bytes, got ${bytes.length}`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let v = ((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) + bytes[i + 3];
    const block: string[] = [];
    for (let j = 0; j < 5; j++) {
      block.unshift(ALPHABET[v % 85]);
      v = Math.floor(v / 85);
    }
    out += block.join('');
  }
  return out;
}

/** True for a 40-character Z85 string (a CURVE key). */
export function isZ85Key(text: string): boolean {
  return text.length === 40 && [...text].every((c) => ALPHABET.includes(c));
}

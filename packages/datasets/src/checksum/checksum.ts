import { createHash, type Hash } from 'node:crypto';
import { SpikeflowError } from '@spikeflow/core';

/** Hash algorithms a {@link Checksum} may carry. */
export type ChecksumAlgorithm = 'sha256' | 'md5';

/**
 * Expected digests of some bytes, lowercase hex. SHA-256 is preferred; MD5 is kept where it is the
 * only digest the dataset's authors (or torchvision) publish. Every digest present is checked.
 */
export interface Checksum {
  readonly sha256?: string;
  readonly md5?: string;
  /** Expected length in bytes (cheap to check first, and a clearer message than a digest). */
  readonly size?: number;
}

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['sha256', 'md5'];

/** The algorithms a checksum names, strongest first. */
export function checksumAlgorithms(expected: Checksum): ChecksumAlgorithm[] {
  return ALGORITHMS.filter((a) => expected[a] !== undefined);
}

/** Feeds chunks to every hash a checksum needs, so a download is hashed as it streams. */
export class ChecksumHasher {
  private readonly hashes: Array<[ChecksumAlgorithm, Hash]>;
  private bytes = 0;

  constructor(algorithms: readonly ChecksumAlgorithm[]) {
    this.hashes = algorithms.map((a) => [a, createHash(a)]);
  }

  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    for (const [, h] of this.hashes) h.update(chunk);
  }

  /** The digests and byte count seen so far (call once). */
  digest(): { size: number } & Partial<Record<ChecksumAlgorithm, string>> {
    const out: { size: number } & Partial<Record<ChecksumAlgorithm, string>> = { size: this.bytes };
    for (const [a, h] of this.hashes) out[a] = h.digest('hex');
    return out;
  }
}

/** How bytes differ from their checksum: the first digest that differs (or the size when no digest does). */
export interface ChecksumMismatch {
  readonly algorithm: ChecksumAlgorithm | 'size';
  readonly expected: string;
  readonly actual: string;
  /** Set when the size differs too (and `algorithm` is a digest). */
  readonly size?: { readonly expected: number; readonly actual: number };
}

/** Compare measured digests with the expected ones; the first difference, or undefined when all match. */
export function compareChecksum(expected: Checksum, actual: { size: number } & Partial<Record<ChecksumAlgorithm, string>>): ChecksumMismatch | undefined {
  const sizeDiffers = expected.size !== undefined && expected.size !== actual.size;
  for (const a of checksumAlgorithms(expected)) {
    const want = expected[a]!.toLowerCase();
    if (actual[a] !== want) {
      const size = sizeDiffers ? { expected: expected.size!, actual: actual.size } : undefined;
      return { algorithm: a, expected: want, actual: actual[a] ?? '(not computed)', size };
    }
  }
  if (sizeDiffers) return { algorithm: 'size', expected: `${expected.size} bytes`, actual: `${actual.size} bytes` };
  return undefined;
}

/** Digests of in-memory bytes for the algorithms `expected` names. */
export function digestBytes(bytes: Uint8Array, expected: Checksum): { size: number } & Partial<Record<ChecksumAlgorithm, string>> {
  const hasher = new ChecksumHasher(checksumAlgorithms(expected));
  hasher.update(bytes);
  return hasher.digest();
}

/** How a mismatch is described: which form of the file was hashed, and what to do about it. */
export interface ChecksumErrorNote {
  /** e.g. `decompressed IDX bytes` or `downloaded from http://...`. */
  readonly form?: string;
  readonly hint?: string;
  /** Extra fields for the error's `details`. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Check bytes against a checksum, so a damaged or substituted dataset file is refused by name
 * instead of being trained on.
 *
 * @throws SpikeflowError `checksum-mismatch` naming the file, the algorithm, expected and actual.
 */
export function verifyChecksum(bytes: Uint8Array, expected: Checksum, file: string, note: ChecksumErrorNote = {}): void {
  const mismatch = compareChecksum(expected, digestBytes(bytes, expected));
  if (mismatch) throw checksumError(file, mismatch, note);
}

/** The typed error for a mismatch. */
export function checksumError(file: string, m: ChecksumMismatch, note: ChecksumErrorNote = {}): SpikeflowError {
  const label = { size: 'size', sha256: 'SHA-256', md5: 'MD5' }[m.algorithm];
  return new SpikeflowError(
    'checksum-mismatch',
    `${file}${note.form ? ` (${note.form})` : ''}: ${label} mismatch, expected ${m.expected}, got ${m.actual}` +
      `${m.size ? ` (and ${m.size.actual} bytes instead of ${m.size.expected})` : ''}${note.hint ? `. ${note.hint}` : ''}`,
    { file, algorithm: m.algorithm, expected: m.expected, actual: m.actual, ...note.details },
  );
}

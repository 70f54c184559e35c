import { SpikeflowError } from '../errors/spikeflow-error.js';

/** Serializable state of an {@link Rng}: four 32-bit words. */
export type RngState = readonly [number, number, number, number];

/**
 * A small, fast, seedable PRNG (xoshiro128**) whose state can be saved in a checkpoint and
 * restored, so a resumed run draws the same numbers as an uninterrupted one.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const u = rng.uniform(); // in [0, 1)
 * ```
 */
export class Rng {
  private s = new Uint32Array(4);

  constructor(seed: number | string = 0) {
    this.seed(seed);
  }

  /** Re-seed from a number or string (mixed through splitmix32 so nearby seeds diverge). */
  seed(seed: number | string): void {
    let h = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
    for (let i = 0; i < 4; i++) {
      h = (h + 0x9e3779b9) >>> 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A new independent generator derived from this one (advances this one). */
  fork(): Rng {
    const r = new Rng(0);
    r.setState([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]);
    return r;
  }

  getState(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new SpikeflowError('checkpoint-invalid', `RNG state must be four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    this.s.set(state);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a hash of a string to 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The permutation of `0..n-1` used for epoch `epoch` of a run seeded with `seed`. It depends
 * only on `(seed, epoch, n)`, so every process of a data-parallel run agrees on it.
 */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rng = new Rng(`perm:${seed}:${epoch}`);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

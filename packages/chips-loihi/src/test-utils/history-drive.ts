/**
 * Lava's DelayDense written as a sum over the input history instead of a buffer: the drive at step
 * `t` is, over earlier steps τ and delays d with τ + d + 1 = t, the delay-d bucket
 * Σ_{i: delay(o,i) = d} w(o,i)·s_i(τ), each bucket shifted by the weight exponent `exp` (floored) on
 * its own. `w` and `delays` are `[out, inF]` row-major; `inputs[τ]` is the input of step τ.
 */
export function historyDrive(w: ArrayLike<number>, delays: ArrayLike<number>, out: number, inF: number, exp: number, inputs: readonly ArrayLike<number>[], t: number): number[] {
  const drive = new Array<number>(out).fill(0);
  for (let tau = 0; tau < t; tau++) {
    const d = t - tau - 1;
    for (let o = 0; o < out; o++) {
      let bucket = 0;
      for (let i = 0; i < inF; i++) if (delays[o * inF + i] === d) bucket += w[o * inF + i] * inputs[tau][i];
      drive[o] += exp >= 0 ? bucket * 2 ** exp : Math.floor(bucket / 2 ** -exp);
    }
  }
  return drive;
}

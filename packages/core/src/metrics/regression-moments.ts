/**
 * Streamed float64 moments of prediction `p` and target `y` per column over a whole split. Each batch
 * is reduced two-pass about its own means and merged with Chan et al.'s pairwise update, so the
 * sums of squared deviations about the split's mean are exact to rounding without keeping the
 * samples and without the cancellation of `Σy² − (Σy)²/n`.
 */
export class RegressionMoments {
  /** Rows seen (the same for every column: masks select whole samples). */
  n = 0;
  readonly meanY: Float64Array;
  readonly meanP: Float64Array;
  /** Σ(y − ȳ)² per column. */
  readonly m2Y: Float64Array;
  /** Σ(p − p̄)² per column. */
  readonly m2P: Float64Array;
  /** Σ(p − p̄)(y − ȳ) per column. */
  readonly cPY: Float64Array;
  /** Σ(y − p)² per column. */
  readonly sse: Float64Array;
  /** Σ|y − p| per column. */
  readonly sae: Float64Array;

  constructor(readonly columns: number) {
    this.meanY = new Float64Array(columns);
    this.meanP = new Float64Array(columns);
    this.m2Y = new Float64Array(columns);
    this.m2P = new Float64Array(columns);
    this.cPY = new Float64Array(columns);
    this.sse = new Float64Array(columns);
    this.sae = new Float64Array(columns);
  }

  reset(): void {
    this.n = 0;
    for (const a of [this.meanY, this.meanP, this.m2Y, this.m2P, this.cPY, this.sse, this.sae]) a.fill(0);
  }

  /** Add the rows `rows` (indices of `columns`-wide rows in `p` and `y`). */
  add(p: ArrayLike<number>, y: ArrayLike<number>, rows: readonly number[]): void {
    const nb = rows.length;
    if (nb === 0) return;
    const D = this.columns;
    const na = this.n;
    const n = na + nb;
    for (let j = 0; j < D; j++) {
      let sy = 0;
      let sp = 0;
      for (const r of rows) {
        sy += y[r * D + j]!;
        sp += p[r * D + j]!;
      }
      const by = sy / nb;
      const bp = sp / nb;
      let m2y = 0,
        m2p = 0,
        c = 0,
        sse = 0,
        sae = 0;
      for (const r of rows) {
        const yv = y[r * D + j]!;
        const pv = p[r * D + j]!;
        const dy = yv - by;
        const dp = pv - bp;
        m2y += dy * dy;
        m2p += dp * dp;
        c += dp * dy;
        sse += (yv - pv) * (yv - pv);
        sae += Math.abs(yv - pv);
      }
      const deltaY = by - this.meanY[j]!;
      const deltaP = bp - this.meanP[j]!;
      const w = (na * nb) / n;
      this.m2Y[j] += m2y + deltaY * deltaY * w;
      this.m2P[j] += m2p + deltaP * deltaP * w;
      this.cPY[j] += c + deltaP * deltaY * w;
      this.meanY[j] += (deltaY * nb) / n;
      this.meanP[j] += (deltaP * nb) / n;
      this.sse[j] += sse;
      this.sae[j] += sae;
    }
    this.n = n;
  }

  /** Σ(y − ȳ)² over every value of every column about the grand mean (the columns merged pairwise). */
  totalSumOfSquares(): number {
    let count = 0;
    let mean = 0;
    let m2 = 0;
    for (let j = 0; j < this.columns; j++) {
      const total = count + this.n;
      const delta = this.meanY[j]! - mean;
      m2 += this.m2Y[j]! + (delta * delta * count * this.n) / total;
      mean += (delta * this.n) / total;
      count = total;
    }
    return m2;
  }

  /** Σ(y − p)² over every value. */
  sumSquaredError(): number {
    let s = 0;
    for (const v of this.sse) s += v;
    return s;
  }

  /** Σ|y − p| over every value. */
  sumAbsoluteError(): number {
    let s = 0;
    for (const v of this.sae) s += v;
    return s;
  }
}

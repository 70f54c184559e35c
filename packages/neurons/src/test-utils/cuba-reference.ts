// Float64 references for the CUBA-LIF tests, written from the equations (plain loops, no tf):
//   I[t] = α·I[t−1] + X[t],  H[t] = β·V[t−1] + I[t],  S = Θ(H − V_th),
//   V[t] = S·V_reset + (1 − S)·H (hard) or H − S·V_th (soft); the current is never reset.

/** One CUBA-LIF configuration: α = 1 − 1/τ_syn, β = 1 − 1/τ_mem. */
export interface CubaRef {
  readonly alpha: number;
  readonly beta: number;
  readonly vThreshold: number;
  readonly vReset: number | null;
  readonly detachReset: boolean;
  /** Surrogate gradient g'(u) at u = H − V_th. */
  surrogateGrad(u: number): number;
  /** Surrogate primitive g(u) (the smooth stand-in for the step). */
  surrogatePrimitive(u: number): number;
}

export interface CubaRun {
  readonly spikes: number[][];
  readonly i: number[][];
  readonly h: number[][];
  readonly v: number[][];
  /** Smallest |H − V_th|: a float32 comparison is only fair when this is not tiny. */
  readonly minMargin: number;
}

/** Hard (Heaviside) multi-step forward from rest: I = 0, V = V_reset (0 with a soft reset). */
export function simulateCuba(m: CubaRef, xs: number[][]): CubaRun {
  const n = xs[0].length;
  let i = new Array<number>(n).fill(0);
  let v = new Array<number>(n).fill(m.vReset ?? 0);
  const out: CubaRun = { spikes: [], i: [], h: [], v: [], minMargin: Infinity };
  let minMargin = Infinity;
  for (const x of xs) {
    i = x.map((xk, k) => m.alpha * i[k] + xk);
    const h = i.map((ik, k) => m.beta * v[k] + ik);
    const s = h.map((hk) => (hk - m.vThreshold >= 0 ? 1 : 0));
    v = h.map((hk, k) => (m.vReset === null ? hk - s[k] * m.vThreshold : s[k] * m.vReset + (1 - s[k]) * hk));
    for (const hk of h) minMargin = Math.min(minMargin, Math.abs(hk - m.vThreshold));
    out.spikes.push(s);
    out.i.push(i);
    out.h.push(h);
    out.v.push(v);
  }
  return { ...out, minMargin };
}

/**
 * Hand-written BPTT of `L = Σ cS·S + Σ cV·V` through both states, the surrogate standing in for
 * dS/dH. `currentMemory: false` drops the α·I path backwards (a deliberately wrong variant the
 * tests use to show that path matters).
 */
export function bpttCuba(m: CubaRef, xs: number[][], cS: number[][], cV?: number[][], currentMemory = true): number[][] {
  const run = simulateCuba(m, xs);
  const n = xs[0].length;
  const gradX = xs.map((row) => row.map(() => 0));
  const gV = new Array<number>(n).fill(0); // dL/dV[t] arriving through H[t + 1] = β·V[t] + ...
  const gI = new Array<number>(n).fill(0); // dL/dI[t] arriving through I[t + 1] = α·I[t] + ...
  for (let t = xs.length - 1; t >= 0; t--) {
    for (let k = 0; k < n; k++) {
      const h = run.h[t][k];
      const s = run.spikes[t][k];
      const dLdV = gV[k] + (cV ? cV[t][k] : 0);
      const dVdH = m.vReset === null ? 1 : 1 - s;
      const dVdS = m.detachReset ? 0 : m.vReset === null ? -m.vThreshold : m.vReset - h;
      const dLdS = cS[t][k] + dLdV * dVdS;
      const dLdH = dLdV * dVdH + dLdS * m.surrogateGrad(h - m.vThreshold);
      const dLdI = dLdH + gI[k];
      gradX[t][k] = dLdI;
      gV[k] = dLdH * m.beta;
      gI[k] = currentMemory ? dLdI * m.alpha : 0;
    }
  }
  return gradX;
}

/**
 * The smooth forward whose exact gradient at `x0` is the surrogate BPTT gradient: every spike is
 * `S = S₀ + g(u) − g(u₀)`, with `u₀`, `S₀` the pre-activations and spikes of the hard forward at
 * `x0` (constants). At `x0` it computes the same values as the hard forward, and its derivative
 * is `g'(u)` wherever the hard one has the surrogate. With detachReset the reset term keeps `S₀`.
 * Finite differences of this function check BPTT without a hand-written backward pass.
 */
export function smoothCubaLoss(m: CubaRef, x0: number[][], cS: number[][], cV?: number[][]): (xs: number[][]) => number {
  const hard = simulateCuba(m, x0);
  return (xs) => {
    const n = xs[0].length;
    let i = new Array<number>(n).fill(0);
    let v = new Array<number>(n).fill(m.vReset ?? 0);
    let loss = 0;
    xs.forEach((x, t) => {
      i = x.map((xk, k) => m.alpha * i[k] + xk);
      const h = i.map((ik, k) => m.beta * v[k] + ik);
      const s = h.map((hk, k) => hard.spikes[t][k] + m.surrogatePrimitive(hk - m.vThreshold) - m.surrogatePrimitive(hard.h[t][k] - m.vThreshold));
      const sr = m.detachReset ? hard.spikes[t] : s;
      v = h.map((hk, k) => (m.vReset === null ? hk - sr[k] * m.vThreshold : sr[k] * m.vReset + (1 - sr[k]) * hk));
      for (let k = 0; k < n; k++) loss += cS[t][k] * s[k] + (cV ? cV[t][k] * v[k] : 0);
    });
    return loss;
  };
}

/** ∂f/∂x[t][k] for every entry by central differences with one Richardson step (float64). */
export function numericGradient(f: (xs: number[][]) => number, x0: number[][], h = 1e-4): number[][] {
  return x0.map((row, t) =>
    row.map((_, k) => {
      const at = (d: number) => f(x0.map((r, tt) => r.map((x, kk) => (tt === t && kk === k ? x + d : x))));
      const d = (s: number) => (at(s) - at(-s)) / (2 * s);
      return (4 * d(h / 2) - d(h)) / 3;
    }),
  );
}

// Float64 references the tests compare the tf implementation against. Written from SpikingJelly's
// equations independently of the package code (plain loops, no tf).

/**
 * erf(x) in float64: the Maclaurin series below |x| = 2.5 (no cancellation there) and the erfc
 * continued fraction above, each accurate to ~1e-15.
 */
export function erf64(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), evaluated from the tail.
  let tail = a;
  for (let n = 120; n >= 1; n--) tail = a + n / 2 / tail;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / tail;
  return Math.sign(x) * (1 - erfc);
}

/** f'(x) by central differences with one Richardson step (error O(h⁴)), in float64. */
export function numericDerivative(f: (x: number) => number, x: number, h = 1e-4): number {
  const d = (s: number) => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
}

/** A small deterministic generator so test inputs are fixed without depending on core's RNG. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function randomMatrix(rows: number, cols: number, lo: number, hi: number, seed: number): number[][] {
  const next = lcg(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + (hi - lo) * next()));
}

/**
 * One neuron model as the references need it: `H = charge(V, X, k)` with its partial derivatives.
 * `k` is the leak 1/τ (sigmoid(w) for PLIF); IF ignores it.
 */
export interface RefModel {
  readonly k: number;
  readonly vThreshold: number;
  readonly vReset: number | null;
  readonly detachReset: boolean;
  charge(v: number, x: number, k: number): number;
  dHdV(k: number): number;
  dHdX(k: number): number;
  dHdK(v: number, x: number): number;
  /** Surrogate gradient at u = H − V_th. */
  surrogateGrad(u: number): number;
}

export function refIF(o: { vThreshold?: number; vReset?: number | null; detachReset?: boolean; surrogateGrad: (u: number) => number }): RefModel {
  return {
    k: 0,
    vThreshold: o.vThreshold ?? 1,
    vReset: o.vReset === undefined ? 0 : o.vReset,
    detachReset: o.detachReset ?? false,
    charge: (v, x) => v + x,
    dHdV: () => 1,
    dHdX: () => 1,
    dHdK: () => 0,
    surrogateGrad: o.surrogateGrad,
  };
}

/** LIF with k = 1/τ, or PLIF with k = sigmoid(w). A soft reset leaks towards 0. */
export function refLIF(o: { k: number; decayInput?: boolean; vThreshold?: number; vReset?: number | null; detachReset?: boolean; surrogateGrad: (u: number) => number }): RefModel {
  const vReset = o.vReset === undefined ? 0 : o.vReset;
  const target = vReset ?? 0;
  const decayInput = o.decayInput ?? true;
  return {
    k: o.k,
    vThreshold: o.vThreshold ?? 1,
    vReset,
    detachReset: o.detachReset ?? false,
    charge: (v, x, k) => (decayInput ? v + (x - (v - target)) * k : v - (v - target) * k + x),
    dHdV: (k) => 1 - k,
    dHdX: (k) => (decayInput ? k : 1),
    dHdK: (v, x) => (decayInput ? x - (v - target) : -(v - target)),
    surrogateGrad: o.surrogateGrad,
  };
}

export interface RefRun {
  readonly spikes: number[][];
  /** Membrane after reset, V[t]. */
  readonly v: number[][];
  /** Membrane before firing, H[t]. */
  readonly h: number[][];
  /** Smallest |H − V_th| seen: the run is only a fair float32 comparison when this is not tiny. */
  readonly minMargin: number;
}

/** Multi-step forward from rest (V = V_reset, or 0 for a soft reset), inputs `[T][N]`. */
export function simulate(m: RefModel, xs: number[][], k = m.k): RefRun {
  const n = xs[0].length;
  let v = new Array<number>(n).fill(m.vReset ?? 0);
  const spikes: number[][] = [];
  const vs: number[][] = [];
  const hs: number[][] = [];
  let minMargin = Infinity;
  for (const x of xs) {
    const h = x.map((xi, i) => m.charge(v[i], xi, k));
    const s = h.map((hi) => (hi - m.vThreshold >= 0 ? 1 : 0));
    v = h.map((hi, i) => (m.vReset === null ? hi - s[i] * m.vThreshold : s[i] * m.vReset + (1 - s[i]) * hi));
    for (const hi of h) minMargin = Math.min(minMargin, Math.abs(hi - m.vThreshold));
    spikes.push(s);
    vs.push(v);
    hs.push(h);
  }
  return { spikes, v: vs, h: hs, minMargin };
}

/**
 * Hand-written BPTT of `L = Σ cS[t][i]·S[t][i] + Σ cV[t][i]·V[t][i]` with the surrogate standing in
 * for dS/dH. Returns dL/dX and dL/dk (multiply by k(1 − k) for PLIF's dL/dw).
 */
export function bptt(m: RefModel, xs: number[][], cS: number[][], cV?: number[][], k = m.k): { gradX: number[][]; gradK: number } {
  const run = simulate(m, xs, k);
  const T = xs.length;
  const n = xs[0].length;
  const gradX = xs.map((row) => row.map(() => 0));
  let gradK = 0;
  const gV = new Array<number>(n).fill(0); // dL/dV[t] arriving from step t + 1
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) {
      const h = run.h[t][i];
      const s = run.spikes[t][i];
      const vPrev = t === 0 ? (m.vReset ?? 0) : run.v[t - 1][i];
      const dLdV = gV[i] + (cV ? cV[t][i] : 0);
      // V = S·V_reset + (1 − S)·H (hard) or H − S·V_th (soft).
      const dVdH = m.vReset === null ? 1 : 1 - s;
      const dVdS = m.detachReset ? 0 : m.vReset === null ? -m.vThreshold : m.vReset - h;
      const dLdS = cS[t][i] + dLdV * dVdS;
      const dLdH = dLdV * dVdH + dLdS * m.surrogateGrad(h - m.vThreshold);
      gradX[t][i] = dLdH * m.dHdX(k);
      gradK += dLdH * m.dHdK(vPrev, xs[t][i]);
      gV[i] = dLdH * m.dHdV(k);
    }
  }
  return { gradX, gradK };
}

/** The logistic function σ(z) in float64. */
export const sigmoid64 = (z: number): number => 1 / (1 + Math.exp(-z));

/** SpikingJelly's Sigmoid primitive σ(αu) in float64. */
export const sigmoidPrimitive64 =
  (alpha: number) =>
  (u: number): number =>
    sigmoid64(alpha * u);

/** SpikingJelly's ATan primitive `arctan(π/2·αu)/π + 1/2` in float64. */
export const atanPrimitive64 =
  (alpha: number) =>
  (u: number): number =>
    Math.atan((Math.PI / 2) * alpha * u) / Math.PI + 0.5;

/** SpikingJelly's Sigmoid surrogate gradient in float64. */
export const sigmoidGrad64 =
  (alpha: number) =>
  (u: number): number => {
    const s = sigmoid64(alpha * u);
    return alpha * s * (1 - s);
  };

/** SpikingJelly's ATan surrogate gradient in float64. */
export const atanGrad64 =
  (alpha: number) =>
  (u: number): number =>
    alpha / 2 / (1 + ((Math.PI / 2) * alpha * u) ** 2);

// Plain-JS float64 references for the transformer specs, written from the papers' equations
// (independent of the tfjs implementation). Tensors are flat arrays of [T, B, N, C] (N = H·W tokens).
import { tf, type Module, type Tensor } from '@spikeflow/core';

export interface Dims {
  T: number;
  B: number;
  N: number;
  C: number;
}

export const flat = (t: Tensor): number[] => Array.from(t.dataSync());

/** `x·W + b` over the channel axis; W is [Cin, Cout] row-major. */
export function linearRef(x: number[], cin: number, w: number[], cout: number, b: number[] | null): number[] {
  const rows = x.length / cin;
  const y = new Array<number>(rows * cout).fill(0);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < cout; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < cin; i++) s += x[r * cin + i]! * w[i * cout + o]!;
      y[r * cout + o] = s;
    }
  return y;
}

/** Training-mode batch norm per channel over every other axis (biased variance, eps 1e-5). */
export function batchNormRef(x: number[], c: number, gamma: number[], beta: number[]): number[] {
  const rows = x.length / c;
  const y = new Array<number>(x.length);
  for (let ch = 0; ch < c; ch++) {
    let m = 0;
    for (let r = 0; r < rows; r++) m += x[r * c + ch]!;
    m /= rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * c + ch]! - m) ** 2;
    v /= rows;
    for (let r = 0; r < rows; r++) y[r * c + ch] = ((x[r * c + ch]! - m) / Math.sqrt(v + 1e-5)) * gamma[ch]! + beta[ch]!;
  }
  return y;
}

/** Multi-step IF (tau = ∞) or LIF (decay_input, tau) with hard reset to 0, firing at v >= vTh; x is [T, ...]. */
export function neuronRef(x: number[], T: number, vTh: number, tau: number | null = null): number[] {
  const per = x.length / T;
  const v = new Array<number>(per).fill(0);
  const s = new Array<number>(x.length);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < per; i++) {
      const h = tau === null ? v[i]! + x[t * per + i]! : v[i]! + (x[t * per + i]! - v[i]!) / tau;
      const fire = h >= vTh ? 1 : 0;
      s[t * per + i] = fire;
      v[i] = fire ? 0 : h;
    }
  return s;
}

/** SSA product per head: `out[n, h·d + j] = s · Σ_m (Σ_i q[n, h·d + i]·k[m, h·d + i]) · v[m, h·d + j]`. */
export function ssaRef(q: number[], k: number[], v: number[], { T, B, N, C }: Dims, heads: number, scale: number): number[] {
  const d = C / heads;
  const out = new Array<number>(T * B * N * C).fill(0);
  for (let tb = 0; tb < T * B; tb++)
    for (let h = 0; h < heads; h++)
      for (let n = 0; n < N; n++)
        for (let m = 0; m < N; m++) {
          let a = 0;
          for (let i = 0; i < d; i++) a += q[(tb * N + n) * C + h * d + i]! * k[(tb * N + m) * C + h * d + i]!;
          for (let j = 0; j < d; j++) out[(tb * N + n) * C + h * d + j]! += scale * a * v[(tb * N + m) * C + h * d + j]!;
        }
  return out;
}

/** `SUM_c(a ⊗ b)`: per (t, b, channel), the sum over tokens; flat [T, B, C]. */
export function columnSumRef(a: number[], b: number[], { T, B, N, C }: Dims): number[] {
  const out = new Array<number>(T * B * C).fill(0);
  for (let tb = 0; tb < T * B; tb++) for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) out[tb * C + c]! += a[(tb * N + n) * C + c]! * b[(tb * N + n) * C + c]!;
  return out;
}

/** `g ⊗ x` with g [T, B, C] broadcast over the tokens of x [T, B, N, C]. */
export function maskRef(g: number[], x: number[], { T, B, N, C }: Dims): number[] {
  const out = new Array<number>(x.length);
  for (let tb = 0; tb < T * B; tb++) for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) out[(tb * N + n) * C + c] = g[tb * C + c]! * x[(tb * N + n) * C + c]!;
  return out;
}

/** Random binary spikes (p = 0.5) from a seeded tfjs draw. */
export function randomSpikes(shape: number[], seed: number): Tensor {
  return tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(shape, 0, 1, 'float32', seed), 0.5), 'float32'));
}

/** The values of a module's named tensors, by dotted name. */
export function weights(m: Module): Record<string, number[]> {
  return Object.fromEntries(m.namedTensors().map((e) => [e.name, Array.from(e.variable.dataSync())]));
}

/** Give every BN weight/bias a seeded random value (so the references exercise gamma and beta). */
export function randomizeBatchNorms(m: Module, seed: number, betaRange: [number, number] = [-0.3, 0.3]): void {
  let s = seed;
  for (const e of m.namedTensors()) {
    // BN sits at index 1 of an unnamed branch, or is named `bn`.
    if (!/\.(1|bn)\.(weight|bias)$/.test(e.name) || e.variable.rank !== 1) continue;
    const isWeight = e.name.endsWith('weight');
    tf.tidy(() =>
      e.variable.assign(isWeight ? tf.randomUniform(e.variable.shape, 0.5, 1.5, 'float32', s++) : tf.randomUniform(e.variable.shape, betaRange[0], betaRange[1], 'float32', s++)),
    );
  }
}

// The charge–fire–reset recursion of the fused multi-step op over flat arrays, forward and BPTT
// backward. The arrays may be plain JS typed arrays (the dataSync path) or views of a backend's own
// memory (the cpu backend's typed arrays, the wasm heap: the custom kernels in neuron-kernels.ts).
//
// Forward arithmetic mirrors the composed path op by op (each tf op rounds to float32, so every
// intermediate here goes through Math.fround in the same order): spikes are bit-identical.

interface CoreCommon {
  /** Firing threshold V_th. */
  readonly vThreshold: number;
  /** Hard-reset potential, or `null` for a soft reset (V = H − V_th). */
  readonly vReset: number | null;
  /** Detach the spike in the reset term only. */
  readonly detachReset: boolean;
}

/** The numeric part of a fused neuron's parameters (what the recursion needs; no tensors). */
export type NeuronCore =
  | (CoreCommon & { readonly model: 'if' })
  | (CoreCommon & { readonly model: 'lif'; readonly tau: number; readonly decayInput: boolean })
  | (CoreCommon & { readonly model: 'plif'; readonly decayInput: boolean });

const f32 = Math.fround;

/** Elements per chunk of the forward's charge and fire passes. */
const CHUNK = 4096;

/**
 * The charge `H = charge(V, X)` as the composed path computes it in float32, plus the partial
 * derivatives the backward recursion needs.
 */
interface Charge {
  /**
   * H[t] for elements i0..i1 of one time step: `hs[base + i] = charge(v[i], xs[base + i])`, float32-rounded exactly as
   * the composed tf ops round (one call per chunk of a row keeps the element loop free of calls).
   */
  readonly row: (v: Float32Array, xs: ArrayLike<number>, base: number, hs: Float32Array, i0: number, i1: number) => void;
  /** ∂H/∂X. */
  readonly dHdX: number;
  /** ∂H/∂V[t−1]. */
  readonly dHdV: number;
  /** PLIF only: ∂H/∂k = xCoef·X − (V[t−1] − target), with k = sigmoid(w). */
  readonly dHdK?: { readonly xCoef: number; readonly target: number };
}

function chargeOf(p: NeuronCore, k: number): Charge {
  if (p.model === 'if') {
    return {
      row: (v, xs, base, hs, i0, i1) => {
        for (let i = i0; i < i1; i++) hs[base + i] = f32(v[i] + xs[base + i]);
      },
      dHdX: 1,
      dHdV: 1,
    };
  }
  if (p.model === 'lif') {
    // LIFNode.neuronalCharge: the leak target is V_reset for a hard reset, 0 for a soft one.
    const target = p.vReset ?? 0;
    const tau = f32(p.tau);
    const vr = f32(target);
    if (p.decayInput) {
      return {
        row:
          target === 0
            ? (v, xs, base, hs, i0, i1) => {
                for (let i = i0; i < i1; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - v[i]) / tau));
              }
            : (v, xs, base, hs, i0, i1) => {
                for (let i = i0; i < i1; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - f32(v[i] - vr)) / tau));
              },
        dHdX: 1 / tau,
        dHdV: 1 - 1 / tau,
      };
    }
    if (target === 0) {
      const decay = f32(1 - 1 / p.tau);
      return {
        row: (v, xs, base, hs, i0, i1) => {
          for (let i = i0; i < i1; i++) hs[base + i] = f32(f32(v[i] * decay) + xs[base + i]);
        },
        dHdX: 1,
        dHdV: decay,
      };
    }
    return {
      row: (v, xs, base, hs, i0, i1) => {
        for (let i = i0; i < i1; i++) hs[base + i] = f32(f32(v[i] - f32(f32(v[i] - vr) / tau)) + xs[base + i]);
      },
      dHdX: 1,
      dHdV: 1 - 1 / tau,
    };
  }
  // ParametricLIFNode.neuronalCharge with k = sigmoid(w) (already a float32 value); the leak is V,
  // or V − V_reset for a hard reset to a non-zero V_reset.
  const leakless = p.vReset === null || p.vReset === 0;
  const vr = f32(p.vReset ?? 0);
  const dHdK = { xCoef: p.decayInput ? 1 : 0, target: leakless ? 0 : vr };
  if (p.decayInput) {
    return {
      row: leakless
        ? (v, xs, base, hs, i0, i1) => {
            for (let i = i0; i < i1; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - v[i]) * k));
          }
        : (v, xs, base, hs, i0, i1) => {
            for (let i = i0; i < i1; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - f32(v[i] - vr)) * k));
          },
      dHdX: k,
      dHdV: 1 - k,
      dHdK,
    };
  }
  return {
    row: leakless
      ? (v, xs, base, hs, i0, i1) => {
          for (let i = i0; i < i1; i++) hs[base + i] = f32(f32(v[i] - f32(v[i] * k)) + xs[base + i]);
        }
      : (v, xs, base, hs, i0, i1) => {
          for (let i = i0; i < i1; i++) hs[base + i] = f32(f32(v[i] - f32(f32(v[i] - vr) * k)) + xs[base + i]);
        },
    dHdX: 1,
    dHdV: 1 - k,
    dHdK,
  };
}

/** ∂H/∂X, ∂H/∂V[t−1] and (PLIF) the parts of ∂H/∂k of a neuron's charge. */
export function chargeDerivatives(p: NeuronCore, k: number): Pick<Charge, 'dHdX' | 'dHdV' | 'dHdK'> {
  const { dHdX, dHdV, dHdK } = chargeOf(p, k);
  return { dHdX, dHdV, dHdK };
}

/**
 * The forward recursion over plain arrays (`xs` is `[T, n]` flattened): fills `hs` with H[t] and
 * `out` with the spikes (every element written), and `vs` (when given) with the membrane after reset, V[t]. Exported for the
 * tests, which compare H and V bit for bit with the composed path.
 */
export function fusedForwardArrays(xs: ArrayLike<number>, T: number, p: NeuronCore, k: number, hs: Float32Array, out: Float32Array, vs?: Float32Array): void {
  const n = T === 0 ? 0 : (xs.length / T) | 0;
  const charge = chargeOf(p, k);
  const vth = f32(p.vThreshold);
  const soft = p.vReset === null;
  const vr = f32(p.vReset ?? 0);
  const v = new Float32Array(n).fill(vr); // rest: V_reset, or 0 with a soft reset
  for (let t = 0; t < T; t++) {
    const base = t * n;
    // In chunks, so the fire/reset pass finds H and V still in cache.
    for (let i0 = 0; i0 < n; i0 += CHUNK) {
      const i1 = Math.min(n, i0 + CHUNK);
      charge.row(v, xs, base, hs, i0, i1);
      for (let i = i0; i < i1; i++) {
        const h = hs[base + i];
        // Θ(H − V_th) as heaviside(tf.sub(h, V_th)); the reset as the composed path's float32 ops give it
        // for S ∈ {0, 1}: hard S·V_r + (1 − S)·H, soft H − S·V_th.
        if (f32(h - vth) >= 0) {
          out[base + i] = 1;
          v[i] = soft ? f32(h - vth) : vr;
        } else {
          out[base + i] = 0;
          v[i] = h;
        }
      }
    }
    if (vs) vs.set(v, base);
  }
}

/**
 * The exact BPTT recursion backwards through time over plain arrays (all `[T, n]` flattened): `g` is
 * dL/dS, `hs` the membrane H from {@link fusedForwardArrays}, `sg` the surrogate derivative at
 * H − V_th, `xs` the input (read for PLIF only). Fills `gx` with dL/dX (every element written) and
 * returns dL/dw for PLIF (k = sigmoid(w)), 0 otherwise.
 */
export function fusedBackwardArrays(
  g: ArrayLike<number>,
  hs: ArrayLike<number>,
  sg: ArrayLike<number>,
  xs: ArrayLike<number>,
  T: number,
  p: NeuronCore,
  k: number,
  gx: Float32Array,
): number {
  const n = T === 0 ? 0 : (hs.length / T) | 0;
  const { dHdX, dHdV, dHdK } = chargeOf(p, k);
  const vth = f32(p.vThreshold);
  const soft = p.vReset === null;
  const vr = f32(p.vReset ?? 0);
  const v0 = vr; // rest: V_reset, or 0 with a soft reset
  const gV = new Float64Array(n); // dL/dV[t] arriving from step t + 1
  const detachReset = p.detachReset;
  let gk = 0;
  for (let t = T - 1; t >= 0; t--) {
    const base = t * n;
    const prev = base - n;
    for (let i = 0; i < n; i++) {
      const j = base + i;
      const h = hs[j];
      const s = +(f32(h - vth) >= 0); // (number from boolean: no data-dependent branch)
      const gv = gV[i];
      // Hard: V = S·V_r + (1 − S)·H → ∂V/∂H = 1 − S, ∂V/∂S = V_r − H.
      // Soft: V = H − S·V_th       → ∂V/∂H = 1,     ∂V/∂S = −V_th.
      const dVdH = soft ? 1 : 1 - s;
      const dVdS = detachReset ? 0 : soft ? -vth : vr - h;
      const dLdS = g[j] + gv * dVdS;
      const dLdH = gv * dVdH + dLdS * sg[j];
      gx[j] = dLdH * dHdX;
      gV[i] = dLdH * dHdV;
      if (dHdK) {
        // V[t−1] recomputed from H[t−1] exactly as the forward reset produced it.
        let vPrev = v0;
        if (t > 0) {
          const hp = hs[prev + i];
          vPrev = f32(hp - vth) >= 0 ? (soft ? f32(hp - vth) : vr) : hp;
        }
        gk += dLdH * (dHdK.xCoef * xs[j] - (vPrev - dHdK.target));
      }
    }
  }
  return p.model === 'plif' ? gk * k * (1 - k) : 0;
}

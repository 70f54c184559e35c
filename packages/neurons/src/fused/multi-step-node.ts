// A fused, differentiable multi-step charge–fire–reset op. BaseNode's composed multi-step forward
// runs ~10 small tf ops per time step (plus unstack/stack) and the same again in backward; every tf
// op has a fixed overhead, which dominates for the layer sizes SNNs use. This op reads the input
// once, runs the whole recursion over T in one plain JS pass, and writes the spikes as one tensor;
// backward evaluates the surrogate gradient with one tf call on the whole [T, ...] membrane and runs
// the exact BPTT recursion backwards through time in JS.
//
// Forward arithmetic mirrors the composed path op by op (each tf op rounds to float32, so every
// intermediate here goes through Math.fround in the same order): spikes are bit-identical.
import { SpikeflowError, tf, type SurrogateFunction, type Tensor } from '@spikeflow/core';

/** Options every fused neuron shares (BaseNode's semantics). */
interface FusedCommon {
  /** Firing threshold V_th. */
  readonly vThreshold: number;
  /** Hard-reset potential, or `null` for a soft reset (V = H − V_th). */
  readonly vReset: number | null;
  /** Detach the spike in the reset term only. */
  readonly detachReset: boolean;
  /** Surrogate gradient of the spike. */
  readonly surrogate: SurrogateFunction;
}

/** The neuron model of {@link fusedMultiStep}. */
export type FusedNeuronParams =
  | (FusedCommon & { readonly model: 'if' })
  | (FusedCommon & { readonly model: 'lif'; readonly tau: number; readonly decayInput: boolean })
  | (FusedCommon & {
      readonly model: 'plif';
      /** The learnable scalar with `1/τ = sigmoid(w)`; dL/dw is returned through the tape. */
      readonly w: Tensor;
      readonly decayInput: boolean;
    });

const f32 = Math.fround;

// Large fresh typed arrays are costly (first-touch page faults, GC pressure). The wasm backend copies
// the values of a new tensor into its heap, so there an output buffer can be reused once the tensor
// exists; other backends (cpu) keep the array itself, so they always get a fresh one.
let scratch: Float32Array | null = null;
function outputBuffer(size: number): { buffer: Float32Array } {
  if (tf.getBackend() !== 'wasm') return { buffer: new Float32Array(size) };
  if (!scratch || scratch.length < size) scratch = new Float32Array(size);
  return { buffer: scratch.subarray(0, size) };
}

/**
 * The charge `H = charge(V, X)` as the composed path computes it in float32, plus the partial
 * derivatives the backward recursion needs.
 */
interface Charge {
  /**
   * H[t] for one time step: `hs[base + i] = charge(v[i], xs[base + i])`, float32-rounded exactly as
   * the composed tf ops round (one call per row keeps the element loop free of calls).
   */
  readonly row: (v: Float32Array, xs: ArrayLike<number>, base: number, hs: Float32Array) => void;
  /** ∂H/∂X. */
  readonly dHdX: number;
  /** ∂H/∂V[t−1]. */
  readonly dHdV: number;
  /** PLIF only: ∂H/∂k = xCoef·X − (V[t−1] − target), with k = sigmoid(w). */
  readonly dHdK?: { readonly xCoef: number; readonly target: number };
}

function chargeOf(p: FusedNeuronParams, k: number): Charge {
  const n = (v: Float32Array) => v.length;
  if (p.model === 'if') {
    return {
      row: (v, xs, base, hs) => {
        for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(v[i] + xs[base + i]);
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
        row: target === 0
          ? (v, xs, base, hs) => {
              for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - v[i]) / tau));
            }
          : (v, xs, base, hs) => {
              for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - f32(v[i] - vr)) / tau));
            },
        dHdX: 1 / tau,
        dHdV: 1 - 1 / tau,
      };
    }
    if (target === 0) {
      const decay = f32(1 - 1 / p.tau);
      return {
        row: (v, xs, base, hs) => {
          for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(f32(v[i] * decay) + xs[base + i]);
        },
        dHdX: 1,
        dHdV: decay,
      };
    }
    return {
      row: (v, xs, base, hs) => {
        for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(f32(v[i] - f32(f32(v[i] - vr) / tau)) + xs[base + i]);
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
        ? (v, xs, base, hs) => {
            for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - v[i]) * k));
          }
        : (v, xs, base, hs) => {
            for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(v[i] + f32(f32(xs[base + i] - f32(v[i] - vr)) * k));
          },
      dHdX: k,
      dHdV: 1 - k,
      dHdK,
    };
  }
  return {
    row: leakless
      ? (v, xs, base, hs) => {
          for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(f32(v[i] - f32(v[i] * k)) + xs[base + i]);
        }
      : (v, xs, base, hs) => {
          for (let i = 0, m = n(v); i < m; i++) hs[base + i] = f32(f32(v[i] - f32(f32(v[i] - vr) * k)) + xs[base + i]);
        },
    dHdX: 1,
    dHdV: 1 - k,
    dHdK,
  };
}

/**
 * Multi-step charge–fire–reset over a time-first input `[T, ...]`, starting from rest
 * (V = V_reset, or 0 with a soft reset), as one differentiable op: returns the spikes `[T, ...]`
 * (float32 0/1), identical to BaseNode's composed multi-step forward. Gradients flow to `x` and, for
 * PLIF, to `w` (BPTT with the surrogate standing in for dS/dH; `detachReset` detaches the spike in
 * the reset term only).
 *
 * @example
 * ```ts
 * const s = fusedMultiStep(x, { model: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0, detachReset: false, surrogate: sigmoid() });
 * ```
 */
export function fusedMultiStep(x: Tensor, params: FusedNeuronParams): Tensor {
  if (x.rank < 1) throw new SpikeflowError('shape-mismatch', `fusedMultiStep expects a time-first input [T, ...], got shape [${x.shape}]`);
  const inputs: Tensor[] = params.model === 'plif' ? [x, params.w] : [x];
  if (params.model === 'plif' && params.w.size !== 1) throw new SpikeflowError('shape-mismatch', `fusedMultiStep: PLIF's w must be a scalar, got shape [${params.w.shape}]`);
  const op = tf.customGrad(((...args: unknown[]) => forwardAndGrad(args[0] as Tensor, params)) as unknown as Parameters<typeof tf.customGrad>[0]) as (...t: Tensor[]) => Tensor;
  return op(...inputs);
}

/** k = sigmoid(w) for PLIF, evaluated by tf so it is the float32 value the composed path uses. */
function leakOf(p: FusedNeuronParams): number {
  if (p.model !== 'plif') return 0;
  const kt = tf.sigmoid(p.w);
  const k = kt.dataSync()[0];
  kt.dispose();
  return k;
}

/**
 * The forward recursion over plain arrays (`xs` is `[T, n]` flattened): fills `hs` with H[t] and
 * `out` with the spikes (every element written), and `vs` (when given) with the membrane after reset, V[t]. Exported for the
 * tests, which compare H and V bit for bit with the composed path.
 */
export function fusedForwardArrays(xs: Float32Array, T: number, p: FusedNeuronParams, k: number, hs: Float32Array, out: Float32Array, vs?: Float32Array): void {
  const n = T === 0 ? 0 : xs.length / T;
  const charge = chargeOf(p, k);
  const vth = f32(p.vThreshold);
  const soft = p.vReset === null;
  const vr = f32(p.vReset ?? 0);
  const v = new Float32Array(n).fill(vr); // rest: V_reset, or 0 with a soft reset
  for (let t = 0; t < T; t++) {
    const base = t * n;
    charge.row(v, xs, base, hs);
    for (let i = 0; i < n; i++) {
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
    if (vs) vs.set(v, base);
  }
}

function forwardAndGrad(x: Tensor, p: FusedNeuronParams): { value: Tensor; gradFunc: (dy: Tensor) => Tensor[] } {
  const shape = x.shape;
  const T = shape[0];
  const n = T === 0 ? 0 : x.size / T;
  const k = leakOf(p);
  const charge = chargeOf(p, k);
  const vth = f32(p.vThreshold);
  const soft = p.vReset === null;
  const vr = f32(p.vReset ?? 0);
  const v0 = vr; // rest: V_reset, or 0 with a soft reset

  const xs = x.dataSync() as Float32Array; // may alias backend memory (cpu): read only
  const hs = new Float32Array(T * n);
  const out = outputBuffer(T * n).buffer; // every element is written
  fusedForwardArrays(xs, T, p, k, hs, out);
  const value = tf.tensor(out, shape, 'float32');

  const gradFunc = (dy: Tensor): Tensor[] => {
    // Surrogate gradient on the whole [T, ...] membrane: one tf call, one read.
    const hT = tf.tensor(hs, shape, 'float32');
    const sgT = tf.tidy(() => p.surrogate.derivative(tf.sub(hT, vth)));
    hT.dispose();
    const sg = sgT.dataSync();
    const g = dy.dataSync();
    const gx = outputBuffer(T * n).buffer; // every element is written below
    const gV = new Float64Array(n); // dL/dV[t] arriving from step t + 1
    const { dHdX, dHdV, dHdK } = charge;
    const detachReset = p.detachReset;
    let gk = 0;
    for (let t = T - 1; t >= 0; t--) {
      const base = t * n;
      const prev = base - n;
      for (let i = 0; i < n; i++) {
        const j = base + i;
        const h = hs[j];
        const s = f32(h - vth) >= 0 ? 1 : 0;
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
    sgT.dispose();
    const grads = [tf.tensor(gx, shape, 'float32')];
    if (p.model === 'plif') grads.push(tf.tensor(new Float32Array([gk * k * (1 - k)]), p.w.shape, 'float32'));
    return grads;
  };
  return { value, gradFunc };
}

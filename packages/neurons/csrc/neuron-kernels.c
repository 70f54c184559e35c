// Multi-step charge–fire–reset kernels for the wasm backend, compiled to WebAssembly SIMD
// (tools/wasm/build-wasm.mjs). The module imports the tfjs wasm backend's own memory, so the kernels
// read and write tensors in place: every pointer below is a byte offset into that heap, and the
// module owns no memory of its own (no data, no stack use; the build checks both).
//
// Layout: time-first [T, n], row t at offset t*n. Arithmetic mirrors recursion.ts (and so the
// composed tf ops) op by op in float32 without contraction (-ffp-contract=off): the forward's
// spikes and membrane are bit-identical to the composed path.

#include <stddef.h>

#include "neuron-codes.h"

#define EXPORT(name) __attribute__((export_name(#name)))

// Charge modes: enum charge_mode in neuron-codes.h (generated from neuron-codes.json), as recursion.ts's
// chargeOf computes them; `a` is the mode's constant (tau, f32(1 - 1/tau) or k = sigmoid(w)).
#define CHARGE_LOOP(EXPR)                                                   \
  for (size_t i = 0; i < n; i++) {                                          \
    const float vi = v[i];                                                  \
    const float xi = xr[i];                                                 \
    const float hi = (EXPR);                                                \
    const int fire = (hi - vth) >= 0.0f;                                    \
    hr[i] = hi;                                                             \
    sr[i] = fire ? 1.0f : 0.0f;                                             \
    v[i] = fire ? (soft ? hi - vth : vr) : hi;                              \
  }

/**
 * Forward over T steps from rest. x, s, h: [T, n] floats; v: n floats of scratch (the membrane).
 * soft: 1 for V = H − S·V_th (and rest 0), 0 for V = S·V_r + (1 − S)·H (and rest V_r).
 */
EXPORT(neuron_forward)
void neuron_forward(const float* restrict x, float* restrict s, float* restrict h, float* restrict v,
                    size_t T, size_t n, int mode, float a, float vth, float vr, int soft) {
  const float rest = soft ? 0.0f : vr;
  for (size_t i = 0; i < n; i++) v[i] = rest;
  for (size_t t = 0; t < T; t++) {
    const float* restrict xr = x + t * n;
    float* restrict hr = h + t * n;
    float* restrict sr = s + t * n;
    switch (mode) {
      case CHARGE_IF: CHARGE_LOOP(vi + xi) break;
      case CHARGE_LIF_DECAY_INPUT_ZERO_TARGET: CHARGE_LOOP(vi + (xi - vi) / a) break;
      case CHARGE_LIF_DECAY_INPUT: CHARGE_LOOP(vi + (xi - (vi - vr)) / a) break;
      case CHARGE_LIF_ZERO_TARGET: CHARGE_LOOP(vi * a + xi) break;
      case CHARGE_LIF: CHARGE_LOOP((vi - (vi - vr) / a) + xi) break;
      case CHARGE_PLIF_DECAY_INPUT_ZERO_TARGET: CHARGE_LOOP(vi + (xi - vi) * a) break;
      case CHARGE_PLIF_DECAY_INPUT: CHARGE_LOOP(vi + (xi - (vi - vr)) * a) break;
      case CHARGE_PLIF_ZERO_TARGET: CHARGE_LOOP((vi - vi * a) + xi) break;
      default: /* CHARGE_PLIF */ CHARGE_LOOP((vi - (vi - vr) * a) + xi) break;
    }
  }
}

static inline float absf(float x) { return __builtin_fabsf(x); }

// exp(x) in float32 for the surrogates that need it: range reduction x = k·ln2 + r with |r| <= ln2/2,
// a degree-6 polynomial for e^r (max relative error ~2e-7), and 2^k built in the exponent bits.
// Branch-free so the loops that call it vectorise.
static inline float expf_approx(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
  const float kf = __builtin_nearbyintf(x * 1.44269504088896341f);
  const float r = (x - kf * 0.693145751953125f) - kf * 1.42860682030941723212e-6f;
  float p = 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  union { float f; int i; } u;
  u.i = ((int)kf + 127) << 23;
  return p * u.f;
}

// Surrogate derivatives at x = H − V_th (formulas as the tf versions in src/surrogates compute them),
// by enum surrogate_kind (neuron-codes.h). Constants the tf formulas derive from α are passed
// precomputed (q), so they round as tf's do.
static inline float surrogate(int kind, float x, float p, float q) {
  switch (kind) {
    case SURROGATE_ATAN: { const float u = x * q; return (p / 2) / (1.0f + u * u); }
    case SURROGATE_SIGMOID: { const float e = expf_approx(-(x * p)); const float sgm = 1.0f / (1.0f + e); return (sgm * (1.0f - sgm)) * p; }
    case SURROGATE_PIECEWISE_QUADRATIC: { const float r = p - absf(x) * q; return r > 0.0f ? r : 0.0f; }
    case SURROGATE_PIECEWISE_EXP: return expf_approx(absf(x) * -p) * (p / 2);
    case SURROGATE_SOFT_SIGN: { const float u = absf(x) + q; return 1.0f / ((u * u) * (2 * p)); }
    case SURROGATE_SUPER_SPIKE: { const float u = absf(x) + 1.0f; return p / (u * u); }
    case SURROGATE_RECT: return absf(x) >= q ? 0.0f : p;
    default: /* SURROGATE_PIECEWISE_LEAKY_RELU */ return absf(x) >= p ? q : 1.0f / (2 * p);
  }
}

// One time step of the backward, for elements 0..n-1 of row t. SG: the surrogate derivative
// expression (of xv = H − V_th); PLIF_TERM: 0, or the PLIF accumulation statement.
#define BACKWARD_LOOP(SG, PLIF_TERM)                                               \
  for (size_t i = 0; i < n; i++) {                                                 \
    const float hi = hr[i];                                                        \
    const float xv = hi - vth;                                                     \
    const float si = xv >= 0.0f ? 1.0f : 0.0f;                                     \
    const float gv = gV[i];                                                        \
    const float dVdH = soft ? 1.0f : 1.0f - si;                                    \
    const float dVdS = detach ? 0.0f : (soft ? -vth : vr - hi);                    \
    const float dLdS = gr[i] + gv * dVdS;                                          \
    const float dLdH = gv * dVdH + dLdS * (SG);                                    \
    gxr[i] = dLdH * dHdX;                                                          \
    gV[i] = dLdH * dHdV;                                                           \
    PLIF_TERM;                                                                     \
  }

// PLIF's dL/dk terms: V[t−1] as the forward's reset produced it from H[t−1] (rest at t = 0).
#define PLIF_PREV_ROW                                                              \
  {                                                                                \
    const float hp = hp_row[i];                                                    \
    const float vp = (hp - vth) >= 0.0f ? (soft ? hp - vth : vr) : hp;             \
    gk[i] += dLdH * (xcoef * xr[i] - (vp - ktarget));                              \
  }
#define PLIF_REST gk[i] += dLdH * (xcoef * xr[i] - (rest - ktarget))

#define BACKWARD_ROW(SG)                                                           \
  if (!plif) {                                                                     \
    BACKWARD_LOOP(SG, (void)0)                                                     \
  } else if (t > 0) {                                                              \
    BACKWARD_LOOP(SG, PLIF_PREV_ROW)                                               \
  } else {                                                                         \
    BACKWARD_LOOP(SG, PLIF_REST)                                                   \
  }

/**
 * Exact BPTT backward through T steps. g = dL/dS, h = H from the forward, sg = surrogate derivative
 * (read only when kind = SURROGATE_GIVEN), x = input (read for PLIF only), gx = dL/dX (written), gV: n floats of
 * scratch, gk: n floats accumulating the per-element PLIF terms of dL/dk (PLIF only; zeroed here).
 * dHdX, dHdV: the charge's partial derivatives; xcoef, ktarget: PLIF's ∂H/∂k = xcoef·X − (V − ktarget).
 */
EXPORT(neuron_backward)
void neuron_backward(const float* restrict g, const float* restrict h, const float* restrict sg,
                     const float* restrict x, float* restrict gx, float* restrict gV, float* restrict gk,
                     size_t T, size_t n, float vth, float vr, int soft, int detach, float dHdX, float dHdV,
                     int plif, float xcoef, float ktarget, int kind, float p, float q) {
  const float rest = soft ? 0.0f : vr;
  for (size_t i = 0; i < n; i++) gV[i] = 0.0f;
  if (plif) for (size_t i = 0; i < n; i++) gk[i] = 0.0f;
  for (size_t t = T; t-- > 0;) {
    const size_t base = t * n;
    const float* restrict hr = h + base;
    const float* restrict gr = g + base;
    const float* restrict sgr = sg + base;
    const float* restrict xr = x + base;
    const float* restrict hp_row = hr - n; // row t − 1 (read only when t > 0)
    float* restrict gxr = gx + base;
    switch (kind) {
      case SURROGATE_GIVEN: BACKWARD_ROW(sgr[i]) break;
      case SURROGATE_ATAN: BACKWARD_ROW(surrogate(SURROGATE_ATAN, xv, p, q)) break;
      case SURROGATE_SIGMOID: BACKWARD_ROW(surrogate(SURROGATE_SIGMOID, xv, p, q)) break;
      case SURROGATE_PIECEWISE_QUADRATIC: BACKWARD_ROW(surrogate(SURROGATE_PIECEWISE_QUADRATIC, xv, p, q)) break;
      case SURROGATE_PIECEWISE_EXP: BACKWARD_ROW(surrogate(SURROGATE_PIECEWISE_EXP, xv, p, q)) break;
      case SURROGATE_SOFT_SIGN: BACKWARD_ROW(surrogate(SURROGATE_SOFT_SIGN, xv, p, q)) break;
      case SURROGATE_SUPER_SPIKE: BACKWARD_ROW(surrogate(SURROGATE_SUPER_SPIKE, xv, p, q)) break;
      case SURROGATE_RECT: BACKWARD_ROW(surrogate(SURROGATE_RECT, xv, p, q)) break;
      default: BACKWARD_ROW(surrogate(SURROGATE_PIECEWISE_LEAKY_RELU, xv, p, q)) break;
    }
  }
}

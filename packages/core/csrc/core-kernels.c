// Core's WebAssembly SIMD kernels (tools/wasm/build-wasm.mjs), run in place on the tfjs wasm
// backend's heap: every pointer is a byte offset into that memory, and the module owns none of it.
//
// The heap reaches 4 GiB, so tensors may sit above 2 GiB and hold up to 2^30 floats: sizes and
// offsets are size_t (unsigned 32-bit on wasm32; `long` is 32-bit and signed there). Only
// coordinates that can go negative (a window reaching into the padding) stay int.
//
// Event-driven ("spike") products: when the left operand of a matrix product is mostly zeros — the
// spikes a neuron layer emits — the product only needs the rows of the right operand that active
// inputs select. Both kernels accept any values (an active input contributes x·row), so they equal
// the dense product up to the order of the sums.

#include <stddef.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/** Number of non-zero entries of x[0..n). */
EXPORT(count_nonzero)
size_t count_nonzero(const float* restrict x, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += x[i] != 0.0f;
  return count;
}

/** y[N, M] = x[N, K] · w[K, M], visiting only the non-zero x[r, j]. */
EXPORT(sparse_matmul)
void sparse_matmul(const float* restrict x, const float* restrict w, float* restrict y, size_t N, size_t K, size_t M) {
  for (size_t r = 0; r < N; r++) {
    float* restrict yr = y + r * M;
    for (size_t m = 0; m < M; m++) yr[m] = 0.0f;
    const float* restrict xr = x + r * K;
    for (size_t j = 0; j < K; j++) {
      const float a = xr[j];
      if (a == 0.0f) continue;
      const float* restrict wj = w + j * M;
      if (a == 1.0f) {
        for (size_t m = 0; m < M; m++) yr[m] += wj[m];
      } else {
        for (size_t m = 0; m < M; m++) yr[m] += a * wj[m];
      }
    }
  }
}

/** dw[K, M] = xᵀ · dy for x [N, K], dy [N, M], visiting only the non-zero x[r, j]. */
EXPORT(sparse_matmul_grad_w)
void sparse_matmul_grad_w(const float* restrict x, const float* restrict dy, float* restrict dw, size_t N, size_t K, size_t M) {
  for (size_t i = 0; i < K * M; i++) dw[i] = 0.0f;
  for (size_t r = 0; r < N; r++) {
    const float* restrict xr = x + r * K;
    const float* restrict dyr = dy + r * M;
    for (size_t j = 0; j < K; j++) {
      const float a = xr[j];
      if (a == 0.0f) continue;
      float* restrict dwj = dw + j * M;
      if (a == 1.0f) {
        for (size_t m = 0; m < M; m++) dwj[m] += dyr[m];
      } else {
        for (size_t m = 0; m < M; m++) dwj[m] += a * dyr[m];
      }
    }
  }
}

/** out[C, R] = in[R, C]ᵀ, in 32×32 tiles so both sides stay in cache. */
EXPORT(transpose2d)
void transpose2d(const float* restrict in, float* restrict out, size_t R, size_t C) {
  const size_t B = 32;
  for (size_t r0 = 0; r0 < R; r0 += B) {
    const size_t r1 = r0 + B < R ? r0 + B : R;
    for (size_t c0 = 0; c0 < C; c0 += B) {
      const size_t c1 = c0 + B < C ? c0 + B : C;
      for (size_t r = r0; r < r1; r++) {
        for (size_t c = c0; c < c1; c++) out[c * R + r] = in[r * C + c];
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Batch normalisation over the rows of x [M, C] (training mode, PyTorch's formula), in three
// passes: the per-channel mean, the variance of the centred values (two-pass: no cancellation),
// then the output. Sums run in float32 over blocks of rows and in float64 across blocks.

#define BN_BLOCK 64

static void channel_sums(const float* restrict x, const float* restrict mean, size_t M, size_t C, float* restrict acc, double* restrict total, int squares) {
  for (size_t c = 0; c < C; c++) total[c] = 0.0;
  for (size_t r0 = 0; r0 < M; r0 += BN_BLOCK) {
    const size_t r1 = r0 + BN_BLOCK < M ? r0 + BN_BLOCK : M;
    for (size_t c = 0; c < C; c++) acc[c] = 0.0f;
    for (size_t r = r0; r < r1; r++) {
      const float* restrict xr = x + r * C;
      if (squares) {
        for (size_t c = 0; c < C; c++) { const float d = xr[c] - mean[c]; acc[c] += d * d; }
      } else {
        for (size_t c = 0; c < C; c++) acc[c] += xr[c];
      }
    }
    for (size_t c = 0; c < C; c++) total[c] += acc[c];
  }
}

/**
 * y = (x − mean)·invstd·w + b per channel; writes mean [C] and invstd [C] (1/sqrt(var + eps)).
 * w, b may be 0 (absent). scratch: C floats + C doubles (8-byte aligned).
 */
EXPORT(bn_forward)
void bn_forward(const float* restrict x, const float* restrict w, const float* restrict b, float* restrict y, float* restrict mean, float* restrict invstd,
                float* restrict var_out, double* restrict total, float* restrict acc, size_t M, size_t C, float eps) {
  channel_sums(x, mean, M, C, acc, total, 0);
  for (size_t c = 0; c < C; c++) mean[c] = (float)(total[c] / M);
  channel_sums(x, mean, M, C, acc, total, 1);
  for (size_t c = 0; c < C; c++) {
    const float v = (float)(total[c] / M);
    var_out[c] = v;
    invstd[c] = 1.0f / __builtin_sqrtf(v + eps);
  }
  // scale = invstd·w and shift = b, reusing acc for scale (C floats).
  for (size_t c = 0; c < C; c++) acc[c] = w ? invstd[c] * w[c] : invstd[c];
  for (size_t r = 0; r < M; r++) {
    const float* restrict xr = x + r * C;
    float* restrict yr = y + r * C;
    if (b) {
      for (size_t c = 0; c < C; c++) yr[c] = (xr[c] - mean[c]) * acc[c] + b[c];
    } else {
      for (size_t c = 0; c < C; c++) yr[c] = (xr[c] - mean[c]) * acc[c];
    }
  }
}

/**
 * The closed-form backward: dbias = Σ dy, dweight = Σ dy·x̂ (x̂ = (x − mean)·invstd), and
 * dx = k·dy − (k/M)·(x̂·dweight + dbias) with k = invstd·w. w may be 0 (absent).
 * scratch: 2C doubles + 3C floats.
 */
EXPORT(bn_backward)
void bn_backward(const float* restrict dy, const float* restrict x, const float* restrict mean, const float* restrict invstd, const float* restrict w,
                 float* restrict dx, float* restrict dweight, float* restrict dbias, double* restrict totals, float* restrict acc, size_t M, size_t C) {
  double* restrict tb = totals;
  double* restrict tw = totals + C;
  float* restrict accw = acc + C;
  for (size_t c = 0; c < C; c++) { tb[c] = 0.0; tw[c] = 0.0; }
  for (size_t r0 = 0; r0 < M; r0 += BN_BLOCK) {
    const size_t r1 = r0 + BN_BLOCK < M ? r0 + BN_BLOCK : M;
    for (size_t c = 0; c < C; c++) { acc[c] = 0.0f; accw[c] = 0.0f; }
    for (size_t r = r0; r < r1; r++) {
      const float* restrict dyr = dy + r * C;
      const float* restrict xr = x + r * C;
      for (size_t c = 0; c < C; c++) {
        acc[c] += dyr[c];
        accw[c] += dyr[c] * ((xr[c] - mean[c]) * invstd[c]);
      }
    }
    for (size_t c = 0; c < C; c++) { tb[c] += acc[c]; tw[c] += accw[c]; }
  }
  for (size_t c = 0; c < C; c++) { dbias[c] = (float)tb[c]; dweight[c] = (float)tw[c]; }
  // Per-channel constants: k, −k/M·dweight, −k/M·dbias.
  float* restrict kk = acc;
  float* restrict cb = acc + 2 * C;
  for (size_t c = 0; c < C; c++) {
    const float k = w ? invstd[c] * w[c] : invstd[c];
    const float a = k * (-1.0f / (float)M);
    kk[c] = k;
    accw[c] = a * dweight[c];
    cb[c] = a * dbias[c];
  }
  for (size_t r = 0; r < M; r++) {
    const float* restrict dyr = dy + r * C;
    const float* restrict xr = x + r * C;
    float* restrict dxr = dx + r * C;
    for (size_t c = 0; c < C; c++) dxr[c] = dyr[c] * kk[c] + ((xr[c] - mean[c]) * invstd[c]) * accw[c] + cb[c];
  }
}

// ---------------------------------------------------------------------------------------------
// Max pooling, NHWC, PyTorch semantics: −∞ padding, floor mode; each window's gradient goes to its
// first maximum in row-major order. The forward records that position (a flat index into x).

// A window's size, strides and zero padding, in the order every windowed kernel takes them
// (core-wasm-module.ts's Window).
#define WINDOW int kh, int kw, int sh, int sw, int ph, int pw

EXPORT(maxpool_forward)
void maxpool_forward(const float* restrict x, float* restrict y, int* restrict arg, size_t N, int H, int W, size_t C, WINDOW, int Ho, int Wo) {
  for (size_t n = 0; n < N; n++) {
    for (int oy = 0; oy < Ho; oy++) {
      for (int ox = 0; ox < Wo; ox++) {
        float* restrict yo = y + ((n * Ho + oy) * Wo + ox) * C;
        int* restrict ao = arg + ((n * Ho + oy) * Wo + ox) * C;
        int first = 1;
        for (int ky = 0; ky < kh; ky++) {
          const int iy = oy * sh - ph + ky;
          if (iy < 0 || iy >= H) continue;
          for (int kx = 0; kx < kw; kx++) {
            const int ix = ox * sw - pw + kx;
            if (ix < 0 || ix >= W) continue;
            const size_t base = ((n * H + iy) * W + ix) * C;
            const float* restrict xi = x + base;
            if (first) {
              for (size_t c = 0; c < C; c++) { yo[c] = xi[c]; ao[c] = (int)(base + c); }
              first = 0;
            } else {
              // Four channels at a time: compare, then select value and index with the same mask.
              size_t c = 0;
              const v128_t step = wasm_i32x4_splat(4);
              v128_t idx = wasm_i32x4_add(wasm_i32x4_splat((int)base), wasm_i32x4_make(0, 1, 2, 3));
              for (; c + 4 <= C; c += 4) {
                const v128_t xv = wasm_v128_load(xi + c);
                const v128_t yv = wasm_v128_load(yo + c);
                const v128_t better = wasm_f32x4_gt(xv, yv);
                wasm_v128_store(yo + c, wasm_v128_bitselect(xv, yv, better));
                wasm_v128_store(ao + c, wasm_v128_bitselect(idx, wasm_v128_load(ao + c), better));
                idx = wasm_i32x4_add(idx, step);
              }
              for (; c < C; c++) {
                const int better = xi[c] > yo[c];
                yo[c] = better ? xi[c] : yo[c];
                ao[c] = better ? (int)(base + c) : ao[c];
              }
            }
          }
        }
      }
    }
  }
}

EXPORT(maxpool_backward)
void maxpool_backward(const float* restrict dy, const int* restrict arg, float* restrict dx, size_t nIn, size_t nOut) {
  for (size_t i = 0; i < nIn; i++) dx[i] = 0.0f;
  for (size_t i = 0; i < nOut; i++) dx[(size_t)arg[i]] += dy[i];
}

// ---------------------------------------------------------------------------------------------
// Event-driven convolution, NHWC input x [N, H, W, Cin], HWIO filter w [kh, kw, Cin, Cout], output
// [N, Ho, Wo, Cout] with zero padding (ph, pw) and strides (sh, sw): every non-zero input scatters
// its filter taps to the outputs it reaches, and the filter gradient gathers the output gradients
// those inputs reached.

// The geometry both conv kernels take after their pointers (core-wasm-module.ts's ConvGeometry).
#define CONV_GEOMETRY size_t N, int H, int W, size_t Cin, int Ho, int Wo, size_t Cout, WINDOW

// Zero the `COUNT` values of the result `ACC`, then visit every (non-zero input, filter tap, output)
// triple with `o` the output row (of `OUT`) and `t` the tap row (of `TAPS`), running BODY for each.
#define CONV_SCATTER(ACC, COUNT, OUT, TAPS, BODY)                                                \
  for (size_t i = 0; i < (COUNT); i++) ACC[i] = 0.0f;                                            \
  float* restrict out = OUT;                                                                     \
  float* restrict taps = TAPS;                                                                   \
  for (size_t n = 0; n < N; n++) {                                                               \
    for (int iy = 0; iy < H; iy++) {                                                             \
      for (int ix = 0; ix < W; ix++) {                                                           \
        const float* restrict xp = x + ((n * H + iy) * W + ix) * Cin;                            \
        for (size_t ci = 0; ci < Cin; ci++) {                                                    \
          const float a = xp[ci];                                                                \
          if (a == 0.0f) continue;                                                               \
          for (int ky = 0; ky < kh; ky++) {                                                      \
            const int ty = iy + ph - ky;                                                         \
            if (ty < 0 || ty % sh) continue;                                                     \
            const int oy = ty / sh;                                                              \
            if (oy >= Ho) continue;                                                              \
            for (int kx = 0; kx < kw; kx++) {                                                    \
              const int tx = ix + pw - kx;                                                       \
              if (tx < 0 || tx % sw) continue;                                                   \
              const int ox = tx / sw;                                                            \
              if (ox >= Wo) continue;                                                            \
              float* restrict o = out + ((n * Ho + oy) * Wo + ox) * Cout;                        \
              float* restrict t = taps + (((size_t)ky * kw + kx) * Cin + ci) * Cout;             \
              BODY                                                                               \
            }                                                                                    \
          }                                                                                      \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }

EXPORT(sparse_conv_forward)
void sparse_conv_forward(const float* restrict x, float* restrict w, float* restrict y, CONV_GEOMETRY) {
  CONV_SCATTER(y, (size_t)N * Ho * Wo * Cout, y, w, if (a == 1.0f) { for (size_t c = 0; c < Cout; c++) o[c] += t[c]; } else { for (size_t c = 0; c < Cout; c++) o[c] += a * t[c]; })
}

EXPORT(sparse_conv_grad_w)
void sparse_conv_grad_w(const float* restrict x, float* restrict dy, float* restrict dw, CONV_GEOMETRY) {
  CONV_SCATTER(dw, (size_t)kh * kw * Cin * Cout, dy, dw, if (a == 1.0f) { for (size_t c = 0; c < Cout; c++) t[c] += o[c]; } else { for (size_t c = 0; c < Cout; c++) t[c] += a * o[c]; })
}

// ---------------------------------------------------------------------------------------------
// One Adam/AdamW step for one parameter, in one pass (the composed update is ~10 full-size ops),
// with the composed version's float32 operations in the same order:
//   g' = g + p·wd (Adam's L2; AdamW: wd = 0 here and base = p·decay)
//   m1 = m·b1 + g'·(1 − b1);  v1 = v·b2 + g'²·(1 − b2)
//   p1 = base − (m1 / (sqrt(v1) / sqrt(bc2) + eps)) · (lr / bc1)
EXPORT(adam_update)
void adam_update(const float* restrict p, const float* restrict g, const float* restrict m, const float* restrict v,
                 float* restrict p1, float* restrict m1, float* restrict v1, size_t n,
                 float b1, float one_minus_b1, float b2, float one_minus_b2, float sqrt_bc2, float eps, float step, float wd, float decay) {
  for (size_t i = 0; i < n; i++) {
    const float gi = wd != 0.0f ? g[i] + p[i] * wd : g[i];
    const float base = decay != 1.0f ? p[i] * decay : p[i];
    const float mi = m[i] * b1 + gi * one_minus_b1;
    const float vi = v[i] * b2 + (gi * gi) * one_minus_b2;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = base - (mi / (__builtin_sqrtf(vi) / sqrt_bc2 + eps)) * step;
  }
}

// PyTorch 2-D pooling in plain float64 JS, the reference the pooling tests compare against.

export interface PoolSpec {
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
}

/**
 * Pool row-major NHWC `x` as PyTorch does (floor mode; max ignores the padding and sends the
 * gradient to the first maximum in row-major window order; average divides by kh·kw, i.e.
 * count_include_pad=True). Returns y, its shape and dL/dx for L = Σ y·r when `r` is given.
 */
export function poolReference(kind: 'max' | 'avg', x: ArrayLike<number>, [n, h, w, c]: readonly number[], spec: PoolSpec, r?: ArrayLike<number>) {
  const {
    kernel: [kh, kw],
    stride: [sh, sw],
    padding: [ph, pw],
  } = spec;
  const ho = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const wo = Math.floor((w + 2 * pw - kw) / sw) + 1;
  const y = new Float64Array(n * ho * wo * c);
  const dx = new Float64Array(x.length);
  const at = (b: number, i: number, j: number, ch: number) => ((b * h + i) * w + j) * c + ch;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let ch = 0; ch < c; ch++) {
          const o = ((b * ho + i) * wo + j) * c + ch;
          let best = -Infinity;
          let arg = -1;
          let sum = 0;
          for (let di = 0; di < kh; di++)
            for (let dj = 0; dj < kw; dj++) {
              const xi = i * sh + di - ph;
              const xj = j * sw + dj - pw;
              if (xi < 0 || xi >= h || xj < 0 || xj >= w) continue;
              const v = x[at(b, xi, xj, ch)];
              sum += v;
              if (v > best) [best, arg] = [v, at(b, xi, xj, ch)];
              if (kind === 'avg' && r) dx[at(b, xi, xj, ch)] += r[o] / (kh * kw);
            }
          y[o] = kind === 'max' ? best : sum / (kh * kw);
          if (kind === 'max' && r) dx[arg] += r[o];
        }
  return { y, shape: [n, ho, wo, c], dx };
}

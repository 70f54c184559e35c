// A generic gradient check for the neuron zoo specs. Each spec writes its neuron as a plain float64
// loop (`Ref64`) that calls `fire(u)` wherever the neuron spikes (u = the pre-activation, fire at
// u >= 0). Run with the Heaviside step it is the hard reference forward; run with
// `S = S₀ + g(u) − g(u₀)` (S₀, u₀ from the hard run at the same point, g the surrogate primitive)
// it is a smooth function whose exact gradient is the surrogate BPTT gradient, so central
// differences of it check the tf gradients for the input and every parameter.
import { tf, type Module, type Tensor } from '@spikeflow/core';
import { expect } from 'vitest';

/** Raw parameter values by registered name (flattened row-major). */
export type Params64 = Record<string, number[]>;

/** A float64 reference forward: inputs `[T][N]` to spikes `[T][N]`, spiking only through `fire`. */
export type Ref64 = (xs: number[][], p: Params64, fire: (u: number) => number) => number[][];

export const heaviside64 = (u: number): number => (u >= 0 ? 1 : 0);

/** The hard forward and the smallest |u| it met (a float32 comparison is only fair when not tiny). */
export function runHard(ref: Ref64, xs: number[][], p: Params64): { spikes: number[][]; us: number[]; minMargin: number } {
  const us: number[] = [];
  const spikes = ref(xs, p, (u) => {
    us.push(u);
    return heaviside64(u);
  });
  return { spikes, us, minMargin: Math.min(...us.map(Math.abs)) };
}

/** `L(xs, p) = Σ c·S` through the smooth stand-in described above, linearised at (xs0, p0). */
export function smoothLoss(ref: Ref64, xs0: number[][], p0: Params64, c: number[][], primitive: (u: number) => number): (xs: number[][], p: Params64) => number {
  const { us } = runHard(ref, xs0, p0);
  return (xs, p) => {
    let i = 0;
    const s = ref(xs, p, (u) => {
      const u0 = us[i++];
      return heaviside64(u0) + primitive(u) - primitive(u0);
    });
    let loss = 0;
    s.forEach((row, t) => row.forEach((v, k) => (loss += c[t][k] * v)));
    return loss;
  };
}

const richardson = (at: (d: number) => number, h: number): number => {
  const d = (s: number) => (at(s) - at(-s)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
};

/** Central differences (one Richardson step) of `f` for every input entry and every parameter entry. */
export function numericGrads(f: (xs: number[][], p: Params64) => number, xs0: number[][], p0: Params64, h = 1e-4): { x: number[][]; p: Params64 } {
  const x = xs0.map((row, t) =>
    row.map((_, k) =>
      richardson(
        (d) =>
          f(
            xs0.map((r, tt) => r.map((v, kk) => (tt === t && kk === k ? v + d : v))),
            p0,
          ),
        h,
      ),
    ),
  );
  const p: Params64 = {};
  for (const [name, values] of Object.entries(p0)) {
    p[name] = values.map((_, j) => richardson((d) => f(xs0, { ...p0, [name]: values.map((v, jj) => (jj === j ? v + d : v)) }), h));
  }
  return { x, p };
}

/** Set a module's parameters to the given raw values (every registered parameter must be listed). */
export function assignParams(module: Module, p: Params64): void {
  const named = module.namedParameters();
  const names = named.map(([n]) => n).sort();
  const given = Object.keys(p).sort();
  if (JSON.stringify(names) !== JSON.stringify(given)) throw new Error(`parameters are [${names}], the test gave [${given}]`);
  for (const [name, v] of named) v.assign(tf.tensor(p[name], v.shape));
}

/** tf gradients of `Σ c·forward(x)` for the input and every parameter, with the spikes. */
export function tfGrads(
  module: Module,
  xs: number[][],
  c: number[][],
  forward: (x: Tensor) => Tensor = (x) => module.forward(x),
): { spikes: number[][]; x: number[][]; p: Params64 } {
  return tf.tidy(() => {
    const xv = tf.variable(tf.tensor2d(xs));
    const cT = tf.tensor2d(c);
    const named = module.namedParameters();
    let spikes: number[][] = [];
    const { grads } = tf.variableGrads(() => {
      const s = forward(xv);
      spikes = s.arraySync() as number[][];
      return tf.sum(tf.mul(s, cT)) as tf.Scalar;
    }, [xv, ...named.map(([, v]) => v)]);
    const p: Params64 = {};
    for (const [name, v] of named) p[name] = Array.from(grads[v.name].dataSync());
    const x = grads[xv.name].arraySync() as number[][];
    xv.dispose();
    return { spikes, x, p };
  });
}

/** Largest |a − b| / max(1, |b|) over two equally shaped arrays (Infinity if the sizes differ). */
export function maxRelError(a: number[] | number[][], b: number[] | number[][]): number {
  const fa = (a as number[][]).flat();
  const fb = (b as number[][]).flat();
  if (fa.length !== fb.length) return Infinity;
  return Math.max(0, ...fa.map((v, i) => Math.abs(v - fb[i]) / Math.max(1, Math.abs(fb[i]))));
}

export const softplus64 = (z: number): number => Math.log1p(Math.exp(z));

/**
 * The whole check: set `p` on the module, compare its spikes with the hard float64 reference (every
 * |u| clear of 0, some spikes and some silence), then its input and parameter gradients with
 * central differences of the smooth reference. Returns the gradients for extra assertions.
 */
export function expectGradientsMatch(
  module: Module,
  ref: Ref64,
  xs: number[][],
  p: Params64,
  c: number[][],
  primitive: (u: number) => number,
  options: { tol?: number; forward?: (x: Tensor) => Tensor; minMargin?: number } = {},
): { x: number[][]; p: Params64 } {
  const tol = options.tol ?? 2e-4;
  assignParams(module, p);
  const hard = runHard(ref, xs, p);
  expect(hard.minMargin, 'every pre-activation is clear of the threshold').toBeGreaterThan(options.minMargin ?? 1e-3);
  const flat = hard.spikes.flat();
  expect(flat.includes(1) && flat.includes(0), 'the case has spikes and silence').toBe(true);
  const got = tfGrads(module, xs, c, options.forward);
  expect(got.spikes).toEqual(hard.spikes);
  const num = numericGrads(smoothLoss(ref, xs, p, c, primitive), xs, p);
  expect(maxRelError(got.x, num.x), 'dL/dX').toBeLessThan(tol);
  for (const name of Object.keys(p)) {
    expect(maxRelError(got.p[name], num.p[name]), `dL/d${name}: ${got.p[name]} vs ${num.p[name]}`).toBeLessThan(tol);
    expect(Math.max(...num.p[name].map(Math.abs)), `dL/d${name} is not trivially 0`).toBeGreaterThan(1e-4);
  }
  return got;
}

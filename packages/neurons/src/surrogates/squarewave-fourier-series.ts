import { tf, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `SquarewaveFourierSeries` surrogate: the Heaviside step seen as one half-period of
 * a square wave, truncated to its first `n − 1` odd harmonics. With `ω = 2π/period`:
 * `g(x) = 1/2 + (2/π)·Σᵢ₌₁ⁿ⁻¹ sin((2i − 1)ωx)/(2i − 1)`, `g'(x) = (4/period)·Σᵢ₌₁ⁿ⁻¹ cos((2i − 1)ωx)`.
 * Defaults `n = 2`, `period = 8` (SpikingJelly's `T_period`).
 */
export const squarewaveFourierSeries = defineSurrogate('squarewave-fourier-series', {
  description: "SpikingJelly's SquarewaveFourierSeries: g'(x) = (4/T)·Σ cos((2i − 1)·2πx/T), i < n; n = 2, period T = 8",
  params: {
    // n − 1 odd harmonics are summed; n = 1 would leave a flat primitive and a zero gradient.
    n: z.number().int().min(2, 'n must be an integer ≥ 2 (n − 1 harmonics are summed)').default(2),
    /** The square wave's period (SpikingJelly's `T_period`). */
    period: positive(8),
  },
  formulas: ({ n, period }) => {
    const omega = (2 * Math.PI) / period;
    const harmonics = Array.from({ length: n - 1 }, (_, i) => 2 * i + 1);
    const sum = (terms: Tensor[]) => (terms.length === 1 ? terms[0] : tf.addN(terms));
    return {
      primitive: (x) => tf.add(tf.mul(sum(harmonics.map((c) => tf.div(tf.sin(tf.mul(x, c * omega)), c))), 2 / Math.PI), 0.5),
      derivative: (x) => tf.mul(sum(harmonics.map((c) => tf.cos(tf.mul(x, c * omega)))), 4 / period),
    };
  },
});

/** Options of {@link squarewaveFourierSeries}. */
export type SquarewaveFourierSeriesOptions = SurrogateOptionsOf<typeof squarewaveFourierSeries>;

/** Registry entry `neurons/squarewave-fourier-series`. */
export const squarewaveFourierSeriesDescriptor = squarewaveFourierSeries.descriptor;

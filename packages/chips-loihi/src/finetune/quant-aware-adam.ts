import { Adam, tf, type Tensor } from '@spikeflow/core';
import { quantizeWeight } from '../quantize/quantize.js';

/**
 * Adam that keeps the named weights on the chip's integer grid (straight-through estimator): the
 * variables hold `quantizeWeight(w, gain) / gain` while float shadow copies take the updates.
 * Weights without a gain are plain Adam parameters.
 *
 * @example
 * ```ts
 * const optimizer = new QuantAwareAdam(model.namedParameters(), 1e-4, new Map([['fc1.weight', 812.5]]));
 * ```
 */
export class QuantAwareAdam extends Adam {
  private floats: Map<string, Float32Array> = new Map();

  constructor(
    params: Array<[string, tf.Variable]>,
    lr: number,
    private readonly gains: ReadonlyMap<string, number>,
  ) {
    super(params, { lr });
    this.quantizeParams();
  }

  /** Save the float weights and put their quantised values into the variables. */
  quantizeParams(): void {
    for (const [name, v] of this.params) {
      const g = this.gains.get(name);
      if (g === undefined) continue;
      const w = Float32Array.from(v.dataSync() as Float32Array);
      this.floats.set(name, w);
      const q = tf.tensor(
        w.map((x) => quantizeWeight(x, g) / g),
        v.shape,
      );
      v.assign(q);
      q.dispose();
    }
  }

  /** STE: the gradient taken at the quantised weights updates the float weights. */
  override step(grads: ReadonlyMap<string, Tensor>): void {
    for (const [name, v] of this.params) {
      const w = this.floats.get(name);
      if (!w) continue;
      const t = tf.tensor(w, v.shape);
      v.assign(t);
      t.dispose();
    }
    super.step(grads);
    this.quantizeParams();
  }
}

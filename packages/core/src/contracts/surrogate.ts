import type { Tensor } from '../engine/tf.js';
import type { Descriptor } from './descriptor.js';

/**
 * A surrogate gradient function: the spike's forward pass is Heaviside(x) (fires at x >= 0);
 * backward uses `derivative(x)`, the derivative of the smooth `primitive(x)`.
 */
export interface SurrogateFunction {
  /** Registry id, e.g. `neurons/sigmoid`. */
  readonly id: string;
  /** The hyper-parameter values in use (e.g. `{ alpha: 4 }`). */
  readonly params: Readonly<Record<string, number>>;
  /** The smooth function whose derivative is the surrogate gradient (tf ops, element-wise). */
  primitive(x: Tensor): Tensor;
  /** The surrogate gradient d primitive / dx (tf ops, element-wise). */
  derivative(x: Tensor): Tensor;
}

export const SurrogateDescriptor = Symbol.for('@spikeflow/core/SurrogateDescriptor');
export interface SurrogateDescriptor<TOptions = Record<string, number>> extends Descriptor<TOptions> {
  create(options: TOptions): SurrogateFunction;
}

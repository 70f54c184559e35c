import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
}

/**
 * SGD with momentum, as `torch.optim.SGD`: `g += wd·p; b = μ·b + (1 − τ)·g` (b = g on the first
 * step); `p −= lr · (nesterov ? g + μ·b : b)`.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Array<[string, tf.Variable]>, options: SGDOptions) {
    super(params, options.lr, 'sgd');
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (this.momentum < 0 || this.weightDecay < 0) throw new SpikeflowError('invalid-options', 'sgd: momentum and weightDecay must be >= 0');
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new SpikeflowError('invalid-options', 'sgd: nesterov needs momentum > 0 and dampening 0');
  }

  protected update(name: string, p: tf.Variable, grad: Tensor): void {
    let g = this.weightDecay ? tf.add(grad, tf.mul(p, this.weightDecay)) : grad;
    if (this.momentum) {
      const fresh = !this.slots.has(`${name}.momentum`);
      const buf = this.slot(name, 'momentum', p);
      const next = fresh ? g : tf.add(tf.mul(buf, this.momentum), tf.mul(g, 1 - this.dampening));
      buf.assign(next);
      g = this.nesterov ? tf.add(g, tf.mul(next, this.momentum)) : next;
    }
    p.assign(tf.sub(p, tf.mul(g, this.lr)));
  }

  protected hyper() {
    return { momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }
}

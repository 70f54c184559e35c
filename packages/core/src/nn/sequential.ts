import type { Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Module } from './module.js';

/**
 * A chain of modules applied in order, as `torch.nn.Sequential`. Children are named `'0'`,
 * `'1'`, ... so parameter names (`0.weight`, `1.running_mean`) line up with PyTorch state dicts.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Flatten(), new Linear(784, 10));
 * const y = net.forward(x); // x [T, B, 28, 28, 1] -> y [T, B, 10]
 * ```
 */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Add a module at the end (named by its index). */
  append(module: Module): this {
    if (!(module instanceof Module)) throw new SpikeflowError('invalid-options', `Sequential: item ${this.layers.length} is not a Module`);
    this.registerModule(String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.layers.length;
  }

  /** The module at `index` (negative counts from the end), or undefined. */
  at(index: number): Module | undefined {
    return this.layers.at(index);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }

  /** When the first layer can take the time-invariant input once, the rest runs on its output. */
  override forwardStatic(x: Tensor, timeSteps: number): Tensor | null {
    const [first, ...rest] = this.layers;
    const head = first?.forwardStatic(x, timeSteps) ?? null;
    if (!head) return null;
    let y = head;
    for (const m of rest) y = m.forward(y);
    return y;
  }
}

import type { Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Module } from './module.js';

/** A child name a Sequential accepts: an identifier, so it reads as one segment of a dotted path. */
const CHILD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A chain of modules applied in order, as `torch.nn.Sequential`. Children given as a list are
 * named `'0'`, `'1'`, ... (parameter names like `0.weight` line up with PyTorch state dicts);
 * children given as a record, or appended with a name, keep that name, so module paths read
 * `fc1.weight` and firing rates `lif1`. Index access works either way.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Flatten(), new Linear(784, 10));
 * const named = new Sequential({ flatten: new Flatten(), fc1: new Linear(784, 10) });
 * const y = named.forward(x); // x [T, B, 28, 28, 1] -> y [T, B, 10]
 * ```
 */
export class Sequential extends Module {
  private readonly layers: Module[] = [];
  private readonly names: string[] = [];

  constructor(...modules: Module[] | [Readonly<Record<string, Module>>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module) && Object.getPrototypeOf(first) === Object.prototype) {
      for (const [name, m] of Object.entries(first as Record<string, Module>)) this.append(m, name);
    } else for (const m of modules as Module[]) this.append(m);
  }

  /**
   * Add a module at the end, named `name` (an identifier, unique in this Sequential) or, without
   * one, by its index.
   */
  append(module: Module, name?: string): this {
    const index = this.layers.length;
    if (!(module instanceof Module)) throw new SpikeflowError('invalid-options', `Sequential: item ${name === undefined ? index : `'${name}'`} is not a Module`);
    if (name !== undefined) {
      if (typeof name !== 'string' || !CHILD_NAME.test(name)) {
        throw new SpikeflowError(
          'invalid-options',
          `Sequential: child name '${String(name)}' is not valid; expected an identifier (letters, digits, '_', not starting with a digit)`,
        );
      }
      if (this.names.includes(name))
        throw new SpikeflowError('duplicate-id', `Sequential: child name '${name}' is already used; expected unique names (have ${this.names.join(', ')})`);
    }
    const childName = name ?? String(index);
    this.registerModule(childName, module);
    this.layers.push(module);
    this.names.push(childName);
    return this;
  }

  /** The child named `name`, or undefined. */
  get(name: string): Module | undefined {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : this.layers[i];
  }

  /** Checkpoints written before Sequential children had names stored them by index. */
  protected override legacyChildName(name: string): string | undefined {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : String(i);
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

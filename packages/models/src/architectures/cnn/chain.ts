import { Module, type Tensor } from '@spikeflow/core';

/**
 * Named modules applied in order: a Sequential whose children keep meaningful names (`conv1`,
 * `layer1`, `fc`), so parameter names line up with torchvision/SpikingJelly state dicts
 * (`layer1.0.conv1.weight`) instead of indices.
 *
 * @example
 * ```ts
 * const net = new Chain([['conv', new Conv2d(3, 8, 3)], ['bn', new BatchNorm2d(8)]]);
 * net.namedParameters().map(([n]) => n); // ['conv.weight', 'conv.bias', 'bn.weight', 'bn.bias']
 * ```
 */
export class Chain extends Module {
  private readonly steps: Module[] = [];

  constructor(entries: ReadonlyArray<readonly [string, Module]>) {
    super();
    for (const [name, m] of entries) this.steps.push(this.registerModule(name, m));
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.steps) y = m.forward(y);
    return y;
  }

  /** As Sequential: when the first step takes a time-invariant input once, the rest runs on its output. */
  override forwardStatic(x: Tensor, timeSteps: number): Tensor | null {
    const [first, ...rest] = this.steps;
    const head = first?.forwardStatic(x, timeSteps) ?? null;
    if (!head) return null;
    let y = head;
    for (const m of rest) y = m.forward(y);
    return y;
  }
}

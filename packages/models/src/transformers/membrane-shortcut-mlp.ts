import { BatchNorm2d, Linear, Module, Sequential, tf, type NeuronFactory, type NeuronModule, type Tensor } from '@spikeflow/core';

/**
 * The MLP branch of a membrane-shortcut (MS) block, shortcut included:
 * `Y = X + BN(Linear(SN(H)))` with `H = BN(Linear(SN(X)))` — each layer starts with a neuron and
 * ends in batch norm, so the residual stream carries membrane-potential-domain values and every
 * matrix product takes binary spikes. When hidden == dim the reference code also adds X to H
 * (`H ← X + H`, and that sum becomes the outer shortcut); this is kept.
 *
 * @example
 * ```ts
 * const mlp = new MembraneShortcutMlp(512, 2048, sf.neuronFactory({ id: 'lif' }));
 * const y = mlp.forward(x); // x [T, B, 8, 8, 512], shortcut included
 * ```
 */
export class MembraneShortcutMlp extends Module {
  readonly fc1Neuron: NeuronModule;
  readonly fc1: Sequential;
  readonly fc2Neuron: NeuronModule;
  readonly fc2: Sequential;

  constructor(
    readonly dim: number,
    readonly hidden: number,
    neuron: NeuronFactory,
    name = '',
  ) {
    super();
    const n = name ? `${name}.` : '';
    this.fc1Neuron = this.registerModule('fc1_neuron', neuron(`${n}fc1`));
    this.fc1 = this.registerModule('fc1', new Sequential(new Linear(dim, hidden), new BatchNorm2d(hidden)));
    this.fc2Neuron = this.registerModule('fc2_neuron', neuron(`${n}fc2`));
    this.fc2 = this.registerModule('fc2', new Sequential(new Linear(hidden, dim), new BatchNorm2d(dim)));
  }

  override forward(x: Tensor): Tensor {
    let identity = x;
    let h = this.fc1.forward(this.fc1Neuron.forward(x));
    if (this.hidden === this.dim) {
      h = tf.add(identity, h);
      identity = h;
    }
    return tf.add(identity, this.fc2.forward(this.fc2Neuron.forward(h)));
  }
}

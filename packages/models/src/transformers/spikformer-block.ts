import { BatchNorm2d, Linear, Module, Sequential, tf, type NeuronFactory, type Tensor } from '@spikeflow/core';
import { SpikingSelfAttention, type SpikingSelfAttentionOptions } from './spiking-self-attention.js';

export interface SpikformerBlockOptions extends SpikingSelfAttentionOptions {
  /** MLP hidden width as a multiple of dim (default 4). */
  readonly mlpRatio?: number;
}

/**
 * Spikformer's encoder block: `X' = X + SSA(X)`, `Y = X' + MLP(X')`, with the MLP
 * `SN(BN(Linear(SN(BN(Linear(X'))))))` (hidden width dim·mlpRatio, biased linears as in the
 * reference code). Both branches end in neurons, so the shortcuts add spikes (integer-valued sums).
 *
 * @example
 * ```ts
 * const block = new SpikformerBlock(384, sf.neuronFactory({ id: 'lif' }), { heads: 12 });
 * ```
 */
export class SpikformerBlock extends Module {
  readonly attn: SpikingSelfAttention;
  readonly mlp: Sequential;

  constructor(
    readonly dim: number,
    neuron: NeuronFactory,
    options: SpikformerBlockOptions = {},
  ) {
    super();
    const hidden = Math.round(dim * (options.mlpRatio ?? 4));
    const n = options.name ? `${options.name}.` : '';
    this.attn = this.registerModule('attn', new SpikingSelfAttention(dim, neuron, { ...options, name: `${n}attn` }));
    this.mlp = this.registerModule(
      'mlp',
      new Sequential({
        fc1: new Linear(dim, hidden),
        bn1: new BatchNorm2d(hidden),
        lif1: neuron(`${n}mlp.fc1`),
        fc2: new Linear(hidden, dim),
        bn2: new BatchNorm2d(dim),
        lif2: neuron(`${n}mlp.fc2`),
      }),
    );
  }

  override forward(x: Tensor): Tensor {
    const y = tf.add(x, this.attn.forward(x));
    return tf.add(y, this.mlp.forward(y));
  }
}

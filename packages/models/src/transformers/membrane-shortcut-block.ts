import { Module, tf, type NeuronFactory, type Tensor } from '@spikeflow/core';
import { MembraneShortcutMlp } from './membrane-shortcut-mlp.js';
import { SpikeDrivenSelfAttention, type SpikeDrivenSelfAttentionOptions } from './spike-driven-self-attention.js';

export interface MembraneShortcutBlockOptions extends Omit<SpikeDrivenSelfAttentionOptions, 'leadingNeuron'> {
  /** MLP hidden width as a multiple of dim (default 4). */
  readonly mlpRatio?: number;
}

/**
 * The Spike-driven Transformer's encoder block with membrane shortcuts:
 * `X' = X + SDSA-branch(X)`, `Y = X' + MLP-branch(X')`, where each branch starts with a neuron
 * and ends in batch norm ({@link SpikeDrivenSelfAttention}, {@link MembraneShortcutMlp}). The
 * shortcuts add membrane-domain values, so only binary spikes enter every product (the residual
 * additions happen before the neurons, not after them as in Spikformer).
 *
 * @example
 * ```ts
 * const block = new MembraneShortcutBlock(512, sf.neuronFactory({ id: 'lif' }), { heads: 8 });
 * const y = block.forward(x); // x [T, B, 8, 8, 512] membrane-domain in and out
 * ```
 */
export class MembraneShortcutBlock extends Module {
  readonly attn: SpikeDrivenSelfAttention;
  readonly mlp: MembraneShortcutMlp;

  constructor(
    readonly dim: number,
    neuron: NeuronFactory,
    options: MembraneShortcutBlockOptions = {},
  ) {
    super();
    this.attn = this.registerModule('attn', new SpikeDrivenSelfAttention(dim, neuron, { ...options, leadingNeuron: true, name: options.name ? `${options.name}.attn` : 'attn' }));
    this.mlp = this.registerModule('mlp', new MembraneShortcutMlp(dim, Math.round(dim * (options.mlpRatio ?? 4)), neuron, options.name ? `${options.name}.mlp` : 'mlp'));
  }

  override forward(x: Tensor): Tensor {
    return this.mlp.forward(tf.add(x, this.attn.forward(x)));
  }
}

import { SpikeflowError, tf, type NeuronFactory, type Tensor } from '@spikeflow/core';
import { attentionHeads, QkvAttention, spikingLinear } from './attention-parts.js';
import type { AttentionOp } from './op-rates.js';
import { ThresholdScaledNeuron } from './threshold-scaled-neuron.js';

export interface SpikingSelfAttentionOptions {
  /** Number of heads; must divide `dim`. Default 8. */
  readonly heads?: number;
  /** Scale s of `Q·Kᵀ·V·s` (Spikformer uses 0.125 for every model size). */
  readonly scale?: number;
  /** Threshold of the attention neuron relative to the factory neuron's V_th (paper: 0.5), see {@link ThresholdScaledNeuron}. */
  readonly attnThreshold?: number;
  /** Bias in the Q, K, V linears (Spikformer's CIFAR code: true, `nn.Linear`'s default). */
  readonly qkvBias?: boolean;
  /** Prefix of the names handed to the neuron factory. */
  readonly name?: string;
}

/**
 * Spiking self-attention (SSA) of Spikformer (Zhou et al., ICLR 2023), on NHWC token maps
 * `[T, B, H, W, C]` (the N = H·W tokens; a token sequence is `[T, B, N, 1, C]`):
 *
 * - `Q = SN(BN(X·W_q))`, `K = SN(BN(X·W_k))`, `V = SN(BN(X·W_v))` — binary spike maps, split
 *   into `heads` heads of d = C / heads channels;
 * - per head `SSA'(Q, K, V) = SN_attn(Q·Kᵀ·V·s)` — no softmax: Q and K are non-negative so
 *   the attention map needs none; s (0.125) keeps the membrane input small; SN_attn fires at
 *   V_th = 0.5 in the paper (`attnThreshold`);
 * - output `SN(BN(SSA'·W_proj + b))`.
 *
 * Linears over the channel axis are Spikformer's per-token linears (1×1 convolutions); the
 * batch norms normalise each channel over T·B·H·W, as BatchNorm1d over `[TB, C, N]` does.
 *
 * @example
 * ```ts
 * const ssa = new SpikingSelfAttention(384, sf.neuronFactory({ id: 'lif' }), { heads: 12 });
 * const y = ssa.forward(x); // x [T, B, 8, 8, 384] -> spikes [T, B, 8, 8, 384]
 * ```
 */
export class SpikingSelfAttention extends QkvAttention {
  readonly scale: number;

  constructor(dim: number, neuron: NeuronFactory, options: SpikingSelfAttentionOptions = {}) {
    const heads = attentionHeads('SpikingSelfAttention', dim, options.heads);
    const n = options.name ? `${options.name}.` : '';
    const qkvBias = options.qkvBias ?? true;
    super(dim, heads, {
      q: spikingLinear(dim, qkvBias, neuron, `${n}q`),
      k: spikingLinear(dim, qkvBias, neuron, `${n}k`),
      v: spikingLinear(dim, qkvBias, neuron, `${n}v`),
      attn: new ThresholdScaledNeuron(neuron(`${n}attn`), options.attnThreshold ?? 0.5),
      proj: spikingLinear(dim, true, neuron, `${n}proj`),
    });
    this.scale = options.scale ?? 0.125;
  }

  /**
   * The attention product alone, `Q·Kᵀ·V·s` per head, on `[T, B, H, W, C]` maps (no neurons):
   * what the attention neuron integrates.
   */
  static attend(q: Tensor, k: Tensor, v: Tensor, heads: number, scale: number): Tensor {
    checkTokens('SpikingSelfAttention.attend', q, q.shape[4]!);
    const [T, B, H, W, C] = q.shape as [number, number, number, number, number];
    const d = C / heads;
    const split = (x: Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [T * B, H * W, heads, d]), [0, 2, 1, 3]), [T * B * heads, H * W, d]) as tf.Tensor3D;
    const qh = split(q);
    const attn = tf.matMul(qh, split(k), false, true); // [TBh, N, N]: integer overlap counts
    const y = tf.mul(tf.matMul(attn, split(v)), scale);
    return tf.reshape(tf.transpose(tf.reshape(y, [T * B, heads, H * W, d]), [0, 2, 1, 3]), [T, B, H, W, C]);
  }

  override forward(x: Tensor): Tensor {
    checkTokens(this.describe(), x, this.dim);
    const q = this.q.forward(x);
    const k = this.k.forward(x);
    const v = this.v.forward(x);
    this.rates.record('q', q);
    this.rates.record('v', v);
    const a = this.attnNeuron.forward(SpikingSelfAttention.attend(q, k, v, this.heads, this.scale));
    this.rates.record('attn', a);
    return this.proj.forward(a);
  }

  /**
   * The products of the attention itself, per sample per time step, for energy estimates; the
   * Q/K/V/projection linears are child `Linear` modules and counted by the meter's own rules.
   * With N tokens and C channels: `q·kᵀ` N·N·C MACs (spike operand Q) and `(q·kᵀ)·v` N·N·C MACs
   * (spike operand V; the attention map holds integers). Rates come from the last forward pass.
   */
  countOps(input: Tensor, output: Tensor): AttentionOp[] {
    void output;
    checkTokens(this.describe(), input, this.dim);
    const n = input.shape[2]! * input.shape[3]!;
    return [
      { name: 'q·kᵀ', macs: n * n * this.dim, inputRate: this.rates.read('q') },
      { name: '(q·kᵀ)·v', macs: n * n * this.dim, inputRate: this.rates.read('v') },
    ];
  }

  override describe(): string {
    return `SpikingSelfAttention(${this.dim}, heads=${this.heads}, scale=${this.scale})`;
  }
}

/** Attention modules take NHWC token maps `[T, B, H, W, C]`. */
export function checkTokens(owner: string, x: Tensor, dim: number): void {
  if (x.rank !== 5 || x.shape[4] !== dim) {
    throw new SpikeflowError('shape-mismatch', `${owner}: expected a token map [T, B, H, W, ${dim}] (a sequence as [T, B, N, 1, ${dim}]), got [${x.shape}]`);
  }
}

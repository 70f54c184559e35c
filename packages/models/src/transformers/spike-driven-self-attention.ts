import { BatchNorm2d, Linear, Sequential, SpikeflowError, tf, type NeuronFactory, type NeuronModule, type Tensor } from '@spikeflow/core';
import { attentionHeads, QkvAttention, spikingLinear } from './attention-parts.js';
import type { AttentionOp } from './op-rates.js';
import { checkTokens } from './spiking-self-attention.js';
import { ThresholdScaledNeuron } from './threshold-scaled-neuron.js';

/**
 * Which operands SDSA masks: `'qk-v'` is the paper's equation `g(Q, K) ⊗ V`; `'q-kv'` is the
 * official code's arrangement `Q ⊗ SN(SUM_c(K ⊗ V))` (the same operator with Q and V swapped).
 */
export type SdsaForm = 'qk-v' | 'q-kv';

export interface SpikeDrivenSelfAttentionOptions {
  /** Heads (only reshape the channels in the official code: SDSA acts per channel, so they change nothing). Default 8. */
  readonly heads?: number;
  /** Threshold of the neuron on the column sums relative to the factory neuron's V_th (paper: 0.5). */
  readonly attnThreshold?: number;
  /** Operand arrangement, default the paper's `'qk-v'`. */
  readonly form?: SdsaForm;
  /** A neuron before Q, K, V (membrane shortcut: the branch input is a membrane potential). Default true. */
  readonly leadingNeuron?: boolean;
  /** Bias in the Q, K, V linears (official code: false). */
  readonly qkvBias?: boolean;
  /** Prefix of the names handed to the neuron factory. */
  readonly name?: string;
}

/**
 * Spike-driven self-attention (SDSA) of the Spike-driven Transformer (Yao et al., NeurIPS 2023),
 * as the attention branch of a membrane-shortcut block, on NHWC token maps `[T, B, H, W, C]`:
 *
 * - `S = SN(X)` (leading neuron: X is a membrane-domain value from the residual stream);
 * - `Q = SN(BN(S·W_q))`, `K = SN(BN(S·W_k))`, `V = SN(BN(S·W_v))` — binary, `N × C` per sample and step;
 * - `g(Q, K) = SN_θ(SUM_c(Q ⊗ K))`: the Hadamard product (a mask: Q AND K) summed over the N
 *   tokens of each channel (the column sums of the N × C matrix), fired by a neuron at θ = 0.5,
 *   giving a binary `1 × C` vector;
 * - `SDSA(Q, K, V) = g(Q, K) ⊗ V` (broadcast over tokens): masking V's columns. There is no matrix
 *   product of two spike matrices, only masks and additions, and the cost is linear in N and C;
 * - output `BN(SDSA·W_proj + b)`, membrane domain (no neuron: the block adds it to its input).
 *
 * @example
 * ```ts
 * const sdsa = new SpikeDrivenSelfAttention(512, sf.neuronFactory({ id: 'lif' }));
 * const y = tf.add(x, sdsa.forward(x)); // membrane shortcut, x [T, B, 8, 8, 512]
 * ```
 */
export class SpikeDrivenSelfAttention extends QkvAttention {
  readonly shortcutNeuron: NeuronModule | null;
  readonly form: SdsaForm;

  constructor(dim: number, neuron: NeuronFactory, options: SpikeDrivenSelfAttentionOptions = {}) {
    const heads = attentionHeads('SpikeDrivenSelfAttention', dim, options.heads);
    const form = options.form ?? 'qk-v';
    if (form !== 'qk-v' && form !== 'q-kv') throw new SpikeflowError('invalid-options', `SpikeDrivenSelfAttention: form must be 'qk-v' or 'q-kv', got '${String(form)}'`);
    const n = options.name ? `${options.name}.` : '';
    const shortcut = (options.leadingNeuron ?? true) ? neuron(`${n}shortcut`) : null;
    const qkvBias = options.qkvBias ?? false;
    super(dim, heads, {
      shortcut,
      q: spikingLinear(dim, qkvBias, neuron, `${n}q`),
      k: spikingLinear(dim, qkvBias, neuron, `${n}k`),
      v: spikingLinear(dim, qkvBias, neuron, `${n}v`),
      attn: new ThresholdScaledNeuron(neuron(`${n}attn`), options.attnThreshold ?? 0.5),
      proj: new Sequential({ linear: new Linear(dim, dim), bn: new BatchNorm2d(dim) }),
    });
    this.shortcutNeuron = shortcut;
    this.form = form;
  }

  /** `SUM_c(a ⊗ b)`: per channel, the sum over the H·W tokens of the elementwise product; `[T, B, 1, 1, C]`. */
  static columnSum(a: Tensor, b: Tensor): Tensor {
    return tf.sum(tf.mul(a, b), [2, 3], true);
  }

  override forward(x: Tensor): Tensor {
    checkTokens(this.describe(), x, this.dim);
    const s = this.shortcutNeuron ? this.shortcutNeuron.forward(x) : x;
    const q = this.q.forward(s);
    const k = this.k.forward(s);
    const v = this.v.forward(s);
    // 'qk-v': g(Q, K) ⊗ V; 'q-kv': Q ⊗ SN(SUM_c(K ⊗ V)).
    const [a, b, masked] = this.form === 'qk-v' ? [q, k, v] : [k, v, q];
    const g = this.attnNeuron.forward(SpikeDrivenSelfAttention.columnSum(a, b));
    this.rates.record('first', a);
    this.rates.record('g', g);
    return this.proj.forward(tf.mul(g, masked));
  }

  /**
   * The attention's own operations per sample per time step (the linears are child modules,
   * counted by the meter's own rules), with N tokens and C channels: the mask-and-add `SUM_c(Q ⊗ K)`,
   * N·C accumulations (spike operand Q, or K in the `'q-kv'` form), and the mask `g ⊗ V`, N·C
   * (spike operand g). Neither multiplies: an event-driven chip spends an addition (first) or a
   * gate (second) per operand spike. Rates come from the last forward pass.
   */
  countOps(input: Tensor, output: Tensor): AttentionOp[] {
    void output;
    checkTokens(this.describe(), input, this.dim);
    const nc = input.shape[2]! * input.shape[3]! * this.dim;
    const [first, second] = this.form === 'qk-v' ? ['q⊗k', 'g⊗v'] : ['k⊗v', 'q⊗g'];
    return [
      { name: `sum_c(${first})`, macs: nc, inputRate: this.rates.read('first') },
      { name: second, macs: nc, inputRate: this.rates.read('g') },
    ];
  }

  override describe(): string {
    return `SpikeDrivenSelfAttention(${this.dim}, heads=${this.heads}, form=${this.form})`;
  }
}

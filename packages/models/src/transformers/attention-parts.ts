// What both attention modules are made of (internal: not exported from the package).
import { BatchNorm2d, Linear, Module, Sequential, SpikeflowError, type NeuronFactory, type NeuronModule } from '@spikeflow/core';
import { OpRates } from './op-rates.js';
import type { ThresholdScaledNeuron } from './threshold-scaled-neuron.js';

/** The head count (default 8), checked: a positive integer dividing `dim`. */
export function attentionHeads(owner: string, dim: number, heads = 8): number {
  if (!Number.isInteger(heads) || heads < 1 || dim % heads !== 0) {
    throw new SpikeflowError('invalid-options', `${owner}: heads must be a positive integer dividing dim ${dim}, got ${heads}`);
  }
  return heads;
}

/**
 * A per-token linear, its batch norm and a neuron named `name` (children `linear`, `bn`, `lif`),
 * made in that order so the weight draws do not move: a Q, K or V branch, or Spikformer's projection.
 */
export function spikingLinear(dim: number, bias: boolean, neuron: NeuronFactory, name: string): Sequential {
  return new Sequential({ linear: new Linear(dim, dim, { bias }), bn: new BatchNorm2d(dim), lif: neuron(name) });
}

/** The children of a Q/K/V attention, made by the subclass in its own order (weight draws follow it). */
export interface AttentionParts {
  /** A neuron before the branches (SDSA's membrane shortcut), registered first as `shortcut`. */
  readonly shortcut?: NeuronModule | null;
  readonly q: Sequential;
  readonly k: Sequential;
  readonly v: Sequential;
  readonly attn: ThresholdScaledNeuron;
  readonly proj: Sequential;
}

/**
 * The shape both spiking attentions share: spiking Q, K and V branches, a neuron on the attention
 * (`attn`), a projection (`proj`), and the operand firing rates of the last pass for `countOps`.
 */
export abstract class QkvAttention extends Module {
  readonly q: Sequential;
  readonly k: Sequential;
  readonly v: Sequential;
  readonly attnNeuron: ThresholdScaledNeuron;
  readonly proj: Sequential;
  /** Firing rates of the spike operands seen in the last forward pass. */
  protected readonly rates = new OpRates();

  constructor(
    readonly dim: number,
    readonly heads: number,
    parts: AttentionParts,
  ) {
    super();
    if (parts.shortcut) this.registerModule('shortcut', parts.shortcut);
    this.q = this.registerModule('q', parts.q);
    this.k = this.registerModule('k', parts.k);
    this.v = this.registerModule('v', parts.v);
    this.attnNeuron = this.registerModule('attn', parts.attn);
    this.proj = this.registerModule('proj', parts.proj);
  }

  override dispose(): void {
    this.rates.dispose();
    super.dispose();
  }
}

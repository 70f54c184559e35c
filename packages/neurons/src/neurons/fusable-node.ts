// What IF, LIF and PLIF share: the `fused` option (multi-step through the fused op where it is used
// today), the learnable threshold, and a `describe()` that tags it.
import { BaseNode, type Tensor } from '@spikeflow/core';
import { fusedMultiStep, type FusedNeuronParams } from '../fused/multi-step-node.js';
import { fusedByDefault } from '../fused/fused-forward.js';
import { initialThreshold, thresholdTag, type LearnableThresholdOptions } from './learnable-threshold.js';
import { baseNodeOptions, describeNode, type NodeConstructorOptions } from './node-options.js';

/** Constructor options every fusable node takes. */
export type FusableNodeOptions = NodeConstructorOptions &
  LearnableThresholdOptions & {
    /** Run multi-step `forward` as one fused op (default: where it is faster, see `fusedByDefault`); `false` uses the composed tf ops. */
    readonly fused?: boolean;
  };

/** The model-specific part of {@link FusedNeuronParams}. */
type FusedModel = FusedNeuronParams extends infer P ? (P extends FusedNeuronParams ? Omit<P, 'vThreshold' | 'vReset' | 'detachReset' | 'surrogate'> : never) : never;

/**
 * A charge–fire–reset node whose multi-step forward can run as one fused op. With a learnable
 * threshold it takes the composed path whatever `fused` says: the fused op has no gradient for V_th.
 */
export abstract class FusableNode extends BaseNode {
  /** Fused multi-step op: true/false, or undefined to choose by backend ({@link fusedByDefault}). */
  readonly fused: boolean | undefined;

  constructor(options: FusableNodeOptions) {
    super(baseNodeOptions(options));
    this.fused = options.fused;
  }

  /** Register the learnable threshold the options ask for (call last, so parameter order stays stable). */
  protected setUpThreshold(owner: string, options: LearnableThresholdOptions): void {
    const threshold = initialThreshold(owner, this.vThreshold, options);
    if (threshold) this.learnThreshold(threshold);
  }

  /** The model part of the fused op's parameters. */
  protected abstract fusedModel(): FusedModel;

  protected override multiStep(xSeq: Tensor): Tensor {
    if (this.threshold || !(this.fused ?? fusedByDefault())) return super.multiStep(xSeq);
    const params = { ...this.fusedModel(), vThreshold: this.vThreshold, vReset: this.vReset, detachReset: this.detachReset, surrogate: this.surrogate } as FusedNeuronParams;
    return fusedMultiStep(xSeq, params);
  }

  /** `describeNode` with the learnable-threshold tag after `leading`. */
  protected describeAs(name: string, leading: readonly string[] = []): string {
    return describeNode(name, this, [...leading, ...thresholdTag(this.threshold)]);
  }
}

import { SpikeflowError, detach, spike, tf, type NeuronTransition, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { describeNode, lifOptionShape, lifParams, neuronDescriptor, type NeuronDescriptorOptions, spikingNodeOptionsShape } from './node-options.js';
import { LIFChargeNode, type LIFChargeNodeOptions } from './lif-charge-node.js';

/** Constructor options of {@link ALIFNode}. */
export type ALIFNodeOptions = LIFChargeNodeOptions & {
  /** Initial adaptation decay ρ₀ in (0, 1) (default 0.9): the fraction of `a` kept per step. */
  readonly initRho?: number;
  /** Initial adaptation strength β₀ > 0 (default 0.1; ≥ 0 when frozen): threshold added per unit of `a`. */
  readonly initBeta?: number;
  /** Learn ρ (default true); false keeps ρ₀ fixed. */
  readonly learnRho?: boolean;
  /** Learn β (default true); false keeps β₀ fixed. */
  readonly learnBeta?: boolean;
};

/** ALIF's state: the membrane potential `v` and the adaptation `a`. */
type ALIFState = { readonly v: Tensor; readonly a: Tensor };

const logit = (p: number): number => Math.log(p / (1 - p));
/** softplus⁻¹(y) = ln(eʸ − 1), written to stay exact for large y. */
const inverseSoftplus = (y: number): number => y + Math.log(-Math.expm1(-y));

/**
 * Adaptive LIF (ALIF): an LIF neuron whose threshold rises with its own recent spikes, the
 * adaptation of Bellec et al. 2018 (LSNN) in the unnormalised form snnTorch and Yin et al. also use
 * (the spike enters `a` with weight 1, not `1 − ρ`). One step, in this order:
 *
 * ```
 * a[t] = ρ·a[t−1] + S[t−1]                  a[0] = 0 (no spike before the first step)
 * θ[t] = V_th + β·a[t]
 * H[t] = V[t−1] + (X[t] − (V[t−1] − V_reset))/τ     (decayInput; else V − (V − V_reset)/τ + X)
 * S[t] = Θ(H[t] − θ[t])
 * V[t] = S·V_reset + (1 − S)·H              hard reset (default)
 * V[t] = H − S·θ[t]                         soft reset (vReset: null) subtracts the adapted threshold
 * ```
 *
 * ρ and β are learnable layer scalars: `ρ = sigmoid(r)` (parameter `rho`, so 0 < ρ < 1 whatever
 * the optimiser does) and `β = softplus(b)` (parameter `beta`, so β > 0). `learnRho: false` /
 * `learnBeta: false` freeze them (β₀ = 0 then gives plain LIF). Defaults: τ = 2, ρ₀ = 0.9,
 * β₀ = 0.1, V_th = 1, V_reset = 0. BPTT runs through both `V` and `a`; `detachReset` detaches the
 * spike in the voltage reset only. Multi-step `forward` starts from rest (`V = V_reset`, `a = 0`);
 * `step()` keeps `v` and `adaptation` until `resetState()`.
 *
 * @example
 * ```ts
 * const alif = new ALIFNode({ tau: 2, initRho: 0.9, initBeta: 0.2, surrogate: atan() });
 * const spikes = alif.forward(tf.ones([8, 2, 10])); // [T, B, ...]
 * ```
 */
export class ALIFNode extends LIFChargeNode<ALIFState> {
  /** Raw parameter `rho` (ρ = sigmoid(rho)), or null when ρ is frozen. */
  readonly rhoParam: Variable | null;
  /** Raw parameter `beta` (β = softplus(beta)), or null when β is frozen. */
  readonly betaParam: Variable | null;
  private readonly fixedRho: number;
  private readonly fixedBeta: number;

  constructor(options: ALIFNodeOptions = {}) {
    super('ALIFNode', options);
    const learnRho = options.learnRho ?? true;
    const learnBeta = options.learnBeta ?? true;
    this.fixedRho = options.initRho ?? 0.9;
    this.fixedBeta = options.initBeta ?? 0.1;
    if (!(this.fixedRho > 0 && this.fixedRho < 1))
      throw new SpikeflowError('invalid-options', `ALIFNode: initRho must be in (0, 1) (the fraction of the adaptation kept per step), got ${this.fixedRho}`, {
        option: 'initRho',
      });
    if (!(learnBeta ? this.fixedBeta > 0 : this.fixedBeta >= 0) || !Number.isFinite(this.fixedBeta)) {
      throw new SpikeflowError('invalid-options', `ALIFNode: initBeta must be ${learnBeta ? '> 0 when learned (β = softplus(b))' : '≥ 0'}, got ${this.fixedBeta}`, {
        option: 'initBeta',
      });
    }
    this.rhoParam = learnRho ? this.registerParameter('rho', tf.scalar(logit(this.fixedRho))) : null;
    this.betaParam = learnBeta ? this.registerParameter('beta', tf.scalar(inverseSoftplus(this.fixedBeta))) : null;
    this.registerState('a', 0);
  }

  /** Adaptation variable a[t + 1] after the last single step (single-step mode only), else null. */
  get adaptation(): Tensor | null {
    return this.stateOf('a');
  }

  /** The current ρ (reads the parameter). */
  get rho(): number {
    return this.rhoParam ? 1 / (1 + Math.exp(-this.rhoParam.dataSync()[0])) : this.fixedRho;
  }

  /** The current β (reads the parameter). */
  get beta(): number {
    return this.betaParam ? Math.log1p(Math.exp(this.betaParam.dataSync()[0])) : this.fixedBeta;
  }

  private rhoTensor(): Tensor {
    return this.rhoParam ? tf.sigmoid(this.rhoParam) : tf.scalar(this.fixedRho);
  }

  private betaTensor(): Tensor {
    return this.betaParam ? tf.softplus(this.betaParam) : tf.scalar(this.fixedBeta);
  }

  /**
   * One time step from input `x`, voltage `v` and adaptation `a` (= a[t], already holding
   * S[t−1]): the spikes, the new voltage and a[t + 1] = ρ·a[t] + S[t].
   */
  override transition(x: Tensor, { v, a }: ALIFState): NeuronTransition<ALIFState> {
    const theta = tf.add(tf.mul(this.betaTensor(), a), this.vThreshold);
    const h = this.neuronalCharge(x, v);
    const spikes = spike(tf.sub(h, theta), this.surrogate);
    const sr = this.detachReset ? detach(spikes) : spikes;
    const vNext = this.vReset === null ? tf.sub(h, tf.mul(sr, theta)) : tf.add(tf.mul(sr, this.vReset), tf.mul(tf.sub(1, sr), h));
    return { spikes, state: { v: vNext, a: tf.add(tf.mul(this.rhoTensor(), a), spikes) } };
  }

  /** {@link transition} with the states as arguments. */
  alifStep(x: Tensor, v: Tensor, a: Tensor): { spikes: Tensor; v: Tensor; a: Tensor } {
    const { spikes, state } = this.transition(x, { v, a });
    return { spikes, ...state };
  }

  override describe(): string {
    const leading = lifParams(this.tau, this.decayInput, { rho: this.rho, beta: this.beta });
    if (!this.rhoParam) leading.push('learn_rho=false');
    if (!this.betaParam) leading.push('learn_beta=false');
    return describeNode('ALIFNode', this, leading);
  }
}

/** Registry entry `neurons/alif`. */
export const alifDescriptor = neuronDescriptor('alif', ALIFNode, {
  description: 'Adaptive LIF (Bellec et al. 2018): θ = V_th + β·a, a = ρ·a + S; learnable ρ = sigmoid(r), β = softplus(b)',
  options: {
    ...spikingNodeOptionsShape,
    ...lifOptionShape,
    initRho: z.number().gt(0).lt(1, 'initRho must be in (0, 1)').default(0.9),
    initBeta: z.number().min(0, 'initBeta must be ≥ 0').default(0.1),
    learnRho: z.boolean().default(true),
    learnBeta: z.boolean().default(true),
  },
});

/** Validated options of the `alif` descriptor. */
export type ALIFDescriptorOptions = NeuronDescriptorOptions<typeof alifDescriptor>;

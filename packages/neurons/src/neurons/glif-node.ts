import { SpikeflowError, StatefulNeuron, globalRng, spike, tf, type NeuronTransition, type SurrogateFunction, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { sigmoid } from '../surrogates/sigmoid.js';
import { describeWithSurrogate, formatNumber, neuronDescriptor, type NeuronDescriptorOptions, surrogateOptionShape } from './node-options.js';

/** Constructor options of {@link GLIFNode}. */
export interface GLIFNodeOptions {
  /** Number of time steps T (the conductance has one value per step); inputs must have this T. */
  readonly timeSteps: number;
  /** Channel-wise parameters over the last axis (NHWC) with this many channels; unset = one per layer. */
  readonly channels?: number;
  /** Initial membrane decay factor τ in (0, 1) (default 0.25, SpikingJelly's `init_tau`). */
  readonly initTau?: number;
  /** Initial threshold V_th in (0, 1) (default 0.5). */
  readonly initVThreshold?: number;
  /** Initial linear leak V_L in (0, 1) (default V_th / (2T)). */
  readonly initLinearDecay?: number;
  /** Initial soft-reset amount V_R in (0, 1) (default V_th). */
  readonly initVSubreset?: number;
  /** Initial conductance G in (0, 1) for every step (default 0.5). */
  readonly initConduct?: number;
  /** Surrogate gradient (default sigmoid, α = 4). */
  readonly surrogate?: SurrogateFunction;
}

/** GLIF's state: the membrane `u` and the last step's spike `s` (reset inside the next step). */
type GLIFState = { readonly u: Tensor; readonly s: Tensor };

const logit = (p: number): number => Math.log(p / (1 - p));

function unitInterval(option: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new SpikeflowError('invalid-options', `GLIFNode: ${option} must be in (0, 1) (it is stored as sigmoid⁻¹ of itself), got ${value}`, { option, value });
  }
  return value;
}

/**
 * GLIF, the gated LIF neuron of Yao et al. 2022 ("GLIF: A Unified Gated Leaky Integrate-and-Fire
 * Neuron for Spiking Neural Networks"), as SpikingJelly's `GatedLIFNode`. Three learnable gates
 * mix two variants of each mechanism — α: exponential vs linear leak, β: conductance-scaled vs
 * plain integration, γ: hard (multiplicative) vs soft (subtractive) reset — and every membrane
 * quantity is learned too. All are sigmoids of raw parameters, so each stays in (0, 1):
 *
 * ```
 * α, β, γ = σ(alpha), σ(beta), σ(gamma)     τ = σ(tau), V_th = σ(vThreshold), V_L = σ(linearDecay),
 * V_R = σ(vSubreset), G[t] = σ(conduct[t])
 * I[t] = X[t]·(1 − β·(1 − G[t]))
 * U[t] = (1 − α(1 − τ))·U[t−1]·(1 − γ·S[t−1]) − (1 − α)·V_L + I[t] − (1 − γ)·V_R·S[t−1]
 * S[t] = Θ(U[t] − V_th)
 * ```
 *
 * The reset of spike S[t−1] is applied inside step t's update (as in the paper and SpikingJelly),
 * and U[0] = 0, S[0] = 0 at the start of every `forward`. With `channels` every parameter is a
 * vector over the last axis (`conduct` is `[T, C]`), else a scalar (`conduct` is `[T]`).
 * Parameters are registered as `alpha`, `beta`, `gamma`, `tau`, `vThreshold`, `linearDecay`,
 * `vSubreset`, `conduct`. Defaults as SpikingJelly: τ₀ = 0.25, V_th₀ = 0.5, V_L₀ = V_th₀/(2T),
 * V_R₀ = V_th₀, G₀ = 0.5; the raw gates start at `U(−0.1, 0.1)` drawn from the global seeded
 * generator (SpikingJelly: `0.2·(rand − 0.5)`). T is part of the model: multi-step inputs have T steps,
 * and single-step mode runs at most T steps between resets (state: `u` and the last spike `s`).
 *
 * @example
 * ```ts
 * const glif = new GLIFNode({ timeSteps: 4, channels: 16 });
 * const spikes = glif.forward(tf.zeros([4, 2, 8, 8, 16])); // [T, B, H, W, C]
 * ```
 */
export class GLIFNode extends StatefulNeuron<GLIFState> {
  readonly timeSteps: number;
  readonly channels: number | null;
  readonly surrogate: SurrogateFunction;
  readonly alpha: Variable;
  readonly beta: Variable;
  readonly gamma: Variable;
  readonly tau: Variable;
  readonly vThreshold: Variable;
  readonly linearDecay: Variable;
  readonly vSubreset: Variable;
  readonly conduct: Variable;

  constructor(options: GLIFNodeOptions) {
    super();
    const T = options?.timeSteps;
    if (typeof T !== 'number' || !Number.isInteger(T) || T < 1)
      throw new SpikeflowError('invalid-options', `GLIFNode: timeSteps must be a positive integer (the T of its inputs), got ${String(T)}`, { option: 'timeSteps' });
    const c = options.channels;
    if (c !== undefined && (!Number.isInteger(c) || c < 1))
      throw new SpikeflowError('invalid-options', `GLIFNode: channels must be a positive integer, got ${c}`, { option: 'channels' });
    this.timeSteps = T;
    this.channels = c ?? null;
    this.surrogate = options.surrogate ?? sigmoid();
    const vTh0 = unitInterval('initVThreshold', options.initVThreshold ?? 0.5);
    const tau0 = unitInterval('initTau', options.initTau ?? 0.25);
    const linear0 = unitInterval('initLinearDecay', options.initLinearDecay ?? vTh0 / (T * 2));
    const subreset0 = unitInterval('initVSubreset', options.initVSubreset ?? vTh0);
    const conduct0 = unitInterval('initConduct', options.initConduct ?? 0.5);
    const shape = c === undefined ? [] : [c];
    const rng = globalRng();
    const gate = () => {
      const size = shape.reduce((a, b) => a * b, 1);
      return tf.tensor(
        Float32Array.from({ length: size }, () => 0.2 * (rng.uniform() - 0.5)),
        shape,
      );
    };
    this.alpha = this.registerParameter('alpha', gate());
    this.beta = this.registerParameter('beta', gate());
    this.gamma = this.registerParameter('gamma', gate());
    this.tau = this.registerParameter('tau', tf.fill(shape, logit(tau0)));
    this.vThreshold = this.registerParameter('vThreshold', tf.fill(shape, logit(vTh0)));
    this.linearDecay = this.registerParameter('linearDecay', tf.fill(shape, logit(linear0)));
    this.vSubreset = this.registerParameter('vSubreset', tf.fill(shape, logit(subreset0)));
    this.conduct = this.registerParameter('conduct', tf.fill([T, ...shape], logit(conduct0)));
    this.registerState('u', 0);
    this.registerState('s', 0);
  }

  protected override checkSequence(xSeq: Tensor): void {
    if (xSeq.shape[0] !== this.timeSteps) {
      throw new SpikeflowError('shape-mismatch', `GLIFNode(T=${this.timeSteps}) expects a time-first input [${this.timeSteps}, B, ...], got shape [${xSeq.shape}]`, {
        expected: this.timeSteps,
        actual: [...xSeq.shape],
      });
    }
    this.checkChannels(xSeq);
  }

  protected override checkStep(x: Tensor, t: number): void {
    if (t >= this.timeSteps) {
      throw new SpikeflowError(
        'invalid-state',
        `GLIFNode(T=${this.timeSteps}) has run ${t} single steps, and its conductance has one value per step for ${this.timeSteps}: call resetNet(model) before the next sequence`,
      );
    }
    this.checkChannels(x);
  }

  private checkChannels(x: Tensor): void {
    if (this.channels !== null && x.shape[x.rank - 1] !== this.channels) {
      throw new SpikeflowError('shape-mismatch', `GLIFNode(channels=${this.channels}) expects inputs whose last axis is ${this.channels}, got shape [${x.shape}]`, {
        expected: this.channels,
        actual: [...x.shape],
      });
    }
  }

  /** Step t: the gated charge from U[t−1] and S[t−1] (their reset applied here), then the spike. */
  transition(x: Tensor, { u, s }: GLIFState, t: number): NeuronTransition<GLIFState> {
    const alpha = tf.sigmoid(this.alpha);
    const gamma = tf.sigmoid(this.gamma);
    const conduct = tf.sigmoid(tf.reshape(tf.slice(this.conduct, [t], [1]), this.conduct.shape.slice(1)));
    const input = tf.mul(x, tf.sub(1, tf.mul(tf.sigmoid(this.beta), tf.sub(1, conduct))));
    let kept = tf.mul(tf.sub(1, tf.mul(alpha, tf.sub(1, tf.sigmoid(this.tau)))), u); // (1 − α(1 − τ))·U
    // S[−1] = 0: the first step has no reset terms.
    if (t > 0) kept = tf.sub(kept, tf.mul(tf.mul(kept, gamma), s));
    let next = tf.add(tf.sub(kept, tf.mul(tf.sub(1, alpha), tf.sigmoid(this.linearDecay))), input); // − (1 − α)·V_L + I
    if (t > 0) next = tf.sub(next, tf.mul(tf.mul(tf.sub(1, gamma), tf.sigmoid(this.vSubreset)), s)); // − (1 − γ)·V_R·S
    const spikes = spike(tf.sub(next, tf.sigmoid(this.vThreshold)), this.surrogate);
    return { spikes, state: { u: next, s: spikes } };
  }

  override describe(): string {
    const channels = this.channels === null ? 'layer-wise' : `channels=${this.channels}`;
    return describeWithSurrogate('GLIFNode', [`T=${this.timeSteps}`, channels, `v_th=${formatNumber(1 / (1 + Math.exp(-this.vThreshold.dataSync()[0])))}`], this.surrogate);
  }
}

const unit = (name: string) => z.number().gt(0, `${name} must be in (0, 1)`).lt(1, `${name} must be in (0, 1)`);

/** Registry entry `neurons/glif`. */
export const glifDescriptor = neuronDescriptor('glif', GLIFNode, {
  description: 'Gated LIF (Yao et al. 2022, SpikingJelly GatedLIFNode): learnable sigmoid gates mixing leak, integration and reset; needs timeSteps',
  options: {
    timeSteps: z.number().int().positive(),
    channels: z.number().int().positive().optional(),
    initTau: unit('initTau').default(0.25),
    initVThreshold: unit('initVThreshold').default(0.5),
    initLinearDecay: unit('initLinearDecay').optional(),
    initVSubreset: unit('initVSubreset').optional(),
    initConduct: unit('initConduct').default(0.5),
    ...surrogateOptionShape('sigmoid'),
  },
});

/** Validated options of the `glif` descriptor. */
export type GLIFDescriptorOptions = NeuronDescriptorOptions<typeof glifDescriptor>;

import { BaseNode, SpikeflowError, tf, type NeuronDynamics, type NeuronTransition, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import {
  baseNodeOptions,
  describeNode,
  formatParams,
  neuronDescriptor,
  type NeuronDescriptorOptions,
  spikingNodeOptionsShape,
  type NodeConstructorOptions,
} from './node-options.js';

/** Constructor options of {@link CubaLIFNode}. */
export type CubaLIFNodeOptions = NodeConstructorOptions & {
  /**
   * Synaptic (current) time constant τ_syn ≥ 1 in steps (default 2): the current keeps
   * `1 − 1/τ_syn` of itself per step. 1 means no synaptic memory (the current is this step's
   * input); `Infinity` means no current decay.
   */
  readonly tauSyn?: number;
  /**
   * Membrane time constant τ_mem ≥ 1 in steps (default 4): the voltage keeps `1 − 1/τ_mem` of
   * itself per step. `Infinity` means no leak.
   */
  readonly tauMem?: number;
};

/** CUBA-LIF's state: the synaptic current `i` and the membrane potential `v`. */
type CubaLIFState = { readonly i: Tensor; readonly v: Tensor };

/** τ ≥ 1 (decay factor 1 − 1/τ in [0, 1]), or Infinity (decay factor 1). */
function requireTimeConstant(option: 'tauSyn' | 'tauMem', value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 1) {
    throw new SpikeflowError('invalid-options', `CubaLIFNode: ${option} must be a number ≥ 1 (steps; Infinity = no decay), got ${value}`, { option, value });
  }
  return value;
}

/**
 * Current-based leaky integrate-and-fire neuron (CUBA LIF), the neuron Intel Loihi implements:
 * lava-dl's `cuba` neuron, snnTorch's `Synaptic`, SpikingJelly's `CUBALIFNode`. Two state
 * variables, each with its own decay — a synaptic current `I` and a membrane voltage `V`:
 *
 * ```
 * I[t] = α·I[t−1] + X[t]                     α = 1 − 1/τ_syn
 * H[t] = β·V[t−1] + I[t]                     β = 1 − 1/τ_mem
 * S[t] = Θ(H[t] − V_th)                      (fires at H = V_th, as every spikeflow neuron)
 * V[t] = S·V_reset + (1 − S)·H               hard reset (default, V_reset = 0)
 * V[t] = H − S·V_th                          soft reset (vReset: null)
 * ```
 *
 * The current is not reset by a spike (Loihi, Lava's LIF process and lava-dl's `cuba` all keep
 * it), and the input is not scaled by the decay (no `decay_input`): this is SpikingJelly's
 * `CUBALIFNode` with `c_decay = α`, `v_decay = β`, and Lava's LIF with `du = 1/τ_syn`,
 * `dv = 1/τ_mem` (Lava fires at `V > V_th`, lava-dl and spikeflow at `≥`). As there, the voltage
 * leaks towards 0 whatever V_reset is. Every multi-step `forward` starts from rest
 * (`I = 0`, `V = V_reset`, or 0 with a soft reset); `step()` keeps both (`current`, `v`) until
 * `resetState()`. It describes its dynamics (`dynamics()`) as `cuba-lif` for chip exporters.
 *
 * With τ_syn = 1 the current is the input and the neuron is {@link LIFNode} without
 * `decayInput` (τ = τ_mem, V_reset 0 or soft reset); with τ_mem = ∞ as well it is {@link IFNode}.
 * The spike's surrogate gradient flows back through both `V` and `I` (BPTT).
 *
 * @example
 * ```ts
 * const cuba = new CubaLIFNode({ tauSyn: 2, tauMem: 4, surrogate: atan() });
 * const spikes = cuba.forward(tf.ones([8, 2, 10])); // [T, B, ...] → 0/1 spikes
 * cuba.describe(); // 'CubaLIFNode(tau_syn=2, tau_mem=4, v_th=1, v_reset=0, surrogate=atan(alpha=2))'
 * ```
 */
export class CubaLIFNode extends BaseNode<CubaLIFState> {
  readonly tauSyn: number;
  readonly tauMem: number;
  /** α = 1 − 1/τ_syn: the fraction of the current kept per step. */
  readonly currentDecay: number;
  /** β = 1 − 1/τ_mem: the fraction of the voltage kept per step. */
  readonly voltageDecay: number;

  constructor(options: CubaLIFNodeOptions = {}) {
    super(baseNodeOptions(options));
    this.tauSyn = requireTimeConstant('tauSyn', options.tauSyn ?? 2);
    this.tauMem = requireTimeConstant('tauMem', options.tauMem ?? 4);
    this.currentDecay = 1 - 1 / this.tauSyn;
    this.voltageDecay = 1 - 1 / this.tauMem;
    this.registerState('i', 0);
  }

  /** Synaptic current after the last single step (single-step mode only), else null. */
  get current(): Tensor | null {
    return this.stateOf('i');
  }

  /** `I[t] = α·I[t−1] + X[t]` (α = 0 and α = 1 take no multiply, so those cases are exact). */
  protected synapticCurrent(x: Tensor, i: Tensor): Tensor {
    if (this.currentDecay === 0) return x;
    return tf.add(this.currentDecay === 1 ? i : tf.mul(i, this.currentDecay), x);
  }

  /** The membrane part of the charge: `H[t] = β·V[t−1] + I[t]`, given the synaptic current. */
  protected neuronalCharge(current: Tensor, v: Tensor): Tensor {
    if (this.voltageDecay === 0) return current;
    return tf.add(this.voltageDecay === 1 ? v : tf.mul(v, this.voltageDecay), current);
  }

  /** One step of both state variables: the current, then charge, fire and reset of the voltage. */
  override transition(x: Tensor, state: CubaLIFState): NeuronTransition<CubaLIFState> {
    const current = this.synapticCurrent(x, state.i);
    const h = this.neuronalCharge(current, state.v);
    const spikes = this.neuronalFire(h);
    return { spikes, state: { i: current, v: this.neuronalReset(h, spikes) } };
  }

  /** {@link transition} with the states as arguments: the spikes and both new states. */
  cubaStep(x: Tensor, i: Tensor, v: Tensor): { spikes: Tensor; i: Tensor; v: Tensor } {
    const { spikes, state } = this.transition(x, { i, v });
    return { spikes, ...state };
  }

  /** `cuba-lif` dynamics: both time constants, the threshold and the reset. */
  override dynamics(): NeuronDynamics {
    return { kind: 'cuba-lif', tauSyn: this.tauSyn, tauMem: this.tauMem, ...this.thresholdDynamics() };
  }

  override describe(): string {
    return describeNode('CubaLIFNode', this, formatParams({ tau_syn: this.tauSyn, tau_mem: this.tauMem }));
  }
}

const timeConstant = (name: string, fallback: number) => z.number().min(1, `${name} must be at least 1 (a decay factor 1 − 1/${name} in [0, 1])`).default(fallback);

/** Registry entry `neurons/cuba-lif`. */
export const cubaLifDescriptor = neuronDescriptor('cuba-lif', CubaLIFNode, {
  description: 'Current-based LIF (Loihi CUBA, lava-dl cuba, SpikingJelly CUBALIFNode): I = (1 − 1/tauSyn)·I + X, H = (1 − 1/tauMem)·V + I',
  options: {
    ...spikingNodeOptionsShape,
    tauSyn: timeConstant('tauSyn', 2),
    tauMem: timeConstant('tauMem', 4),
  },
});

/** Validated options of the `cuba-lif` descriptor. */
export type CubaLIFDescriptorOptions = NeuronDescriptorOptions<typeof cubaLifDescriptor>;

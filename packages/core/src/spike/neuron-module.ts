import { tf, type Tensor } from '../engine/tf.js';
import { Module } from '../nn/module.js';
import type { NeuronDynamics } from '../contracts/neuron.js';

/**
 * A module that emits spikes. It keeps running firing-rate statistics when `monitor` is on,
 * which the trainer reads once per epoch (no device sync per step).
 */
export abstract class NeuronModule extends Module {
  /** Marks spiking layers for firing-rate reports and exporters. */
  readonly isSpiking = true;
  /** Collect firing-rate statistics during forward. */
  monitor = false;
  private rateSum: tf.Scalar | null = null;
  private rateCount = 0;

  /**
   * The layer's dynamics in the terms chips implement, for exporters; `undefined` (the default) when
   * the neuron does not describe itself, and exporters then refuse it. Override to opt in.
   */
  dynamics(): NeuronDynamics | undefined {
    return undefined;
  }

  /** Call with this layer's spike output `[T, B, ...]`; cheap no-op unless monitoring. */
  protected recordSpikes(spikes: Tensor): void {
    if (!this.monitor) return;
    const previous = this.rateSum;
    this.rateSum = tf.keep(tf.tidy(() => (previous ? tf.add(previous, tf.mean(spikes)) : tf.mean(spikes)))) as tf.Scalar;
    previous?.dispose();
    this.rateCount++;
  }

  /** Mean firing rate (spikes per neuron per step) since the last call, or NaN if none recorded. */
  takeFiringRate(): number {
    if (!this.rateSum) return Number.NaN;
    const value = this.rateSum.dataSync()[0] / this.rateCount;
    this.rateSum.dispose();
    this.rateSum = null;
    this.rateCount = 0;
    return value;
  }
}

/** Every spiking layer of a model with its dotted path. */
export function spikingLayers(model: Module): Array<[string, NeuronModule]> {
  return model.namedModules().filter((e): e is [string, NeuronModule] => e[1] instanceof NeuronModule);
}

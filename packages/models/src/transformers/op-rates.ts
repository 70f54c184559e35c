import { tf, type Tensor } from '@spikeflow/core';

/**
 * Firing rates of the spike operands seen in the last forward pass, kept as scalar tensors so the
 * forward pass never waits on the device; read (one sync) only when an energy meter asks.
 * Internal to the transformer modules.
 */
export class OpRates {
  private rates = new Map<string, tf.Scalar>();

  /** Remember `mean(spikes)` under `name`, replacing (and freeing) the previous value. */
  record(name: string, spikes: Tensor): void {
    const next = tf.keep(tf.tidy(() => tf.mean(spikes)) as tf.Scalar);
    this.rates.get(name)?.dispose();
    this.rates.set(name, next);
  }

  /** The last recorded rate of `name`, or null if no forward pass has run. */
  read(name: string): number | null {
    const r = this.rates.get(name);
    return r ? r.dataSync()[0] : null;
  }

  dispose(): void {
    for (const r of this.rates.values()) r.dispose();
    this.rates.clear();
  }
}

/** One product an attention module computes, for energy estimates (see `countOps`). */
export interface AttentionOp {
  /** What the product is, e.g. `q·kᵀ`. */
  readonly name: string;
  /** Multiply-accumulates (or masked additions) per sample per time step if every operand were dense. */
  readonly macs: number;
  /** Firing rate of the spike operand in the last forward pass (null: none has run, or the operand is not a spike). */
  readonly inputRate: number | null;
}

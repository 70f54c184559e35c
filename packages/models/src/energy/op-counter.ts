import type { Tensor } from '@spikeflow/core';

/** One product a module computes, as reported to {@link measureEnergy}. */
export interface OpCount {
  /** What the product is, e.g. `q·kᵀ` (the report names the row `<module path>/<name>`). */
  readonly name: string;
  /** Dense multiply-accumulates per sample per time step. */
  readonly macs: number;
  /** Firing rate of the spike operand (spikes per element per step), or null if the operand is analog. */
  readonly inputRate: number | null;
}

/**
 * A module that counts its own products for the energy meter. `measureEnergy` calls `countOps`
 * right after the module's forward with that call's input and output, and uses the rows instead
 * of its built-in rules for this module (child Linear/Conv2d layers are still counted by the rules).
 *
 * @example
 * ```ts
 * class MyAttention extends Module implements OpCounter {
 *   countOps(input: Tensor) { return [{ name: 'q·kᵀ', macs: n * n * c, inputRate: this.lastQRate }]; }
 * }
 * ```
 */
export interface OpCounter {
  countOps(input: Tensor, output: Tensor): OpCount[];
}

import type { Descriptor } from './descriptor.js';
import type { Module } from '../nn/module.js';

/** What a hardware target reports about a model before export. */
export interface HardwareReport {
  readonly fits: boolean;
  readonly messages: readonly string[];
  readonly resources: Readonly<Record<string, number>>;
}

/** A neuromorphic chip a trained network can be exported to. */
export interface HardwareTarget {
  readonly id: string;
  check(model: Module): HardwareReport;
  export(model: Module, outPath: string): Promise<void>;
}

export const HardwareTargetDescriptor = Symbol.for('@spikeflow/core/HardwareTargetDescriptor');
export interface HardwareTargetDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  create(options: TOptions): HardwareTarget;
}

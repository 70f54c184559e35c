import type { Container } from 'inversify';
import { Registry } from './registry.js';
import { ArchitectureDescriptor } from '../contracts/architecture.js';
import { DatasetDescriptor } from '../contracts/dataset.js';
import { EncoderDescriptor } from '../contracts/encoder.js';
import { HardwareTargetDescriptor } from '../contracts/hardware-target.js';
import { LossDescriptor } from '../contracts/loss.js';
import { NeuronDescriptor } from '../contracts/neuron.js';
import { SurrogateDescriptor } from '../contracts/surrogate.js';
import { TaskDescriptor } from '../contracts/task.js';
import { MetricDescriptor } from '../contracts/metric.js';
import type { Descriptor } from '../contracts/descriptor.js';

export const NeuronRegistry = Symbol.for('@spikeflow/core/NeuronRegistry');
export type NeuronRegistry = Registry<NeuronDescriptor<any>>;
export const SurrogateRegistry = Symbol.for('@spikeflow/core/SurrogateRegistry');
export type SurrogateRegistry = Registry<SurrogateDescriptor<any>>;
export const ArchitectureRegistry = Symbol.for('@spikeflow/core/ArchitectureRegistry');
export type ArchitectureRegistry = Registry<ArchitectureDescriptor<any>>;
export const DatasetRegistry = Symbol.for('@spikeflow/core/DatasetRegistry');
export type DatasetRegistry = Registry<DatasetDescriptor<any>>;
export const EncoderRegistry = Symbol.for('@spikeflow/core/EncoderRegistry');
export type EncoderRegistry = Registry<EncoderDescriptor<any>>;
export const LossRegistry = Symbol.for('@spikeflow/core/LossRegistry');
export type LossRegistry = Registry<LossDescriptor<any>>;
export const HardwareTargetRegistry = Symbol.for('@spikeflow/core/HardwareTargetRegistry');
export type HardwareTargetRegistry = Registry<HardwareTargetDescriptor<any>>;
export const TaskRegistry = Symbol.for('@spikeflow/core/TaskRegistry');
export type TaskRegistry = Registry<TaskDescriptor<any>>;
export const MetricRegistry = Symbol.for('@spikeflow/core/MetricRegistry');
export type MetricRegistry = Registry<MetricDescriptor<any>>;

/** Each registry: its token, the token plugins bind its descriptors to, and the kind its errors name. */
const REGISTRIES: ReadonlyArray<readonly [registry: symbol, descriptors: symbol, kind: string]> = [
  [NeuronRegistry, NeuronDescriptor, 'neuron'],
  [SurrogateRegistry, SurrogateDescriptor, 'surrogate'],
  [ArchitectureRegistry, ArchitectureDescriptor, 'architecture'],
  [DatasetRegistry, DatasetDescriptor, 'dataset'],
  [EncoderRegistry, EncoderDescriptor, 'encoder'],
  [LossRegistry, LossDescriptor, 'loss'],
  [HardwareTargetRegistry, HardwareTargetDescriptor, 'hardware target'],
  [TaskRegistry, TaskDescriptor, 'task'],
  [MetricRegistry, MetricDescriptor, 'metric'],
];

/** Bind every registry in `container`: each is built once, on first use, from the descriptors plugins bound. */
export function bindRegistries(container: Container): void {
  for (const [registry, descriptors, kind] of REGISTRIES) {
    container
      .bind(registry)
      .toDynamicValue((context) => new Registry(kind, context.getAll<Descriptor<any>>(descriptors, { optional: true })))
      .inSingletonScope();
  }
}

import { injectable, multiInject, optional } from 'inversify';
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

@injectable()
export class NeuronRegistryImpl extends Registry<NeuronDescriptor<any>> {
  constructor(@multiInject(NeuronDescriptor) @optional() ds: NeuronDescriptor<any>[] | undefined) {
    super('neuron', ds ?? []);
  }
}

@injectable()
export class SurrogateRegistryImpl extends Registry<SurrogateDescriptor<any>> {
  constructor(@multiInject(SurrogateDescriptor) @optional() ds: SurrogateDescriptor<any>[] | undefined) {
    super('surrogate', ds ?? []);
  }
}

@injectable()
export class ArchitectureRegistryImpl extends Registry<ArchitectureDescriptor<any>> {
  constructor(@multiInject(ArchitectureDescriptor) @optional() ds: ArchitectureDescriptor<any>[] | undefined) {
    super('architecture', ds ?? []);
  }
}

@injectable()
export class DatasetRegistryImpl extends Registry<DatasetDescriptor<any>> {
  constructor(@multiInject(DatasetDescriptor) @optional() ds: DatasetDescriptor<any>[] | undefined) {
    super('dataset', ds ?? []);
  }
}

@injectable()
export class EncoderRegistryImpl extends Registry<EncoderDescriptor<any>> {
  constructor(@multiInject(EncoderDescriptor) @optional() ds: EncoderDescriptor<any>[] | undefined) {
    super('encoder', ds ?? []);
  }
}

@injectable()
export class LossRegistryImpl extends Registry<LossDescriptor<any>> {
  constructor(@multiInject(LossDescriptor) @optional() ds: LossDescriptor<any>[] | undefined) {
    super('loss', ds ?? []);
  }
}

@injectable()
export class HardwareTargetRegistryImpl extends Registry<HardwareTargetDescriptor<any>> {
  constructor(@multiInject(HardwareTargetDescriptor) @optional() ds: HardwareTargetDescriptor<any>[] | undefined) {
    super('hardware target', ds ?? []);
  }
}

@injectable()
export class TaskRegistryImpl extends Registry<TaskDescriptor<any>> {
  constructor(@multiInject(TaskDescriptor) @optional() ds: TaskDescriptor<any>[] | undefined) {
    super('task', ds ?? []);
  }
}

@injectable()
export class MetricRegistryImpl extends Registry<MetricDescriptor<any>> {
  constructor(@multiInject(MetricDescriptor) @optional() ds: MetricDescriptor<any>[] | undefined) {
    super('metric', ds ?? []);
  }
}

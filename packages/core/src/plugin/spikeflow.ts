import { Container } from 'inversify';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { assertPlugin, definePlugin, type Plugin, type PluginMeta } from './plugin.js';
import {
  ArchitectureRegistry, ArchitectureRegistryImpl, DatasetRegistry, DatasetRegistryImpl, EncoderRegistry, EncoderRegistryImpl,
  HardwareTargetRegistry, HardwareTargetRegistryImpl, LossRegistry, LossRegistryImpl, NeuronRegistry, NeuronRegistryImpl,
  SurrogateRegistry, SurrogateRegistryImpl,
} from './registries.js';
import type { Registry } from './registry.js';
import type { NeuronContext, NeuronDescriptor, NeuronFactory } from '../contracts/neuron.js';
import type { SurrogateDescriptor, SurrogateFunction } from '../contracts/surrogate.js';
import type { ArchitectureDescriptor } from '../contracts/architecture.js';
import type { Dataset, DatasetDescriptor, DatasetOpenOptions } from '../contracts/dataset.js';
import type { Encoder, EncoderDescriptor } from '../contracts/encoder.js';
import type { LossDescriptor, LossFunction } from '../contracts/loss.js';
import type { HardwareTargetDescriptor } from '../contracts/hardware-target.js';
import type { NeuronModule } from '../spike/neuron-module.js';
import type { Module } from '../nn/module.js';
import { ceMeanDescriptor, mseRateDescriptor, tetDescriptor } from '../losses/losses.js';
import { directEncoderDescriptor } from '../encoders/direct.js';
import { CORE_VERSION } from '../version.js';

/** The plugin core contributes itself: the direct encoder and the standard losses. */
export function corePlugin(): Plugin {
  return definePlugin(
    { name: '@spikeflow/core', version: CORE_VERSION, namespace: 'core' },
    { encoders: [directEncoderDescriptor], losses: [mseRateDescriptor, ceMeanDescriptor, tetDescriptor] },
  );
}

export interface SpikeflowOptions {
  /** Plugins to load, e.g. `[neurons(), models(), datasets()]`; core's own plugin is always loaded. */
  readonly plugins?: readonly Plugin[];
}

/** A selected neuron: its registry id and options. */
export interface NeuronSpec {
  readonly id: string;
  readonly options?: Record<string, unknown>;
}

/**
 * A configured spikeflow instance: the DI container with every plugin loaded and typed access to
 * the registries. Built by {@link createSpikeflow}.
 */
export class Spikeflow {
  constructor(readonly container: Container, readonly plugins: readonly PluginMeta[]) {}

  get neurons(): Registry<NeuronDescriptor<any>> {
    return this.container.get<NeuronRegistry>(NeuronRegistry);
  }
  get surrogates(): Registry<SurrogateDescriptor<any>> {
    return this.container.get<SurrogateRegistry>(SurrogateRegistry);
  }
  get architectures(): Registry<ArchitectureDescriptor<any>> {
    return this.container.get<ArchitectureRegistry>(ArchitectureRegistry);
  }
  get datasets(): Registry<DatasetDescriptor<any>> {
    return this.container.get<DatasetRegistry>(DatasetRegistry);
  }
  get encoders(): Registry<EncoderDescriptor<any>> {
    return this.container.get<EncoderRegistry>(EncoderRegistry);
  }
  get losses(): Registry<LossDescriptor<any>> {
    return this.container.get<LossRegistry>(LossRegistry);
  }
  get hardwareTargets(): Registry<HardwareTargetDescriptor<any>> {
    return this.container.get<HardwareTargetRegistry>(HardwareTargetRegistry);
  }

  /** Make a surrogate function by id with validated options. */
  surrogate(id: string, options: Record<string, unknown> = {}): SurrogateFunction {
    const { descriptor, options: parsed } = this.surrogates.parseOptions(id, options);
    return descriptor.create(parsed);
  }

  private neuronContext(): NeuronContext {
    return { surrogate: (id, options) => this.surrogate(id, options) };
  }

  /** Make one neuron layer by id with validated options. */
  neuron(id: string, options: Record<string, unknown> = {}): NeuronModule {
    const { descriptor, options: parsed } = this.neurons.parseOptions(id, options);
    return descriptor.create(parsed, this.neuronContext());
  }

  /** A factory of neuron layers with the options validated once, up front. */
  neuronFactory(spec: NeuronSpec): NeuronFactory {
    const { descriptor, options } = this.neurons.parseOptions(spec.id, spec.options ?? {});
    const context = this.neuronContext();
    return () => descriptor.create(options, context);
  }

  /** Build an architecture by id. */
  model(id: string, options: Record<string, unknown>, context: { inputShape: readonly number[]; numClasses: number; neuron: NeuronSpec | NeuronFactory; staticInput?: boolean; timeSteps?: number }): Module {
    const { descriptor, options: parsed } = this.architectures.parseOptions(id, options);
    const neuron = typeof context.neuron === 'function' ? context.neuron : this.neuronFactory(context.neuron);
    return descriptor.create(parsed, { inputShape: context.inputShape, numClasses: context.numClasses, neuron, staticInput: context.staticInput ?? false, ...(context.timeSteps !== undefined ? { timeSteps: context.timeSteps } : {}) });
  }

  /** Open a dataset split by id. */
  async dataset(id: string, options: DatasetOpenOptions & Record<string, unknown>): Promise<Dataset> {
    const { split, dataDir, download, onProgress, ...rest } = options;
    const { descriptor, options: parsed } = this.datasets.parseOptions(id, rest);
    return descriptor.open({ ...(parsed as object), split, dataDir, download, onProgress });
  }

  encoder(id: string, options: Record<string, unknown> = {}): Encoder {
    const { descriptor, options: parsed } = this.encoders.parseOptions(id, options);
    return descriptor.create(parsed);
  }

  loss(id: string, options: Record<string, unknown> = {}): LossFunction {
    const { descriptor, options: parsed } = this.losses.parseOptions(id, options);
    return descriptor.create(parsed);
  }
}

/**
 * Create a spikeflow instance with the given plugins loaded.
 *
 * @example
 * ```ts
 * import { createSpikeflow } from '@spikeflow/core';
 * import { neurons } from '@spikeflow/neurons';
 * const sf = createSpikeflow({ plugins: [neurons()] });
 * const lif = sf.neuron('lif', { tau: 2 });
 * ```
 */
export function createSpikeflow(options: SpikeflowOptions = {}): Spikeflow {
  const given = options.plugins ?? [];
  given.forEach((p, i) => assertPlugin(p, `createSpikeflow's plugins[${i}]`));
  const plugins = [corePlugin(), ...given];
  const seen = new Map<string, string>();
  for (const p of plugins) {
    const prior = seen.get(p.meta.namespace);
    if (prior) throw new SpikeflowError('duplicate-id', `plugins '${prior}' and '${p.meta.name}' both use namespace '${p.meta.namespace}'`);
    seen.set(p.meta.namespace, p.meta.name);
  }
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(NeuronRegistry).to(NeuronRegistryImpl);
  container.bind(SurrogateRegistry).to(SurrogateRegistryImpl);
  container.bind(ArchitectureRegistry).to(ArchitectureRegistryImpl);
  container.bind(DatasetRegistry).to(DatasetRegistryImpl);
  container.bind(EncoderRegistry).to(EncoderRegistryImpl);
  container.bind(LossRegistry).to(LossRegistryImpl);
  container.bind(HardwareTargetRegistry).to(HardwareTargetRegistryImpl);
  container.load(...plugins.map((p) => p.module));
  const sf = new Spikeflow(container, plugins.map((p) => p.meta));
  // Build every registry now so duplicate ids fail at start-up, not mid-run.
  void [sf.neurons, sf.surrogates, sf.architectures, sf.datasets, sf.encoders, sf.losses, sf.hardwareTargets];
  return sf;
}

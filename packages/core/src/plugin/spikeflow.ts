import { Container } from 'inversify';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { assertPlugin, definePlugin, type Plugin, type PluginMeta } from './plugin.js';
import {
  ArchitectureRegistry,
  bindRegistries,
  DatasetRegistry,
  EncoderRegistry,
  HardwareTargetRegistry,
  LossRegistry,
  NeuronRegistry,
  SurrogateRegistry,
  TaskRegistry,
  MetricRegistry,
} from './registries.js';
import type { Registry } from './registry.js';
import type { NeuronContext, NeuronDescriptor, NeuronFactory } from '../contracts/neuron.js';
import type { SurrogateDescriptor, SurrogateFunction } from '../contracts/surrogate.js';
import type { ArchitectureDescriptor } from '../contracts/architecture.js';
import type { Dataset, DatasetDescriptor, DatasetOpenOptions } from '../contracts/dataset.js';
import type { Encoder, EncoderDescriptor } from '../contracts/encoder.js';
import type { LossDescriptor, LossFunction } from '../contracts/loss.js';
import type { HardwareTargetDescriptor } from '../contracts/hardware-target.js';
import type { Task, TaskContext, TaskDescriptor } from '../contracts/task.js';
import type { Metric, MetricContext, MetricDescriptor } from '../contracts/metric.js';
import { isTaskLossDescriptor, type TaskLoss } from '../contracts/task-loss.js';
import { isTaskDatasetDescriptor, type TaskDataset, type TaskDatasetOpenOptions } from '../contracts/task-dataset.js';
import type { NeuronModule } from '../spike/neuron-module.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { ShapedOutput } from '../nn/shaped-output.js';
import { ceMeanDescriptor, mseRateDescriptor, tetDescriptor } from '../losses/losses.js';
import { ceMembraneDescriptor, mseMembraneDescriptor } from '../losses/membrane-losses.js';
import { huberRegressionDescriptor, maeRegressionDescriptor, mseRegressionDescriptor } from '../losses/regression-losses.js';
import { taskLossOf } from '../losses/task-loss-of.js';
import { classificationTaskDescriptor } from '../tasks/classification-task.js';
import { regressionTaskDescriptor } from '../tasks/regression-task.js';
import { coreMetricDescriptors } from '../metrics/core-metrics.js';
import { directEncoderDescriptor } from '../encoders/direct.js';
import { CORE_VERSION } from '../version.js';
import { recordModelBuild } from '../checkpoint/model-build.js';
import { loadModelFiles, saveModelFiles } from '../checkpoint/model-file.js';

/** The plugin core contributes itself: the direct encoder, the standard losses, the classification and regression tasks and their metrics. */
export function corePlugin(): Plugin {
  return definePlugin(
    { name: '@spikeflow/core', version: CORE_VERSION, namespace: 'core' },
    {
      encoders: [directEncoderDescriptor],
      losses: [
        mseRateDescriptor,
        ceMeanDescriptor,
        tetDescriptor,
        ceMembraneDescriptor,
        mseMembraneDescriptor,
        mseRegressionDescriptor,
        maeRegressionDescriptor,
        huberRegressionDescriptor,
      ],
      tasks: [classificationTaskDescriptor, regressionTaskDescriptor],
      metrics: coreMetricDescriptors,
    },
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
  constructor(
    readonly container: Container,
    readonly plugins: readonly PluginMeta[],
  ) {}

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

  get tasks(): Registry<TaskDescriptor<any>> {
    return this.container.get<TaskRegistry>(TaskRegistry);
  }

  get metrics(): Registry<MetricDescriptor<any>> {
    return this.container.get<MetricRegistry>(MetricRegistry);
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
  model(
    id: string,
    options: Record<string, unknown>,
    context: { inputShape: readonly number[]; numClasses: number; neuron: NeuronSpec | NeuronFactory; staticInput?: boolean; timeSteps?: number; outputShape?: readonly number[] },
  ): Module {
    const { descriptor, options: parsed } = this.architectures.parseOptions(id, options);
    const neuron = typeof context.neuron === 'function' ? context.neuron : this.neuronFactory(context.neuron);
    const { outputShape } = context;
    if (outputShape !== undefined && outputShape.reduce((a, b) => a * b, 1) !== context.numClasses) {
      throw new SpikeflowError(
        'invalid-options',
        `outputShape [${outputShape}] holds ${outputShape.reduce((a, b) => a * b, 1)} values per step, but the model is built for ${context.numClasses} outputs`,
      );
    }
    const model = descriptor.create(parsed, {
      inputShape: context.inputShape,
      numClasses: context.numClasses,
      neuron,
      staticInput: context.staticInput ?? false,
      ...(context.timeSteps !== undefined ? { timeSteps: context.timeSteps } : {}),
    });
    // A multi-dimensional target: the flat [T, B, outputs] becomes [T, B, ...outputShape] in a last layer.
    if (outputShape !== undefined && outputShape.length > 1) {
      if (!(model instanceof Sequential)) {
        model.dispose();
        throw new SpikeflowError(
          'not-supported',
          `model '${descriptor.fullId}' outputs [T, B, outputs], and the target has shape [${outputShape}]; only Sequential models can be reshaped to [T, B, ${outputShape.join(', ')}] (choose a one-dimensional target)`,
        );
      }
      model.append(new ShapedOutput(outputShape), 'shape');
    }
    // The model remembers its recipe so saveModel / checkpoints can rebuild it later.
    const spec = typeof context.neuron === 'function' ? undefined : { id: this.neurons.get(context.neuron.id).fullId, options: { ...context.neuron.options } };
    recordModelBuild(model, {
      architecture: { id: descriptor.fullId, options: { ...options } },
      context: {
        inputShape: [...context.inputShape],
        numClasses: context.numClasses,
        ...(spec ? { neuron: spec } : {}),
        staticInput: context.staticInput ?? false,
        ...(context.timeSteps !== undefined ? { timeSteps: context.timeSteps } : {}),
        ...(outputShape !== undefined && outputShape.length > 1 ? { outputShape: [...outputShape] } : {}),
      },
    });
    return model;
  }

  /**
   * Save a model built by {@link Spikeflow.model} to a folder: weights as `model.safetensors`,
   * its architecture, options and neuron spec as `model.json`, written atomically.
   *
   * @example
   * ```ts
   * const model = sf.model('lif-mlp', { hidden: 128 }, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' } });
   * await sf.saveModel(model, 'models/mlp');
   * const again = await sf.loadModel('models/mlp'); // same outputs
   * ```
   */
  saveModel(model: Module, dir: string): Promise<string> {
    return saveModelFiles(model, dir);
  }

  /**
   * Load a model saved by {@link Spikeflow.saveModel}, or the model of a training run: a run
   * folder (its newest complete checkpoint) or a checkpoint folder. The architecture is rebuilt
   * from this instance's registries (load the plugins it needs) and the weights loaded.
   *
   * @example
   * ```ts
   * const model = await sf.loadModel('runs/my-run');
   * const out = model.forward(x); // [T, B, C]
   * ```
   */
  loadModel(dir: string, options: { allowNonFinite?: boolean } = {}): Promise<Module> {
    return loadModelFiles(this, dir, options);
  }

  /** Open a dataset split by id. */
  async dataset(id: string, options: DatasetOpenOptions & Record<string, unknown>): Promise<Dataset> {
    const { split, dataDir, download, onProgress, ...rest } = options;
    const { descriptor, options: parsed } = this.datasets.parseOptions(id, rest);
    return descriptor.open({ ...(parsed as object), split, dataDir, download, onProgress });
  }

  /**
   * Open a split of a dataset with typed targets (a task dataset, e.g. a forecasting series) by id.
   *
   * @example
   * ```ts
   * const valid = await sf.taskDataset('etth1', { split: 'valid', window: 96, horizon: 24 });
   * ```
   */
  async taskDataset(id: string, options: TaskDatasetOpenOptions & Record<string, unknown>): Promise<TaskDataset> {
    const { split, dataDir, download, onProgress, ...rest } = options;
    const { descriptor, options: parsed } = this.datasets.parseOptions(id, rest);
    if (!isTaskDatasetDescriptor(descriptor)) {
      throw new SpikeflowError(
        'not-supported',
        `dataset '${descriptor.fullId}' has class labels; open it with sf.dataset (task datasets: ${
          this.datasets
            .list()
            .filter(isTaskDatasetDescriptor)
            .map((d) => d.fullId)
            .join(', ') || 'none loaded'
        })`,
      );
    }
    return descriptor.openTask({ ...(parsed as object), split, dataDir, download, onProgress });
  }

  encoder(id: string, options: Record<string, unknown> = {}): Encoder {
    const { descriptor, options: parsed } = this.encoders.parseOptions(id, options);
    return descriptor.create(parsed);
  }

  loss(id: string, options: Record<string, unknown> = {}): LossFunction {
    const { descriptor, options: parsed } = this.losses.parseOptions(id, options);
    return descriptor.create(parsed);
  }

  /**
   * A loss by id under the general `(output, target, context)` signature: regression losses as they
   * are, classification losses through `taskLossOf` (same numbers).
   *
   * @example
   * ```ts
   * const loss = sf.taskLoss('huber', { delta: 0.5 });
   * loss.compute(output, target, { target: task.target, readOut: task.readOut });
   * ```
   */
  taskLoss(id: string, options: Record<string, unknown> = {}): TaskLoss {
    const { descriptor, options: parsed } = this.losses.parseOptions(id, options);
    return isTaskLossDescriptor(descriptor) ? descriptor.createTaskLoss(parsed) : taskLossOf(descriptor.create(parsed));
  }

  /**
   * Make a task by id for the dataset's target, with validated options.
   *
   * @example
   * ```ts
   * const task = sf.task('regression', { readOut: 'last' }, { target: { kind: 'regression', shape: [24, 7] } });
   * ```
   */
  task(id: string, options: Record<string, unknown>, context: TaskContext): Task {
    const { descriptor, options: parsed } = this.tasks.parseOptions(id, options);
    return descriptor.create(parsed, context);
  }

  /** Make a streaming metric by id for a target, with validated options. */
  metric(id: string, options: Record<string, unknown>, context: MetricContext): Metric {
    const { descriptor, options: parsed } = this.metrics.parseOptions(id, options);
    return descriptor.create(parsed, context);
  }

  /** Fresh metrics for every metric a task reports, keyed by the task's metric names. */
  taskMetrics(task: Task): Map<string, Metric> {
    return new Map(task.metrics.map((m) => [m.name, this.metric(m.id, { ...m.options }, { target: task.target })]));
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
  bindRegistries(container);
  container.load(...plugins.map((p) => p.module));
  const sf = new Spikeflow(
    container,
    plugins.map((p) => p.meta),
  );
  // Build every registry now so duplicate ids fail at start-up, not mid-run.
  void [sf.neurons, sf.surrogates, sf.architectures, sf.datasets, sf.encoders, sf.losses, sf.hardwareTargets, sf.tasks, sf.metrics];
  return sf;
}

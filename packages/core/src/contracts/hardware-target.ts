import type { Descriptor } from './descriptor.js';
import type { Dataset } from './dataset.js';
import type { BatchLoader } from './batch-loader.js';
import type { Encoder } from './encoder.js';
import type { LossFunction } from './loss.js';
import type { Module } from '../nn/module.js';
import type { TrainerCallback } from '../train/trainer.js';

/** What a hardware target reports about a model before export. */
export interface HardwareReport {
  readonly fits: boolean;
  readonly messages: readonly string[];
  readonly resources: Readonly<Record<string, number>>;
}

/** One file format a target writes. */
export interface HardwareFormat {
  /** What `--format` names (e.g. `netx`). */
  readonly id: string;
  /** The usual file extension without the dot, or `''` for a folder. */
  readonly extension: string;
  readonly description: string;
}

/** Where a chip command reports to: log lines (stderr in the CLI) and progress bars. */
export interface HardwareIO {
  log(line: string): void;
  /** No log lines or progress bars. */
  readonly quiet: boolean;
  /** Draw progress bars even when stderr is not a terminal. */
  readonly forceProgress?: boolean;
}

/**
 * A trained model with the run it came from: what a target's export (calibration, test samples),
 * simulate and finetune start from. The CLI builds it from a checkpoint.
 */
export interface TrainedNetwork {
  readonly model: Module;
  /** The checkpoint folder the weights came from (a target may keep notes beside it). */
  readonly checkpointDir: string;
  /** The run's encoder and its registry id. */
  readonly encoder: Encoder;
  readonly encoderId: string;
  readonly timeSteps: number;
  readonly seed: number;
  readonly evalBatchSize: number;
  /** Training split (calibration, fine-tuning) and test split. */
  readonly train: Dataset;
  readonly test: Dataset;
}

/** The test samples a command measures (chosen by the caller, e.g. the seeded `--test-subset`). */
export interface TestSelection {
  /** Indices into the test split. */
  readonly indices: Int32Array;
  /** For people, e.g. `test: 1000 of 10000 samples (seeded subset, seed 0)`. */
  readonly description: string;
  /** For JSON output. */
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * What export, simulate and finetune return: a JSON-able summary (the CLI's `--json` line) and
 * the lines a person reads (the CLI prints them unless `--json`).
 */
export interface HardwareResult {
  readonly summary: Readonly<Record<string, unknown>>;
  readonly lines: readonly string[];
}

/** The second argument of {@link HardwareTarget.export}. */
export interface HardwareExportRequest {
  /** One of the target's {@link HardwareTarget.formats} ids; default: the target's own. */
  readonly format?: string;
  /** Export options beyond the target's (e.g. samples to store with the export), as the target documents them. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The run the model came from; without it the target exports from the model alone. */
  readonly trained?: TrainedNetwork;
  readonly io?: HardwareIO;
}

/** What {@link HardwareTarget.simulate} runs. */
export interface HardwareSimulateRequest {
  readonly trained: TrainedNetwork;
  readonly test: TestSelection;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly io: HardwareIO;
}

/** What {@link HardwareTarget.finetune} trains with; the caller builds loaders and callbacks. */
export interface HardwareFinetuneRequest {
  readonly trained: TrainedNetwork;
  /** The run's classification loss. */
  readonly loss: LossFunction;
  readonly numClasses: number;
  readonly train: BatchLoader;
  readonly test?: BatchLoader;
  readonly epochs: number;
  readonly lr: number;
  /** The run folder for the fine-tuned checkpoints. */
  readonly out: string;
  /** The run configuration stored in the run folder (a target adds what it tuned for). */
  readonly runConfig: Readonly<Record<string, unknown>>;
  /** The configuration stored with the checkpoints (rebuilds the plain model on resume). */
  readonly checkpointConfig: Readonly<Record<string, unknown>>;
  readonly callbacks: readonly TrainerCallback[];
  readonly options?: Readonly<Record<string, unknown>>;
  readonly io: HardwareIO;
}

/**
 * A neuromorphic chip a trained network can be exported to. `check` and `export` are required;
 * a target with a simulator implements `simulate`, one that can fine-tune for its quantisation
 * implements `finetune`. The CLI's `export`, `simulate` and `finetune` commands reach every target
 * (built in or a plugin) only through this contract.
 *
 * @example
 * ```ts
 * const target = sf.hardwareTargets.get('loihi2').create({});
 * if (target.check(model).fits) await target.export(model, 'mlp.net', { format: 'netx' });
 * ```
 */
export interface HardwareTarget {
  readonly id: string;
  /**
   * The formats `export` writes, the default first. A target that declares none (written against
   * the first version of this contract) is exported as before: the CLI runs `check` first and
   * refuses a model that does not fit.
   */
  readonly formats?: readonly HardwareFormat[];
  check(model: Module): HardwareReport;
  export(model: Module, outPath: string, request?: HardwareExportRequest): Promise<HardwareResult | void>;
  /**
   * Refuse a bad `format` or option of an export request before anything is loaded (the CLI calls
   * it before it opens the checkpoint); `export` applies the same checks.
   */
  checkExportRequest?(request: Pick<HardwareExportRequest, 'format' | 'options'>): void;
  /** Run the test samples through the chip's simulation, beside the float model. */
  simulate?(request: HardwareSimulateRequest): Promise<HardwareResult>;
  /** Quantisation-aware fine-tuning for the chip. */
  finetune?(request: HardwareFinetuneRequest): Promise<HardwareResult>;
}

export const HardwareTargetDescriptor = Symbol.for('@spikeflow/core/HardwareTargetDescriptor');
export interface HardwareTargetDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  /** Other names `--target` accepts for this target (e.g. `loihi` for `loihi2`). */
  readonly aliases?: readonly string[];
  create(options: TOptions): HardwareTarget;
}

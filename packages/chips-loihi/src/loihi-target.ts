import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  Linear,
  ProgressBar,
  SpikeflowError,
  writeFileAtomic,
  type Dataset,
  type HardwareExportRequest,
  type HardwareFinetuneRequest,
  type HardwareFormat,
  type HardwareReport,
  type HardwareResult,
  type HardwareSimulateRequest,
  type HardwareTarget,
  type HardwareTargetDescriptor,
  type Module,
  type TrainedNetwork,
} from '@spikeflow/core';
import { z } from 'zod';
import { evaluateFloat, evaluateOnChip } from './evaluate/chip-accuracy.js';
import { quantizationAwareFinetune, quantizationGains } from './finetune/quantization-aware-finetune.js';
import { readFloatNetwork } from './quantize/float-network.js';
import { quantizeNetwork, type QuantizedNetwork } from './quantize/quantize.js';
import { formatResourceReport, resourceReport } from './resources/resource-report.js';
import { LOIHI1_LIMITS, LOIHI2_LIMITS, type LoihiLimits } from './resources/loihi-limits.js';
import { writeNetx } from './netx/write-netx.js';
import { toNirGraph, writeNir } from './nir/write-nir.js';

const schema = z
  .object({
    /** Graded input payload bits (Loihi 2); Loihi 1 has no graded spikes, so its input is binary. */
    inputBits: z.number().int().min(1).max(8).optional(),
    /** Input sample shape, e.g. [28, 28, 1]; default: the first Linear's input width. */
    inputShape: z.array(z.number().int().positive()).optional(),
    timeSteps: z.number().int().positive().default(8),
    format: z.enum(['netx', 'nir']).default('netx'),
    maxChips: z.number().int().positive().default(1),
    allowResetMismatch: z.boolean().default(false),
  })
  .strict();

/** Validated options of the `loihi/loihi1` and `loihi/loihi2` targets. */
export type LoihiTargetOptions = z.infer<typeof schema>;

function firstLinearWidth(model: Module): number {
  const l = model
    .namedModules()
    .map(([, m]) => m)
    .find((m): m is Linear => m instanceof Linear);
  if (!l) throw new SpikeflowError('not-supported', 'the model has no Linear layer to map to Loihi');
  return l.inFeatures;
}

/**
 * The Loihi hardware target: checks resources and representability, and exports netx (default)
 * or NIR. Quantisation here has no calibration data, so the first layer's drive is bounded by the
 * worst case; `spikeflow export` passes training images for a tighter, calibrated mapping.
 *
 * @example
 * ```ts
 * const target = loihi2Descriptor.create(loihi2Descriptor.options.parse({ inputShape: [28, 28, 1] }));
 * const report = target.check(model); // { fits, messages, resources: { cores, ... } }
 * await target.export(model, 'mlp.net');
 * ```
 */
export class LoihiTarget implements HardwareTarget {
  readonly id: string;
  readonly formats = FORMATS;

  constructor(
    readonly limits: LoihiLimits,
    readonly options: LoihiTargetOptions,
  ) {
    this.id = limits.id;
    if (limits.id === 'loihi1' && options.inputBits !== undefined && options.inputBits !== 1) {
      throw new SpikeflowError('not-supported', `Loihi 1 has no graded spikes: its input is binary (inputBits 1), got inputBits ${options.inputBits}`);
    }
  }

  /** Quantise a model for this chip. */
  quantize(model: Module, calibration?: Float32Array): QuantizedNetwork {
    const shape = this.options.inputShape ?? [firstLinearWidth(model)];
    const inputBits = this.limits.id === 'loihi1' ? 1 : this.options.inputBits;
    return quantizeNetwork(readFloatNetwork(model, shape), {
      inputBits: calibration ? inputBits : (inputBits ?? 4),
      calibration,
      allowResetMismatch: this.options.allowResetMismatch,
    });
  }

  check(model: Module): HardwareReport {
    let q: QuantizedNetwork;
    try {
      q = this.quantize(model);
    } catch (e) {
      if (SpikeflowError.is(e, 'unrepresentable')) return { fits: false, messages: [e.message], resources: {} };
      throw e;
    }
    const r = resourceReport(q.spec, this.limits, { maxChips: this.options.maxChips });
    return { fits: r.fits, messages: [...q.messages, ...r.messages], resources: { ...r.total } };
  }

  checkExportRequest(request: Pick<HardwareExportRequest, 'format' | 'options'>): void {
    const { format } = request;
    if (format !== undefined && format !== 'netx' && format !== 'nir') throw new SpikeflowError('invalid-options', `--format for Loihi must be netx or nir, got '${format}'`);
  }

  async export(model: Module, outPath: string, request: HardwareExportRequest = {}): Promise<HardwareResult | void> {
    this.checkExportRequest(request);
    const format = (request.format ?? (request.trained ? 'netx' : this.options.format)) as 'netx' | 'nir';
    if (request.trained) return this.exportTrained(request.trained, outPath, format, flags(request.options));
    if (format === 'nir') {
      const shape = this.options.inputShape ?? [firstLinearWidth(model)];
      await writeNir(outPath, toNirGraph(readFloatNetwork(model, shape)));
      return;
    }
    await writeNetx(outPath, this.quantize(model), { timeSteps: this.options.timeSteps });
  }

  /**
   * Quantise a trained run's model, calibrating the input layer on `calibrationSamples` training
   * samples (default 1000). A fine-tuned run keeps the input bits and gains it was tuned for (same
   * integer grid), unless `inputBits` overrides them; Loihi 1 has no graded spikes, so its input is binary.
   */
  quantizeTrained(trained: TrainedNetwork, options: LoihiRunFlags = {}): QuantizedNetwork {
    const cal = spreadSamples(trained.train, options.calibrationSamples ?? 1000);
    const tuned = finetuned(trained.checkpointDir);
    const inputBits = this.limits.id === 'loihi1' ? 1 : (options.inputBits ?? tuned.inputBits);
    const gains = inputBits === tuned.inputBits ? tuned.gains : undefined;
    return quantizeNetwork(readFloatNetwork(trained.model, trained.test.sampleShape), {
      calibration: cal,
      inputBits,
      gains,
      allowResetMismatch: options.allowResetMismatch ?? this.options.allowResetMismatch,
    });
  }

  private async exportTrained(trained: TrainedNetwork, outPath: string, format: 'netx' | 'nir', options: LoihiRunFlags): Promise<HardwareResult> {
    const q = this.quantizeTrained(trained, options);
    const resources = resourceReport(q.spec, this.limits);
    if (format === 'netx') await writeNetx(outPath, q, { timeSteps: trained.timeSteps });
    else await writeNir(outPath, toNirGraph(q.source));
    const chip = this.limits.id;
    const summary = { out: path.resolve(outPath), format, inputBits: q.inputBits, inputScale: q.inputScale, layers: q.layers, resources, messages: q.messages };
    const lines = [
      `wrote ${format} file ${summary.out} for ${chip} (${q.layers.length} layers, graded input ${q.inputBits} bits, payload = round(x · ${q.inputScale}))`,
      ...q.layers.map((l, i) => `  layer ${i} (${l.name}): gain ${l.gain.toFixed(2)} (limited by ${l.limitedBy}), vThMant ${l.vth}, iDecay ${l.du + 1}, vDecay ${l.dv}`),
      ...q.messages.map((m) => `  note: ${m}`),
      formatResourceReport(resources),
    ];
    return { summary, lines };
  }

  /**
   * The float model's test accuracy beside the bit-accurate simulation's (Lava timing by default:
   * one step of latency per layer, T + layers steps per sample; `lavaTiming: false` feeds each
   * layer in the same step).
   */
  async simulate({ trained, test, options, io }: HardwareSimulateRequest): Promise<HardwareResult> {
    const flagValues = flags(options);
    const chipId = this.limits.id;
    const n = test.indices.length;
    const q = this.quantizeTrained(trained, flagValues);
    const batch = trained.test.getBatch(test.indices);
    const data = { x: batch.x, y: batch.y, sampleShape: trained.test.sampleShape };
    const T = trained.timeSteps;
    const fl = evaluateFloat(trained.model, data, T, trained.evalBatchSize);
    const bar = io.quiet ? undefined : new ProgressBar({ total: n, label: `loihi ${chipId} bit-accurate`, unit: 'samples', force: io.forceProgress });
    const chip = evaluateOnChip(q, data, T, { lavaTiming: flagValues.lavaTiming ?? true, onProgress: (done) => bar?.update(done) });
    bar?.done();
    let same = 0;
    for (let i = 0; i < n; i++) if (fl.predictions[i] === chip.predictions[i]) same++;
    const r = {
      checkpoint: trained.checkpointDir,
      chip: chipId,
      samples: n,
      test: test.json,
      testDescription: test.description,
      timeSteps: T,
      floatAccuracy: fl.accuracy,
      chipAccuracy: chip.accuracy,
      drop: (fl.accuracy - chip.accuracy) * 100,
      agreement: n ? same / n : 0,
      wraps: chip.wraps,
      inputBits: q.inputBits,
      resources: resourceReport(q.spec, this.limits),
      messages: q.messages,
    };
    const lines = [
      `${r.testDescription}, T=${T}: float accuracy ${(r.floatAccuracy * 100).toFixed(2)}%, ${chipId} bit-accurate ${(r.chipAccuracy * 100).toFixed(2)}% (drop ${r.drop.toFixed(2)} points, same prediction on ${(r.agreement * 100).toFixed(1)}%), input ${r.inputBits} bits, current wraps ${r.wraps}`,
      ...r.messages.map((m) => `  note: ${m}`),
      formatResourceReport(r.resources),
    ];
    return { summary: r, lines };
  }

  /**
   * Quantisation-aware fine-tuning ({@link quantizationAwareFinetune}) into the run folder
   * `request.out`: its config.json records what was tuned for, and `loihi-quantisation.json` the
   * input bits and gains that a later export or simulate of the run keeps. The saved checkpoints
   * hold the quantised (chip-representable) weights.
   */
  async finetune(request: HardwareFinetuneRequest): Promise<HardwareResult> {
    const { trained } = request;
    const chip = this.limits.id;
    const q = this.quantizeTrained(trained, flags(request.options));
    quantizationGains(trained.model, q);
    const out = path.resolve(request.out);
    await fs.mkdir(out, { recursive: true });
    const stored = { ...request.runConfig, finetune: { target: chip, inputBits: q.inputBits, from: trained.checkpointDir } };
    await writeFileAtomic(path.join(out, 'config.json'), `${JSON.stringify(stored, null, 2)}\n`);
    await writeFileAtomic(path.join(out, QAT_FILE), `${JSON.stringify({ target: chip, inputBits: q.inputBits, gains: q.layers.map((l) => l.gain) }, null, 2)}\n`);
    const fit = await quantizationAwareFinetune({
      model: trained.model,
      quantized: q,
      encoder: trained.encoder,
      loss: request.loss,
      numClasses: request.numClasses,
      timeSteps: trained.timeSteps,
      seed: trained.seed,
      train: request.train,
      test: request.test,
      epochs: request.epochs,
      lr: request.lr,
      callbacks: request.callbacks,
      // The stored config rebuilds the plain model (the weights are already chip-quantised) and
      // points at this run folder, so a resume never writes into the source run.
      checkpoints: { dir: path.join(out, 'checkpoints'), config: { ...request.checkpointConfig } },
    });
    const r = { runDir: out, checkpoint: fit.checkpoint, testAccuracy: fit.epochs.at(-1)?.testAccuracy, inputBits: q.inputBits };
    return {
      summary: r,
      lines: [
        `fine-tuned for ${chip} (input ${r.inputBits} bits): run folder ${r.runDir}${r.testAccuracy !== undefined ? `, quantised test accuracy ${(r.testAccuracy * 100).toFixed(2)}%` : ''}`,
      ],
    };
  }
}

/** The Loihi values among a command's flags (`--input-bits`, `--calibration-samples`, ...). */
export interface LoihiRunFlags {
  readonly inputBits?: number;
  readonly calibrationSamples?: number;
  readonly allowResetMismatch?: boolean;
  /** Simulate with Lava's one-step Dense latency (default true). */
  readonly lavaTiming?: boolean;
}

function flags(options: Readonly<Record<string, unknown>> | undefined): LoihiRunFlags {
  const o = options ?? {};
  const pick = <T>(k: string, type: string) => (typeof o[k] === type ? (o[k] as T) : undefined);
  return {
    inputBits: pick('inputBits', 'number'),
    calibrationSamples: pick('calibrationSamples', 'number'),
    allowResetMismatch: pick('allowResetMismatch', 'boolean'),
    lavaTiming: pick('lavaTiming', 'boolean'),
  };
}

/** `n` training samples spread evenly over the split (deterministic), flattened. */
function spreadSamples(data: Dataset, n: number): Float32Array {
  const count = Math.min(n, data.length);
  const step = data.length / count;
  return data.getBatch(Int32Array.from({ length: count }, (_, i) => Math.floor(i * step))).x;
}

/** Written by `finetune` beside its checkpoints: the input encoding the weights were tuned for. */
const QAT_FILE = 'loihi-quantisation.json';

function finetuned(checkpointDir: string): { inputBits?: number; gains?: number[] } {
  const file = path.join(checkpointDir, '..', '..', QAT_FILE);
  if (!existsSync(file)) return {};
  let v: { inputBits?: unknown; gains?: unknown };
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SpikeflowError('checkpoint-invalid', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const bits = Number.isInteger(v.inputBits) ? (v.inputBits as number) : undefined;
  const gains = Array.isArray(v.gains) && v.gains.every((g) => typeof g === 'number' && g > 0) ? (v.gains as number[]) : undefined;
  return { inputBits: bits, gains };
}

const FORMATS: readonly HardwareFormat[] = [
  { id: 'netx', extension: 'net', description: 'lava-dl netx HDF5 (quantised, what Lava runs on the chip)' },
  { id: 'nir', extension: 'nir', description: 'NIR HDF5 graph (float parameters)' },
];

/** Registry entry `loihi/loihi2`: Loihi 2 limits, graded-spike input. */
export const loihi2Descriptor: HardwareTargetDescriptor<LoihiTargetOptions> = {
  id: 'loihi2',
  aliases: ['loihi'],
  description: 'Intel Loihi 2: lava-dl netx / NIR export, bit-accurate CUBA LIF simulation, graded-spike input',
  options: schema,
  create: (options) => new LoihiTarget(LOIHI2_LIMITS, options),
};

/** Registry entry `loihi/loihi1`: Loihi 1 limits; binary input only (no graded spikes). */
export const loihi1Descriptor: HardwareTargetDescriptor<LoihiTargetOptions> = {
  id: 'loihi1',
  description: 'Intel Loihi 1: lava-dl netx / NIR export, bit-accurate CUBA LIF simulation, binary input',
  options: schema,
  create: (options) => new LoihiTarget(LOIHI1_LIMITS, options),
};

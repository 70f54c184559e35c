import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Adam, AvgPool2d, BatchNorm1d, BatchNorm2d, ProgressBar, SpikeflowError, Trainer, cosineLr, jsonlMetricsCallback, progressCallback, tf, writeFileAtomic, type Encoder, type Module, type Tensor, type TrainerCallback } from '@spikeflow/core';
import { DataLoader } from '@spikeflow/datasets';
import {
  LOIHI1_LIMITS, LOIHI2_LIMITS, evaluateFloat, evaluateOnChip, formatResourceReport, quantizeNetwork, quantizeWeight, readFloatNetwork,
  resourceReport, toNirGraph, writeNetx, writeNir, type QuantizedNetwork, type ResourceReport,
} from '@spikeflow/chips-loihi';
import { buildModel, type RunIO } from './train-run.js';
import { loadTrainedModel, spreadSamples, type TrainedModel } from './trained-model.js';
import { selectTestSamples, type TestSamples } from './test-samples.js';

/** Options shared by the Loihi commands. */
export interface LoihiRunOptions {
  readonly chip: 'loihi1' | 'loihi2';
  readonly inputBits?: number;
  readonly calibrationSamples?: number;
  readonly dataDir?: string;
  readonly backend?: string;
  readonly allowResetMismatch?: boolean;
}

function limitsOf(chip: LoihiRunOptions['chip']) {
  return chip === 'loihi1' ? LOIHI1_LIMITS : LOIHI2_LIMITS;
}

/** Written by `finetune` beside its checkpoints: the input encoding the weights were tuned for. */
const QAT_FILE = 'loihi-quantisation.json';

function finetuned(t: TrainedModel): { inputBits?: number; gains?: number[] } {
  const file = path.join(t.checkpoint.dir, '..', '..', QAT_FILE);
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

/** Quantise a trained model for the chip, calibrating the input layer on training samples. */
export function quantizeTrained(t: TrainedModel, options: LoihiRunOptions): QuantizedNetwork {
  const cal = spreadSamples(t.train, options.calibrationSamples ?? 1000);
  // Loihi 1 has no graded spikes: its input is binary. A fine-tuned run keeps the input bits and
  // gains it was tuned for (same integer grid), unless the bits are overridden.
  const tuned = finetuned(t);
  const inputBits = options.chip === 'loihi1' ? 1 : options.inputBits ?? tuned.inputBits;
  const gains = inputBits === tuned.inputBits ? tuned.gains : undefined;
  return quantizeNetwork(readFloatNetwork(t.model, t.test.sampleShape), { calibration: cal.x, inputBits, gains, allowResetMismatch: options.allowResetMismatch });
}

function overrides(options: LoihiRunOptions & { testSubset?: number }): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (options.dataDir) o.dataDir = options.dataDir;
  if (options.backend) o.backend = options.backend;
  return o;
}

export interface LoihiExportResult {
  readonly out: string;
  readonly format: 'netx' | 'nir';
  readonly inputBits: number;
  readonly inputScale: number;
  readonly layers: QuantizedNetwork['layers'];
  readonly resources: ResourceReport;
  readonly messages: readonly string[];
}

/** `spikeflow export --target loihi`: quantise and write netx, or write NIR (float parameters). */
export async function runLoihiExport(checkpointPath: string, out: string, format: 'netx' | 'nir', options: LoihiRunOptions, io: RunIO): Promise<LoihiExportResult> {
  const t = await loadTrainedModel(checkpointPath, overrides(options), io);
  try {
    const q = quantizeTrained(t, options);
    const resources = resourceReport(q.spec, limitsOf(options.chip));
    if (format === 'netx') await writeNetx(out, q, { timeSteps: t.config.timeSteps });
    else await writeNir(out, toNirGraph(q.source));
    return { out: path.resolve(out), format, inputBits: q.inputBits, inputScale: q.inputScale, layers: q.layers, resources, messages: q.messages };
  } finally {
    t.model.dispose();
  }
}

export interface LoihiSimulateResult {
  readonly checkpoint: string;
  readonly chip: string;
  readonly samples: number;
  /** Which test samples were simulated (the seeded `--test-subset`, as in train and eval). */
  readonly test: TestSamples['json'];
  readonly testDescription: string;
  readonly timeSteps: number;
  readonly floatAccuracy: number;
  readonly chipAccuracy: number;
  /** Percentage points lost on the chip (float − chip). */
  readonly drop: number;
  /** Fraction of samples where float and chip predict the same class. */
  readonly agreement: number;
  readonly wraps: number;
  readonly inputBits: number;
  readonly resources: ResourceReport;
  readonly messages: readonly string[];
}

/**
 * `spikeflow simulate --target loihi`: the float model's test accuracy beside the bit-accurate
 * Loihi simulation's (Lava timing: one step of latency per layer, T + layers steps per sample).
 */
export async function runLoihiSimulate(checkpointPath: string, options: LoihiRunOptions & { testSubset?: number; lavaTiming?: boolean }, io: RunIO): Promise<LoihiSimulateResult> {
  const t = await loadTrainedModel(checkpointPath, overrides(options), io);
  try {
    const selected = selectTestSamples(t.test, options.testSubset, t.config.seed);
    const n = selected.indices.length;
    const q = quantizeTrained(t, options);
    const batch = t.test.getBatch(selected.indices);
    const data = { x: batch.x, y: batch.y, sampleShape: t.test.sampleShape };
    const T = t.config.timeSteps;
    const fl = evaluateFloat(t.model, data, T, t.config.evalBatchSize);
    const bar = io.quiet ? undefined : new ProgressBar({ total: n, label: `loihi ${options.chip} bit-accurate`, unit: 'samples', force: io.forceProgress });
    const chip = evaluateOnChip(q, data, T, { lavaTiming: options.lavaTiming ?? true, onProgress: (done) => bar?.update(done) });
    bar?.done();
    let same = 0;
    for (let i = 0; i < n; i++) if (fl.predictions[i] === chip.predictions[i]) same++;
    return {
      checkpoint: t.checkpoint.dir, chip: options.chip, samples: n, test: selected.json, testDescription: selected.description, timeSteps: T,
      floatAccuracy: fl.accuracy, chipAccuracy: chip.accuracy, drop: (fl.accuracy - chip.accuracy) * 100, agreement: n ? same / n : 0,
      wraps: chip.wraps, inputBits: q.inputBits, resources: resourceReport(q.spec, limitsOf(options.chip)), messages: q.messages,
    };
  } finally {
    t.model.dispose();
  }
}

export { formatResourceReport };

/** Fake-quantises the Linear weights between optimizer steps (straight-through estimator). */
class QuantAwareAdam extends Adam {
  private floats: Map<string, Float32Array> = new Map();

  constructor(params: Array<[string, tf.Variable]>, lr: number, private readonly gains: ReadonlyMap<string, number>) {
    super(params, { lr });
    this.quantizeParams();
  }

  /** Save the float weights and put their quantised values into the variables. */
  quantizeParams(): void {
    for (const [name, v] of this.params) {
      const g = this.gains.get(name);
      if (g === undefined) continue;
      const w = Float32Array.from(v.dataSync() as Float32Array);
      this.floats.set(name, w);
      const q = tf.tensor(w.map((x) => quantizeWeight(x, g) / g), v.shape);
      v.assign(q);
      q.dispose();
    }
  }

  /** STE: the gradient taken at the quantised weights updates the float weights. */
  override step(grads: ReadonlyMap<string, Tensor>): void {
    for (const [name, v] of this.params) {
      const w = this.floats.get(name);
      if (!w) continue;
      const t = tf.tensor(w, v.shape);
      v.assign(t);
      t.dispose();
    }
    super.step(grads);
    this.quantizeParams();
  }
}

export interface LoihiFinetuneResult {
  readonly runDir: string;
  readonly checkpoint?: string;
  readonly testAccuracy?: number;
  readonly inputBits: number;
}

/**
 * `spikeflow finetune --target loihi`: quantisation-aware fine-tuning. Each step runs the model
 * with its Linear weights quantised to the chip's levels (even integers / gain) and its input
 * quantised to the graded payload; the gradient there updates float shadow weights (straight-through
 * estimator). The saved checkpoint holds the quantised (chip-representable) weights.
 */
export async function runLoihiFinetune(checkpointPath: string, out: string, options: LoihiRunOptions & { epochs?: number; lr?: number; subset?: number; testSubset?: number }, io: RunIO): Promise<LoihiFinetuneResult> {
  const t = await loadTrainedModel(checkpointPath, overrides(options), io);
  const q = quantizeTrained(t, options);
  // Folded BatchNorm or pooling puts the chip's grid on combined weights, not on one parameter.
  const folded = t.model.namedModules().find(([, m]) => m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof AvgPool2d);
  if (folded) throw new SpikeflowError('not-supported', `finetune --target loihi quantises each weight parameter directly; '${folded[0]}' (${folded[1].describe()}) is folded into its neighbour at export, so fine-tune without it`);
  // Per-parameter gains: float weight → integer weight; layer 0's gain is per input payload unit.
  const params = new Set(t.model.namedParameters().map(([n]) => n));
  const gains = new Map(q.layers.map((l, i) => [`${l.name}.weight`, l.gain / (i === 0 ? q.inputScale : 1)] as const));
  for (const name of gains.keys()) if (!params.has(name)) throw new SpikeflowError('invalid-state', `mapped layer weight '${name}' is not a parameter of the model`);
  const config = { ...t.config, epochs: options.epochs ?? 1, subset: options.subset ?? t.config.subset, testSubset: options.testSubset ?? t.config.testSubset, out: path.resolve(out) };
  // The loader's seeded subset is the set selectTestSamples describes (same indices, same seed).
  const testSamples = selectTestSamples(t.test, config.testSubset, config.seed);
  if (!io.quiet) io.log(testSamples.description);
  const { encoder: baseEncoder, loss } = buildModel(t.sf, config, t.test);
  const scale = q.inputScale;
  const max = 2 ** q.inputBits - 1;
  const encoder: Encoder = {
    id: `${baseEncoder.id}+loihi-input`,
    timeInvariant: baseEncoder.timeInvariant,
    // The chip sees round(x · scale) as payload; train on the same values.
    encode: (x, ctx) => tf.tidy(() => baseEncoder.encode(tf.div(tf.clipByValue(tf.round(tf.mul(x, scale)), 0, max), scale), ctx)),
  };
  const optimizer = new QuantAwareAdam(t.model.namedParameters(), options.lr ?? 1e-4, gains);
  const trainLoader = new DataLoader({ dataset: t.train, batchSize: config.batchSize, shuffle: true, seed: config.seed + 1, subset: config.subset });
  const testLoader = new DataLoader({ dataset: t.test, batchSize: config.evalBatchSize, shuffle: false, seed: config.seed, subset: config.testSubset });
  await fs.mkdir(config.out, { recursive: true });
  const stored = { ...config, finetune: { target: options.chip, inputBits: q.inputBits, from: t.checkpoint.dir } };
  await writeFileAtomic(path.join(config.out, 'config.json'), `${JSON.stringify(stored, null, 2)}\n`);
  await writeFileAtomic(path.join(config.out, QAT_FILE), `${JSON.stringify({ target: options.chip, inputBits: q.inputBits, gains: q.layers.map((l) => l.gain) }, null, 2)}\n`);
  const callbacks: TrainerCallback[] = [jsonlMetricsCallback(path.join(config.out, 'metrics.jsonl'))];
  if (!io.quiet) callbacks.push(progressCallback({ log: io.log, force: io.forceProgress }));
  const trainer = new Trainer({
    model: t.model as Module, encoder, loss, optimizer, schedule: cosineLr({ lr: options.lr ?? 1e-4, totalSteps: config.epochs * trainLoader.batchesPerEpoch }),
    timeSteps: config.timeSteps, numClasses: t.train.numClasses, seed: config.seed, callbacks,
    // The stored config rebuilds the plain model (the weights are already chip-quantised) and
    // points at this run folder, so a resume never writes into the source run.
    checkpoints: { dir: path.join(config.out, 'checkpoints'), config: { ...t.config, out: config.out, epochs: config.epochs } as unknown as Record<string, unknown> },
  });
  try {
    const summary = await trainer.fit(trainLoader, { epochs: config.epochs, test: testLoader });
    return { runDir: config.out, checkpoint: summary.checkpoint, testAccuracy: summary.epochs.at(-1)?.testAccuracy, inputBits: q.inputBits };
  } finally {
    t.model.dispose();
    optimizer.dispose();
  }
}

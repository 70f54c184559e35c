import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SpikeflowError, tf, type EpochMetrics, type Module } from '@spikeflow/core';
import { recordActivity, writeReport, type EnergyReportLike, type ReportData } from '@spikeflow/report';
import { loadTrainedRun } from './trained-model.js';
import type { RunIO } from './train-run.js';
import { selectTestSamples } from './test-samples.js';
import { DEFAULT_ENERGY_SAMPLES } from './energy-run.js';

export interface ReportRunOptions {
  /** Output folder (default `<run>/report`). */
  readonly out?: string;
  /** Test sample shown in the raster and membrane traces (default 0). */
  readonly sample?: number;
  /**
   * Test samples the energy estimate averages over, chosen by the run's seed as `--test-subset` and
   * `spikeflow energy --samples` choose them (default: `spikeflow energy`'s 64, fewer for a smaller split).
   */
  readonly energySamples?: number;
  /** Config overrides for rebuilding the model (e.g. dataDir, backend). */
  readonly overrides?: Record<string, unknown>;
  /**
   * Turns the model and the encoded energy samples into the estimate (per sample) the report shows; the CLI
   * passes `@spikeflow/models`' estimator. Absent: the report has no energy section.
   */
  readonly energy?: (model: Module, input: tf.Tensor) => EnergyReportLike;
}

export interface ReportRunResult {
  readonly html: string;
  readonly figures: readonly { id: string; svg: string; png: string }[];
  readonly epochs: number;
  /** The energy estimate shown, pJ per sample (the mean over `energySamples`), when there is one. */
  readonly energyPj?: number;
  /** False when the run has no checkpoint (the report then has no raster, traces or energy). */
  readonly activity: boolean;
}

/** Read a run's `metrics.jsonl`; a malformed line is an error naming the file and line, except a torn last line. */
export async function readMetrics(file: string, io: RunIO): Promise<EpochMetrics[]> {
  const text = await fs.readFile(file, 'utf8');
  const lines = text.split('\n');
  let out: EpochMetrics[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      const value = JSON.parse(line) as EpochMetrics;
      if (typeof value.epoch !== 'number' || typeof value.trainLoss !== 'number') throw new Error('missing epoch/trainLoss');
      out.push(value);
    } catch (e) {
      // A process killed while appending leaves at most the final line torn.
      if (i === lines.length - 1 || (i === lines.length - 2 && lines[i + 1] === '')) {
        if (!io.quiet) io.log(`warning: ignoring an incomplete last line of ${file}`);
        continue;
      }
      throw new SpikeflowError('format-unknown', `${file}:${i + 1}: not an epoch-metrics JSON line (${(e as Error).message})`);
    }
  }
  // Epochs count from 1; files written before that (or by a tool counting from 0) start at 0.
  if (out.some((m) => m.epoch === 0)) out = out.map((m) => ({ ...m, epoch: m.epoch + 1 }));
  return out;
}

/**
 * Write the HTML report of a run folder: curves and firing rates from `metrics.jsonl`, and — when the
 * run has a checkpoint — a spike raster and membrane traces of one test sample and the energy estimate.
 */
export async function runReport(runDir: string, options: ReportRunOptions, io: RunIO): Promise<ReportRunResult> {
  const dir = path.resolve(runDir);
  const metricsFile = path.join(dir, 'metrics.jsonl');
  if (!existsSync(metricsFile)) {
    throw new SpikeflowError(
      'invalid-options',
      `${dir} is not a spikeflow run folder: it has no metrics.jsonl (expected the folder \`spikeflow train\` wrote, e.g. runs/<stamp>-<model>-<dataset>)`,
    );
  }
  const epochs = await readMetrics(metricsFile, io);
  let config: Record<string, unknown> | undefined;
  if (existsSync(path.join(dir, 'config.json'))) config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const data: { -readonly [K in keyof ReportData]: ReportData[K] } = { title: `spikeflow run ${path.basename(dir)}`, run: { dir, config }, epochs };

  const haveCheckpoint = existsSync(path.join(dir, 'checkpoints'));
  if (haveCheckpoint) {
    const { config: runConfig, model, encoder, timeSteps, test, target } = await loadTrainedRun(dir, options.overrides ?? {}, io);
    const index = options.sample ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= test.length) {
      throw new SpikeflowError('invalid-options', `--sample must be an integer in [0, ${test.length - 1}] (the test split of ${runConfig.dataset.id}), got ${index}`);
    }
    const batch = test.getBatch(Int32Array.of(index));
    const seq = tf.tidy(() => encoder.encode(tf.tensor(batch.x, [1, ...test.sampleShape]), { timeSteps, sampleIndices: [index], epoch: 0, seed: runConfig.seed }));
    try {
      const layers = recordActivity(model, seq);
      // A class sample shows its label; a forecasting sample its first target values.
      const shown =
        target.kind === 'class' ? `label ${batch.y[0]}` : `target ${Array.from(batch.y.subarray(0, 3), (v) => v.toFixed(3)).join(', ')}${batch.y.length > 3 ? ', ...' : ''}`;
      data.activity = { sample: `test sample ${index} (${shown})`, layers };
      if (options.energy) {
        // Per sample, averaged over the same seeded test samples `spikeflow energy` measures.
        const selected = selectTestSamples(test, options.energySamples ?? Math.min(DEFAULT_ENERGY_SAMPLES, test.length), runConfig.seed, '--energy-samples');
        const { x } = test.getBatch(selected.indices);
        const energySeq = tf.tidy(() =>
          encoder.encode(tf.tensor(x, [selected.indices.length, ...test.sampleShape]), { timeSteps, sampleIndices: selected.indices, epoch: 0, seed: runConfig.seed }),
        );
        try {
          data.energy = { ...options.energy(model, energySeq), selection: selected.description };
        } finally {
          energySeq.dispose();
        }
      }
    } finally {
      seq.dispose();
      model.dispose();
    }
    data.title = `${runConfig.model.id} on ${runConfig.dataset.id} — ${path.basename(dir)}`;
  } else if (!io.quiet) {
    io.log(`no checkpoints in ${dir}: the report has the curves only`);
  }
  const written = await writeReport(data, path.resolve(options.out ?? path.join(dir, 'report')));
  return { html: written.html, figures: written.figures, epochs: epochs.length, ...(data.energy ? { energyPj: data.energy.totalPj } : {}), activity: data.activity !== undefined };
}

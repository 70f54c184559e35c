import { SpikeflowError, describeBackend, manualSeed, selectBackend, tf, type Dataset, type Encoder, type Module, type TaskDataset } from '@spikeflow/core';
import { measureEnergy, type EnergyReport } from '@spikeflow/models';
import type { EnergyReportLike } from '@spikeflow/report';
import { loadSpikeflow } from './plugins.js';
import { loadTrainedRun } from './trained-model.js';
import type { RunIO } from './train-run.js';
import { selectTestSamples, type TestSamples } from './test-samples.js';

/** Test samples an energy estimate averages over unless told otherwise (fewer when the split is smaller). */
export const DEFAULT_ENERGY_SAMPLES = 64;

export interface EnergyRunResult {
  readonly source: string;
  readonly backend: string;
  readonly samples: number;
  /** For a checkpoint: which test samples the estimate averages over. */
  readonly test?: TestSamples;
  readonly report: EnergyReport;
}

/**
 * Energy of a trained checkpoint per sample, averaged over `samples` test samples (default
 * {@link DEFAULT_ENERGY_SAMPLES}) chosen by the run's seed — the same selection `--test-subset` makes
 * in train and eval, and the one `spikeflow report` measures, so both print the same figure.
 */
export async function runCheckpointEnergy(checkpointPath: string, overrides: Record<string, unknown>, samples: number | undefined, io: RunIO): Promise<EnergyRunResult> {
  const { checkpoint, config, model, encoder, timeSteps, test, backend } = await loadTrainedRun(checkpointPath, overrides, io);
  let report: EnergyReport;
  let selected: TestSamples;
  try {
    selected = selectTestSamples(test, samples ?? Math.min(DEFAULT_ENERGY_SAMPLES, test.length), config.seed, '--samples');
    report = measureCheckpointEnergy(model, encoder, test, selected.indices, timeSteps, config.seed);
  } finally {
    model.dispose();
  }
  return { source: checkpoint.dir, backend, samples: selected.indices.length, test: selected, report };
}

/** Encode the test samples at `indices` as the run does and measure the model's energy per sample on them. */
export function measureCheckpointEnergy(
  model: Module,
  encoder: Encoder,
  test: Pick<Dataset | TaskDataset, 'getBatch' | 'sampleShape'>,
  indices: Int32Array,
  timeSteps: number,
  seed: number,
): EnergyReport {
  const { x } = test.getBatch(indices);
  const seq = tf.tidy(() => encoder.encode(tf.tensor(x, [indices.length, ...test.sampleShape]), { timeSteps, sampleIndices: indices, epoch: 0, seed }));
  try {
    return measureEnergy(model, seq);
  } finally {
    seq.dispose();
  }
}

/** Energy of an untrained (seeded) architecture on uniform random direct-encoded input: counts are exact, rates are the initial ones. */
export async function runModelEnergy(
  request: {
    model: string;
    modelOptions: Record<string, unknown>;
    neuron: string;
    neuronOptions: Record<string, unknown>;
    input: readonly number[];
    classes: number;
    timeSteps: number;
    samples: number;
    seed: number;
    backend: string;
  },
  io: RunIO,
): Promise<EnergyRunResult> {
  if (!Number.isInteger(request.samples) || request.samples < 1) throw new SpikeflowError('invalid-options', `--samples must be a positive integer, got ${request.samples}`);
  const backend = await selectBackend(request.backend as 'auto');
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  manualSeed(request.seed);
  const model: Module = sf.model(request.model, request.modelOptions, {
    inputShape: request.input,
    numClasses: request.classes,
    neuron: { id: request.neuron, options: request.neuronOptions },
  });
  const x = tf.randomUniform([request.samples, ...request.input], 0, 1, 'float32', request.seed);
  let report: EnergyReport;
  try {
    report = measureEnergy(model, x, { timeSteps: request.timeSteps });
  } finally {
    x.dispose();
    model.dispose();
  }
  return { source: `${request.model} (untrained, seed ${request.seed}, uniform random input)`, backend: backend.name, samples: request.samples, report };
}

/** The report package's view of an energy estimate. */
export function toReportEnergy(report: EnergyReport): EnergyReportLike {
  return {
    layers: report.layers.map((l) => ({
      name: l.name,
      inputRate: l.inputRate === 'analog' ? null : l.inputRate,
      macs: l.macs,
      ops: l.inputRate === 'analog' ? l.flops : l.sops,
      energyPj: l.energyPj,
    })),
    totalPj: report.energyPj,
    samples: report.batchSize,
    eMacPj: report.eMacPj,
    eAcPj: report.eAcPj,
    formula: `E = Σ FLOPs·E_MAC + Σ SOPs·E_AC per sample (the mean over the ${report.batchSize} sample${report.batchSize === 1 ? '' : 's'} measured) over T = ${report.timeSteps} steps: FLOPs = T·MACs for layers fed by analog values, SOPs = firing rate·T·MACs for layers fed by spikes.`,
  };
}

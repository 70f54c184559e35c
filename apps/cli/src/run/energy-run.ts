import { describeBackend, manualSeed, selectBackend, tf, type Module } from '@spikeflow/core';
import { measureEnergy, type EnergyReport } from '@spikeflow/models';
import type { EnergyReportLike } from '@spikeflow/report';
import { loadSpikeflow } from './plugins.js';
import { loadTrainedModel, spreadSamples } from './trained-model.js';
import type { RunIO } from './train-run.js';

export interface EnergyRunResult {
  readonly source: string;
  readonly backend: string;
  readonly samples: number;
  readonly report: EnergyReport;
}

/** Energy of a trained checkpoint, measured on `samples` test samples spread over the split. */
export async function runCheckpointEnergy(checkpointPath: string, overrides: Record<string, unknown>, samples: number, io: RunIO): Promise<EnergyRunResult> {
  const { checkpoint, config, model, encoder, timeSteps, test, backend } = await loadTrainedModel(checkpointPath, overrides, io);
  const { x, indices } = spreadSamples(test, samples);
  const n = indices.length;
  const seq = tf.tidy(() => encoder.encode(tf.tensor(x, [n, ...test.sampleShape]), { timeSteps, sampleIndices: indices, epoch: 0, seed: config.seed }));
  let report: EnergyReport;
  try {
    report = measureEnergy(model, seq);
  } finally {
    seq.dispose();
    model.dispose();
  }
  return { source: checkpoint.dir, backend, samples: n, report };
}

/** Energy of an untrained (seeded) architecture on uniform random direct-encoded input: counts are exact, rates are the initial ones. */
export async function runModelEnergy(request: { model: string; modelOptions: Record<string, unknown>; neuron: string; neuronOptions: Record<string, unknown>; input: readonly number[]; classes: number; timeSteps: number; samples: number; seed: number; backend: string }, io: RunIO): Promise<EnergyRunResult> {
  const backend = await selectBackend(request.backend as 'auto');
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  manualSeed(request.seed);
  const model: Module = sf.model(request.model, request.modelOptions, { inputShape: request.input, numClasses: request.classes, neuron: { id: request.neuron, options: request.neuronOptions } });
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
    layers: report.layers.map((l) => ({ name: l.name, inputRate: l.inputRate === 'analog' ? null : l.inputRate, macs: l.macs, ops: l.inputRate === 'analog' ? l.flops : l.sops, energyPj: l.energyPj })),
    totalPj: report.energyPj,
    eMacPj: report.eMacPj,
    eAcPj: report.eAcPj,
    formula: `E = Σ FLOPs·E_MAC + Σ SOPs·E_AC per sample over T = ${report.timeSteps} steps: FLOPs = T·MACs for layers fed by analog values, SOPs = firing rate·T·MACs for layers fed by spikes.`,
  };
}

import * as path from 'node:path';
import { ProgressBar, SpikeflowError, tf, type Module } from '@spikeflow/core';
import {
  evaluateClassifier, exportNetwork, formatResourceReport, mapModel, mapResources, offchipCurrents, quantizeNetwork, SPINNAKER1,
  type ClassifierEvaluation, type PynnSimulator, type QuantizationReport, type SpinnakerNetwork, type SpinnakerResourceReport,
} from '@spikeflow/chips-spinnaker';
import type { RunIO } from './train-run.js';
import { loadTrainedModel, type TrainedModel } from './trained-model.js';
import { selectTestSamples, type TestSamples } from './test-samples.js';

/** Options shared by the SpiNNaker commands. */
export interface SpinnakerRunOptions {
  readonly dataDir?: string;
  readonly backend?: string;
  readonly boards?: number;
}

function overrides(options: SpinnakerRunOptions): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (options.dataDir) o.dataDir = options.dataDir;
  if (options.backend) o.backend = options.backend;
  return o;
}

function mapTrained(t: TrainedModel): SpinnakerNetwork {
  const encoder = t.config.encoder.id.replace(/^core\//, '');
  if (encoder !== 'direct') throw new SpikeflowError('not-supported', `SpiNNaker export computes the first layer off-chip from direct-encoded (analog) input; this checkpoint uses the '${t.config.encoder.id}' encoder`);
  return mapModel(t.model, { timeSteps: t.config.timeSteps, input: 'current', inputShape: t.test.sampleShape });
}

/** The first population's currents for the test samples at `indices`, in batches, with progress. */
function testCurrents(t: TrainedModel, network: SpinnakerNetwork, indices: Int32Array, io: RunIO): { currents: Float32Array; labels: Int32Array } {
  const n = indices.length;
  const size = network.populations[0].size;
  const currents = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const bar = io.quiet || n < 1000 ? undefined : new ProgressBar({ total: n, label: 'off-chip layer', unit: 'samples', force: io.forceProgress });
  for (let start = 0; start < n; start += 500) {
    const count = Math.min(500, n - start);
    const b = t.test.getBatch(indices.subarray(start, start + count));
    currents.set(offchipCurrents(network, b.x, count), start * size);
    labels.set(b.y, start);
    bar?.tick(count);
  }
  bar?.done();
  return { currents, labels };
}

/** The trained model's own (float32, TensorFlow.js) accuracy on the test samples at `indices` with direct encoding. */
function floatAccuracy(model: Module, t: TrainedModel, indices: Int32Array): number {
  const n = indices.length;
  let ok = 0;
  const T = t.config.timeSteps;
  for (let start = 0; start < n; start += t.config.evalBatchSize) {
    const count = Math.min(t.config.evalBatchSize, n - start);
    const b = t.test.getBatch(indices.subarray(start, start + count));
    const pred = tf.tidy(() => {
      const x = tf.tensor(b.x, [count, ...t.test.sampleShape]);
      const xs = tf.broadcastTo(tf.expandDims(x, 0), [T, count, ...t.test.sampleShape]);
      return tf.argMax(tf.sum(model.forward(xs), 0), -1).dataSync();
    });
    for (let i = 0; i < count; i++) if (pred[i] === b.y[i]) ok++;
  }
  return ok / n;
}

export interface SpinnakerExportResult {
  readonly out: string;
  readonly script: string;
  readonly data: string;
  readonly simulator: PynnSimulator;
  readonly samples: number;
  readonly resources: SpinnakerResourceReport;
  readonly quantization: readonly QuantizationReport[];
}

/** `spikeflow export --target spinnaker`: write run.py + network.safetensors with `samples` test samples. */
export async function runSpinnakerExport(checkpointPath: string, out: string, options: SpinnakerRunOptions & { simulator?: PynnSimulator; samples?: number }, io: RunIO): Promise<SpinnakerExportResult> {
  const simulator = options.simulator ?? 'spinnaker';
  if (!['spinnaker', 'brian2', 'nest'].includes(simulator)) throw new SpikeflowError('invalid-options', `--simulator must be spinnaker, brian2 or nest, got '${simulator}'`);
  const t = await loadTrainedModel(checkpointPath, overrides(options), io);
  try {
    const network = mapTrained(t);
    const resources = mapResources(network, { ...SPINNAKER1, boards: options.boards ?? 1 });
    const n = Math.min(options.samples ?? 100, t.test.length);
    const { currents, labels } = testCurrents(t, network, Int32Array.from({ length: n }, (_, i) => i), io);
    const files = await exportNetwork(out, network, { simulator, samples: { kind: 'currents', count: n, currents, labels } });
    return { out: path.resolve(out), script: files.script, data: files.data, simulator, samples: n, resources, quantization: quantizeNetwork(network).report };
  } finally {
    t.model.dispose();
  }
}

export interface SpinnakerSimulateResult extends ClassifierEvaluation {
  readonly checkpoint: string;
  readonly timeSteps: number;
  /** Which test samples were simulated (the seeded `--test-subset`, as in train and eval). */
  readonly test: TestSamples['json'];
  readonly testDescription: string;
  /** The trained model's own accuracy (TensorFlow.js, float32). */
  readonly floatAccuracy: number;
  /** Percentage points lost in s16.15 (float model − fixed point). */
  readonly drop: number;
  readonly resources: SpinnakerResourceReport;
  readonly quantization: readonly QuantizationReport[];
}

/** `spikeflow simulate --target spinnaker`: float accuracy beside sPyNNaker's s16.15 arithmetic. */
export async function runSpinnakerSimulate(checkpointPath: string, options: SpinnakerRunOptions & { testSubset?: number }, io: RunIO): Promise<SpinnakerSimulateResult> {
  const t = await loadTrainedModel(checkpointPath, overrides(options), io);
  try {
    const selected = selectTestSamples(t.test, options.testSubset, t.config.seed);
    const network = mapTrained(t);
    const n = selected.indices.length;
    const fl = floatAccuracy(t.model, t, selected.indices);
    const { currents, labels } = testCurrents(t, network, selected.indices, io);
    const fixed = quantizeNetwork(network);
    const r = evaluateClassifier(fixed, { kind: 'currents', count: n, currents, labels }, { progress: !io.quiet, label: 'spinnaker s16.15' });
    return { ...r, checkpoint: t.checkpoint.dir, test: selected.json, testDescription: selected.description, timeSteps: t.config.timeSteps, floatAccuracy: fl, drop: (fl - r.fixedAccuracy) * 100, resources: mapResources(network, { ...SPINNAKER1, boards: options.boards ?? 1 }), quantization: fixed.report };
  } finally {
    t.model.dispose();
  }
}

/** Human lines for a quantisation report. */
export function formatQuantization(report: readonly QuantizationReport[]): string[] {
  return report.map((p) => p.weights === 0 ? `  ${p.population}: no synapses on chip (driven by i_offset)` : `  ${p.population}: ring-buffer shift exc ${p.shifts[0]} / inh ${p.shifts[1]} → weight step ${p.resolution[0]} / ${p.resolution[1]}; ${p.roundedToZero} of ${p.weights} weights round to zero; max |error| ${p.maxError.toPrecision(3)}`);
}

export { formatResourceReport };

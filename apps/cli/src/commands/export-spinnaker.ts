// The SpiNNaker entries of `spikeflow export` and `spikeflow simulate` (their maps from target id
// to exporter/simulator pick these up as `spinnaker`).
import { SpikeflowError } from '@spikeflow/core';
import { importOptional } from '../run/optional-package.js';
import type { TargetExporter } from './export.js';
import type { TargetSimulator } from './simulate.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function checkFormat(format: string | undefined): void {
  if (format !== undefined && format !== 'pynn') throw new SpikeflowError('invalid-options', `--format for SpiNNaker must be pynn (a PyNN script and its data file), got '${format}'`);
}

/** `spikeflow export --target spinnaker --out <folder> [--simulator brian2|nest] [--samples N]`. */
export const spinnakerExporter: TargetExporter = async ({ checkpoint, out, format, opts, io }) => {
  checkFormat(format);
  const { formatQuantization, formatResourceReport, runSpinnakerExport } = await importOptional('@spikeflow/chips-spinnaker', () => import('../run/spinnaker-run.js'), 'spikeflow export --target spinnaker');
  const r = await runSpinnakerExport(checkpoint, out, { simulator: opts.simulator, samples: opts.samples, dataDir: opts.dataDir, backend: opts.backend }, io);
  if (!io.json) {
    io.log(`wrote ${r.script} (PyNN, imports pyNN.${r.simulator === 'spinnaker' ? 'spiNNaker' : r.simulator} by default) and ${r.data} (${r.samples} test samples); run: python3 ${r.script}`);
    for (const line of formatQuantization(r.quantization)) io.log(line);
    io.log(formatResourceReport(r.resources));
  }
  return { ...r };
};

/** `spikeflow simulate --target spinnaker`: the float model beside sPyNNaker's s16.15 arithmetic. */
export const spinnakerSimulator: TargetSimulator = async ({ checkpoint, opts, io }) => {
  const { formatQuantization, formatResourceReport, runSpinnakerSimulate } = await importOptional('@spikeflow/chips-spinnaker', () => import('../run/spinnaker-run.js'), 'spikeflow simulate --target spinnaker');
  const r = await runSpinnakerSimulate(checkpoint, { testSubset: opts.testSubset, dataDir: opts.dataDir, backend: opts.backend }, io);
  if (!io.json) {
    io.log(`${r.testDescription}, T=${r.timeSteps}: float model ${pct(r.floatAccuracy)}, float64 reference of the export ${pct(r.referenceAccuracy)}, SpiNNaker s16.15 ${pct(r.fixedAccuracy)} (drop ${r.drop.toFixed(2)} points; same prediction as the reference on ${pct(r.agreement)}, identical spike trains ${pct(r.identicalTrains)}); ring-buffer saturations ${r.ringBufferSaturations}, arithmetic saturations ${r.arithmeticSaturations}`);
    for (const line of formatQuantization(r.quantization)) io.log(line);
    io.log(formatResourceReport(r.resources));
  }
  return { ...r };
};

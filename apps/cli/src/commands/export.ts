import { Command } from 'commander';
import { int } from './options.js';
import { SpikeflowError } from '@spikeflow/core';
import { importOptional } from '../run/optional-package.js';
import type { RunIO } from '../run/train-run.js';
import { makeIO } from './io.js';
import { spinnakerExporter } from './export-spinnaker.js';

/** What `spikeflow export` hands to a target's exporter. */
export interface ExportRequest {
  readonly checkpoint: string;
  readonly out: string;
  /** `--format`, if given (each target has its own default). */
  readonly format?: string;
  /** Raw flag values, for target-specific options. */
  readonly opts: Readonly<Record<string, any>>;
  readonly io: RunIO;
}

/** Exports a checkpoint for one chip; returns a JSON-able summary. */
export type TargetExporter = (request: ExportRequest) => Promise<Record<string, unknown>>;

function loihiExporter(chip: 'loihi1' | 'loihi2'): TargetExporter {
  return async ({ checkpoint, out, format, opts, io }) => {
    const f = format ?? 'netx';
    if (f !== 'netx' && f !== 'nir') throw new SpikeflowError('invalid-options', `--format for Loihi must be netx or nir, got '${f}'`);
    const { formatResourceReport, runLoihiExport } = await importOptional('@spikeflow/chips-loihi', () => import('../run/loihi-run.js'), 'spikeflow export --target loihi');
    const r = await runLoihiExport(checkpoint, out, f, { chip, inputBits: opts.inputBits, calibrationSamples: opts.calibrationSamples, dataDir: opts.dataDir, backend: opts.backend, allowResetMismatch: opts.allowResetMismatch }, io);
    if (!io.json) {
      io.log(`wrote ${r.format} file ${r.out} for ${chip} (${r.layers.length} layers, graded input ${r.inputBits} bits, payload = round(x · ${r.inputScale}))`);
      for (const [i, l] of r.layers.entries()) io.log(`  layer ${i} (${l.name}): gain ${l.gain.toFixed(2)} (limited by ${l.limitedBy}), vThMant ${l.vth}, iDecay ${l.du + 1}, vDecay ${l.dv}`);
      for (const m of r.messages) io.log(`  note: ${m}`);
      io.log(formatResourceReport(r.resources));
    }
    return { ...r };
  };
}

/**
 * Exporters by target id. A chip package plugs in with one entry here (its id and an exporter);
 * `loihi` is Loihi 2.
 */
export const EXPORTERS: Readonly<Record<string, TargetExporter>> = {
  loihi: loihiExporter('loihi2'),
  loihi2: loihiExporter('loihi2'),
  loihi1: loihiExporter('loihi1'),
  spinnaker: spinnakerExporter,
};

export function exportCommand(): Command {
  return new Command('export')
    .description('export a trained checkpoint to a neuromorphic chip format')
    .requiredOption('--target <id>', `chip target: ${Object.keys(EXPORTERS).join(', ')}`)
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder')
    .requiredOption('--out <file>', 'output file')
    .option('--format <name>', 'output format (Loihi: netx (default) or nir)')
    .option('--input-bits <n>', 'Loihi 2: graded input payload bits 1..8 (default: chosen by calibration)', int('--input-bits'))
    .option('--calibration-samples <n>', 'training samples used to bound the first layer (default 1000)', int('--calibration-samples'))
    .option('--allow-reset-mismatch', 'map soft-reset neurons to Loihi\'s reset-to-0 anyway')
    .option('--simulator <name>', 'SpiNNaker: PyNN back end the script imports by default: spinnaker (default), brian2 or nest')
    .option('--samples <n>', 'SpiNNaker: test samples stored with the script (default 100)', int('--samples'))
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', `
Examples:
  $ spikeflow export --target loihi --format netx --checkpoint runs/mlp --out mlp.net
  $ spikeflow export --target loihi --format nir --checkpoint runs/mlp --out mlp.nir
  $ spikeflow export --target spinnaker --checkpoint runs/mlp --out mlp-spinnaker --simulator brian2`)
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      const exporter = EXPORTERS[opts.target];
      if (!exporter) throw new SpikeflowError('unknown-id', `unknown export target '${opts.target}'; known: ${Object.keys(EXPORTERS).join(', ')}`);
      const r = await exporter({ checkpoint: opts.checkpoint, out: opts.out, format: opts.format, opts, io });
      if (io.json) io.json({ type: 'export', target: opts.target, ...r });
    });
}

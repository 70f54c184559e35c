import { Command } from 'commander';
import { addChipOptions, collect, int } from './options.js';
import { SpikeflowError } from '@spikeflow/core';
import { parseOptionFlag } from '../config/parse-option-flag.js';
import { loadTrainedModel } from '../run/trained-model.js';
import { loadSpikeflow } from '../run/plugins.js';
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

/**
 * Any other target is looked up in the hardware-target registry (chip plugins, built in or installed):
 * the checkpoint's model is rebuilt, `check` must report that it fits, then `export` writes `--out`.
 */
async function registryExport({ checkpoint, out, opts, io }: ExportRequest): Promise<Record<string, unknown>> {
  const { sf } = await loadSpikeflow();
  if (!sf.hardwareTargets.has(opts.target)) {
    const known = [...Object.keys(EXPORTERS), ...sf.hardwareTargets.ids().filter((id) => !(id.split('/')[1] in EXPORTERS))];
    throw new SpikeflowError('unknown-id', `unknown export target '${opts.target}'; known: ${known.join(', ')}`);
  }
  const { descriptor, options } = sf.hardwareTargets.parseOptions(opts.target, parseOptionFlag(opts.targetOpt, '--target-opt', sf.hardwareTargets.get(opts.target)) ?? {});
  const target = descriptor.create(options);
  const { model } = await loadTrainedModel(checkpoint, { ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.backend ? { backend: opts.backend } : {}) }, io);
  try {
    const report = target.check(model);
    if (!report.fits) throw new SpikeflowError('does-not-fit', `the model does not fit ${descriptor.fullId}: ${report.messages.join('; ')}`, { resources: report.resources });
    await target.export(model, out);
    if (!io.json) {
      io.log(`wrote ${out} for ${descriptor.fullId} (${Object.entries(report.resources).map(([k, v]) => `${k} ${v}`).join(', ')})`);
      for (const m of report.messages) io.log(`  note: ${m}`);
    }
    return { out, target: descriptor.fullId, resources: report.resources, messages: report.messages };
  } finally {
    model.dispose();
  }
}

export function exportCommand(): Command {
  const command = new Command('export')
    .description('export a trained checkpoint to a neuromorphic chip format')
    .requiredOption('--target <id>', `chip target: ${Object.keys(EXPORTERS).join(', ')}, or any hardware target a chip plugin registers (namespace/id)`)
    .option('--target-opt <key=value>', 'option of a plugin hardware target, repeatable', collect)
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder')
    .requiredOption('--out <file>', 'output file')
    .option('--format <name>', 'output format (Loihi: netx (default) or nir)')
    .option('--simulator <name>', 'SpiNNaker: PyNN back end the script imports by default: spinnaker (default), brian2 or nest')
    .option('--samples <n>', 'SpiNNaker: test samples stored with the script (default 100)', int('--samples'));
  return addChipOptions(command)
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', `
Examples:
  $ spikeflow export --target loihi --format netx --checkpoint runs/mlp --out mlp.net
  $ spikeflow export --target loihi --format nir --checkpoint runs/mlp --out mlp.nir
  $ spikeflow export --target spinnaker --checkpoint runs/mlp --out mlp-spinnaker --simulator brian2
  $ spikeflow export --target my-chip/toy-chip --target-opt maxNeurons=4096 --checkpoint runs/mlp --out mlp.json`)
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      const exporter = EXPORTERS[opts.target] ?? registryExport;
      const r = await exporter({ checkpoint: opts.checkpoint, out: opts.out, format: opts.format, opts, io });
      if (io.json) io.json({ type: 'export', target: opts.target, ...r });
    });
}

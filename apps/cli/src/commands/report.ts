import { Command } from 'commander';
import { measureEnergy } from '@spikeflow/models';
import { toReportEnergy } from '../run/energy-run.js';
import { importOptional } from '../run/optional-package.js';
import { makeIO } from './io.js';
import { backendFlag, int } from './options.js';

export function reportCommand(): Command {
  return new Command('report')
    .description('write an HTML report with SVG/PNG figures for a run folder: training curves, firing rates, a spike raster, membrane traces, energy')
    .argument('<run>', 'run folder written by `spikeflow train` (holds metrics.jsonl, config.json, checkpoints/)')
    .option('--out <dir>', 'output folder (default <run>/report)')
    .option('--sample <n>', 'test sample shown in the raster and membrane traces', int('--sample'), 0)
    .option('--energy-samples <n>', "test samples the energy estimate averages over, chosen by the run's seed (default 64, as spikeflow energy)", int('--energy-samples'))
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu', backendFlag)
    .option('--json', 'print the written files as JSON on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow report runs/20261127-120000-models_conv-fmnist-datasets_fashion-mnist
  $ spikeflow report runs/my-run --sample 7 --out /tmp/my-run-report`,
    )
    .action(async (run: string, opts: Record<string, any>) => {
      const io = makeIO(opts);
      const overrides: Record<string, unknown> = {};
      if (opts.dataDir) overrides.dataDir = opts.dataDir;
      if (opts.backend) overrides.backend = opts.backend;
      const { runReport } = await importOptional('@spikeflow/report', () => import('../run/report-run.js'), 'spikeflow report');
      const r = await runReport(
        run,
        { out: opts.out, sample: opts.sample, energySamples: opts.energySamples, overrides, energy: (model, seq) => toReportEnergy(measureEnergy(model, seq)) },
        io,
      );
      if (io.json) io.json({ type: 'report', ...r });
      else {
        io.log(`report: ${r.html}`);
        if (r.energyPj !== undefined) io.log(`energy: ${Number((r.energyPj / 1e6).toPrecision(4))} µJ per sample (mean over the test samples measured)`);
        for (const f of r.figures) io.log(`  ${f.id}: ${f.svg} (+ .png)`);
      }
    });
}

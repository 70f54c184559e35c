import type { Command } from 'commander';
import { SpikeflowError, type HardwareResult } from '@spikeflow/core';
import { chipFlags, hardwareIO, printResult, trainedNetwork } from '../run/chip-target.js';
import { chipCommand } from './chip-command.js';
import { int } from './options.js';

/** Flags `spikeflow export` hands to every target (each reads the ones it knows). */
const EXPORT_FLAGS = ['inputBits', 'calibrationSamples', 'allowResetMismatch', 'simulator', 'samples'];

export function exportCommand(): Command {
  return chipCommand('export', {
    description: 'export a trained checkpoint to a neuromorphic chip format',
    targets: 'chip target: loihi, loihi2, loihi1, spinnaker, or any hardware target a chip plugin registers (namespace/id)',
    options: (cmd) =>
      cmd
        .requiredOption('--out <file>', 'output file')
        .option('--format <name>', 'output format (Loihi: netx (default) or nir)')
        .option('--simulator <name>', 'SpiNNaker: PyNN back end the script imports by default: spinnaker (default), brian2 or nest')
        .option('--samples <n>', 'SpiNNaker: test samples stored with the script (default 100)', int('--samples')),
    examples: `  $ spikeflow export --target loihi --format netx --checkpoint runs/mlp --out mlp.net
  $ spikeflow export --target loihi --format nir --checkpoint runs/mlp --out mlp.nir
  $ spikeflow export --target spinnaker --checkpoint runs/mlp --out mlp-spinnaker --simulator brian2
  $ spikeflow export --target my-chip/toy-chip --target-opt maxNeurons=4096 --checkpoint runs/mlp --out mlp.json`,
    before: (target, opts) => target.checkExportRequest?.({ format: opts.format, options: chipFlags(opts, EXPORT_FLAGS) }),
    run: async ({ opts, io, target, trained: t, descriptor }) => {
      // A target that declares no formats (written before targets reported their export) is
      // checked here first, and its check's figures are printed.
      const report = target.formats ? undefined : target.check(t.model);
      if (report && !report.fits)
        throw new SpikeflowError('does-not-fit', `the model does not fit ${descriptor.fullId}: ${report.messages.join('; ')}`, { resources: report.resources });
      const r = await target.export(t.model, opts.out, { format: opts.format, options: chipFlags(opts, EXPORT_FLAGS), trained: trainedNetwork(t), io: hardwareIO(io) });
      const checked = r ? undefined : (report ?? target.check(t.model));
      const result: HardwareResult = r ?? {
        summary: { out: opts.out, target: descriptor.fullId, resources: checked!.resources, messages: checked!.messages },
        lines: [
          `wrote ${opts.out} for ${descriptor.fullId} (${Object.entries(checked!.resources)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`,
          ...checked!.messages.map((m) => `  note: ${m}`),
        ],
      };
      printResult(io, 'export', opts.target, result);
    },
  });
}

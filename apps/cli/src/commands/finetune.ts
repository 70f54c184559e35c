import { Command } from 'commander';
import { TEST_SUBSET_HELP, addChipOptions, int } from './options.js';
import { SpikeflowError } from '@spikeflow/core';
import { importOptional } from '../run/optional-package.js';
import type { RunIO } from '../run/train-run.js';
import { makeIO } from './io.js';

/** Quantisation-aware fine-tuning for one chip; returns a JSON-able summary. */
export type TargetFinetuner = (request: { checkpoint: string; out: string; opts: Readonly<Record<string, any>>; io: RunIO }) => Promise<Record<string, unknown>>;

function loihiFinetuner(chip: 'loihi1' | 'loihi2'): TargetFinetuner {
  return async ({ checkpoint, out, opts, io }) => {
    const { runLoihiFinetune } = await importOptional('@spikeflow/chips-loihi', () => import('../run/loihi-run.js'), 'spikeflow finetune');
    const r = await runLoihiFinetune(checkpoint, out, {
      chip, inputBits: opts.inputBits, calibrationSamples: opts.calibrationSamples, dataDir: opts.dataDir, backend: opts.backend,
      epochs: opts.epochs, lr: opts.lr, subset: opts.subset, testSubset: opts.testSubset, allowResetMismatch: opts.allowResetMismatch,
    }, io);
    if (!io.json) io.log(`fine-tuned for ${chip} (input ${r.inputBits} bits): run folder ${r.runDir}${r.testAccuracy !== undefined ? `, quantised test accuracy ${(r.testAccuracy * 100).toFixed(2)}%` : ''}`);
    return { ...r };
  };
}

/** Fine-tuners by target id; a chip package plugs in with one entry. */
export const FINETUNERS: Readonly<Record<string, TargetFinetuner>> = {
  loihi: loihiFinetuner('loihi2'),
  loihi2: loihiFinetuner('loihi2'),
  loihi1: loihiFinetuner('loihi1'),
};

export function finetuneCommand(): Command {
  const command = new Command('finetune')
    .description('quantisation-aware fine-tuning for a chip target (straight-through estimator on the quantised weights)')
    .addHelpText('after', `
Examples:
  $ spikeflow finetune --target loihi2 --checkpoint runs/mlp --out runs/mlp-qat --epochs 1
  $ spikeflow finetune --target loihi2 --checkpoint runs/mlp --out runs/mlp-qat --input-bits 8 --json`)
    .requiredOption('--target <id>', `chip target: ${Object.keys(FINETUNERS).join(', ')}`)
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder')
    .requiredOption('--out <dir>', 'run folder for the fine-tuned checkpoints')
    .option('--epochs <n>', 'epochs (default 1)', int('--epochs'))
    .option('--lr <number>', 'learning rate (default 1e-4)', (v) => Number(v))
    .option('--subset <n>', "train on N training samples chosen at random by the seed (the same N every epoch)", int('--subset'))
    .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset'));
  return addChipOptions(command)
    .option('--progress', 'draw progress bars even when stderr is not a terminal')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      const ft = FINETUNERS[opts.target];
      if (!ft) throw new SpikeflowError('unknown-id', `unknown fine-tuning target '${opts.target}'; known: ${Object.keys(FINETUNERS).join(', ')}`);
      const r = await ft({ checkpoint: opts.checkpoint, out: opts.out, opts, io });
      if (io.json) io.json({ type: 'finetune', target: opts.target, ...r });
    });
}

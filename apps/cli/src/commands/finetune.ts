import * as path from 'node:path';
import type { Command } from 'commander';
import { jsonlMetricsCallback, progressCallback, type TrainerCallback } from '@spikeflow/core';
import { DataLoader } from '@spikeflow/datasets';
import { selectTestSamples } from '../run/test-samples.js';
import { buildModel } from '../run/train-run.js';
import { chipFlags, hardwareIO, printResult, trainedNetwork } from '../run/chip-target.js';
import { chipCommand } from './chip-command.js';
import { TEST_SUBSET_HELP, int } from './options.js';

/** Flags `spikeflow finetune` hands to every target (each reads the ones it knows). */
const FINETUNE_FLAGS = ['inputBits', 'calibrationSamples', 'allowResetMismatch'];

export function finetuneCommand(): Command {
  return chipCommand('finetune', {
    description: 'quantisation-aware fine-tuning for a chip target (straight-through estimator on the quantised weights)',
    targets: 'chip target: loihi, loihi2, loihi1, or a plugin hardware target that fine-tunes (namespace/id)',
    options: (cmd) =>
      cmd
        .requiredOption('--out <dir>', 'run folder for the fine-tuned checkpoints')
        .option('--epochs <n>', 'epochs (default 1)', int('--epochs'))
        .option('--lr <number>', 'learning rate (default 1e-4)', (v) => Number(v))
        .option('--subset <n>', 'train on N training samples chosen at random by the seed (the same N every epoch)', int('--subset'))
        .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset')),
    progress: true,
    examples: `  $ spikeflow finetune --target loihi2 --checkpoint runs/mlp --out runs/mlp-qat --epochs 1
  $ spikeflow finetune --target loihi2 --checkpoint runs/mlp --out runs/mlp-qat --input-bits 8 --json`,
    run: async ({ opts, io, target, trained: t }) => {
      const config = {
        ...t.config,
        epochs: opts.epochs ?? 1,
        subset: opts.subset ?? t.config.subset,
        testSubset: opts.testSubset ?? t.config.testSubset,
        out: path.resolve(opts.out),
      };
      // The loader's seeded subset is the set selectTestSamples describes (same indices, same seed).
      const testSamples = selectTestSamples(t.test, config.testSubset, config.seed);
      if (!io.quiet) io.log(testSamples.description);
      const { model: unused, encoder, loss } = buildModel(t.sf, config, t.test);
      unused.dispose();
      const callbacks: TrainerCallback[] = [jsonlMetricsCallback(path.join(config.out, 'metrics.jsonl'))];
      if (!io.quiet) callbacks.push(progressCallback({ log: io.log, force: io.forceProgress }));
      const r = await target.finetune!({
        trained: { ...trainedNetwork(t), encoder },
        loss,
        numClasses: t.train.numClasses,
        train: new DataLoader({ dataset: t.train, batchSize: config.batchSize, shuffle: true, seed: config.seed + 1, subset: config.subset }),
        test: new DataLoader({ dataset: t.test, batchSize: config.evalBatchSize, shuffle: false, seed: config.seed, subset: config.testSubset }),
        epochs: config.epochs,
        lr: opts.lr ?? 1e-4,
        out: config.out,
        callbacks,
        options: chipFlags(opts, FINETUNE_FLAGS),
        io: hardwareIO(io),
        runConfig: config as unknown as Record<string, unknown>,
        checkpointConfig: { ...t.config, out: config.out, epochs: config.epochs } as unknown as Record<string, unknown>,
      });
      printResult(io, 'finetune', opts.target, r);
    },
  });
}

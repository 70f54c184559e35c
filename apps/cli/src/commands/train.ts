import { Command } from 'commander';
import { loadCheckpoint } from '@spikeflow/core';
import { addRunOptions, flagsToConfig } from './options.js';
import { mergeConfig, parseRunConfig, readConfigFile, runConfigSchema } from '../config/run-config.js';
import { runTraining } from '../run/train-run.js';
import { makeIO } from './io.js';
import { resumedClusterConfig, runLocalCluster } from './cluster.js';

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('train a spiking network (default: lif-mlp on Fashion-MNIST, T=8, 1 epoch)')
    .option('--resume <path>', 'continue from a checkpoint folder or run folder (its stored config is the base)')
    .option('--workers <n>', 'train data-parallel with N local worker processes (per-worker --batch-size, global N x batch)', (v) => Number(v));
  addRunOptions(cmd);
  cmd.addHelpText('after', `
Examples:
  $ spikeflow train
  $ spikeflow train --model conv-fmnist --model-opt channels=32 --epochs 3 --lr 1e-3
  $ spikeflow train --neuron plif --neuron-opt surrogate=atan --subset 2000 --json
  $ spikeflow train --resume runs/my-run --epochs 3
  $ spikeflow train --workers 2 --batch-size 32 --out runs/dp`);
  cmd.action(async (opts: Record<string, any>) => {
    const io = makeIO(opts);
    const resume = opts.resume && opts.workers === undefined ? await loadCheckpoint(opts.resume) : undefined;
    // A resumed run keeps its stored config, except the early stop that interrupted it.
    const base = resume ? { ...(resume.state.config as Record<string, unknown>), maxSteps: undefined } : opts.resume ? await resumedClusterConfig(opts) : runConfigSchema.parse({});
    const file = opts.config ? readConfigFile(opts.config) : undefined;
    const config = parseRunConfig(mergeConfig(base, file, flagsToConfig(opts)), opts.config ? `configuration (${opts.config} and flags)` : 'configuration');
    if (opts.workers !== undefined) {
      await runLocalCluster(config, io, opts.workers, opts.resume);
      return;
    }
    await runTraining(config, io, resume);
  });
  return cmd;
}

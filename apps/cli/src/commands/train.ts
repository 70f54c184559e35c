import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { stringify as toYaml } from 'yaml';
import { SpikeflowError, loadCheckpoint } from '@spikeflow/core';
import { addRunOptions, flagsToConfig } from './options.js';
import { readConfigFile, resolveRunConfig, runConfigSchema } from '../config/run-config.js';
import type { ConfigLayer } from '../config/config-issues.js';
import { checkComponents } from '../config/check-components.js';
import { checkRunnable, resolveStoredConfig } from '../config/check-runnable.js';
import { loadSpikeflow } from '../run/plugins.js';
import { runTraining } from '../run/train-run.js';
import { handleInterrupts, signalExitCode } from '../run/interrupt.js';
import { styleFor } from '../output/color.js';
import { makeIO } from './io.js';
import { resumedClusterConfig, runLocalCluster } from './cluster.js';

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('train a spiking network (default: lif-mlp on Fashion-MNIST, T=8, 1 epoch)')
    .option('--resume <path>', 'continue from a checkpoint folder or run folder (its stored config is the base; flags and --config override it)')
    .option('--print-config', 'print the resolved config (YAML; JSON with --json) and exit without training')
    .option('--workers <n>', 'train data-parallel with N local worker processes (per-worker --batch-size, global N x batch)', (v) => Number(v))
    .option('--sync-bn', 'with --workers: synchronise batch-norm statistics over the workers (as one process with the global batch)');
  addRunOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  $ spikeflow train
  $ spikeflow train --model conv-fmnist --model-opt channels=32 --epochs 3 --lr 1e-3
  $ spikeflow train --neuron plif --neuron-opt surrogate=atan --subset 2000 --json
  $ spikeflow train --config run.yaml --epochs 5          # flags override the file
  $ spikeflow train --config run.yaml --print-config      # show the resolved config, do not train
  $ spikeflow train --resume runs/my-run --epochs 3       # also after Ctrl-C (exit 130)
  $ spikeflow train --workers 2 --batch-size 32 --out runs/dp`,
  );
  cmd.action(async (opts: Record<string, any>) => {
    const io = makeIO(opts);
    const resume = opts.resume && opts.workers === undefined ? await loadCheckpoint(opts.resume) : undefined;
    // A resumed run keeps its stored config, except the early stop that interrupted it.
    const base = resume ? { ...(resume.state.config as Record<string, unknown>), maxSteps: undefined } : opts.resume ? await resumedClusterConfig(opts) : runConfigSchema.parse({});
    const layers: ConfigLayer[] = [
      { name: resume ? `the config stored in ${path.join(resume.dir, 'state.json')}` : opts.resume ? `the config stored with ${opts.resume}` : 'defaults', value: base },
      { name: opts.config ?? 'config file', value: opts.config ? readConfigFile(opts.config) : undefined },
      { name: 'command line', value: flagsToConfig(opts) },
    ];
    const config = resolveRunConfig(layers);
    const { sf } = await loadSpikeflow();
    checkComponents(sf, config, layers);
    if (opts.printConfig) {
      // Refuse what the run would refuse once started (the model cannot take the data, a step does not fit).
      await checkRunnable(sf, config);
      const stored = resolveStoredConfig(sf, config);
      process.stdout.write(opts.json ? `${JSON.stringify(stored, null, 2)}\n` : toYaml(stored));
      return;
    }
    if (opts.syncBn && opts.workers === undefined) throw new SpikeflowError('invalid-options', '--sync-bn synchronises batch norm across --workers; give --workers N');
    if (opts.workers !== undefined) {
      await runLocalCluster(config, io, opts.workers, opts.resume, opts.syncBn === true);
      return;
    }
    const c = styleFor(process.stderr);
    // Ctrl-C: finish the step, checkpoint, exit 130 (143 for SIGTERM); a second one exits at once.
    const interrupt = handleInterrupts({
      onFirst: (signal) =>
        process.stderr.write(
          `${process.stderr.isTTY || io.forceProgress ? '\n' : ''}${c.yellow(signal)}: finishing the current step and saving a checkpoint (send it again to quit at once)\n`,
        ),
      onSecond: (signal) => process.stderr.write(`${c.yellow(signal)} again: exiting without a checkpoint\n`),
    });
    try {
      const result = await runTraining(config, io, resume, { interrupt });
      if (result.interrupted) {
        const { signal, checkpoint, step } = result.interrupted;
        const how = `spikeflow train --resume ${/\s/.test(result.runDir) ? JSON.stringify(result.runDir) : result.runDir}`;
        process.stderr.write(
          checkpoint
            ? `${c.yellow('interrupted')} after step ${step}: checkpoint ${checkpoint}\nresume with: ${c.bold(how)}\n`
            : `${c.yellow('interrupted')} before the first step: nothing to save\n`,
        );
        throw new CommanderError(signalExitCode(signal), 'spikeflow.interrupted', `interrupted by ${signal}`);
      }
    } finally {
      interrupt.dispose();
    }
  });
  return cmd;
}

import { Command, CommanderError } from 'commander';
import { SpikeflowError } from '@spikeflow/core';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { infoCommand } from './commands/info.js';
import { clusterCommand } from './commands/cluster.js';
import { benchCommand } from './commands/bench.js';
import { exportCommand } from './commands/export.js';
import { simulateCommand } from './commands/simulate.js';
import { finetuneCommand } from './commands/finetune.js';
import { datasetsCommand } from './commands/datasets.js';

export const CLI_VERSION = '0.1.0';

/** Build the `spikeflow` program (exported for tests and embedding). */
export function createProgram(): Command {
  const program = new Command('spikeflow')
    .description('Train deep spiking neural networks with surrogate gradients and BPTT')
    .version(CLI_VERSION)
    .showHelpAfterError()
    .enablePositionalOptions();
  program.addCommand(trainCommand(), { isDefault: false });
  program.addCommand(evalCommand());
  program.addCommand(infoCommand());
  program.addCommand(clusterCommand());
  program.addCommand(benchCommand());
  program.addCommand(exportCommand());
  program.addCommand(simulateCommand());
  program.addCommand(finetuneCommand());
  program.addCommand(datasetsCommand());
  return program;
}

/** Run the CLI; returns the exit code. Typed errors print their message without a stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (SpikeflowError.is(e)) {
      process.stderr.write(`spikeflow: error (${e.kind}): ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`spikeflow: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

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
import { reportCommand } from './commands/report.js';
import { modelsCommand } from './commands/models.js';
import { energyCommand } from './commands/energy.js';
import { completionCommand } from './commands/completion.js';
import { colorEnabled, setColorOverride, styleFor, type Style } from './output/color.js';
import { pluginsCommand } from './commands/plugins.js';

export const CLI_VERSION = '0.1.0';

/** Build the `spikeflow` program (exported for tests and embedding). */
export function createProgram(): Command {
  const program = new Command('spikeflow')
    .description('Train deep spiking neural networks with surrogate gradients and BPTT')
    .version(CLI_VERSION)
    .showHelpAfterError()
    .enablePositionalOptions();
  const commands = [
    trainCommand,
    evalCommand,
    infoCommand,
    clusterCommand,
    benchCommand,
    exportCommand,
    simulateCommand,
    finetuneCommand,
    datasetsCommand,
    reportCommand,
    modelsCommand,
    energyCommand,
    completionCommand,
    pluginsCommand,
  ];
  for (const command of commands) program.addCommand(command());
  program.addHelpText(
    'after',
    `
Examples:
  $ spikeflow train --epochs 3                            # lif-mlp on Fashion-MNIST
  $ spikeflow train --config run.yaml --json > log.jsonl  # config file, JSON lines for scripts
  $ spikeflow train --resume runs/<run>                   # continue after Ctrl-C (or a crash)
  $ spikeflow eval --checkpoint runs/<run>
  $ spikeflow info                                        # backend, plugins, every registered id
  $ spikeflow datasets list
  $ source <(spikeflow completion bash)

Output: results on stdout, logs and progress on stderr; colour and progress bars only on a
terminal (NO_COLOR, FORCE_COLOR, --no-color and --quiet are honoured). Exit codes: 0 ok,
1 unexpected error, 2 bad input, 130/143 stopped by Ctrl-C/SIGTERM (a checkpoint was saved).
Run 'spikeflow <command> --help' for a command's options and examples.`,
  );
  // Keep last: every command added above gets the output options and styled help.
  addOutputOptions(program);
  return program;
}

/** Every command accepts `--no-color` and `-q, --quiet`; help is styled when stdout is a terminal. */
function addOutputOptions(cmd: Command): void {
  const has = (flag: string) => cmd.options.some((o) => o.long === flag || o.short === flag);
  if (!has('--color') && !has('--no-color')) cmd.option('--no-color', 'no ANSI colours (also NO_COLOR=1)');
  if (!has('--quiet') && !has('-q')) cmd.option('-q, --quiet', 'only errors on stderr: no progress or log lines');
  cmd.configureOutput({ getOutHasColors: () => colorEnabled(process.stdout), getErrHasColors: () => colorEnabled(process.stderr) });
  // Commander strips the codes again when the target stream has no colours.
  const s: Style = styleFor({ isTTY: true }, {});
  cmd.configureHelp({ styleTitle: s.bold, styleCommandText: s.cyan, styleSubcommandText: s.cyan, styleOptionText: s.green });
  for (const sub of cmd.commands) addOutputOptions(sub);
  // `spikeflow -q train` and `spikeflow datasets -q list`: a parent's --quiet reaches the command that runs.
  if (!cmd.parent)
    cmd.hook('preAction', (_root, action) => {
      if (action.optsWithGlobals().quiet) action.setOptionValue('quiet', true);
    });
}

/** Run the CLI; returns the exit code. Typed errors print their message without a stack. */
export async function main(argv: readonly string[]): Promise<number> {
  // Decided before parsing so help and errors honour it too.
  setColorOverride(argv.includes('--no-color') ? false : undefined);
  const program = createProgram();
  // Every command throws instead of calling process.exit, so usage errors get exit code 2 here.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  const c = styleFor(process.stderr);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    // Usage mistakes (unknown option, bad flag value) exit 2 like typed input errors; help/version exit 0.
    if (e instanceof CommanderError) return e.exitCode === 1 && e.code.startsWith('commander.') ? 2 : e.exitCode;
    if (SpikeflowError.is(e)) {
      process.stderr.write(`spikeflow: ${c.red(`error (${e.kind})`)}: ${e.message}\n`);
      // Scripts reading --json output get the failure as a JSON line too.
      if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ type: 'error', kind: e.kind, message: e.message })}\n`);
      return 2;
    }
    process.stderr.write(`spikeflow: ${c.red('unexpected error')}: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

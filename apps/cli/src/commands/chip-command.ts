import { Command } from 'commander';
import type { HardwareTarget, HardwareTargetDescriptor, Registered } from '@spikeflow/core';
import { withTrainedTarget, type ChipCommand } from '../run/chip-target.js';
import type { RunIO } from '../run/train-run.js';
import type { TrainedModel } from '../run/trained-model.js';
import { makeIO } from './io.js';
import { addChipOptions, collect } from './options.js';

/** What one run of a chip command works on: its flags, its output channel, the resolved target and the loaded checkpoint. */
export interface ChipRun {
  readonly opts: Record<string, any>;
  readonly io: RunIO;
  readonly target: HardwareTarget;
  readonly trained: TrainedModel;
  readonly descriptor: Registered<HardwareTargetDescriptor<any>>;
}

/** What a chip command says and does beyond what every chip command has. */
export interface ChipCommandSpec {
  readonly description: string;
  /** Help of `--target`: which targets the command reaches. */
  readonly targets: string;
  /** The command's own options, listed after `--checkpoint` and before the shared chip options. */
  readonly options: (cmd: Command) => Command;
  /** Offer `--progress` (the commands that run the network). */
  readonly progress?: boolean;
  /** The help's `Examples:` lines. */
  readonly examples: string;
  /** Checks of the flags against the target, before the checkpoint is opened. */
  readonly before?: (target: HardwareTarget, opts: Record<string, any>) => void;
  /** What the command does with the target and the trained model (the model is disposed afterwards). */
  readonly run: (r: ChipRun) => Promise<void>;
}

/**
 * A chip command (`export`, `simulate`, `finetune`): `--target`, `--target-opt` and `--checkpoint`,
 * the command's own options, the shared chip options, `--progress` where it runs the network and
 * `--json`; its action resolves the target, loads the checkpoint and hands both to `spec.run`.
 *
 * @example
 * ```ts
 * chipCommand('simulate', { description, targets, examples, options: (c) => c, run: async ({ target, trained }) => { ... } });
 * ```
 */
export function chipCommand(name: ChipCommand, spec: ChipCommandSpec): Command {
  const command = new Command(name)
    .description(spec.description)
    .requiredOption('--target <id>', spec.targets)
    .option('--target-opt <key=value>', 'option of a plugin hardware target, repeatable', collect)
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder');
  addChipOptions(spec.options(command));
  if (spec.progress) command.option('--progress', 'draw progress bars even when stderr is not a terminal');
  return command
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', `\nExamples:\n${spec.examples}`)
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      await withTrainedTarget(
        opts,
        name,
        io,
        (target, trained, descriptor) => spec.run({ opts, io, target, trained, descriptor }),
        spec.before && ((target) => spec.before!(target, opts)),
      );
    });
}

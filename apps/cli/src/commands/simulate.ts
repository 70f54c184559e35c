import { Command } from 'commander';
import { selectTestSamples } from '../run/test-samples.js';
import { chipFlags, hardwareIO, printResult, trainedNetwork, withTrainedTarget } from '../run/chip-target.js';
import { TEST_SUBSET_HELP, addChipOptions, collect, int } from './options.js';
import { makeIO } from './io.js';

/** Flags `spikeflow simulate` hands to every target (each reads the ones it knows). */
const SIMULATE_FLAGS = ['inputBits', 'calibrationSamples', 'allowResetMismatch', 'lavaTiming'];

export function simulateCommand(): Command {
  const command = new Command('simulate')
    .description("run a checkpoint's test set through a bit-accurate chip simulation, beside the float accuracy")
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow simulate --target loihi2 --checkpoint runs/mlp --test-subset 1000
  $ spikeflow simulate --target spinnaker --checkpoint runs/mlp --json`,
    )
    .requiredOption('--target <id>', 'chip target: loihi, loihi2, loihi1, spinnaker, or a plugin hardware target that simulates (namespace/id)')
    .option('--target-opt <key=value>', 'option of a plugin hardware target, repeatable', collect)
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder')
    .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset'))
    .option('--no-lava-timing', "Loihi: feed each layer in the same step instead of Lava's one-step Dense latency");
  return addChipOptions(command)
    .option('--progress', 'draw progress bars even when stderr is not a terminal')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      await withTrainedTarget(opts, 'simulate', io, async (target, t) => {
        const test = selectTestSamples(t.test, opts.testSubset, t.config.seed);
        const r = await target.simulate!({ trained: trainedNetwork(t), test, options: chipFlags(opts, SIMULATE_FLAGS), io: hardwareIO(io) });
        printResult(io, 'simulate', opts.target, r);
      });
    });
}

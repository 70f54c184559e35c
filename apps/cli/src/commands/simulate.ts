import type { Command } from 'commander';
import { selectTestSamples } from '../run/test-samples.js';
import { chipFlags, hardwareIO, printResult, trainedNetwork } from '../run/chip-target.js';
import { chipCommand } from './chip-command.js';
import { TEST_SUBSET_HELP, int } from './options.js';

/** Flags `spikeflow simulate` hands to every target (each reads the ones it knows). */
const SIMULATE_FLAGS = ['inputBits', 'calibrationSamples', 'allowResetMismatch', 'lavaTiming'];

export function simulateCommand(): Command {
  return chipCommand('simulate', {
    description: "run a checkpoint's test set through a bit-accurate chip simulation, beside the float accuracy",
    targets: 'chip target: loihi, loihi2, loihi1, spinnaker, or a plugin hardware target that simulates (namespace/id)',
    options: (cmd) =>
      cmd
        .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset'))
        .option('--no-lava-timing', "Loihi: feed each layer in the same step instead of Lava's one-step Dense latency"),
    progress: true,
    examples: `  $ spikeflow simulate --target loihi2 --checkpoint runs/mlp --test-subset 1000
  $ spikeflow simulate --target spinnaker --checkpoint runs/mlp --json`,
    run: async ({ opts, io, target, trained: t }) => {
      const test = selectTestSamples(t.test, opts.testSubset, t.config.seed);
      const r = await target.simulate!({ trained: trainedNetwork(t), test, options: chipFlags(opts, SIMULATE_FLAGS), io: hardwareIO(io) });
      printResult(io, 'simulate', opts.target, r);
    },
  });
}

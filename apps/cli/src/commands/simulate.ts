import { Command } from 'commander';
import { TEST_SUBSET_HELP, addChipOptions, int } from './options.js';
import { SpikeflowError } from '@spikeflow/core';
import { importOptional } from '../run/optional-package.js';
import type { RunIO } from '../run/train-run.js';
import { makeIO } from './io.js';
import { spinnakerSimulator } from './export-spinnaker.js';

/** Runs a checkpoint's test set through a chip simulator; returns a JSON-able summary. */
export type TargetSimulator = (request: { checkpoint: string; opts: Readonly<Record<string, any>>; io: RunIO }) => Promise<Record<string, unknown>>;

function loihiSimulator(chip: 'loihi1' | 'loihi2'): TargetSimulator {
  return async ({ checkpoint, opts, io }) => {
    const { formatResourceReport, runLoihiSimulate } = await importOptional('@spikeflow/chips-loihi', () => import('../run/loihi-run.js'), 'spikeflow simulate --target loihi');
    const r = await runLoihiSimulate(checkpoint, {
      chip, inputBits: opts.inputBits, calibrationSamples: opts.calibrationSamples, dataDir: opts.dataDir, backend: opts.backend,
      testSubset: opts.testSubset, lavaTiming: opts.lavaTiming, allowResetMismatch: opts.allowResetMismatch,
    }, io);
    if (!io.json) {
      io.log(`${r.testDescription}, T=${r.timeSteps}: float accuracy ${(r.floatAccuracy * 100).toFixed(2)}%, ${chip} bit-accurate ${(r.chipAccuracy * 100).toFixed(2)}% (drop ${r.drop.toFixed(2)} points, same prediction on ${(r.agreement * 100).toFixed(1)}%), input ${r.inputBits} bits, current wraps ${r.wraps}`);
      for (const m of r.messages) io.log(`  note: ${m}`);
      io.log(formatResourceReport(r.resources));
    }
    return { ...r };
  };
}

/** Simulators by target id; a chip package plugs in with one entry. */
export const SIMULATORS: Readonly<Record<string, TargetSimulator>> = {
  loihi: loihiSimulator('loihi2'),
  loihi2: loihiSimulator('loihi2'),
  loihi1: loihiSimulator('loihi1'),
  spinnaker: spinnakerSimulator,
};

export function simulateCommand(): Command {
  const command = new Command('simulate')
    .description("run a checkpoint's test set through a bit-accurate chip simulation, beside the float accuracy")
    .addHelpText('after', `
Examples:
  $ spikeflow simulate --target loihi2 --checkpoint runs/mlp --test-subset 1000
  $ spikeflow simulate --target spinnaker --checkpoint runs/mlp --json`)
    .requiredOption('--target <id>', `chip target: ${Object.keys(SIMULATORS).join(', ')}`)
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder')
    .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset'))
    .option('--no-lava-timing', 'Loihi: feed each layer in the same step instead of Lava\'s one-step Dense latency');
  return addChipOptions(command)
    .option('--progress', 'draw progress bars even when stderr is not a terminal')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      const sim = SIMULATORS[opts.target];
      if (!sim) throw new SpikeflowError('unknown-id', `unknown simulation target '${opts.target}'; known: ${Object.keys(SIMULATORS).join(', ')}`);
      const r = await sim({ checkpoint: opts.checkpoint, opts, io });
      if (io.json) io.json({ type: 'simulate', target: opts.target, ...r });
    });
}

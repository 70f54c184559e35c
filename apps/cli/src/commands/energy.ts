import { Command } from 'commander';
import { SpikeflowError } from '@spikeflow/core';
import { formatEnergyReport } from '@spikeflow/models';
import { parseOptionFlag } from '../config/parse-option-flag.js';
import { surrogateProblem } from '../config/surrogate-problem.js';
import { loadSpikeflow } from '../run/plugins.js';
import { DEFAULT_ENERGY_SAMPLES, runCheckpointEnergy, runModelEnergy } from '../run/energy-run.js';
import { parseInputShape } from '../run/model-list.js';
import { makeIO } from './io.js';
import { backendFlag, collect, int } from './options.js';

export function energyCommand(): Command {
  return new Command('energy')
    .description('per-layer firing rates, synaptic operations, FLOPs and the 45 nm energy estimate of a checkpoint (or an untrained architecture)')
    .option('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder: measured on its test data')
    .option('--model <id>', 'without --checkpoint: an architecture, measured untrained on uniform random input')
    .option('--model-opt <key=value>', 'architecture option, repeatable', collect)
    .option('--neuron <id>', 'neuron for --model', 'lif')
    .option('--neuron-opt <key=value>', 'neuron option, repeatable', collect)
    .option('--input <HxWxC>', 'input shape for --model', '32x32x3')
    .option('--classes <n>', 'classes for --model', int('--classes'), 10)
    .option('-T, --time-steps <n>', 'time steps for --model', int('--time-steps'), 4)
    .option(
      '--samples <n>',
      "samples the per-sample figures average over (default 64; with --checkpoint chosen from the test split by the run's seed, as --test-subset)",
      int('--samples'),
    )
    .option('--seed <n>', 'seed for --model', int('--seed'), 0)
    .option('--data-dir <dir>', 'folder holding the dataset files (with --checkpoint)')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu', backendFlag, 'auto')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText(
      'after',
      `
Energy per sample = Σ FLOPs·E_MAC + Σ SOPs·E_AC with E_MAC = 4.6 pJ and E_AC = 0.9 pJ (45 nm CMOS,
Horowitz 2014): layers fed by analog values cost T·MACs multiply-accumulates, layers fed by spikes
cost firing rate × T × MACs accumulates (synaptic operations).

Examples:
  $ spikeflow energy --checkpoint runs/my-run
  $ spikeflow energy --model sew-resnet18 --model-opt connect=ADD --input 32x32x3 -T 4 --json`,
    )
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      if (!opts.checkpoint && !opts.model)
        throw new SpikeflowError('invalid-options', 'spikeflow energy needs --checkpoint <run|checkpoint> (a trained network) or --model <id> (an untrained architecture)');
      let modelOptions: Record<string, unknown> | undefined;
      let neuronOptions: Record<string, unknown> | undefined;
      if (!opts.checkpoint) {
        // Ids, option keys and enum values are checked (with a "did you mean") before the backend starts.
        const { sf } = await loadSpikeflow();
        modelOptions = parseOptionFlag(opts.modelOpt, '--model-opt', sf.architectures.get(opts.model)) ?? {};
        neuronOptions = parseOptionFlag(opts.neuronOpt, '--neuron-opt', sf.neurons.get(opts.neuron)) ?? {};
        const surrogate = surrogateProblem(sf, neuronOptions);
        if (surrogate) throw new SpikeflowError('unknown-id', `--neuron-opt surrogate: ${surrogate}`);
      }
      const r = opts.checkpoint
        ? await runCheckpointEnergy(
            opts.checkpoint,
            { ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.backend !== 'auto' ? { backend: opts.backend } : {}) },
            opts.samples,
            io,
          )
        : await runModelEnergy(
            {
              model: opts.model,
              modelOptions: modelOptions!,
              neuron: opts.neuron,
              neuronOptions: neuronOptions!,
              input: parseInputShape(opts.input),
              classes: opts.classes,
              timeSteps: opts.timeSteps,
              samples: opts.samples ?? DEFAULT_ENERGY_SAMPLES,
              seed: opts.seed,
              backend: opts.backend,
            },
            io,
          );
      if (io.json) io.json({ type: 'energy', source: r.source, backend: r.backend, samples: r.samples, ...(r.test ? { test: r.test.json } : {}), ...r.report });
      else process.stdout.write(`${r.source}${r.test ? ` (${r.test.description})` : ''}\n${formatEnergyReport(r.report)}\n`);
    });
}

import { Command } from 'commander';
import { runEval } from '../run/eval-run.js';
import { makeIO } from './io.js';
import { TEST_SUBSET_HELP, backendFlag, int } from './options.js';

export function evalCommand(): Command {
  return new Command('eval')
    .description("evaluate a checkpoint on its dataset's test split")
    .requiredOption('--checkpoint <path>', 'checkpoint folder, its state.json, or a run folder (uses checkpoints/latest)')
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu', backendFlag)
    .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset'))
    .option('--eval-batch-size <n>', 'evaluation batch size', int('--eval-batch-size'))
    .option('--save-predictions <file>', "write each test sample's read-out and target (and the metrics) to a JSON file")
    .option('--json', 'print the result as one JSON line {"type":"eval",...} on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow eval --checkpoint runs/my-run                       # its checkpoints/latest
  $ spikeflow eval --checkpoint runs/my-run/checkpoints/epoch-002 --test-subset 1000
  $ spikeflow eval --checkpoint runs/my-run --json | jq .testAccuracy
  $ spikeflow eval --checkpoint runs/etth1/checkpoints/best --save-predictions preds.json   # forecasts and targets`,
    )
    .action(async (opts: Record<string, any>) => {
      const io = makeIO(opts);
      const r = await runEval(opts.checkpoint, { dataDir: opts.dataDir, backend: opts.backend, testSubset: opts.testSubset, evalBatchSize: opts.evalBatchSize }, io, {
        savePredictions: opts.savePredictions,
      });
      if (io.json) io.json({ type: 'eval', ...r });
      else {
        const rates = Object.entries(r.firingRates)
          .map(([k, v]) => `${k}=${v.toFixed(3)}`)
          .join(' ');
        // The result is the command's output (stdout); logs stay on stderr.
        // Classification keeps its line; other tasks print every metric of the task.
        const scores =
          r.testAccuracy !== undefined
            ? `test accuracy ${(r.testAccuracy * 100).toFixed(2)}% loss ${r.testLoss.toFixed(4)}`
            : `${r.task} test loss ${r.testLoss.toFixed(4)} ${Object.entries(r.metrics)
                .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                .join(' ')}`;
        process.stdout.write(
          `checkpoint ${r.checkpoint}: ${scores} | ${r.testDescription} | firing ${rates || 'n/a'} | ${r.samplesPerSecond.toFixed(0)} samples/s (${r.backend})${r.predictionsFile ? ` | predictions ${r.predictionsFile}` : ''}\n`,
        );
      }
    });
}

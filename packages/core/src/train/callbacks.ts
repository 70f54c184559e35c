import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProgressBar } from '../util/progress.js';
import type { EpochMetrics, TrainerCallback } from './trainer.js';

/** `r2 0.8123 mse 0.0456` (metric values with 4 significant decimals). */
function formatMetrics(metrics: Readonly<Record<string, number>> | undefined): string {
  if (!metrics) return 'n/a';
  const parts = Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`);
  return parts.length ? parts.join(' ') : 'n/a';
}

/**
 * Format an epoch's metrics as one human-readable line: for classification (an epoch with
 * `trainAccuracy`) loss and accuracy per split, as always; for other tasks the loss and every metric
 * of the task per split (`train loss 0.31 r2 0.69 ... | valid loss ... | test loss ...`).
 */
export function formatEpochLine(m: EpochMetrics): string {
  const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(2)}%`);
  const rates = Object.entries(m.firingRates)
    .map(([k, v]) => `${k}=${v.toFixed(3)}`)
    .join(' ');
  if (m.trainAccuracy === undefined) {
    const valid = m.validMetrics ? ` | valid loss ${m.validLoss?.toFixed(4) ?? 'n/a'} ${formatMetrics(m.validMetrics)}` : '';
    const test = m.testMetrics ? ` | test loss ${m.testLoss?.toFixed(4) ?? 'n/a'} ${formatMetrics(m.testMetrics)}` : '';
    const best = m.selection?.best ? ` | best ${m.selection.split} ${m.selection.metric}` : '';
    return `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} ${formatMetrics(m.metrics)}${valid}${test}${best} | firing ${rates || 'n/a'} | ${m.samplesPerSecond.toFixed(0)} samples/s | peak rss ${m.peakRssMiB.toFixed(0)} MiB`;
  }
  return `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} acc ${pct(m.trainAccuracy)} | test loss ${m.testLoss?.toFixed(4) ?? 'n/a'} acc ${pct(m.testAccuracy)} | firing ${rates || 'n/a'} | ${m.samplesPerSecond.toFixed(0)} samples/s | peak rss ${m.peakRssMiB.toFixed(0)} MiB`;
}

/**
 * Progress bars for training and evaluation batches on stderr (only on a TTY, or when `force`),
 * plus one summary line per epoch written with `log` (default: stderr).
 */
export function progressCallback(options: { log?: (line: string) => void; force?: boolean; stream?: NodeJS.WriteStream } = {}): TrainerCallback {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let bar: ProgressBar | undefined;
  let lossAvg = 0;
  let accAvg = 0;
  let n = 0;
  return {
    onEpochStart(epoch, batches, start) {
      bar = new ProgressBar({ total: batches, label: `epoch ${epoch + 1}`, unit: 'batches', force: options.force, stream: options.stream });
      bar.update(start);
      lossAvg = accAvg = n = 0;
    },
    onStep(info) {
      n++;
      lossAvg += (info.loss - lossAvg) / n;
      accAvg += (info.accuracy - accAvg) / n;
      // Tasks without class labels have no accuracy (NaN): the bar shows the loss only.
      bar?.update(info.batch + 1, Number.isNaN(accAvg) ? { loss: lossAvg.toFixed(4) } : { loss: lossAvg.toFixed(4), acc: `${(accAvg * 100).toFixed(1)}%` });
    },
    onEvalStart(epoch, batches) {
      bar?.done();
      bar = new ProgressBar({ total: batches, label: `eval ${epoch + 1}`, unit: 'batches', force: options.force, stream: options.stream });
    },
    onEvalStep(done) {
      bar?.update(done);
    },
    onEpochEnd(metrics) {
      bar?.done();
      bar = undefined;
      log(formatEpochLine(metrics));
    },
  };
}

/** Append each epoch's metrics as one JSON line to `file` (e.g. `<run>/metrics.jsonl`). */
export function jsonlMetricsCallback(file: string): TrainerCallback {
  return {
    async onTrainStart() {
      await fs.mkdir(path.dirname(file), { recursive: true });
    },
    async onEpochEnd(metrics) {
      await fs.appendFile(file, `${JSON.stringify({ time: new Date().toISOString(), ...metrics })}\n`);
    },
  };
}

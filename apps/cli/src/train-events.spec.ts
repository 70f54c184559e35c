// Training from an event dataset through the CLI: N-MNIST recordings (the real sample files in
// ../shared/data/events/nmnist, laid out as the extracted Train/Test zips) integrated to frames,
// T taken from the frames per sample, the model sized per time step.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-utils/run-cli.js';
import { jsonLines } from './test-utils/json-lines.js';

const SAMPLES = path.resolve(import.meta.dirname, '../../../../shared/data/events/nmnist');
const haveSamples = existsSync(SAMPLES);
if (!haveSamples) console.warn(`train-events.spec: ${SAMPLES} is absent; the N-MNIST training test is skipped`);

describe('spikeflow train on event frames', () => {
  it.skipIf(!haveSamples)('trains lif-mlp on N-MNIST frames with T from the data (10 frames per sample)', async () => {
    const root = tempDir('sf-nmnist-');
    const files = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.bs2'))
      .sort();
    files.forEach((f, i) => {
      for (const split of ['Train', 'Test']) {
        const dir = path.join(root, 'n-mnist', split, String(i % 2));
        mkdirSync(dir, { recursive: true });
        cpSync(path.join(SAMPLES, f), path.join(dir, `${i}.bin`));
      }
    });
    const out = path.join(root, 'run');
    const r = await runCli(
      'train',
      '--dataset',
      'n-mnist',
      '--encoder',
      'event-frames',
      '--data-dir',
      root,
      '--batch-size',
      '2',
      '--eval-batch-size',
      '4',
      '--epochs',
      '1',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.timeSteps).toBe(10);
    const summary = jsonLines(r.stdout).find((o) => o.type === 'summary');
    expect(summary.numEpochs).toBe(1);
    expect(summary.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(existsSync(path.join(out, 'checkpoints', 'latest'))).toBe(true);
  });
});

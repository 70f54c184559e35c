// A validation split for datasets that ship none: --valid-fraction holds out a seeded part of train,
// the run reports the task's metrics on it every epoch and keeps the best epoch by them.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { fmnistFlags, haveFashionMnist as haveData } from './test-utils/fashion-mnist.js';
import { runCli } from './test-utils/run-cli.js';
import { jsonLines, lastJson } from './test-utils/json-lines.js';

const SERIES = fileURLToPath(new URL('../../../../shared/data/timeseries', import.meta.url));

/** The message of the typed error a one-step `train --json` with these flags is refused with (exit code 2). */
async function refusal(...flags: string[]): Promise<string> {
  const r = await runCli('train', ...flags, '--max-steps', '1', '--json', '--quiet', '--out', path.join(tempDir('sf-valid-'), 'run'));
  expect(r.code).toBe(2);
  return lastJson(r.stdout).message;
}

describe.skipIf(!haveData)('--valid-fraction on Fashion-MNIST (needs dataset-fashion-mnist)', () => {
  it('holds out a seeded part of train: valid metrics every epoch, the best epoch by valid accuracy saved as checkpoints/best', async () => {
    const out = path.join(tempDir('sf-valid-'), 'run');
    const r = await runCli('train', ...fmnistFlags({ subset: 512, testSubset: 256, batchSize: 64, T: 4, epochs: 2, seed: 2 }), '--valid-fraction', '0.1', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    // 6000 of the 60000 training samples are held out; the subset is drawn from the other 54000.
    expect(r.stderr).toMatch(/valid: 6000 of the 60000 training samples held out \(fraction 0\.1, seed 2\); training on the other 54000/);
    const epochs = jsonLines(r.stdout).filter((l) => l.type === 'epoch');
    expect(epochs).toHaveLength(2);
    for (const e of epochs) {
      expect(e.validMetrics.accuracy).toBeGreaterThan(0.3);
      expect(e.validMetrics.accuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(e.validLoss)).toBe(true);
      expect(e.selection).toMatchObject({ split: 'valid', metric: 'accuracy' });
    }
    const best = epochs.reduce((a, e) => (e.validMetrics.accuracy > a.validMetrics.accuracy ? e : a));
    expect(epochs.at(-1)!.selection.bestValue).toBe(best.validMetrics.accuracy);
    expect(existsSync(path.join(out, 'checkpoints', 'best', 'state.json'))).toBe(true);
    // The stored config records the fraction, so a resume or an eval sees the same split.
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).validFraction).toBe(0.1);
  }, 180_000);

  it('--patience needs a selection metric to watch', async () => {
    expect(await refusal(...fmnistFlags({ subset: 64, testSubset: 64 }), '--patience', '2')).toMatch(
      /--patience 2 stops when the selection metric stops improving; the run has none: give --select \(e\.g\. test:accuracy\) or a valid split \(--valid-fraction 0\.1\)/,
    );
  }, 60_000);
});

describe('--valid-fraction is refused where it cannot apply', () => {
  it.skipIf(!existsSync(path.join(SERIES, 'ETTh1.csv')))(
    'a dataset with its own valid split',
    async () => {
      expect(await refusal('--backend', 'wasm', '--data-dir', SERIES, '--dataset', 'etth1', '--valid-fraction', '0.2')).toMatch(
        /--valid-fraction 0\.2: etth1 has its own valid split \(\d+ samples\); drop --valid-fraction/,
      );
    },
    60_000,
  );

  it('a fraction outside (0, 1)', async () => {
    for (const f of ['0', '1', '1.5']) {
      const r = await runCli('train', '--valid-fraction', f, '--print-config');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/validFraction.*expected a fraction in \(0, 1\)/s);
    }
  });
});

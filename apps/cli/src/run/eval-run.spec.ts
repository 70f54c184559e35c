// `spikeflow eval` on a real run folder: a bad flag value is the user's option error naming the
// flag, a damaged checkpoint is `checkpoint-invalid` naming the file.
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { runCli } from '../test-utils/run-cli.js';
import { lastJson } from '../test-utils/json-lines.js';
import { FMNIST, haveFashionMnist as haveData, fmnistFlags } from '../test-utils/fashion-mnist.js';

describe.skipIf(!haveData)('eval', () => {
  const run = path.join(tempDir('sf-eval-'), 'run');
  beforeAll(async () => {
    const r = await runCli('train', ...fmnistFlags({ subset: 128, testSubset: 64, batchSize: 64, T: 2, epochs: 1 }), '--out', run, '--quiet');
    expect(r.code, r.stderr).toBe(0);
  });

  it('reports --test-subset 0 as an option error naming the flag, not a bad checkpoint', async () => {
    const r = await runCli('eval', '--checkpoint', run, '--data-dir', FMNIST, '--test-subset', '0', '--json');
    expect(r.code).toBe(2);
    const err = lastJson(r.stdout);
    expect(err.kind).toBe('invalid-options');
    expect(err.message).toMatch(/--test-subset: testSubset: expected a number > 0, got 0/);
    const ok = await runCli('eval', '--checkpoint', run, '--data-dir', FMNIST, '--test-subset', '32', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim()).samples).toBe(32);
  });

  it('names a missing model.safetensors as checkpoint-invalid', async () => {
    rmSync(path.join(run, 'checkpoints', 'epoch-001', 'model.safetensors'));
    const r = await runCli('eval', '--checkpoint', path.join(run, 'checkpoints', 'epoch-001'), '--data-dir', FMNIST, '--json');
    expect(r.code).toBe(2);
    const err = lastJson(r.stdout);
    expect(err.kind).toBe('checkpoint-invalid');
    expect(err.message).toContain(path.join(run, 'checkpoints', 'epoch-001', 'model.safetensors'));
  });
});

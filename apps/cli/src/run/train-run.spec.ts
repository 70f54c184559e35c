// Resuming runs through the CLI in-process on real Fashion-MNIST: a resume writes into the folder
// it was given (not the `out` its state.json recorded), and finds the newest complete checkpoint
// after a crash that left no `latest`.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../test-utils/run-cli.js';
import { haveFashionMnist as haveData, fmnistFlags } from '../test-utils/fashion-mnist.js';

const common = [...fmnistFlags({ subset: 128, testSubset: 64, batchSize: 64, T: 2, seed: 3 }), '--quiet'];

afterEach(() => vi.restoreAllMocks());

describe.skipIf(!haveData)('train --resume', () => {
  it('writes into the copied run folder it was given, never into the original', async () => {
    const root = tempDir('sf-resume-copy-');
    const original = path.join(root, 'original');
    const first = await runCli('train', ...common, '--epochs', '1', '--out', original);
    expect(first.code, first.stderr).toBe(0);
    const copy = path.join(root, 'copy');
    cpSync(original, copy, { recursive: true });

    const resumed = await runCli('train', '--resume', copy, '--epochs', '2', '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readdirSync(path.join(copy, 'checkpoints')).sort()).toEqual(['epoch-001', 'epoch-002', 'latest']);
    expect(readFileSync(path.join(copy, 'checkpoints', 'latest'), 'utf8').trim()).toBe('epoch-002');
    expect(JSON.parse(readFileSync(path.join(copy, 'config.json'), 'utf8')).out).toBe(copy);
    // The original is untouched.
    expect(readdirSync(path.join(original, 'checkpoints')).sort()).toEqual(['epoch-001', 'latest']);
    expect(readFileSync(path.join(original, 'checkpoints', 'latest'), 'utf8').trim()).toBe('epoch-001');
    expect(readFileSync(path.join(original, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('resumes from a complete checkpoint that latest never named, and clears stray temp folders', async () => {
    const run = tempDir('sf-resume-crash-');
    const first = await runCli('train', ...common, '--epochs', '1', '--out', run);
    expect(first.code, first.stderr).toBe(0);
    // Killed after epoch-001/ was renamed into place, before latest was written; and mid-way
    // through assembling the next one.
    rmSync(path.join(run, 'checkpoints', 'latest'));
    mkdirSync(path.join(run, 'checkpoints', '.epoch-002.0badc0de.tmp'));
    const resumed = await runCli('train', '--resume', run, '--epochs', '2', '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readdirSync(path.join(run, 'checkpoints')).sort()).toEqual(['epoch-001', 'epoch-002', 'latest']);
    const lines = readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch: number });
    expect(lines.map((l) => l.epoch)).toEqual([1, 2]);
  });
});

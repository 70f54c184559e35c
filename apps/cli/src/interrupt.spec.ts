// Ctrl-C and SIGTERM against a real child process running the built CLI: the first signal
// finishes the step, writes a checkpoint and exits 130/143; resuming from it ends with the same
// weights as a run that was never stopped; a second signal exits at once without a torn file.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '@spikeflow/core';
import { runCli } from './test-utils/run-cli.js';
import { CLI_BIN, ensureBuiltCli } from './test-utils/built-cli.js';
import { lastJson } from './test-utils/json-lines.js';
import { haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

// 512 samples in batches of 32: 16 steps, so a signal after the first step lands mid-epoch.
const common = [...fmnistFlags({ subset: 512, testSubset: 128, batchSize: 32, T: 2, seed: 7 }), '--epochs', '1'];
const tmp = () => tempDir('sf-interrupt-');

/** Start the built CLI; `afterStep` resolves once the progress bar shows a finished step. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of [...waiters]) {
      if (!w.re.test(stderr)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor: (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(stderr)) return resolve();
        waiters.push({ re, resolve });
        void exited.then(() => reject(new Error(`the CLI exited before ${re}:\n${stderr}`)));
      }),
  };
}

// `--progress` draws the bar on a pipe; "epoch 1 [...] k/16" with k >= 1 means a step finished.
const AFTER_STEP = /epoch 1 \[[#.]+\]\s+\d+% ([1-9]\d*)\/16/;

describe.skipIf(!haveData)('Ctrl-C / SIGTERM during spikeflow train (child process, real Fashion-MNIST)', () => {
  // The child runs bin/spikeflow.js, which imports dist/.
  beforeAll(() => ensureBuiltCli(), 180_000);

  it('SIGINT checkpoints after the current step, exits 130, and --resume matches an uninterrupted run', async () => {
    const root = tmp();
    const straight = path.join(root, 'straight');
    const stopped = path.join(root, 'stopped');
    expect((await runCli('train', ...common, '--out', straight)).code).toBe(0);

    const run = startCli(['train', ...common, '--out', stopped, '--progress', '--json']);
    await run.waitFor(AFTER_STEP);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.stderr).toBe(130);
    const m = /interrupted after step (\d+): checkpoint (\S+)\nresume with: spikeflow train --resume (\S+)\n/.exec(run.stderr);
    expect(m, run.stderr).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThanOrEqual(1);
    expect(step).toBeLessThan(16);
    expect(m![2]).toBe(path.join(stopped, 'checkpoints', `epoch-001-step-${step}`));
    expect(m![3]).toBe(stopped);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({ type: 'summary', stoppedEarly: true, interrupted: { signal: 'SIGINT', step, checkpoint: m![2] } });
    const ckpt = await loadCheckpoint(stopped);
    expect(ckpt.dir).toBe(m![2]);
    expect(ckpt.state).toMatchObject({ epoch: 0, step, batchInEpoch: step });

    const resumed = await runCli('train', '--resume', stopped, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resumed from .*epoch-001-step-${step} at epoch 1, batch ${step}, step ${step}`));
    const a = readFileSync(path.join(straight, 'checkpoints', 'epoch-001', 'model.safetensors'));
    const b = readFileSync(path.join(stopped, 'checkpoints', 'epoch-001', 'model.safetensors'));
    expect(b.equals(a)).toBe(true);
  });

  it('SIGTERM does the same with exit code 143; a second signal exits at once and leaves no torn checkpoint', async () => {
    const term = startCli(['train', ...common, '--out', path.join(tmp(), 'run'), '--progress']);
    await term.waitFor(AFTER_STEP);
    term.child.kill('SIGTERM');
    expect((await term.exited).code, term.stderr).toBe(143);
    expect(term.stderr).toMatch(/^SIGTERM: finishing the current step/m);
    const saved = await loadCheckpoint(path.join(term.stderr.match(/resume with: spikeflow train --resume (\S+)/)![1]));
    expect(saved.state.step).toBeGreaterThanOrEqual(1);

    const out = path.join(tmp(), 'run');
    const twice = startCli(['train', ...common, '--out', out, '--progress']);
    await twice.waitFor(AFTER_STEP);
    twice.child.kill('SIGINT');
    await twice.waitFor(/^SIGINT: finishing/m);
    twice.child.kill('SIGINT');
    expect((await twice.exited).code, twice.stderr).toBe(130);
    expect(twice.stderr).toMatch(/SIGINT again: exiting without a checkpoint/);
    // Whatever was on disk is whole: either no checkpoint yet, or `latest` names a readable one.
    if (existsSync(path.join(out, 'checkpoints', 'latest'))) await expect(loadCheckpoint(out)).resolves.toBeDefined();
  });
});

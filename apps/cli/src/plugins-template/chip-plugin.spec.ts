// A chip plugin made by `spikeflow plugins new --kind chip`, installed and built as its author would,
// is reached by `spikeflow simulate` and `spikeflow export` through the hardware-target registry alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { runCli } from '../test-utils/run-cli.js';
import { CLI_BIN, ensureBuiltCli } from '../test-utils/built-cli.js';
import { FMNIST, fmnistFlags, haveFashionMnist as haveData } from '../test-utils/fashion-mnist.js';
import { lastJson } from '../test-utils/json-lines.js';

if (!haveData) console.warn(`skipping the chip plugin run: no Fashion-MNIST in ${FMNIST}`);

const tmp = tempDir('sf-chip-plugin-');

// A user's shell: none of npm's or vitest's per-run variables (vitest's would send Node's import of
// the workspace packages to their TypeScript sources).
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$|VITEST|FORCE_COLOR$)/.test(k))), NO_COLOR: '1' };
function run(cmd: string, args: string[], cwd: string): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 420_000, maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout ?? '' };
}

describe.skipIf(!haveData)('a generated chip plugin implements simulate and is reached by spikeflow simulate (needs dataset-fashion-mnist)', () => {
  const plugin = path.join(tmp, 'toy');
  const consumer = path.join(tmp, 'consumer');
  const runDir = path.join(tmp, 'run');
  const data = fmnistFlags();
  // The child processes run bin/spikeflow.js, which imports the built CLI and packages.
  const spikeflow = (...args: string[]) => run(process.execPath, [CLI_BIN, ...args], consumer);

  beforeAll(async () => {
    ensureBuiltCli();
    const r = await runCli('plugins', 'new', 'spikeflow-plugin-toy', '--kind', 'chip', '--dir', plugin, '--json');
    expect(r.code, r.stderr).toBe(0);
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], plugin);
    expect(install.code, install.out).toBe(0);
    const build = run('npm', ['run', 'build'], plugin);
    expect(build.code, build.out).toBe(0);
    // The consumer has the plugin installed; the CLI discovers it from the working directory.
    mkdirSync(path.join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(plugin, path.join(consumer, 'node_modules', 'spikeflow-plugin-toy'), 'dir');
    const train = spikeflow('train', ...data, '--subset', '3000', '--test-subset', '200', '--seed', '1', '--out', runDir, '--quiet');
    expect(train.code, train.out).toBe(0);
  }, 900_000);

  it("its own spec passes: the simulation's spike counts are the hand-worked ones", () => {
    const test = run('npm', ['test'], plugin);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/Tests\s+3 passed/);
  }, 300_000);

  it('spikeflow simulate --target toy/toy-chip runs its 8-bit simulation, within 5 points of the float model', () => {
    const sim = spikeflow('simulate', '--target', 'toy/toy-chip', '--checkpoint', runDir, '--test-subset', '200', ...data, '--json');
    expect(sim.code, sim.out).toBe(0);
    const s = lastJson(sim.stdout);
    expect(s).toMatchObject({
      type: 'simulate',
      target: 'toy/toy-chip',
      samples: 200,
      timeSteps: 8,
      weightLevels: 127,
      test: { samples: 200, selection: 'seeded-subset', seed: 1 },
    });
    expect(s.spikesPerSample).toBeGreaterThan(0);
    // The float model on the same samples (the Loihi target reports it beside its own simulation).
    const loihi = spikeflow('simulate', '--target', 'loihi', '--checkpoint', runDir, '--test-subset', '200', ...data, '--json');
    expect(loihi.code, loihi.out).toBe(0);
    const float = lastJson(loihi.stdout).floatAccuracy;
    expect(float).toBeGreaterThan(0.6);
    expect(Math.abs(s.accuracy - float)).toBeLessThanOrEqual(0.05);
    const text = spikeflow('simulate', '--target', 'toy/toy-chip', '--checkpoint', runDir, '--test-subset', '50', ...data);
    expect(text.code, text.out).toBe(0);
    expect(text.out).toMatch(/test: 50 of 10000 samples \(seeded subset, seed 1\), T=8: toy-chip accuracy \d+\.\d\d% \(weights on 127 levels per sign\)/);
  }, 300_000);

  it('export reaches it too; a command it does not offer names the targets that do', () => {
    const out = path.join(tmp, 'net.json');
    const ex = spikeflow('export', '--target', 'toy/toy-chip', '--target-opt', 'maxSynapses=500000', '--checkpoint', runDir, '--out', out, ...data);
    expect(ex.code, ex.out).toBe(0);
    expect(ex.out).toContain(`wrote ${out} for toy/toy-chip (neurons 522, synapses 406528)`);
    expect(JSON.parse(readFileSync(out, 'utf8')).layers.map((l: { outFeatures: number }) => l.outFeatures)).toEqual([512, 10]);
    const ft = spikeflow('finetune', '--target', 'toy/toy-chip', '--checkpoint', runDir, '--out', path.join(tmp, 'ft'), ...data);
    expect(ft.code).toBe(2);
    expect(ft.out).toContain("error (unknown-id): unknown fine-tuning target 'toy/toy-chip'; known: loihi, loihi2, loihi1");
  }, 300_000);
});

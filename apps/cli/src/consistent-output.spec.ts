import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './test-utils/run-cli.js';
import { jsonLines } from './test-utils/json-lines.js';
import { FMNIST, haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

if (!haveData) console.warn('consistent-output.spec: /usr/share/datasets/fashion-mnist missing (Debian dataset-fashion-mnist) — the trained-run tests are skipped');
const tmp = tempDir('sf-consistent-');

/** The tick labels of the x axes titled 'epoch' in a rendered SVG figure. */
function epochTicks(svg: string): string[][] {
  return svg
    .split(/aria-label="X-axis titled 'epoch'/)
    .slice(1)
    .map((chunk) => {
      const group = /role-axis-label[^>]*>(.*?)<\/g>/s.exec(chunk)?.[1] ?? '';
      return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    });
}

describe.skipIf(!haveData)('one trained checkpoint, every command', () => {
  const run = path.join(tmp, 'run');
  let train: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    train = await runCli('train', ...fmnistFlags({ subset: 512, testSubset: 256, batchSize: 64, T: 4, epochs: 1, seed: 5 }), '--out', run, '--json');
  });

  it('counts epochs from 1 in the text, the JSON lines and metrics.jsonl', () => {
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/^epoch 1: train loss/m);
    expect(
      jsonLines(train.stdout)
        .filter((l) => l.type === 'epoch')
        .map((l) => l.epoch),
    ).toEqual([1]);
    const metrics = readFileSync(path.join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.epoch)).toEqual([1]);
    // Firing rates are keyed by module path (lif-mlp's lif1, lif2) in the text, the JSON and metrics.jsonl alike.
    const text = /^epoch 1: .*\| firing (lif1=\d\.\d{3} lif2=\d\.\d{3}) \|/m.exec(train.stderr);
    expect(text, train.stderr).not.toBeNull();
    const json = jsonLines(train.stdout).find((l) => l.type === 'epoch');
    expect(Object.keys(json.firingRates)).toEqual(['lif1', 'lif2']);
    expect(metrics[0].firingRates).toEqual(json.firingRates);
    expect(text![1]).toBe(
      Object.entries(json.firingRates as Record<string, number>)
        .map(([k, v]) => `${k}=${v.toFixed(3)}`)
        .join(' '),
    );
    // The first checkpoint is epoch-001: the same count.
    expect(existsSync(path.join(run, 'checkpoints', 'epoch-001'))).toBe(true);
  });

  it('states which test samples train measured', () => {
    expect(train.stderr).toContain('test: 256 of 10000 samples (seeded subset, seed 5)');
    expect(jsonLines(train.stdout).at(-1).test).toEqual({ samples: 256, of: 10000, selection: 'seeded-subset', seed: 5 });
  });

  it('eval and simulate measure the same --test-subset samples, and say so', async () => {
    const e = await runCli('eval', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--test-subset', '300', '--json');
    expect(e.code, e.stderr).toBe(0);
    const evaluated = jsonLines(e.stdout)[0];
    const s = await runCli('simulate', '--target', 'spinnaker', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--test-subset', '300');
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain('test: 300 of 10000 samples (seeded subset, seed 5), T=4: float model');
    const sj = await runCli('simulate', '--target', 'spinnaker', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--test-subset', '300', '--json', '--quiet');
    const simulated = jsonLines(sj.stdout)[0];
    expect(simulated.test).toEqual(evaluated.test);
    expect(evaluated.test).toEqual({ samples: 300, of: 10000, selection: 'seeded-subset', seed: 5 });
    // The float model on the same 300 samples: the same accuracy in both commands.
    expect(simulated.floatAccuracy).toBe(evaluated.testAccuracy);
    const text = await runCli('eval', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--test-subset', '300');
    expect(text.stdout).toContain('| test: 300 of 10000 samples (seeded subset, seed 5) |');
  });

  it('simulate refuses --test-subset 0 and -1 with an error naming the flag', async () => {
    for (const n of ['0', '-1']) {
      const r = await runCli('simulate', '--target', 'spinnaker', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--test-subset', n, '--quiet');
      expect(r.code, n).toBe(2);
      expect(r.stderr).toContain(`error (invalid-options): --test-subset must be an integer from 1 to 10000 (the size of the test split of fashion-mnist), got ${n}`);
    }
  });

  it('energy and report give the same energy per sample, averaged over the same samples, and say so', async () => {
    const e = await runCli('energy', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--json', '--quiet');
    expect(e.code, e.stderr).toBe(0);
    const energy = jsonLines(e.stdout)[0];
    expect(energy.samples).toBe(64);
    expect(energy.test).toEqual({ samples: 64, of: 10000, selection: 'seeded-subset', seed: 5 });
    const text = await runCli('energy', '--checkpoint', run, '--data-dir', FMNIST, '--backend', 'wasm', '--quiet');
    expect(text.stdout).toContain('Energy per sample, T = 4: the mean over the 64 samples measured');
    expect(text.stdout).toContain('(test: 64 of 10000 samples (seeded subset, seed 5))');
    const r = await runCli('report', run, '--data-dir', FMNIST, '--backend', 'wasm', '--out', path.join(tmp, 'report'), '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const report = jsonLines(r.stdout).at(-1);
    expect(report.energyPj).toBe(energy.energyPj);
    const html = readFileSync(report.html, 'utf8');
    expect(html).toContain('Per sample: the mean over the 64 test samples measured (test: 64 of 10000 samples (seeded subset, seed 5)).');
  });

  it('draws a one-epoch run on an integer epoch axis', async () => {
    const r = await runCli('report', run, '--data-dir', FMNIST, '--backend', 'wasm', '--out', path.join(tmp, 'report-axes'), '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const figures = jsonLines(r.stdout).at(-1).figures as Array<{ id: string; svg: string }>;
    for (const id of ['training-curves', 'firing-rates']) {
      const ticks = epochTicks(readFileSync(figures.find((f) => f.id === id)!.svg, 'utf8'));
      expect(ticks.length, id).toBeGreaterThan(0);
      for (const t of ticks) expect(t, id).toEqual(['1']);
    }
  });
});

describe('spikeflow report on metrics written counting epochs from 0', () => {
  it('shows them counted from 1', async () => {
    const dir = path.join(tmp, 'old-run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'metrics.jsonl'),
      [0, 1].map((epoch) => JSON.stringify({ epoch, trainLoss: 1 - epoch / 4, trainAccuracy: 0.5, firingRates: {} })).join('\n') + '\n',
    );
    const r = await runCli('report', dir, '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const curves = jsonLines(r.stdout)
      .at(-1)
      .figures.find((f: { id: string }) => f.id === 'training-curves');
    expect(epochTicks(readFileSync(curves.svg, 'utf8'))).toEqual([
      ['1', '2'],
      ['1', '2'],
    ]);
  });
});

import { existsSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-utils/run-cli.js';
import { haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

if (!haveData) console.warn('report.spec: /usr/share/datasets/fashion-mnist missing (Debian dataset-fashion-mnist) — the run report test is skipped');
const tmp = tempDir('sf-report-');

describe('spikeflow report', () => {
  it('names a folder without metrics.jsonl as not a run folder', async () => {
    const r = await runCli('report', tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a spikeflow run folder: it has no metrics\.jsonl/);
  });

  it('reports a malformed metrics line with its file and line number', async () => {
    const dir = path.join(tmp, 'bad');
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(path.join(tmp, 'x'), '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'metrics.jsonl'),
      '{"epoch":1,"trainLoss":1,"trainAccuracy":0.5,"firingRates":{}}\nnot json\n{"epoch":2,"trainLoss":1,"trainAccuracy":0.5,"firingRates":{}}\n',
    );
    const r = await runCli('report', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/metrics\.jsonl:2: not an epoch-metrics JSON line/);
  });

  it.skipIf(!haveData)('writes curves, firing rates, raster, membrane traces for a trained run', async () => {
    const out = path.join(tmp, 'run');
    const train = await runCli('train', ...fmnistFlags({ subset: 512, testSubset: 256, batchSize: 64, T: 4, epochs: 2, seed: 5 }), '--out', out, '--quiet');
    expect(train.code, train.stderr).toBe(0);
    // A torn last line (a killed writer) is tolerated with a warning.
    appendFileSync(path.join(out, 'metrics.jsonl'), '{"epoch":3,"trainLo');
    const r = await runCli('report', out, '--sample', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ignoring an incomplete last line/);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.epochs).toBe(2);
    expect(result.activity).toBe(true);
    expect(result.figures.map((f: { id: string }) => f.id)).toEqual(['training-curves', 'firing-rates', 'spike-raster', 'membrane-traces', 'energy']);
    const html = readFileSync(result.html, 'utf8');
    expect(html).toContain('test sample 3');
    expect(html).toContain('E<sub>MAC</sub> = 4.6 pJ');
    for (const f of result.figures) {
      expect(readFileSync(f.svg, 'utf8').startsWith('<svg')).toBe(true);
      expect(existsSync(f.png)).toBe(true);
      expect(html).toContain(`figures/${f.id}.svg`);
    }
    // The firing-rate figure plots the layers the run recorded.
    const metrics = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')[0];
    const layers = Object.keys(JSON.parse(metrics).firingRates);
    const rates = readFileSync(result.figures.find((f: { id: string }) => f.id === 'firing-rates').svg, 'utf8');
    for (const l of layers) expect(rates).toContain(`>${l}<`);
  });
});

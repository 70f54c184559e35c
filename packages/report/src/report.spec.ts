import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { Linear, Sequential, createSpikeflow, manualSeed, tf, type EpochMetrics } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { recordActivity } from './activity/record-activity.js';
import { writeReport } from './report/write-report.js';
import { firingRatesSpec, trainingCurvesSpec } from './figures/figure-specs.js';
import { renderFigure } from './render/render-figure.js';
import type { ReportData } from './report/report-data.js';

const sf = createSpikeflow({ plugins: [neurons()] });
const tmp = tempDir('spikeflow-report-');

/** Linear(4→6) → LIF → Linear(6→3) → LIF with fixed seeded weights. */
function tinyNet(tau = 2) {
  manualSeed(3);
  return new Sequential(new Linear(4, 6, { bias: false }), sf.neuron('lif', { tau }), new Linear(6, 3, { bias: false }), sf.neuron('lif', { tau }));
}

/** Float64 LIF (decay_input, hard reset to 0, V_th 1) written out here as the independent reference. */
function lifReference(currents: number[][], tau: number) {
  const n = currents[0].length;
  let v = new Array(n).fill(0);
  const spikes: number[][] = [];
  const vs: number[][] = [];
  for (const x of currents) {
    const h = v.map((vi, i) => vi + (x[i] - vi) / tau);
    const s = h.map((hi) => (hi >= 1 ? 1 : 0));
    v = h.map((hi, i) => (s[i] ? 0 : hi));
    spikes.push(s);
    vs.push([...v]);
  }
  return { spikes, vs };
}

function matmul(x: number[], w: Float32Array, cols: number) {
  return Array.from({ length: cols }, (_, j) => x.reduce((a, xi, i) => a + xi * w[i * cols + j], 0));
}

describe('recordActivity', () => {
  it('records the spikes and membrane of every spiking layer, matching a float64 LIF reference', () => {
    const net = tinyNet();
    const T = 12;
    const input = tf.tidy(() => tf.mul(tf.randomUniform([T, 1, 4], 0, 1, 'float32', 7), 3));
    const layers = recordActivity(net, input, { traceNeurons: 6, rasterNeurons: 6 });
    expect(layers.map((l) => l.name)).toEqual(['1', '3']);
    const w1 = net.namedParameters()[0][1].dataSync() as Float32Array;
    const w2 = net.namedParameters()[1][1].dataSync() as Float32Array;
    const x = input.arraySync() as number[][][];
    const ref1 = lifReference(
      x.map((step) => matmul(step[0], w1, 6)),
      2,
    );
    const ref2 = lifReference(
      ref1.spikes.map((s) => matmul(s, w2, 3)),
      2,
    );
    for (const [layer, ref] of [
      [layers[0], ref1],
      [layers[1], ref2],
    ] as const) {
      // Spike times per recorded neuron.
      layer.neuronIds.forEach((n, k) => {
        expect(layer.spikes[k]).toEqual(ref.spikes.flatMap((s, t) => (s[n] ? [t] : [])));
      });
      // Membrane after each step.
      layer.membrane!.forEach((vs, t) => vs.forEach((v, k) => expect(v).toBeCloseTo(ref.vs[t][layer.traceIds[k]], 5)));
      // Traces go to the neurons firing closest to every other step.
      const countOf = (n: number) => ref.spikes.reduce((a, s) => a + s[n], 0);
      const closeness = layer.traceIds.map((n) => Math.abs(countOf(n) - T / 2));
      const rest = Array.from({ length: layer.neurons }, (_, n) => n).filter((n) => !layer.traceIds.includes(n));
      for (const n of rest) expect(Math.abs(countOf(n) - T / 2)).toBeGreaterThanOrEqual(Math.max(...closeness));
      const total = ref.spikes.flat().reduce((a, b) => a + b, 0);
      expect(layer.rate).toBeCloseTo(total / (T * layer.neurons), 10);
      expect(layer.vThreshold).toBe(1);
    }
    expect(layers[0].rate).toBeGreaterThan(0);
    // Most active first.
    const counts = layers[0].spikes.map((s) => s.length);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    input.dispose();
  });

  it('leaves the model as it was (training mode, no wrappers) and rejects a batch of more than one sample', () => {
    const net = tinyNet();
    net.train();
    const x = tf.ones([3, 1, 4]);
    recordActivity(net, x);
    expect(net.training).toBe(true);
    for (const [, m] of net.namedModules()) expect(Object.prototype.hasOwnProperty.call(m, 'forward')).toBe(false);
    expect(() => recordActivity(net, tf.ones([3, 2, 4]))).toThrow(/one time-first sample \[T, 1, \.\.\.\]/);
    x.dispose();
  });
});

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`report.spec: ${CHROMIUM} not found (Debian package chromium) — the headless browser check is skipped`);

describe('writeReport', () => {
  const epochs: EpochMetrics[] = [1, 2, 3].map((epoch) => ({
    epoch,
    step: epoch * 10,
    trainLoss: 1 / epoch,
    trainAccuracy: 0.5 + epoch / 10,
    testLoss: 1.1 / epoch,
    testAccuracy: 0.45 + epoch / 10,
    firingRates: { '1': 0.1 * epoch, '3': 0.05 },
    samplesPerSecond: 100,
    lr: 1e-3,
    trainSeconds: 1,
    evalSeconds: 1,
    peakRssMiB: 1,
    batches: 10,
  }));

  async function fullReport(dir: string) {
    const net = tinyNet();
    const input = tf.mul(tf.randomUniform([16, 1, 4], 0, 1, 'float32', 2), 3);
    const layers = recordActivity(net, input);
    input.dispose();
    const data: ReportData = {
      title: 'tiny <net> & report',
      run: { dir: '/runs/x', config: { model: 'tiny', timeSteps: 16 } },
      epochs,
      activity: { sample: 'test sample 0', layers },
      energy: {
        layers: [
          { name: '0', inputRate: null, macs: 24, ops: 384, energyPj: 384 * 4.6 },
          { name: '2', inputRate: 0.2, macs: 18, ops: 57.6, energyPj: 57.6 * 0.9 },
        ],
        totalPj: 384 * 4.6 + 57.6 * 0.9,
        samples: 8,
        eMacPj: 4.6,
        eAcPj: 0.9,
        formula: 'E = E_MAC·Σ FLOPs(analog-fed) + E_AC·Σ SOPs(spike-fed).',
      },
    };
    return writeReport(data, dir);
  }

  it('writes the HTML and an SVG and a PNG for every figure', async () => {
    const dir = path.join(tmp, 'files');
    const written = await fullReport(dir);
    expect(written.figures.map((f) => f.id)).toEqual(['training-curves', 'firing-rates', 'spike-raster', 'membrane-traces', 'energy']);
    for (const f of written.figures) {
      const svg = readFileSync(f.svg, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      const png = readFileSync(f.png);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(statSync(f.png).size).toBeGreaterThan(2000);
    }
    const html = readFileSync(written.html, 'utf8');
    expect(html).toContain('tiny &lt;net&gt; &amp; report');
    // The energy's unit is stated: per sample, the mean over the samples measured.
    expect(html).toContain('Per sample: the mean over the 8 test samples measured.');
    expect(html).toContain('E_MAC');
    // The raster's marks are the recorded spikes: one tick per spike.
    const raster = readFileSync(written.figures[2].svg, 'utf8');
    expect(raster).toMatch(/<path/);
  });

  it.skipIf(!haveChromium)('loads in headless Chromium without errors, with every figure rendered', async () => {
    const { chromium } = await import('playwright-core');
    const dir = path.join(tmp, 'browser');
    const written = await fullReport(dir);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], timeout: 60_000 });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      await page.goto(`file://${written.html}`, { waitUntil: 'load', timeout: 30_000 });
      const images = await page.$$eval('img[data-figure]', (imgs) =>
        imgs.map((i) => {
          // Runs in the page: an <img> element.
          const img = i as unknown as { complete: boolean; naturalWidth: number; naturalHeight: number };
          return { id: i.getAttribute('data-figure'), ok: img.complete, w: img.naturalWidth, h: img.naturalHeight };
        }),
      );
      expect(problems).toEqual([]);
      expect(images.map((i) => i.id)).toEqual(written.figures.map((f) => f.id));
      for (const i of images) {
        expect(i.ok).toBe(true);
        expect(i.w).toBeGreaterThan(100);
        expect(i.h).toBeGreaterThan(50);
      }
      expect(await page.title()).toBe('tiny <net> & report');
      const shot = process.env.SPIKEFLOW_REPORT_SCREENSHOT ?? path.join(dir, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      console.log(`report screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  });
});

/** The tick labels of every x axis titled 'epoch' in a rendered figure. */
function epochTickLabels(svg: string): string[][] {
  return svg
    .split(/aria-label="X-axis titled 'epoch'/)
    .slice(1)
    .map((chunk) => {
      const group = /role-axis-label[^>]*>(.*?)<\/g>/s.exec(chunk)?.[1] ?? '';
      return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    });
}

describe('epoch axes', () => {
  const run = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      epoch: i + 1,
      trainLoss: 1 / (i + 1),
      trainAccuracy: 0.5,
      testLoss: 1,
      testAccuracy: 0.5,
      firingRates: { 'fc1.lif': 0.2 },
    }));

  it('labels a one-epoch run with the integer epoch 1 (not 1.000000), and a short run with each epoch', async () => {
    for (const spec of [trainingCurvesSpec(run(1)), firingRatesSpec(run(1))]) {
      const axes = epochTickLabels((await renderFigure(spec)).svg);
      expect(axes.length).toBeGreaterThan(0);
      for (const labels of axes) expect(labels).toEqual(['1']);
    }
    const axes = epochTickLabels((await renderFigure(trainingCurvesSpec(run(3)))).svg);
    expect(axes).toEqual([
      ['1', '2', '3'],
      ['1', '2', '3'],
    ]);
  });
});

describe('training curves of any task', () => {
  it('draws one panel per metric of the task (loss first), with train, valid and test lines, and leaves out non-finite values', async () => {
    const epochs = [1, 2].map((epoch) => ({
      epoch,
      trainLoss: 1 / epoch,
      validLoss: 1.2 / epoch,
      testLoss: 1.1 / epoch,
      firingRates: {},
      metrics: { mse: 0.5 / epoch, r2: 0.2 * epoch, corr: Number.NaN },
      validMetrics: { mse: 0.6 / epoch, r2: 0.1 * epoch, corr: 0.3 },
      testMetrics: { mse: 0.55 / epoch, r2: 0.15 * epoch, corr: 0.4 },
    }));
    const spec = trainingCurvesSpec(epochs) as { concat: Array<{ title: string }>; data: { values: Array<{ epoch: number; split: string; metric: string; value: number }> } };
    expect(spec.concat.map((p) => p.title)).toEqual(['loss', 'mse', 'r2', 'corr']);
    const rows = spec.data.values;
    expect(rows.find((r) => r.epoch === 2 && r.split === 'valid' && r.metric === 'r2')!.value).toBeCloseTo(0.2, 12);
    expect(rows.find((r) => r.epoch === 1 && r.split === 'test' && r.metric === 'loss')!.value).toBeCloseTo(1.1, 12);
    // The NaN train correlation is not a point; the valid and test ones are.
    expect(
      rows
        .filter((r) => r.metric === 'corr')
        .map((r) => r.split)
        .sort(),
    ).toEqual(['test', 'test', 'valid', 'valid']);
    const svg = (await renderFigure(spec as never)).svg;
    for (const title of ['loss', 'mse', 'r2', 'corr']) expect(svg).toContain(`>${title}</text>`);
    expect(svg).toContain('>valid</text>');
  });

  it('reads a line written before tasks (trainAccuracy/testAccuracy only) as the accuracy', () => {
    const spec = trainingCurvesSpec([{ epoch: 1, trainLoss: 0.3, trainAccuracy: 0.7, testLoss: 0.4, testAccuracy: 0.65 }]) as {
      concat: Array<{ title: string }>;
      data: { values: Array<{ split: string; metric: string; value: number }> };
    };
    expect(spec.concat.map((p) => p.title)).toEqual(['loss', 'accuracy']);
    expect(spec.data.values.filter((r) => r.metric === 'accuracy').map((r) => [r.split, r.value])).toEqual([
      ['train', 0.7],
      ['test', 0.65],
    ]);
  });
});

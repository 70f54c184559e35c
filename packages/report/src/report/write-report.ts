import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SpikeflowError, writeFileAtomic } from '@spikeflow/core';
import { energySpec, firingRatesSpec, formatPj, membraneTracesSpec, spikeRasterSpec, trainingCurvesSpec, type VegaLiteSpec } from '../figures/figure-specs.js';
import { renderFigure } from '../render/render-figure.js';
import type { ReportData } from './report-data.js';

/** One figure file pair written by {@link writeReport}. */
export interface WrittenFigure {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
  readonly png: string;
}

export interface WrittenReport {
  readonly html: string;
  readonly figures: readonly WrittenFigure[];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function percent(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(2)} %`;
}

/**
 * Write an HTML report with SVG and PNG figures into `outDir`: training curves, per-layer firing
 * rates over epochs, a spike raster and membrane traces of one sample, and the energy estimate
 * (each only when its data is present). Files are written atomically; the HTML references the SVGs
 * by relative path, so the folder can be moved or served as is.
 *
 * @example
 * ```ts
 * const { html } = await writeReport({ title: 'conv-fmnist', epochs }, 'runs/x/report');
 * ```
 */
export async function writeReport(data: ReportData, outDir: string): Promise<WrittenReport> {
  if (!Array.isArray(data.epochs)) throw new SpikeflowError('invalid-options', 'writeReport: data.epochs must be an array of epoch metrics');
  const figuresDir = path.join(outDir, 'figures');
  await fs.mkdir(figuresDir, { recursive: true });
  const wanted: Array<{ id: string; title: string; spec: VegaLiteSpec; caption: string }> = [];
  if (data.epochs.length > 0) {
    wanted.push({
      id: 'training-curves',
      title: 'Training curves',
      spec: trainingCurvesSpec(data.epochs),
      caption: 'Loss and accuracy per epoch on the training data and the test data.',
    });
    if (data.epochs.some((m) => Object.keys(m.firingRates ?? {}).length > 0)) {
      wanted.push({
        id: 'firing-rates',
        title: 'Firing rates',
        spec: firingRatesSpec(data.epochs),
        caption: 'Mean firing rate of each spiking layer on the evaluation data after each epoch.',
      });
    }
  }
  if (data.activity && data.activity.layers.length > 0) {
    const a = data.activity;
    wanted.push({
      id: 'spike-raster',
      title: 'Spike raster',
      spec: spikeRasterSpec(a.layers),
      caption: `Spikes of ${escapeHtml(a.sample)}; per layer a sample of the neurons that fired, spread over their activity ranks, most active at the top.`,
    });
    if (a.layers.some((l) => l.membrane && l.membrane.length > 0)) {
      wanted.push({
        id: 'membrane-traces',
        title: 'Membrane traces',
        spec: membraneTracesSpec(a.layers),
        caption: `Membrane potential after each step of the neurons of each layer that fire about every other step, for ${escapeHtml(a.sample)}; dashed: threshold.`,
      });
    }
  }
  if (data.energy) {
    wanted.push({ id: 'energy', title: 'Energy estimate', spec: energySpec(data.energy), caption: escapeHtml(data.energy.formula) });
  }
  const figures: WrittenFigure[] = [];
  const sections: string[] = [];
  for (const f of wanted) {
    const rendered = await renderFigure({ ...f.spec });
    const svg = path.join(figuresDir, `${f.id}.svg`);
    const png = path.join(figuresDir, `${f.id}.png`);
    await writeFileAtomic(svg, rendered.svg);
    await writeFileAtomic(png, rendered.png);
    figures.push({ id: f.id, title: f.title, svg, png });
    sections.push(`<section class="figure" id="${f.id}">
<h2>${escapeHtml(f.title)}</h2>
<img src="figures/${f.id}.svg" alt="${escapeHtml(f.title)}" data-figure="${f.id}">
<p class="caption">${f.caption} <a href="figures/${f.id}.png">PNG</a> · <a href="figures/${f.id}.svg">SVG</a></p>
</section>`);
  }
  const html = path.join(outDir, 'report.html');
  await writeFileAtomic(html, page(data, sections));
  return { html, figures };
}

function page(data: ReportData, sections: readonly string[]): string {
  const last = data.epochs.at(-1);
  const summary = last
    ? `<table class="summary"><tr><th>epochs</th><td>${data.epochs.length}</td><th>test accuracy</th><td>${percent(last.testAccuracy)}</td><th>train accuracy</th><td>${percent(last.trainAccuracy)}</td>${last.samplesPerSecond !== undefined ? `<th>samples/s</th><td>${last.samplesPerSecond.toFixed(0)}</td>` : ''}</tr></table>`
    : '<p>No epochs recorded.</p>';
  const config = data.run?.config ? `<details><summary>Configuration</summary><pre>${escapeHtml(JSON.stringify(data.run.config, null, 2))}</pre></details>` : '';
  const energy = data.energy
    ? `<section id="energy-table"><h2>Energy per layer</h2>
<p>Per sample: the mean over the ${data.energy.samples} test sample${data.energy.samples === 1 ? '' : 's'} measured${data.energy.selection ? ` (${escapeHtml(data.energy.selection)})` : ''}. ${escapeHtml(data.energy.formula)} E<sub>MAC</sub> = ${data.energy.eMacPj} pJ, E<sub>AC</sub> = ${data.energy.eAcPj} pJ (45 nm CMOS).</p>
<table><tr><th>layer</th><th>input</th><th>MACs / step</th><th>operations / sample</th><th>energy / sample</th></tr>
${data.energy.layers.map((l) => `<tr><td>${escapeHtml(l.name)}</td><td>${l.inputRate === null ? 'analog (MAC)' : `spikes, rate ${l.inputRate.toFixed(4)} (AC)`}</td><td>${l.macs.toLocaleString('en')}</td><td>${Math.round(l.ops).toLocaleString('en')}</td><td>${formatPj(l.energyPj)}</td></tr>`).join('\n')}
<tr class="total"><td colspan="4">total</td><td>${formatPj(data.energy.totalPj)}</td></tr></table></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(data.title)}</title>
<style>
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td:nth-child(n+3) { font-variant-numeric: tabular-nums; } tr.total td { font-weight: bold; }
img { max-width: 100%; border: 1px solid #eee; } .caption { color: #555; font-size: 0.9em; } pre { background: #f6f6f6; padding: 1em; overflow: auto; }
</style></head>
<body>
<h1>${escapeHtml(data.title)}</h1>
${data.run?.dir ? `<p>Run folder: <code>${escapeHtml(data.run.dir)}</code></p>` : ''}
${summary}
${config}
${sections.join('\n')}
${energy}
<footer><p class="caption">Written by spikeflow's report (vega-lite figures rendered to SVG, PNG by resvg) on ${new Date().toISOString()}.</p></footer>
</body></html>
`;
}

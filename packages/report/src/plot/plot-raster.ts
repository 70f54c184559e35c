import { SpikeflowError, type Tensor } from '@spikeflow/core';
import { renderFigure, type RenderedFigure } from '../render/render-figure.js';
import { toTimeByNeuron } from './time-series.js';

/** Options of {@link plotRaster}. */
export interface PlotRasterOptions {
  /** Which sample of a `[T, B, ...]` batch (default 0). */
  readonly sample?: number;
  /** Show at most this many neurons, the first ones (default 200). */
  readonly maxNeurons?: number;
  readonly title?: string;
  /** PNG pixels per SVG pixel (default 2). */
  readonly scale?: number;
}

/**
 * Plot spikes as a raster — neuron on y, time step on x, one tick per spike — rendered to SVG and
 * PNG (`{ svg, png }`), snnTorch's `spikeplot.raster` in one line. Takes a monitor's record
 * `[T, B, ...]`, a `[T, N]` tensor or an array `[T][N]` of 0/1.
 *
 * @example
 * ```ts
 * const m = monitorSpikes(model, '2');
 * model.forward(x);
 * writeFileSync('raster.svg', (await plotRaster(m.records[0])).svg);
 * ```
 */
export async function plotRaster(spikes: Tensor | readonly (readonly number[])[], options: PlotRasterOptions = {}): Promise<RenderedFigure> {
  const rows = toTimeByNeuron(spikes, options.sample ?? 0, 'plotRaster');
  const n = Math.min(rows[0].length, options.maxNeurons ?? 200);
  const points: Array<{ t: number; neuron: number }> = [];
  rows.forEach((row, t) => {
    for (let k = 0; k < n; k++) {
      const s = row[k];
      if (s !== 0 && s !== 1)
        throw new SpikeflowError('invalid-options', `plotRaster expects spikes of 0 or 1, got ${s} at step ${t}, neuron ${k} (plot a membrane with plotMembrane)`);
      if (s === 1) points.push({ t, neuron: k });
    }
  });
  const T = rows.length;
  return renderFigure(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: options.title ?? `Spike raster (${points.length} spikes, ${n} neurons, ${T} steps)`,
      data: { values: points },
      width: 480,
      height: Math.min(600, Math.max(80, n * 4)),
      mark: { type: 'tick', orient: 'vertical', thickness: 2, color: 'black' },
      encoding: {
        x: { field: 't', type: 'quantitative', scale: { domain: [-0.5, T - 0.5] }, axis: { tickMinStep: 1, format: 'd' }, title: 'time step' },
        y: { field: 'neuron', type: 'quantitative', scale: { domain: [-0.5, n - 0.5] }, axis: { tickMinStep: 1, format: 'd' }, title: 'neuron' },
      },
    },
    { scale: options.scale },
  );
}

import { SpikeflowError, type Tensor } from '@spikeflow/core';
import { renderFigure, type RenderedFigure } from '../render/render-figure.js';
import { toTimeByNeuron } from './time-series.js';

/** Options of {@link plotMembrane}. */
export interface PlotMembraneOptions {
  /** Which sample of a `[T, B, ...]` batch (default 0). */
  readonly sample?: number;
  /** Which neurons (flat indices) to draw (default the first 8). */
  readonly neurons?: readonly number[];
  /** Draw the firing threshold as a horizontal rule. */
  readonly threshold?: number;
  readonly title?: string;
  /** PNG pixels per SVG pixel (default 2). */
  readonly scale?: number;
}

/**
 * Plot membrane potentials over time — one line per neuron, optionally the threshold — rendered to
 * SVG and PNG (`{ svg, png }`). Takes a {@link monitorMembrane} record `[T, B, ...]`, a `[T, N]`
 * tensor or an array `[T][N]`.
 *
 * @example
 * ```ts
 * const m = monitorMembrane(model, '2');
 * model.forward(x);
 * writeFileSync('v.png', (await plotMembrane(m.records[0], { threshold: 1 })).png);
 * ```
 */
export async function plotMembrane(v: Tensor | readonly (readonly number[])[], options: PlotMembraneOptions = {}): Promise<RenderedFigure> {
  const rows = toTimeByNeuron(v, options.sample ?? 0, 'plotMembrane');
  const N = rows[0].length;
  const neurons = options.neurons ?? Array.from({ length: Math.min(8, N) }, (_, k) => k);
  for (const k of neurons) {
    if (!(Number.isInteger(k) && k >= 0 && k < N)) throw new SpikeflowError('invalid-options', `plotMembrane: neuron ${k} is outside the ${N} neurons recorded (0..${N - 1})`);
  }
  const values = rows.flatMap((row, t) => neurons.map((k) => ({ t, neuron: String(k), v: row[k] })));
  const line = {
    mark: { type: 'line', interpolate: 'linear', point: true },
    encoding: {
      x: { field: 't', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' }, title: 'time step' },
      y: { field: 'v', type: 'quantitative', title: 'membrane potential V' },
      color: { field: 'neuron', type: 'nominal', sort: null, title: 'neuron' },
    },
  };
  const layers: Record<string, unknown>[] = [line];
  if (options.threshold !== undefined) {
    layers.push({
      data: { values: [{ threshold: options.threshold }] },
      mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' },
      encoding: { y: { field: 'threshold', type: 'quantitative' } },
    });
  }
  return renderFigure(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: options.title ?? `Membrane potential (${neurons.length} of ${N} neurons)`,
      data: { values },
      width: 480,
      height: 220,
      layer: layers,
    },
    { scale: options.scale },
  );
}

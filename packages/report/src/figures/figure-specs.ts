import type { LayerActivity } from '../activity/record-activity.js';
import type { EnergyReportLike, EpochMetricsLike } from '../report/report-data.js';

/** A vega-lite specification (kept loose: the figures are built from plain objects). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 520;

/**
 * The epoch axis: integer ticks labelled as integers (epochs count from 1), and a domain padded by
 * half an epoch when there is only one, where vega would otherwise draw a zero-width scale.
 */
function epochX(epochs: readonly EpochMetricsLike[]): Record<string, unknown> {
  const values = [...new Set(epochs.map((m) => m.epoch))].sort((a, b) => a - b);
  const lo = values[0] ?? 1;
  const hi = values.at(-1) ?? 1;
  const domain = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
  // Up to 10 epochs get a labelled tick each (they fit the narrowest panel); longer runs let vega space integer ticks.
  const axis = values.length <= 10 ? { values, format: '.0f', labelOverlap: false } : { tickMinStep: 1, format: 'd' };
  return { field: 'epoch', type: 'quantitative', scale: { domain, nice: false }, axis, title: 'epoch' };
}

/**
 * One row per (epoch, split, metric): the loss of every split, and every metric the run's task
 * reports (`metrics`, `validMetrics`, `testMetrics`); lines written before tasks had only
 * `trainAccuracy`/`testAccuracy`, which stand in for the accuracy then. Non-finite values are left out.
 */
function curveRows(epochs: readonly EpochMetricsLike[]): Array<{ epoch: number; split: string; metric: string; value: number }> {
  const rows: Array<{ epoch: number; split: string; metric: string; value: number }> = [];
  const add = (epoch: number, split: string, metric: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) rows.push({ epoch, split, metric, value });
  };
  for (const m of epochs) {
    const splits: Array<[string, number | undefined, Readonly<Record<string, number>> | undefined, number | undefined]> = [
      ['train', m.trainLoss, m.metrics, m.trainAccuracy],
      ['valid', m.validLoss, m.validMetrics, undefined],
      ['test', m.testLoss, m.testMetrics, m.testAccuracy],
    ];
    for (const [split, loss, metrics, accuracy] of splits) {
      add(m.epoch, split, 'loss', loss);
      if (metrics) for (const [name, v] of Object.entries(metrics)) add(m.epoch, split, name, v);
      else add(m.epoch, split, 'accuracy', accuracy);
    }
  }
  return rows;
}

/**
 * Loss and every metric of the run's task per epoch, one panel each (train, valid and test as
 * colours), three panels to a row: a classification run shows loss, accuracy and top-5; a
 * forecasting run loss, MSE, MAE, RMSE, R², RRSE and CORR.
 */
export function trainingCurvesSpec(epochs: readonly EpochMetricsLike[]): VegaLiteSpec {
  const rows = curveRows(epochs);
  const names = [...new Set(['loss', ...rows.map((r) => r.metric)])];
  // The same colour for a split in every panel, listing only the splits the run has.
  const splits = ['train', 'valid', 'test'].filter((s) => rows.some((r) => r.split === s));
  const panel = (metric: string) => ({
    title: metric,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line', point: true },
    width: WIDTH / 2 - 40,
    height: 220,
    encoding: {
      x: epochX(epochs),
      y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: metric },
      color: { field: 'split', type: 'nominal', title: null, scale: { domain: splits } },
    },
  });
  return { $schema: SCHEMA, title: 'Training curves', data: { values: rows }, concat: names.map(panel), columns: 3 };
}

/** Mean firing rate of every spiking layer over the epochs. */
export function firingRatesSpec(epochs: readonly EpochMetricsLike[]): VegaLiteSpec {
  const rows = epochs.flatMap((m) =>
    Object.entries(m.firingRates ?? {})
      .filter(([, r]) => Number.isFinite(r))
      .map(([layer, rate]) => ({ epoch: m.epoch, layer, rate })),
  );
  return {
    $schema: SCHEMA,
    title: 'Firing rate per spiking layer',
    data: { values: rows },
    mark: { type: 'line', point: true },
    width: WIDTH,
    height: 240,
    encoding: {
      x: epochX(epochs),
      y: { field: 'rate', type: 'quantitative', title: 'spikes / neuron / step' },
      color: { field: 'layer', type: 'nominal', sort: null },
    },
  };
}

/** A figure of one row per layer (in the given order), each drawn by `spec` with its own y scale. */
function layerRows(title: string, rows: readonly object[], layers: readonly { name: string }[], spec: VegaLiteSpec): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    data: { values: rows },
    facet: { row: { field: 'layer', type: 'nominal', sort: layers.map((l) => l.name), title: null } },
    spec,
    resolve: { scale: { y: 'independent' } },
  };
}

/** Spike raster: one row per recorded neuron, one panel per layer, time on x. */
export function spikeRasterSpec(layers: readonly LayerActivity[]): VegaLiteSpec {
  // A placeholder row per recorded neuron (t = -1, outside the clipped x domain) keeps silent layers and neurons on the figure.
  const rows = layers.flatMap((l) => l.spikes.flatMap((times, k) => [{ layer: l.name, neuron: k, t: -1 }, ...times.map((t) => ({ layer: l.name, neuron: k, t }))]));
  const T = Math.max(1, ...layers.map((l) => l.timeSteps));
  return layerRows('Spike raster of one sample (active neurons of each layer, most active first)', rows, layers, {
    width: WIDTH,
    height: { step: Math.max(...layers.map((l) => l.spikes.length)) > 20 ? 3 : 7 },
    mark: { type: 'tick', orient: 'vertical', thickness: 2, color: 'black', clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', scale: { domain: [-0.5, T - 0.5] }, axis: { tickMinStep: 1, format: 'd' }, title: 'time step' },
      y: { field: 'neuron', type: 'ordinal', title: 'neuron (rank)', axis: { labels: false, ticks: false } },
    },
  });
}

/** Membrane potential of a few neurons per layer, with the threshold as a rule. */
export function membraneTracesSpec(layers: readonly LayerActivity[]): VegaLiteSpec {
  const traced = layers.filter((l) => l.membrane && l.membrane.length > 0);
  const rows = traced.flatMap((l) =>
    l.membrane!.flatMap((vs, t) => vs.map((v, k) => ({ layer: l.name, neuron: String(l.traceIds[k]), t, v, threshold: l.vThreshold ?? null }))).filter((r) => Number.isFinite(r.v)),
  );
  return layerRows('Membrane potential of one sample (after reset, per step)', rows, traced, {
    width: WIDTH,
    height: 110,
    layer: [
      {
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' }, title: 'time step' },
          y: { field: 'v', type: 'quantitative', title: 'V' },
          color: { field: 'neuron', type: 'nominal', legend: null },
        },
      },
      {
        transform: [{ filter: 'datum.threshold !== null' }],
        mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' },
        encoding: { y: { field: 'threshold', type: 'quantitative', aggregate: 'max' } },
      },
    ],
  });
}

/** Energy per layer (pJ per sample), coloured by whether the layer is fed by spikes (AC) or analog values (MAC). */
export function energySpec(energy: EnergyReportLike): VegaLiteSpec {
  const rows = energy.layers.map((l) => ({ layer: l.name, energy: l.energyPj, kind: l.inputRate === null ? 'MAC (analog input)' : 'AC (spike input)' }));
  return {
    $schema: SCHEMA,
    title: `Energy estimate per layer (total ${formatPj(energy.totalPj)} per sample, mean over ${energy.samples} sample${energy.samples === 1 ? '' : 's'})`,
    data: { values: rows },
    mark: 'bar',
    width: WIDTH,
    height: { step: 18 },
    encoding: {
      y: { field: 'layer', type: 'nominal', sort: null, title: null },
      x: { field: 'energy', type: 'quantitative', title: 'pJ per sample' },
      color: { field: 'kind', type: 'nominal', title: null },
    },
  };
}

export function formatPj(pj: number): string {
  if (pj >= 1e6) return `${(pj / 1e6).toFixed(3)} µJ`;
  if (pj >= 1e3) return `${(pj / 1e3).toFixed(3)} nJ`;
  return `${pj.toFixed(1)} pJ`;
}

import type { LayerActivity } from '../activity/record-activity.js';

/** The per-epoch metrics the report plots (one line of a run's `metrics.jsonl`). */
export interface EpochMetricsLike {
  readonly epoch: number;
  readonly trainLoss: number;
  /** Classification runs only. */
  readonly trainAccuracy?: number;
  readonly testLoss?: number;
  readonly testAccuracy?: number;
  /** Loss on the validation split, when the run had one. */
  readonly validLoss?: number;
  /** Every metric of the run's task over the epoch's training batches (`accuracy`, `r2`, ...). */
  readonly metrics?: Readonly<Record<string, number>>;
  readonly validMetrics?: Readonly<Record<string, number>>;
  readonly testMetrics?: Readonly<Record<string, number>>;
  readonly firingRates?: Readonly<Record<string, number>>;
  readonly samplesPerSecond?: number;
  readonly lr?: number;
}

/** One layer of an energy estimate. */
export interface EnergyLayerLike {
  readonly name: string;
  /** Firing rate of the layer's input, or null for an analog (non-spike) input. */
  readonly inputRate: number | null;
  /** Dense multiply-accumulates per sample per step. */
  readonly macs: number;
  /** Operations counted for the energy: SOPs (spike input) or MACs·T (analog input), per sample. */
  readonly ops: number;
  readonly energyPj: number;
}

/** An energy estimate as the report shows it (the CLI adapts `@spikeflow/models`' estimate to it). */
export interface EnergyReportLike {
  readonly layers: readonly EnergyLayerLike[];
  /** pJ per sample: the mean over the {@link EnergyReportLike.samples} samples measured. */
  readonly totalPj: number;
  /** How many samples the per-sample figures are averaged over. */
  readonly samples: number;
  /** Which samples those are, in words (e.g. `test: 64 of 10000 samples (seeded subset, seed 0)`). */
  readonly selection?: string;
  readonly eMacPj: number;
  readonly eAcPj: number;
  /** The formula in words, printed under the figure. */
  readonly formula: string;
}

/** Everything a run report contains; every part but the title and epochs is optional. */
export interface ReportData {
  readonly title: string;
  /** Where the run lives and its resolved configuration (shown as a table). */
  readonly run?: { readonly dir?: string; readonly config?: Record<string, unknown> };
  readonly epochs: readonly EpochMetricsLike[];
  /** Spikes and membrane traces of one sample through the network. */
  readonly activity?: { readonly sample: string; readonly layers: readonly LayerActivity[] };
  readonly energy?: EnergyReportLike;
}

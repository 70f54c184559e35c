// @spikeflow/report — public API. Values first, then types in separate blocks.
export { recordActivity } from './activity/record-activity.js';
export { writeReport } from './report/write-report.js';
export { renderFigure } from './render/render-figure.js';
export { plotRaster } from './plot/plot-raster.js';
export { plotMembrane } from './plot/plot-membrane.js';
export { trainingCurvesSpec, firingRatesSpec, spikeRasterSpec, membraneTracesSpec, energySpec, formatPj } from './figures/figure-specs.js';

export type { LayerActivity, RecordActivityOptions } from './activity/record-activity.js';
export type { WrittenReport, WrittenFigure } from './report/write-report.js';
export type { RenderedFigure } from './render/render-figure.js';
export type { PlotRasterOptions } from './plot/plot-raster.js';
export type { PlotMembraneOptions } from './plot/plot-membrane.js';
export type { VegaLiteSpec } from './figures/figure-specs.js';
export type { ReportData, EpochMetricsLike, EnergyReportLike, EnergyLayerLike } from './report/report-data.js';

import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SpikeflowError } from '@spikeflow/core';
import type { VegaLiteSpec } from '../figures/figure-specs.js';

export interface RenderedFigure {
  readonly svg: string;
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Render a vega-lite specification server-side: vega-lite compiles it to vega, a headless vega View
 * (no canvas, `renderer: 'none'`) writes the SVG, and resvg rasterises that SVG to PNG at `scale`.
 */
export async function renderFigure(spec: VegaLiteSpec, options: { scale?: number } = {}): Promise<RenderedFigure> {
  let view: vega.View | undefined;
  try {
    const compiled = compile({ background: 'white', padding: 8, ...spec } as TopLevelSpec).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
    const svg = await view.toSVG();
    const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: options.scale ?? 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
    const image = resvg.render();
    return { svg, png: image.asPng(), width: image.width, height: image.height };
  } catch (e) {
    throw new SpikeflowError('invalid-options', `could not render the figure '${String(spec.title ?? 'untitled')}': ${(e as Error).message}`, {}, { cause: e });
  } finally {
    view?.finalize();
  }
}

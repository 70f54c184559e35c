import { SpikeflowError } from '@spikeflow/core';
import type { LoihiNetworkSpec } from '../simulator/loihi-network.js';
import type { LoihiLimits } from './loihi-limits.js';

/** Resources one layer needs. */
export interface LayerResources {
  readonly layer: number;
  readonly compartments: number;
  readonly synapses: number;
  /** Dense synaptic memory at the layer's weight precision (bytes). */
  readonly synapticBytes: number;
  /** Cores: enough for both the compartments and the synaptic memory. */
  readonly cores: number;
  /** Which capacity set the core count. */
  readonly limitedBy: 'compartments' | 'synaptic-memory';
}

/** The whole network against a chip. */
export interface ResourceReport {
  readonly target: LoihiLimits['id'];
  readonly layers: readonly LayerResources[];
  readonly total: { readonly compartments: number; readonly synapses: number; readonly synapticBytes: number; readonly cores: number; readonly chips: number };
  readonly fits: boolean;
  readonly messages: readonly string[];
}

/**
 * Count cores, compartments, synapses and synaptic memory per layer and in total. The model is
 * deliberately simple and stated: one compartment per neuron; a dense layer stores every synapse
 * (a conv layer its kernels once on Loihi 2, every connection on Loihi 1) at its weight precision (8 bits here; the chips' compressed formats add index bits, so this is a
 * lower bound on memory); a layer takes `max(⌈neurons / neuronsPerCore⌉, ⌈bytes / bytesPerCore⌉)`
 * cores and layers do not share cores. `maxChips` (default 1) bounds the system; beyond it the
 * report says which layer overflowed, and {@link assertFits} throws `does-not-fit` naming it.
 *
 * @example
 * ```ts
 * const r = resourceReport(q.spec, LOIHI2_LIMITS);
 * console.log(r.total.cores, r.fits);
 * ```
 */
export function resourceReport(spec: LoihiNetworkSpec, limits: LoihiLimits, options: { maxChips?: number } = {}): ResourceReport {
  const maxChips = options.maxChips ?? 1;
  const messages: string[] = [];
  let cumulativeCores = 0;
  let overflow: number | null = null;
  const layers = spec.layers.map((l, i): LayerResources => {
    const compartments = l.outFeatures;
    // Conv: each output neuron has C·kH·kW synapses (fewer at padded borders; counted in full).
    const fanIn = l.kind === 'conv' ? l.inShape[0] * l.kernel[0] * l.kernel[1] : l.inFeatures;
    const synapses = l.outFeatures * fanIn;
    const stored = l.kind === 'conv' && limits.sharedConvWeights ? l.outShape[0] * fanIn : synapses;
    const synapticBytes = Math.ceil((stored * Math.min(8, l.numWeightBits)) / 8);
    const byNeurons = Math.ceil(compartments / limits.neuronsPerCore);
    const byMemory = Math.ceil(synapticBytes / limits.synapticBytesPerCore);
    const cores = Math.max(byNeurons, byMemory);
    cumulativeCores += cores;
    if (overflow === null && cumulativeCores > maxChips * limits.coresPerChip) overflow = i;
    return { layer: i, compartments, synapses, synapticBytes, cores, limitedBy: byMemory > byNeurons ? 'synaptic-memory' : 'compartments' };
  });
  const total = {
    compartments: layers.reduce((a, l) => a + l.compartments, 0),
    synapses: layers.reduce((a, l) => a + l.synapses, 0),
    synapticBytes: layers.reduce((a, l) => a + l.synapticBytes, 0),
    cores: cumulativeCores,
    chips: Math.ceil(cumulativeCores / limits.coresPerChip),
  };
  if (overflow !== null)
    messages.push(`layer ${overflow} does not fit: the network needs ${total.cores} cores, ${maxChips} ${limits.id} chip(s) have ${maxChips * limits.coresPerChip}`);
  if (total.synapses > maxChips * limits.synapsesPerChip) messages.push(`${total.synapses} synapses exceed ${maxChips} chip(s) × ${limits.synapsesPerChip}`);
  messages.push(`limits: ${limits.source}`);
  return { target: limits.id, layers, total, fits: overflow === null && total.synapses <= maxChips * limits.synapsesPerChip, messages };
}

/** Throw `does-not-fit` naming the first layer that overflowed, if the network does not fit. */
export function assertFits(report: ResourceReport): void {
  if (!report.fits) throw new SpikeflowError('does-not-fit', report.messages[0], { total: report.total });
}

/** A printable table of a report. */
export function formatResourceReport(report: ResourceReport): string {
  const rows = [['layer', 'compartments', 'synapses', 'syn. memory', 'cores', 'limited by']];
  for (const l of report.layers)
    rows.push([String(l.layer), String(l.compartments), String(l.synapses), `${(l.synapticBytes / 1024).toFixed(1)} KiB`, String(l.cores), l.limitedBy]);
  const t = report.total;
  rows.push(['total', String(t.compartments), String(t.synapses), `${(t.synapticBytes / 1024).toFixed(1)} KiB`, String(t.cores), `${t.chips} chip(s)`]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return [...rows.map((r) => r.map((v, c) => v.padStart(widths[c])).join('  ')), ...report.messages].join('\n');
}

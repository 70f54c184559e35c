import { ProgressBar, SpikeflowError } from '@spikeflow/core';
import type { ExportSamples } from '../export/data-file.js';
import { FixedPointSimulator } from '../fixed/fixed-point-simulator.js';
import type { FixedPointNetwork } from '../fixed/fixed-point-network.js';
import type { NetworkSample, PopulationSpikes } from '../network/spinnaker-network.js';
import { simulateReference } from '../reference/reference-simulator.js';

/** Accuracy of the float reference and of the s16.15 board simulation on labelled samples. */
export interface ClassifierEvaluation {
  readonly samples: number;
  /** Float64 simulation of the exported parameters (equals the trained model up to float32 rounding). */
  readonly referenceAccuracy: number;
  /** sPyNNaker's fixed-point arithmetic and 16-bit weights. */
  readonly fixedAccuracy: number;
  /** Fraction of samples where both predict the same class. */
  readonly agreement: number;
  /** Fraction of (sample, neuron) spike trains that are identical in both, over all layers. */
  readonly identicalTrains: number;
  readonly ringBufferSaturations: number;
  readonly arithmeticSaturations: number;
  /** Mean spikes per neuron per step, per population, in the fixed-point run. */
  readonly firingRates: Readonly<Record<string, number>>;
}

/** The class with the most output spikes (the lowest index on ties, as argMax). */
export function predictFromSpikes(spikes: Uint8Array, size: number): number {
  const counts = new Array<number>(size).fill(0);
  for (let k = 0; k < spikes.length; k++) if (spikes[k]) counts[k % size]++;
  let best = 0;
  for (let j = 1; j < size; j++) if (counts[j] > counts[best]) best = j;
  return best;
}

function sampleAt(samples: ExportSamples, i: number, size: number): NetworkSample {
  return samples.kind === 'spikes' ? { spikes: samples.rasters[i] } : { currents: samples.currents.subarray(i * size, (i + 1) * size) };
}

/**
 * Classify labelled samples with the float reference and with the fixed-point simulator of the
 * same exported network, predicting the class with the most output spikes.
 *
 * @example
 * ```ts
 * const r = evaluateClassifier(quantizeNetwork(net), { kind: 'currents', count, currents, labels });
 * console.log(r.referenceAccuracy, r.fixedAccuracy);
 * ```
 */
export function evaluateClassifier(fixed: FixedPointNetwork, samples: ExportSamples, options: { progress?: boolean; label?: string } = {}): ClassifierEvaluation {
  const net = fixed.network;
  const count = samples.kind === 'spikes' ? samples.rasters.length : samples.count;
  if (!samples.labels || samples.labels.length !== count)
    throw new SpikeflowError('invalid-options', `evaluation needs one label per sample (${count}), got ${samples.labels?.length ?? 0}`);
  if (count === 0) throw new SpikeflowError('invalid-options', 'evaluation needs at least one sample');
  const sim = new FixedPointSimulator(fixed);
  const out = net.populations[net.populations.length - 1];
  const firstSize = net.populations[0].size;
  let refOk = 0;
  let fixOk = 0;
  let agree = 0;
  let same = 0;
  let trains = 0;
  let ringSat = 0;
  let arithSat = 0;
  const spikeTotals = new Map<string, number>(net.populations.map((p) => [p.name, 0]));
  const bar = options.progress ? new ProgressBar({ total: count, label: options.label ?? 'spinnaker', unit: 'samples' }) : null;
  const identical = (a: PopulationSpikes, b: PopulationSpikes) => {
    for (const p of net.populations) {
      const x = a.get(p.name)!;
      const y = b.get(p.name)!;
      for (let j = 0; j < p.size; j++) {
        let eq = true;
        for (let k = j; k < x.length; k += p.size)
          if (x[k] !== y[k]) {
            eq = false;
            break;
          }
        if (eq) same++;
        trains++;
      }
    }
  };
  for (let i = 0; i < count; i++) {
    const sample = sampleAt(samples, i, firstSize);
    const ref = simulateReference(net, sample);
    const run = sim.run(sample);
    ringSat += run.ringBufferSaturations;
    arithSat += run.arithmeticSaturations;
    for (const p of net.populations) spikeTotals.set(p.name, spikeTotals.get(p.name)! + run.spikes.get(p.name)!.reduce((s, v) => s + v, 0));
    const a = predictFromSpikes(ref.get(out.name)!, out.size);
    const b = predictFromSpikes(run.spikes.get(out.name)!, out.size);
    const y = samples.labels[i];
    if (a === y) refOk++;
    if (b === y) fixOk++;
    if (a === b) agree++;
    identical(ref, run.spikes);
    bar?.tick(1);
  }
  bar?.done();
  const firingRates: Record<string, number> = {};
  for (const p of net.populations) firingRates[p.name] = spikeTotals.get(p.name)! / (count * p.size * net.timeSteps);
  return {
    samples: count,
    referenceAccuracy: refOk / count,
    fixedAccuracy: fixOk / count,
    agreement: agree / count,
    identicalTrains: same / trains,
    ringBufferSaturations: ringSat,
    arithmeticSaturations: arithSat,
    firingRates,
  };
}

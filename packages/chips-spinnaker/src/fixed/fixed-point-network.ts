import { SpikeflowError } from '@spikeflow/core';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { expSynapseU032, type ExpSynapseU032 } from './exp-synapse-u032.js';
import { dequantizeWeight, quantizeWeight, ringBufferShift } from './ring-buffer-scaling.js';
import { decayFactorS1615, fromS1615, roundHalfEven, S1615_ONE, toS1615 } from './s1615.js';

/** A projection as the board stores it: 16-bit words per synapse type and the shifts that scale them. */
export interface FixedProjection {
  readonly name: string;
  readonly pre: string;
  readonly post: string;
  readonly preSize: number;
  readonly postSize: number;
  /** Words of positive weights (excitatory synapses), `[pre, post]`; 0 means no synapse or rounded away. */
  readonly excWords: Uint16Array;
  /** Words of |negative weights| (inhibitory synapses), `[pre, post]`. */
  readonly inhWords: Uint16Array;
}

/** A population's parameters as s16.15 raw bits, as sPyNNaker's LIF holds them. */
export interface FixedPopulation {
  readonly name: string;
  readonly size: number;
  readonly vInit: number;
  readonly vRest: number;
  readonly vReset: number;
  readonly vThresh: number;
  /** R = τ_m / c_m (kdivk of the s16.15 values, rounded to nearest). */
  readonly rMembrane: number;
  /** exp(−dt/τ_m) as s16.15 bits. */
  readonly expTc: number;
  /** Ring-buffer left shifts `[excitatory, inhibitory]`. */
  readonly shifts: readonly [number, number];
  /** `IF_curr_exp` only: the exponential synapse's u0.32 decay and init (both synapse types share τ_syn). */
  readonly synapse?: ExpSynapseU032;
}

/** What quantisation did to the weights of one target population. */
export interface QuantizationReport {
  readonly population: string;
  readonly shifts: readonly [number, number];
  /** Smallest representable non-zero weight per synapse type (2^(s−15)). */
  readonly resolution: readonly [number, number];
  /** Non-zero trained weights into this population. */
  readonly weights: number;
  /** Non-zero trained weights whose 16-bit word rounded to 0 (lost synapses). */
  readonly roundedToZero: number;
  /** Largest |w − stored w| over its weights. */
  readonly maxError: number;
}

/** The exported network in SpiNNaker's number formats. */
export interface FixedPointNetwork {
  readonly network: SpinnakerNetwork;
  readonly populations: readonly FixedPopulation[];
  readonly projections: readonly FixedProjection[];
  readonly report: readonly QuantizationReport[];
}

/** Options of {@link quantizeNetwork}. */
export interface QuantizeOptions {
  /** sPyNNaker's `spikes_per_second` used by the ring-buffer bound (default 30: one spike per step bound). */
  readonly spikesPerSecond?: number;
  /** Override the ring-buffer shifts per population `[exc, inh]` (sPyNNaker's newer `rb_left_shifts`). */
  readonly shifts?: Readonly<Record<string, readonly [number, number]>>;
}

function maxFanIn(weights: Float32Array, pre: number, post: number, sign: 1 | -1): { maxAbs: number; fanIn: number } {
  let maxAbs = 0;
  let fanIn = 0;
  for (let j = 0; j < post; j++) {
    let n = 0;
    for (let i = 0; i < pre; i++) {
      const w = weights[i * post + j] * sign;
      if (w > 0) {
        n++;
        if (w > maxAbs) maxAbs = w;
      }
    }
    if (n > fanIn) fanIn = n;
  }
  return { maxAbs, fanIn };
}

function expSynapse(tauE: number | undefined, tauI: number | undefined, dtMs: number, where: (k: string) => string): ExpSynapseU032 {
  if (tauE === undefined || tauI === undefined) throw new SpikeflowError('invalid-options', `${where('IF_curr_exp')} needs tau_syn_E and tau_syn_I`);
  const e = toS1615(tauE, where('tau_syn_E'));
  if (e !== toS1615(tauI, where('tau_syn_I')))
    throw new SpikeflowError('not-supported', `${where('tau_syn_E')} = ${tauE} differs from tau_syn_I = ${tauI}; the exported CUBA-LIF mapping uses one synaptic time constant`);
  return expSynapseU032(e, dtMs);
}

/**
 * Convert an exported network to the values a SpiNNaker board holds: parameters in s16.15,
 * weights as 16-bit words under sPyNNaker's ring-buffer shift per target population and synapse
 * type (see {@link ringBufferShift}); an `IF_curr_exp` population also gets its synapse's u0.32
 * decay and init ({@link expSynapseU032}). The report says how many weights rounded to zero.
 *
 * @example
 * ```ts
 * const fixed = quantizeNetwork(net);
 * fixed.report[1].roundedToZero; // synapses the board will not have
 * ```
 */
export function quantizeNetwork(network: SpinnakerNetwork, options: QuantizeOptions = {}): FixedPointNetwork {
  const populations: FixedPopulation[] = [];
  const projections: FixedProjection[] = [];
  const report: QuantizationReport[] = [];
  for (const pop of network.populations) {
    const p = pop.params;
    const where = (k: string) => `population ${pop.name}: ${k}`;
    const tauM = toS1615(p.tau_m, where('tau_m'));
    const cm = toS1615(p.cm, where('cm'));
    if (cm <= 0) throw new SpikeflowError('unrepresentable', `${where('cm')} = ${p.cm} rounds to ${fromS1615(cm)} in s16.15; it must be positive`);
    const incoming = network.projections.filter((q) => q.post === pop.name);
    let shifts: [number, number];
    const override = options.shifts?.[pop.name];
    if (override) shifts = [override[0], override[1]];
    else {
      const exc = incoming.map((q) => maxFanIn(q.weights, q.preSize, q.postSize, 1)).map((s) => ({ maxAbsWeight: s.maxAbs, maxFanIn: s.fanIn }));
      const inh = incoming.map((q) => maxFanIn(q.weights, q.preSize, q.postSize, -1)).map((s) => ({ maxAbsWeight: s.maxAbs, maxFanIn: s.fanIn }));
      shifts = [
        ringBufferShift({ projections: exc, spikesPerSecond: options.spikesPerSecond, dtMs: network.dtMs }),
        ringBufferShift({ projections: inh, spikesPerSecond: options.spikesPerSecond, dtMs: network.dtMs }),
      ];
    }
    let weights = 0;
    let zeroed = 0;
    let maxError = 0;
    for (const q of incoming) {
      const excWords = new Uint16Array(q.weights.length);
      const inhWords = new Uint16Array(q.weights.length);
      for (let k = 0; k < q.weights.length; k++) {
        const w = q.weights[k];
        if (w === 0) continue;
        weights++;
        const shift = w > 0 ? shifts[0] : shifts[1];
        const word = quantizeWeight(w, shift);
        if (w > 0) excWords[k] = word;
        else inhWords[k] = word;
        if (word === 0) zeroed++;
        maxError = Math.max(maxError, Math.abs(Math.abs(w) - dequantizeWeight(word, shift)));
      }
      projections.push({ name: q.name, pre: q.pre, post: q.post, preSize: q.preSize, postSize: q.postSize, excWords, inhWords });
    }
    report.push({ population: pop.name, shifts, resolution: [2 ** (shifts[0] - 15), 2 ** (shifts[1] - 15)], weights, roundedToZero: zeroed, maxError });
    populations.push({
      name: pop.name,
      size: pop.size,
      vInit: toS1615(pop.vInit, where('initial v')),
      vRest: toS1615(p.v_rest, where('v_rest')),
      vReset: toS1615(p.v_reset, where('v_reset')),
      vThresh: toS1615(p.v_thresh, where('v_thresh')),
      rMembrane: toS1615(roundHalfEven((tauM / cm) * S1615_ONE) / S1615_ONE, where('R = tau_m/cm')),
      expTc: decayFactorS1615(tauM, network.dtMs),
      shifts,
      ...(pop.cellType === 'IF_curr_exp' ? { synapse: expSynapse(pop.params.tau_syn_E, pop.params.tau_syn_I, network.dtMs, where) } : {}),
    });
  }
  return { network, populations, projections, report };
}

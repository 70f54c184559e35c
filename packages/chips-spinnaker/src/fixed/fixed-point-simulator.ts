import { SpikeflowError } from '@spikeflow/core';
import { checkSample } from '../reference/reference-simulator.js';
import type { NetworkSample, PopulationSpikes } from '../network/spinnaker-network.js';
import type { FixedPointNetwork } from './fixed-point-network.js';
import { MAX_WEIGHT_WORD } from './ring-buffer-scaling.js';
import { exponentialCurrentInput } from '../network/exp-synapse.js';
import { decayS1615, mulS1615Unsaturated as mul, S1615_ONE, saturateS1615, toS1615 } from './s1615.js';

/** The result of one fixed-point run. */
export interface FixedPointRun {
  readonly spikes: PopulationSpikes;
  /** Ring-buffer entries that hit 0xFFFF (input lost to saturation). */
  readonly ringBufferSaturations: number;
  /** s16.15 results clamped to the int32 range (membrane or input overflow). */
  readonly arithmeticSaturations: number;
  /** With `record`: per population, `[T, size]` traces in real units (as sPyNNaker records `v` and `gsyn`). */
  readonly traces?: Map<string, FixedPointTrace>;
}

/** Recorded state of one population, each `[T, size]` row-major, in real units. */
export interface FixedPointTrace {
  /** Membrane potential after the step (after a reset). */
  readonly v: Float64Array;
  /** Synaptic input the step's membrane update used (excitatory − inhibitory, without i_offset). */
  readonly synaptic: Float64Array;
}

/**
 * sPyNNaker's LIF with delta synapses in s16.15, step by step as the board runs it: spikes of the
 * previous layer add their 16-bit weight words into the target's ring buffer (saturating at
 * 0xFFFF), the entry shifted left by the population's ring-buffer shift is the synaptic input,
 * `I = exc − inh + i_offset`, `α = I·R + v_rest`, `V ← α − e·(α − V)` with rounding multiplies,
 * `V ≥ v_thresh` fires and resets `V = v_reset`; delta synapses then clear the input.
 * `IF_curr_exp` populations keep an excitatory and an inhibitory synaptic current in s16.15:
 * each step adds `decay_s1615(entry << shift, init)` to each (64-bit product `>> 32`, truncating),
 * the membrane update uses `exc − inh + i_offset`, and after the threshold test both decay by
 * `decay_s1615(·, decay)` — sPyNNaker's exponential synapse shaping. Sample currents of an
 * `IF_curr_exp` first population become its `i_offset` and initial excitatory current
 * (exponentialCurrentInput), each rounded to s16.15.
 * Layers run in order within a time step, which is the board's pipeline with each layer's
 * one-step delay removed, so spikes are indexed by the model's time step.
 *
 * @example
 * ```ts
 * const sim = new FixedPointSimulator(quantizeNetwork(net));
 * const { spikes } = sim.run({ currents });
 * ```
 */
export class FixedPointSimulator {
  constructor(readonly fixed: FixedPointNetwork) {}

  /** Simulate one sample; `record` also returns the membrane and synaptic-input traces. */
  run(sample: NetworkSample, options: { record?: boolean } = {}): FixedPointRun {
    const { network } = this.fixed;
    const { spikes: inputSpikes, currents } = checkSample(network, sample);
    const T = network.timeSteps;
    const spikes: PopulationSpikes = new Map();
    const traces = options.record ? new Map<string, FixedPointTrace>() : undefined;
    if (inputSpikes) spikes.set('input', inputSpikes);
    let ringSat = 0;
    let arithSat = 0;
    const sat = (x: number): number => {
      const y = saturateS1615(x);
      if (y !== x) arithSat++;
      return y;
    };
    for (const pop of this.fixed.populations) {
      const n = pop.size;
      const offset = new Int32Array(n);
      const syn = pop.synapse;
      // Synaptic currents of the exponential synapse (s16.15 bits); unused with delta synapses.
      const iExc = new Float64Array(n);
      const iInh = new Float64Array(n);
      if (pop === this.fixed.populations[0] && currents) {
        const spec = network.populations.find((p) => p.name === pop.name)!;
        for (let j = 0; j < n; j++) {
          if (!syn) offset[j] = toS1615(currents[j], `i_offset of ${pop.name}[${j}]`);
          else {
            const c = exponentialCurrentInput(spec.params, network.dtMs, currents[j]);
            offset[j] = toS1615(c.iOffset, `i_offset of ${pop.name}[${j}]`);
            iExc[j] = toS1615(c.isynInit, `initial isyn_exc of ${pop.name}[${j}]`);
          }
        }
      }
      const incoming = this.fixed.projections.filter((p) => p.post === pop.name);
      const v = new Int32Array(n).fill(pop.vInit);
      const s = new Uint8Array(T * n);
      const ringExc = new Uint32Array(n);
      const ringInh = new Uint32Array(n);
      const [shiftExc, shiftInh] = pop.shifts;
      const trace = traces ? { v: new Float64Array(T * n), synaptic: new Float64Array(T * n) } : undefined;
      if (trace) traces!.set(pop.name, trace);
      for (let t = 0; t < T; t++) {
        ringExc.fill(0);
        ringInh.fill(0);
        for (const proj of incoming) {
          const pre = spikes.get(proj.pre);
          if (!pre) throw new SpikeflowError('invalid-state', `projection ${proj.name} comes from '${proj.pre}', which is not simulated before '${pop.name}'`);
          const m = proj.preSize;
          for (let i = 0; i < m; i++) {
            if (!pre[t * m + i]) continue;
            const row = i * n;
            for (let j = 0; j < n; j++) {
              const we = proj.excWords[row + j];
              if (we) {
                const acc = ringExc[j] + we;
                if (acc > MAX_WEIGHT_WORD) ringSat++;
                ringExc[j] = acc > MAX_WEIGHT_WORD ? MAX_WEIGHT_WORD : acc;
              }
              const wi = proj.inhWords[row + j];
              if (wi) {
                const acc = ringInh[j] + wi;
                if (acc > MAX_WEIGHT_WORD) ringSat++;
                ringInh[j] = acc > MAX_WEIGHT_WORD ? MAX_WEIGHT_WORD : acc;
              }
            }
          }
        }
        for (let j = 0; j < n; j++) {
          // The ring-buffer word shifted left is the input in s16.15 bits.
          let synaptic: number;
          if (syn) {
            iExc[j] = sat(iExc[j] + decayS1615(ringExc[j] * 2 ** shiftExc, syn.init));
            iInh[j] = sat(iInh[j] + decayS1615(ringInh[j] * 2 ** shiftInh, syn.init));
            synaptic = sat(iExc[j] - iInh[j]);
          } else synaptic = sat(ringExc[j] * 2 ** shiftExc - ringInh[j] * 2 ** shiftInh);
          const input = sat(synaptic + offset[j]);
          if (trace) trace.synaptic[t * n + j] = synaptic / S1615_ONE;
          const alpha = sat(sat(mul(input, pop.rMembrane)) + pop.vRest);
          const vj = sat(alpha - sat(mul(pop.expTc, sat(alpha - v[j]))));
          if (vj >= pop.vThresh) {
            s[t * n + j] = 1;
            v[j] = pop.vReset;
          } else v[j] = vj;
          if (trace) trace.v[t * n + j] = v[j] / S1615_ONE;
          if (syn) {
            iExc[j] = decayS1615(iExc[j], syn.decay);
            iInh[j] = decayS1615(iInh[j], syn.decay);
          }
        }
      }
      spikes.set(pop.name, s);
    }
    spikes.delete('input');
    return { spikes, ringBufferSaturations: ringSat, arithmeticSaturations: arithSat, ...(traces ? { traces } : {}) };
  }
}

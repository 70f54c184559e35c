import { SpikeflowError } from '@spikeflow/core';
import { expSynapseFactors, exponentialCurrentInput } from '../network/exp-synapse.js';
import type { NetworkSample, PopulationSpikes, SpinnakerNetwork } from '../network/spinnaker-network.js';

/** Check a sample against the network's input and return the raster or currents it holds. */
export function checkSample(network: SpinnakerNetwork, sample: NetworkSample): { spikes?: Uint8Array; currents?: Float32Array } {
  const T = network.timeSteps;
  if ('spikes' in sample) {
    if (network.input.kind !== 'spikes') throw new SpikeflowError('invalid-options', 'this network takes currents (its first layer runs off-chip), got a spike raster');
    if (sample.spikes.length !== T * network.input.size)
      throw new SpikeflowError('shape-mismatch', `spike raster must be [T=${T}, ${network.input.size}] (${T * network.input.size} values), got ${sample.spikes.length}`);
    return { spikes: sample.spikes };
  }
  if (network.input.kind !== 'current') throw new SpikeflowError('invalid-options', 'this network takes a spike raster, got currents');
  const size = network.populations[0].size;
  if (sample.currents.length !== size)
    throw new SpikeflowError('shape-mismatch', `currents must have ${size} values (one per neuron of ${network.populations[0].name}), got ${sample.currents.length}`);
  return { currents: sample.currents };
}

/**
 * Simulate the exported parameters in float64 with the update sPyNNaker's LIF performs (and that
 * the exporter makes Brian2 and NEST perform): per step, `I = Σ w·s_pre + i_offset`,
 * `V ← α − e·(α − V)` with `α = I·R + v_rest`, `e = exp(−dt/τ_m)`, `R = τ_m/c_m`; fire when
 * `V ≥ v_thresh`, then `V = v_reset`. An `IF_curr_exp` population (CUBA-LIF) runs sPyNNaker's
 * exponential synapse instead: `J ← J + init·Σ w·s_pre`, `I = J + i_offset` drives the step above,
 * then `J ← decay·J` ({@link expSynapseFactors}); its sample currents enter as
 * {@link exponentialCurrentInput}. Each projection's one-step delay is compensated (spikes are
 * indexed by the model's time step), so the result is directly comparable with the trained model
 * and with the spike trains the exported script writes.
 *
 * @example
 * ```ts
 * const spikes = simulateReference(net, { currents }); // Map layer name → [T, size] 0/1
 * ```
 */
export function simulateReference(network: SpinnakerNetwork, sample: NetworkSample): PopulationSpikes {
  const { spikes: inputSpikes, currents } = checkSample(network, sample);
  const T = network.timeSteps;
  const out: PopulationSpikes = new Map();
  const sizes = new Map<string, number>([['input', network.input.size]]);
  if (inputSpikes) out.set('input', inputSpikes);
  for (const pop of network.populations) {
    sizes.set(pop.name, pop.size);
    const n = pop.size;
    const { tau_m, cm, v_rest, v_reset, v_thresh } = pop.params;
    const e = Math.exp(-network.dtMs / tau_m);
    const R = tau_m / cm;
    const exp = pop.cellType === 'IF_curr_exp' ? expSynapseFactors(pop.params.tau_syn_E ?? NaN, network.dtMs) : null;
    const offset = new Float64Array(n);
    // The exponential synapse's current (J); stays 0 for delta synapses.
    const J = new Float64Array(n);
    if (pop === network.populations[0] && currents) {
      for (let j = 0; j < n; j++) {
        if (!exp) offset[j] = currents[j];
        else {
          const c = exponentialCurrentInput(pop.params, network.dtMs, currents[j]);
          offset[j] = c.iOffset;
          J[j] = c.isynInit;
        }
      }
    }
    const incoming = network.projections.filter((p) => p.post === pop.name);
    const v = new Float64Array(n).fill(pop.vInit);
    const s = new Uint8Array(T * n);
    const I = new Float64Array(n);
    for (let t = 0; t < T; t++) {
      I.fill(0);
      for (const proj of incoming) {
        const pre = out.get(proj.pre);
        if (!pre)
          throw new SpikeflowError(
            'invalid-state',
            `projection ${proj.name} comes from '${proj.pre}', which is not simulated before '${pop.name}' (the network must be feed-forward in order)`,
          );
        const m = proj.preSize;
        for (let i = 0; i < m; i++) {
          if (!pre[t * m + i]) continue;
          const row = i * n;
          for (let j = 0; j < n; j++) I[j] += proj.weights[row + j];
        }
      }
      if (exp) {
        for (let j = 0; j < n; j++) {
          J[j] += exp.init * I[j];
          I[j] = J[j];
          J[j] *= exp.decay; // after this step's membrane update, as sPyNNaker shapes the input
        }
      }
      for (let j = 0; j < n; j++) I[j] += offset[j];
      for (let j = 0; j < n; j++) {
        const alpha = I[j] * R + v_rest;
        const vj = alpha - e * (alpha - v[j]);
        if (vj >= v_thresh) {
          s[t * n + j] = 1;
          v[j] = v_reset;
        } else v[j] = vj;
      }
    }
    out.set(pop.name, s);
  }
  out.delete('input');
  return out;
}

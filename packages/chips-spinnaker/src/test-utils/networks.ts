// Hand-built networks for tests: one LIF population (τ = 2, v_th = 1) fed by a spike source.
import { neuronParameters } from '../network/neuron-parameters.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';

export function singleLayer(weights: number[][], timeSteps: number, neuron = { tau: 2, vThreshold: 1, vReset: 0 }): SpinnakerNetwork {
  const pre = weights.length;
  const post = weights[0].length;
  const params = neuronParameters({ kind: 'lif', tau: neuron.tau, decayInput: true, vThreshold: neuron.vThreshold, vReset: neuron.vReset }, 1);
  return {
    dtMs: 1,
    timeSteps,
    input: { kind: 'spikes', size: pre },
    populations: [{ name: 'layer1', size: post, cellType: 'IF_curr_delta', params, vInit: params.v_rest, origin: 'test' }],
    projections: [{ name: 'input-layer1', pre: 'input', post: 'layer1', weights: Float32Array.from(weights.flat()), preSize: pre, postSize: post, delaySteps: 1 }],
  };
}

/** A [T, n] raster with the given (t, i) spikes. */
export function raster(T: number, n: number, events: Array<[number, number]>): Uint8Array {
  const r = new Uint8Array(T * n);
  for (const [t, i] of events) r[t * n + i] = 1;
  return r;
}

export function spikeSteps(spikes: Uint8Array, n: number, neuron: number): number[] {
  const out: number[] = [];
  for (let t = 0; t * n < spikes.length; t++) if (spikes[t * n + neuron]) out.push(t);
  return out;
}

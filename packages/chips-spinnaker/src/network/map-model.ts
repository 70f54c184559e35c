import { SpikeflowError, describeNetwork, standardDynamics, type BaseNode, type Module, type NetworkDescription, type NetworkLayer, type StandardDynamics } from '@spikeflow/core';
import { unrollConvLayer } from './unroll-conv2d.js';
import { neuronParameters, type NeuronSpec } from './neuron-parameters.js';
import type { NetworkInput, PopulationSpec, ProjectionSpec, SpinnakerNetwork } from './spinnaker-network.js';

/** Options of {@link mapModel}. */
export interface MapModelOptions {
  /** Time steps per sample (the trained T). */
  readonly timeSteps: number;
  /**
   * How samples enter: `current` (default) computes the first Linear layer off-chip and drives the
   * first population with constant currents (direct-encoded analog input); `spikes` feeds a
   * SpikeSourceArray through the first Linear layer (spike-encoded input).
   */
  readonly input?: 'current' | 'spikes';
  /** Time step in ms (default 1). */
  readonly dtMs?: number;
  /** Shape of one sample, e.g. `[28, 28, 1]` (NHWC without the batch); needed when the first layer is a Conv2d. */
  readonly inputShape?: readonly number[];
}

/** The neuron description of a trained node, recognised by what it exposes (plugins are not imported). */
export function describeNeuron(node: BaseNode, where = node.describe()): NeuronSpec {
  return neuronSpec(standardDynamics(node, where, 'SpiNNaker'));
}

function neuronSpec(d: StandardDynamics): NeuronSpec {
  return d.kind === 'if' ? { kind: 'if', vThreshold: d.vThreshold, vReset: d.vReset } : d;
}

function checkOptions(options: MapModelOptions): { dtMs: number; inputKind: 'current' | 'spikes' } {
  const dtMs = options.dtMs ?? 1;
  if (!Number.isInteger(options.timeSteps) || options.timeSteps < 1) throw new SpikeflowError('invalid-options', `timeSteps must be a positive integer, got ${options.timeSteps}`);
  if (!(dtMs > 0)) throw new SpikeflowError('invalid-options', `dtMs must be positive, got ${dtMs}`);
  return { dtMs, inputKind: options.input ?? 'current' };
}

/** A synaptic layer as a dense `[in, out]` matrix over flattened NHWC positions. */
function synapticLayer(layer: NetworkLayer): { weights: Float32Array; bias: Float32Array | null; inFeatures: number; outFeatures: number } {
  if (layer.delay !== 0) throw new SpikeflowError('not-supported', `layer '${layer.name}' has a synaptic delay of ${layer.delay} steps; the SpiNNaker mapping of a model has none`);
  if (layer.kind === 'dense') return { weights: layer.weight, bias: layer.bias, inFeatures: layer.inFeatures, outFeatures: layer.outFeatures };
  const u = unrollConvLayer(layer, `Conv2d '${layer.name}'`);
  const bias = layer.bias;
  const Co = layer.outShape[2];
  const outBias = bias ? Float32Array.from({ length: u.outFeatures }, (_, k) => bias[k % Co]) : null;
  return { weights: u.weights, bias: outBias, inFeatures: u.inFeatures, outFeatures: u.outFeatures };
}

/**
 * Map a trained feed-forward spiking network (`[Linear|Conv2d → LIF/IF/CUBA-LIF]+`, read by core's
 * `describeNetwork`: Flatten, Dropout and TimeInvariant wrappers pass, BatchNorm and an AvgPool2d
 * before Flatten → Linear are folded in) to PyNN populations and projections. Each neuron
 * layer becomes an `IF_curr_delta` population with the parameters of {@link neuronParameters}
 * (a CUBA-LIF layer an `IF_curr_exp` population, see {@link cubaParameters});
 * each Linear (or Conv2d, unrolled by {@link unrollConv2d}) a projection with a one-step delay
 * (the exporter reads each layer's spikes back with its pipeline latency subtracted, so spike
 * times line up with the model's time steps).
 *
 * @example
 * ```ts
 * const net = mapModel(model, { timeSteps: 8 }); // lif-mlp: currents → 512 → 10
 * ```
 */
export function mapModel(model: Module, options: MapModelOptions): SpinnakerNetwork {
  // Options first: a bad T is reported even for a model that does not map.
  checkOptions(options);
  return mapNetwork(describeNetwork(model, { inputShape: options.inputShape, target: 'SpiNNaker' }), options);
}

/**
 * {@link mapModel} from core's chip-neutral network description (what `describeNetwork` gives):
 * one population per layer, one projection per synaptic layer after the first (or after the
 * input, with spike input).
 */
export function mapNetwork(net: NetworkDescription, options: MapModelOptions): SpinnakerNetwork {
  const { dtMs, inputKind } = checkOptions(options);
  const populations: PopulationSpec[] = [];
  const projections: ProjectionSpec[] = [];
  let input: NetworkInput | undefined;
  let prevName = 'input';
  for (const [i, layer] of net.layers.entries()) {
    const name = `layer${i + 1}`;
    const path = layer.name;
    const { weights, bias, inFeatures, outFeatures } = synapticLayer(layer);
    if (i === 0) {
      if (inputKind === 'current') {
        input = { kind: 'current', size: inFeatures, offchip: { weight: weights, bias, inFeatures, outFeatures } };
      } else {
        if (bias && bias.some((b) => b !== 0))
          throw new SpikeflowError(
            'not-supported',
            `layer '${path}' has a bias; with spike input a bias would charge the membrane before the first spikes arrive. Export with input 'current' or train without bias`,
          );
        input = { kind: 'spikes', size: inFeatures };
      }
    } else if (bias && bias.some((b) => b !== 0)) {
      throw new SpikeflowError('not-supported', `layer '${path}' has a bias; biases are supported only in the first (off-chip) layer`);
    }
    if (!(i === 0 && inputKind === 'current')) {
      projections.push({ name: `${prevName}-${name}`, pre: prevName, post: name, weights, preSize: inFeatures, postSize: outFeatures, delaySteps: 1 });
    }
    const spec = neuronSpec(layer.neuron.dynamics);
    const params = neuronParameters(spec, dtMs);
    // CUBA-LIF starts at V_reset but leaks towards v_rest = 0; the others start at rest.
    const cuba = spec.kind === 'cuba';
    populations.push({
      name,
      size: outFeatures,
      cellType: cuba ? 'IF_curr_exp' : 'IF_curr_delta',
      params,
      vInit: cuba ? params.v_reset : params.v_rest,
      origin: layer.neuron.origin,
    });
    prevName = name;
  }
  return { dtMs, timeSteps: options.timeSteps, input: input!, populations, projections };
}

/**
 * The first population's constant input currents for analog samples `[B, inFeatures]`:
 * `x·W (+ b)` in float64 from the float32 weights, rounded to float32 (what the data file stores).
 */
export function offchipCurrents(network: SpinnakerNetwork, x: Float32Array, batch: number): Float32Array {
  if (network.input.kind !== 'current') throw new SpikeflowError('invalid-options', 'this network takes spike input; there is no off-chip layer');
  const { weight, bias, inFeatures, outFeatures } = network.input.offchip;
  if (x.length !== batch * inFeatures) throw new SpikeflowError('shape-mismatch', `expected ${batch}×${inFeatures} input values, got ${x.length}`);
  const out = new Float32Array(batch * outFeatures);
  const acc = new Float64Array(outFeatures);
  for (let b = 0; b < batch; b++) {
    if (bias) for (let j = 0; j < outFeatures; j++) acc[j] = bias[j];
    else acc.fill(0);
    for (let i = 0; i < inFeatures; i++) {
      const xi = x[b * inFeatures + i];
      if (xi === 0) continue;
      const row = i * outFeatures;
      for (let j = 0; j < outFeatures; j++) acc[j] += xi * weight[row + j];
    }
    for (let j = 0; j < outFeatures; j++) out[b * outFeatures + j] = acc[j];
  }
  return out;
}

import { BaseNode, Conv2d, Dropout, Flatten, Linear, Module, Sequential, SpikeflowError, standardDynamics } from '@spikeflow/core';
import { convOutShape, unrollConv2d } from './unroll-conv2d.js';
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

interface LinearLeaf { readonly kind: 'linear'; readonly path: string; readonly layer: Linear | Conv2d }
interface NeuronLeaf { readonly kind: 'neuron'; readonly path: string; readonly node: BaseNode; readonly spec: NeuronSpec }
interface FlattenLeaf { readonly kind: 'flatten'; readonly path: string }
type Leaf = LinearLeaf | NeuronLeaf | FlattenLeaf;

/** The neuron description of a trained node, recognised by what it exposes (plugins are not imported). */
export function describeNeuron(node: BaseNode, where = node.describe()): NeuronSpec {
  const d = standardDynamics(node, where, 'SpiNNaker');
  return d.kind === 'if' ? { kind: 'if', vThreshold: d.vThreshold, vReset: d.vReset } : d;
}

function collectLeaves(module: Module, path: string, out: Leaf[]): void {
  if (module instanceof Linear || module instanceof Conv2d) out.push({ kind: 'linear', path, layer: module });
  else if (module instanceof BaseNode) out.push({ kind: 'neuron', path, node: module, spec: describeNeuron(module, path) });
  else if (module instanceof Flatten) out.push({ kind: 'flatten', path });
  else if (module instanceof Dropout) return; // identity at inference
  else if (module instanceof Sequential || module.describe() === 'TimeInvariant') {
    // Containers that pass their input through their children in order (models' TimeInvariant
    // only computes its block once for a constant input; the values are the same).
    for (const [name, child] of module.namedChildren()) collectLeaves(child, path ? `${path}.${name}` : name, out);
  } else {
    throw new SpikeflowError('not-supported', `layer '${path || '(root)'}' (${module.describe()}) has no SpiNNaker mapping; supported: Linear, Conv2d (unrolled), LIF/IF neurons, Flatten, Dropout in a Sequential`);
  }
}

/** A synaptic layer as a dense `[in, out]` matrix over flattened NHWC positions, and its output shape. */
function synapticLayer(layer: Linear | Conv2d, inShape: readonly number[], path: string): { weights: Float32Array; bias: Float32Array | null; inFeatures: number; outFeatures: number; outShape: number[] } {
  const bias = layer.bias ? Float32Array.from(layer.bias.dataSync() as Float32Array) : null;
  if (layer instanceof Linear) {
    const n = inShape.reduce((a, b) => a * b, 1);
    if (inShape.length !== 1 || n !== layer.inFeatures) throw new SpikeflowError('shape-mismatch', `layer '${path}' (Linear ${layer.inFeatures} → ${layer.outFeatures}) gets input of shape [${inShape}]${inShape.length !== 1 ? '; flatten it first' : ''}`);
    return { weights: Float32Array.from(layer.weight.dataSync() as Float32Array), bias, inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, outShape: [layer.outFeatures] };
  }
  if (inShape.length !== 3) throw new SpikeflowError('shape-mismatch', `layer '${path}' (${layer.describe()}) needs an [H, W, C] input, got [${inShape}]; pass inputShape to mapModel`);
  const u = unrollConv2d(layer, inShape as [number, number, number]);
  const outBias = bias ? Float32Array.from({ length: u.outFeatures }, (_, k) => bias[k % layer.outChannels]) : null;
  return { weights: u.weights, bias: outBias, inFeatures: u.inFeatures, outFeatures: u.outFeatures, outShape: u.outShape };
}

/**
 * Map a trained feed-forward spiking network (`[Linear|Conv2d → LIF/IF/CUBA-LIF]+`, optionally with
 * Flatten, Dropout and TimeInvariant wrappers) to PyNN populations and projections. Each neuron
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
  const dtMs = options.dtMs ?? 1;
  const inputKind = options.input ?? 'current';
  if (!Number.isInteger(options.timeSteps) || options.timeSteps < 1) throw new SpikeflowError('invalid-options', `timeSteps must be a positive integer, got ${options.timeSteps}`);
  if (!(dtMs > 0)) throw new SpikeflowError('invalid-options', `dtMs must be positive, got ${dtMs}`);
  const all: Leaf[] = [];
  collectLeaves(model, '', all);
  // Flatten only changes the shape bookkeeping: data are flattened NHWC everywhere here.
  let shape: number[] | undefined = options.inputShape ? [...options.inputShape] : undefined;
  const leaves: Array<LinearLeaf | NeuronLeaf> = [];
  const shapesBefore: number[][] = [];
  for (const leaf of all) {
    if (leaf.kind === 'flatten') {
      if (shape) shape = [shape.reduce((a, b) => a * b, 1)];
      continue;
    }
    if (leaf.kind === 'linear') {
      if (!shape) shape = leaf.layer instanceof Linear ? [leaf.layer.inFeatures] : undefined;
      if (!shape) throw new SpikeflowError('invalid-options', `the first layer '${leaf.path}' is a Conv2d: pass inputShape ([H, W, C]) to mapModel`);
    }
    leaves.push(leaf);
    shapesBefore.push(shape ?? []);
    if (leaf.kind === 'linear') shape = leaf.layer instanceof Linear ? [leaf.layer.outFeatures] : convOutShape(leaf.layer, shape!);
  }
  if (leaves.length < 2 || leaves.length % 2 !== 0) {
    throw new SpikeflowError('not-supported', `expected alternating Linear/Conv2d → neuron layers, got ${leaves.map((l) => l.kind).join(' → ') || 'no layers'}`);
  }
  const populations: PopulationSpec[] = [];
  const projections: ProjectionSpec[] = [];
  let input: NetworkInput | undefined;
  let prevName = 'input';
  for (let i = 0; i < leaves.length; i += 2) {
    const lin = leaves[i];
    const neu = leaves[i + 1];
    if (lin.kind !== 'linear' || neu.kind !== 'neuron') {
      throw new SpikeflowError('not-supported', `layer ${i} ('${lin.path}') and ${i + 1} ('${neu.path}') must be Linear/Conv2d then a neuron, got ${lin.kind} → ${neu.kind}`);
    }
    const name = `layer${i / 2 + 1}`;
    const { weights, bias, inFeatures, outFeatures } = synapticLayer(lin.layer, shapesBefore[i], lin.path);
    if (i === 0) {
      if (inputKind === 'current') {
        input = { kind: 'current', size: inFeatures, offchip: { weight: weights, bias, inFeatures, outFeatures } };
      } else {
        if (bias && bias.some((b) => b !== 0)) throw new SpikeflowError('not-supported', `layer '${lin.path}' has a bias; with spike input a bias would charge the membrane before the first spikes arrive. Export with input 'current' or train without bias`);
        input = { kind: 'spikes', size: inFeatures };
      }
    } else if (bias && bias.some((b) => b !== 0)) {
      throw new SpikeflowError('not-supported', `layer '${lin.path}' has a bias; biases are supported only in the first (off-chip) layer`);
    }
    if (!(i === 0 && inputKind === 'current')) {
      projections.push({ name: `${prevName}-${name}`, pre: prevName, post: name, weights, preSize: inFeatures, postSize: outFeatures, delaySteps: 1 });
    }
    const params = neuronParameters(neu.spec, dtMs);
    // CUBA-LIF starts at V_reset but leaks towards v_rest = 0; the others start at rest.
    const cuba = neu.spec.kind === 'cuba';
    populations.push({ name, size: outFeatures, cellType: cuba ? 'IF_curr_exp' : 'IF_curr_delta', params, vInit: cuba ? params.v_reset : params.v_rest, origin: neu.node.describe() });
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

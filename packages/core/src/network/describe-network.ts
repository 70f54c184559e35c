import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Variable } from '../engine/tf.js';
import { convGeometry } from '../ops/conv2d.js';
import { BatchNorm1d, BatchNorm2d } from '../nn/batch-norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { AvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { NeuronModule } from '../spike/neuron-module.js';
import { standardDynamics } from '../spike/standard-dynamics.js';
import type { ConvNetworkLayer, DenseNetworkLayer, NetworkDescription, NetworkLayer } from './network-description.js';

/** Options of {@link describeNetwork}. */
export interface DescribeNetworkOptions {
  /** One sample's shape, `[H, W, C]` or `[n]`; default: the first Linear's input width (a Conv2d first needs it). */
  readonly inputShape?: readonly number[];
  /** The chip the description is for, named in error messages (e.g. `Loihi`). */
  readonly target: string;
}

function data(v: Variable): Float32Array {
  return Float32Array.from(v.dataSync() as Float32Array);
}

/**
 * Containers whose children run one after the other: Sequential, models' TimeInvariant (it computes
 * its one child once for a constant input; the values are the same) and single-child wrappers
 * without tensors of their own. Other modules with children (residual blocks) are refused, since
 * reading them as a chain would export a different network.
 */
function isChain(module: Module): boolean {
  if (module instanceof Sequential) return true;
  const children = module.namedChildren();
  if (module instanceof NeuronModule || children.length === 0) return false;
  if (module.describe() === 'TimeInvariant') return true;
  return children.length === 1 && module.namedTensors().length === children[0][1].namedTensors().length;
}

/** The modules of a network in execution order, looking inside chains. */
function leaves(module: Module, prefix: string): Array<[string, Module]> {
  if (!isChain(module)) return [[prefix, module]];
  return module.namedChildren().flatMap(([n, c]) => leaves(c, prefix ? `${prefix}.${n}` : n));
}

function firstSynapticShape(all: ReadonlyArray<[string, Module]>): number[] {
  const first = all.find(([, m]) => m instanceof Linear || m instanceof Conv2d);
  if (first && first[1] instanceof Linear) return [first[1].inFeatures];
  if (first) throw new SpikeflowError('invalid-options', `the first layer '${first[0]}' is a Conv2d: pass inputShape ([H, W, C]) to describe the network`);
  return [0];
}

type Pending = { name: string; layer: Omit<DenseNetworkLayer, 'neuron'> | Omit<ConvNetworkLayer, 'neuron'> };

/**
 * Walk a trained model into the chip-neutral {@link NetworkDescription}: `(Conv2d → BatchNorm2d? →
 * neuron)* → AvgPool2d? → Flatten → (Linear → BatchNorm1d? → neuron)+` (a vector input may start
 * with Linear). BatchNorm is folded into the preceding layer; an AvgPool2d with stride = kernel and
 * no padding before Flatten → Linear is folded into that Linear (pooling spikes is linear); Dropout
 * is skipped (inference). Each neuron's dynamics come from {@link standardDynamics}. Anything else
 * throws `not-supported` naming the layer and `target`.
 *
 * @example
 * ```ts
 * const net = describeNetwork(model, { inputShape: [28, 28, 1], target: 'Loihi' });
 * net.layers.map((l) => `${l.inFeatures}→${l.outFeatures}`); // ['784→512', '512→10']
 * ```
 */
export function describeNetwork(model: Module, options: DescribeNetworkOptions): NetworkDescription {
  const { target } = options;
  const all = leaves(model, '');
  const inputShape = options.inputShape ? [...options.inputShape] : firstSynapticShape(all);
  const layers: NetworkLayer[] = [];
  let pending: Pending | null = null;
  // The current activation: an image [H, W, C] or a flat vector of `width` values.
  let image: [number, number, number] | null = inputShape.length === 3 ? [inputShape[0], inputShape[1], inputShape[2]] : null;
  let width = inputShape.reduce((a, b) => a * b, 1);
  let flat = inputShape.length === 1;
  let flattenedFrom: [number, number, number] | null = null;
  let pool: { k: number; from: [number, number, number] } | null = null;
  for (const [name, m] of all) {
    if (m instanceof Flatten) {
      if (image) flattenedFrom = image;
      image = null;
      flat = true;
      continue;
    }
    if (m instanceof Dropout) continue;
    if (m instanceof AvgPool2d) {
      const [kh, kw] = m.kernelSize;
      const [sh, sw] = m.stride;
      const [ph, pw] = m.padding;
      if (!image || pending || kh !== kw || sh !== kh || sw !== kw || ph !== 0 || pw !== 0 || image[0] % kh !== 0 || image[1] % kw !== 0) {
        throw new SpikeflowError(
          'not-supported',
          `AvgPool2d '${name}' can only be folded into a following Linear when it follows a neuron, has stride = kernel, no padding, and tiles the input exactly`,
        );
      }
      pool = { k: kh, from: image };
      image = [image[0] / kh, image[1] / kw, image[2]];
      width = image[0] * image[1] * image[2];
      continue;
    }
    if (m instanceof Linear || m instanceof Conv2d) {
      if (pending)
        throw new SpikeflowError(
          'not-supported',
          `layer '${name}' follows layer '${pending.name}' without a spiking neuron between them; ${target} needs Linear/Conv2d then a neuron, alternating (fold them into one layer first)`,
        );
    }
    if (m instanceof Linear) {
      if (!flat) throw new SpikeflowError('not-supported', `Linear '${name}' gets an unflattened input of shape [${inputShape}]; add a Flatten`);
      if (m.inFeatures !== width) throw new SpikeflowError('shape-mismatch', `Linear '${name}' expects ${m.inFeatures} inputs but receives ${width}`);
      let weight = data(m.weight); // [in, out], rows in NHWC order when the input was an image
      let inFeatures = m.inFeatures;
      const out = m.outFeatures;
      let from = flattenedFrom;
      if (pool) {
        // Average pooling before this Linear: each pooled input spreads its weight over its k×k window.
        const [H, W, C] = pool.from;
        const k = pool.k;
        const pw = W / k;
        const pooled = weight;
        inFeatures = H * W * C;
        weight = new Float32Array(inFeatures * out);
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            for (let c = 0; c < C; c++) {
              const src = ((Math.floor(y / k) * pw + Math.floor(x / k)) * C + c) * out;
              const dst = ((y * W + x) * C + c) * out;
              for (let o = 0; o < out; o++) weight[dst + o] = pooled[src + o] / (k * k);
            }
        from = pool.from;
      }
      pending = {
        name,
        layer: {
          kind: 'dense',
          name,
          inFeatures,
          outFeatures: out,
          weight,
          bias: m.bias ? data(m.bias) : null,
          foldedBatchNorm: null,
          delay: 0,
          flattenedFrom: from,
          ...(pool ? { pool: { kernel: pool.k } } : {}),
        },
      };
      pool = null;
      flattenedFrom = null;
      width = out;
      continue;
    }
    if (m instanceof Conv2d) {
      if (pool) throw new SpikeflowError('not-supported', `AvgPool2d before Conv2d '${name}' cannot be folded; only pooling before Flatten → Linear is supported`);
      if (!image) throw new SpikeflowError('not-supported', `Conv2d '${name}' needs an image input [H, W, C], got [${inputShape}]`);
      const [H, W, C] = image;
      if (m.inChannels !== C)
        throw new SpikeflowError('shape-mismatch', `Conv2d '${name}' expects ${m.inChannels} input channels but receives ${C} (an input of shape [${image}])`);
      const [kh, kw] = m.kernelSize;
      const [sh, sw] = m.stride;
      const g = convGeometry(H, W, kh, kw, sh, sw, m.padding);
      const outShape: [number, number, number] = [g.outH, g.outW, m.outChannels];
      pending = {
        name,
        layer: {
          kind: 'conv',
          name,
          inShape: [H, W, C],
          outShape,
          inFeatures: H * W * C,
          outFeatures: g.outH * g.outW * m.outChannels,
          kernel: [kh, kw],
          stride: [sh, sw],
          padding: { top: g.top, bottom: g.bottom, left: g.left, right: g.right },
          weight: data(m.weight),
          bias: m.bias ? data(m.bias) : null,
          foldedBatchNorm: null,
          delay: 0,
        },
      };
      image = outShape;
      width = g.outH * g.outW * m.outChannels;
      continue;
    }
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      const expected = m instanceof BatchNorm1d ? 'dense' : 'conv';
      if (!pending || pending.layer.foldedBatchNorm !== null || pending.layer.kind !== expected)
        throw new SpikeflowError('not-supported', `BatchNorm '${name}' must directly follow a ${expected === 'dense' ? 'Linear' : 'Conv2d'} layer to be folded into it`);
      const mean = data(m.runningMean);
      const variance = data(m.runningVar);
      const gamma = m.weight ? data(m.weight) : null;
      const beta = m.bias ? data(m.bias) : null;
      const l: Pending['layer'] = pending.layer;
      const channels = mean.length;
      // Output units (dense) and output channels (conv) are the fastest-varying index of both layouts.
      const weight: Float32Array = Float32Array.from(l.weight);
      const bias = new Float32Array(channels);
      for (let o = 0; o < channels; o++) {
        const s = (gamma ? gamma[o] : 1) / Math.sqrt(variance[o] + m.eps);
        for (let j = o; j < weight.length; j += channels) weight[j] *= s;
        bias[o] = ((l.bias ? l.bias[o] : 0) - mean[o]) * s + (beta ? beta[o] : 0);
      }
      pending = { name: pending.name, layer: { ...l, weight, bias, foldedBatchNorm: name } };
      continue;
    }
    if (m instanceof NeuronModule) {
      if (!pending) throw new SpikeflowError('not-supported', `neuron '${name}' has no Linear or Conv2d layer before it; a ${target} network starts with a synaptic layer`);
      layers.push({ ...pending.layer, neuron: { name, origin: m.describe(), dynamics: standardDynamics(m, name, target) } } as NetworkLayer);
      pending = null;
      continue;
    }
    const what = m instanceof MaxPool2d ? `${m.describe()}: the max of spikes is not a synaptic sum` : m.describe();
    throw new SpikeflowError(
      'not-supported',
      `layer '${name || '(root)'}' (${what}) is not supported by the ${target} mapping; supported: Flatten, Linear, Conv2d, BatchNorm1d/2d (folded), AvgPool2d before Flatten → Linear, Dropout, IF/LIF/PLIF/CUBA-LIF neurons, in a Sequential`,
    );
  }
  if (pending) throw new SpikeflowError('not-supported', `the network ends with layer '${pending.name}' without a spiking neuron; ${target} outputs spikes`);
  if (pool) throw new SpikeflowError('not-supported', 'the network ends with an AvgPool2d; pooling must be followed by Flatten → Linear');
  if (layers.length === 0) throw new SpikeflowError('invalid-options', `the model has no synaptic layer → neuron to map to ${target}`);
  return { inputShape, weights: 'float', layers };
}

import { SpikeflowError } from '@spikeflow/core';
import type { SignMode } from '../simulator/dense-synapse.js';
import type { LoihiLayer, LoihiNetworkSpec } from '../simulator/loihi-network.js';
import { convOutSize } from '../simulator/conv-synapse.js';
import type { NetxFile, NetxLayer } from './netx-file.js';

/** What netx's `optimize_weight_bits` (lava-dl netx/utils.py) makes of a stored weight matrix. */
export interface OptimizedWeights {
  readonly weights: Int32Array;
  readonly numWeightBits: number;
  readonly weightExp: number;
  readonly signMode: SignMode;
}

/**
 * netx's weight optimisation, step by step: clip to [−256, 254] if out of range, pick the sign
 * mode, `scale_bits = floor(log2(scale)) + signed` with scale = min(127/max, −128/min) (mixed),
 * 255/max (excitatory) or −256/min (inhibitory), count the trailing zero bits `n` shared by all
 * weights (minus 1 when signed), then `numWeightBits = 8 − scale_bits − n`, `weightExp =
 * −scale_bits` and weights `<< scale_bits`.
 */
export function optimizeWeightBits(weights: ArrayLike<number>): OptimizedWeights {
  // netx reads weights with .astype(int): truncation towards zero.
  let w = Array.from(weights, (x) => Math.trunc(x));
  let max = Math.max(...w);
  let min = Math.min(...w);
  const clip = () => {
    w = w.map((x) => (x < -256 ? -256 : x > 254 ? 254 : x));
  };
  if (max > 254 && min < 0) {
    clip();
    max = Math.max(...w);
  }
  if (min < -256 && max > 0) {
    clip();
    min = Math.min(...w);
  }
  let signMode: SignMode;
  let signed = 0;
  if (max < 0) signMode = 'inhibitory';
  else if (min >= 0) signMode = 'excitatory';
  else {
    signMode = 'mixed';
    signed = 1;
  }
  const scale = signMode === 'mixed' ? Math.min(127 / max, -128 / min) : signMode === 'inhibitory' ? -256 / min : 255 / max;
  if (!Number.isFinite(scale)) throw new SpikeflowError('unrepresentable', 'netx cannot load an all-zero weight matrix (its weight scale is infinite)');
  const scaleBits = Math.floor(Math.log2(scale)) + signed;
  if (scaleBits < 0) throw new SpikeflowError('unrepresentable', `weights up to ${max} / down to ${min} exceed the 8-bit synapse (netx would need a negative shift ${scaleBits})`);
  let n = 8;
  for (; n > 0; n--) {
    const p = 2 ** n;
    if (w.every((x) => Number.isInteger(x / p))) break;
  }
  n -= signed;
  const out = Int32Array.from(w, (x) => x * 2 ** scaleBits);
  return { weights: out, numWeightBits: 8 - scaleBits - n, weightExp: scaleBits === 0 ? 0 : -scaleBits, signMode };
}

function num(layer: NetxLayer, key: string): number {
  const v = layer.neuron?.[key];
  if (typeof v !== 'number') throw new SpikeflowError('format-unknown', `netx layer ${layer.index}: neuron/${key} is missing or not a number`);
  return v;
}

/**
 * Build the simulator network netx would build from a file (dense and conv layers with CUBA/LOIHI
 * neurons: `du = iDecay − 1`, `dv = vDecay`, `vth = vThMant`, bias mantissa from `bias`, bias
 * exponent 6; dense weights through {@link optimizeWeightBits}, conv weights as stored, as netx
 * does). `input` layers without a neuron and `flatten` layers only describe shapes; other layer
 * types (input neurons, pooling, ...) are not simulated here and throw `not-supported`.
 *
 * @example
 * ```ts
 * const sim = new LoihiNetwork(netxToNetwork(await readNetx('mlp.net')));
 * ```
 */
export function netxToNetwork(file: NetxFile, options: { inputMessageBits?: number } = {}): LoihiNetworkSpec {
  const layers: LoihiLayer[] = [];
  let width: number | undefined;
  let image: [number, number, number] | undefined; // CHW of the current activation, if an image
  const neuronOf = (l: NetxLayer, biasCount: number) => {
    const type = l.neuron?.type;
    if (type !== undefined && type !== 'CUBA' && type !== 'LOIHI') throw new SpikeflowError('not-supported', `netx layer ${l.index}: neuron type '${String(type)}' is not a Loihi LIF (CUBA/LOIHI)`);
    // netx's default for a layer without a neuron group: a non-leaky integrator.
    const iDecay = l.neuron ? num(l, 'iDecay') : 0;
    const vDecay = l.neuron ? num(l, 'vDecay') : 4096;
    const vThMant = l.neuron ? num(l, 'vThMant') : 2 ** 17;
    let biasMant: number | Int32Array = 0;
    if (l.bias) {
      const b = Int32Array.from(l.bias.data, (x) => Math.trunc(x));
      biasMant = b.length === 1 ? b[0] : b;
      if (typeof biasMant !== 'number' && biasMant.length !== biasCount) throw new SpikeflowError('shape-mismatch', `netx layer ${l.index}: bias has ${biasMant.length} values, expected ${biasCount}`);
    }
    return { du: iDecay - 1, dv: vDecay, vth: vThMant, biasMant, biasExp: 6 };
  };
  const pair = (l: NetxLayer, key: string, d: number): [number, number] => {
    const v = l.fields[key];
    if (v === undefined) return [d, d];
    if (typeof v === 'number') return [v, v];
    if (typeof v === 'string' || v.length !== 2) throw new SpikeflowError('format-unknown', `netx layer ${l.index}: '${key}' must be a number or a pair`);
    return [v[0], v[1]];
  };
  for (const l of file.layers) {
    if (l.type === 'flatten') {
      if (image) width = image[0] * image[1] * image[2];
      image = undefined;
      continue;
    }
    if (l.type === 'input' && !l.neuron) {
      if (l.shape.length === 3) image = [l.shape[0], l.shape[1], l.shape[2]];
      if (l.shape.length) width = l.shape.reduce((a, b) => a * b, 1);
      continue;
    }
    if (l.type === 'conv') {
      if (!l.weight || l.weight.shape.length < 4) throw new SpikeflowError('format-unknown', `netx conv layer ${l.index} needs a (out, in, kH, kW[, 1]) weight`);
      if (!image) throw new SpikeflowError('not-supported', `netx conv layer ${l.index}: the input shape is unknown (add a shape-only input layer)`);
      const [O, C, kh, kw] = l.weight.shape;
      const stride = pair(l, 'stride', 1);
      const padding = pair(l, 'padding', 0);
      const dilation = pair(l, 'dilation', 1);
      if (dilation[0] !== 1 || dilation[1] !== 1 || (l.fields.groups !== undefined && l.fields.groups !== 1)) throw new SpikeflowError('not-supported', `netx conv layer ${l.index}: dilation and groups other than 1 are not simulated`);
      if (C !== image[0]) throw new SpikeflowError('shape-mismatch', `netx conv layer ${l.index} takes ${C} channels but receives ${image[0]}`);
      const outShape: [number, number, number] = [O, convOutSize(image[1], kh, stride[0], padding[0]), convOutSize(image[2], kw, stride[1], padding[1])];
      if (l.shape.length === 3 && l.shape.some((d, i) => d !== outShape[i])) throw new SpikeflowError('shape-mismatch', `netx conv layer ${l.index}: stored shape [${l.shape}] but the geometry gives [${outShape}]`);
      const inFeatures = image[0] * image[1] * image[2];
      layers.push({
        kind: 'conv', inShape: image, outShape, kernel: [kh, kw], stride, padding, inFeatures, outFeatures: O * outShape[1] * outShape[2],
        weights: Int32Array.from(l.weight.data, (x) => Math.trunc(x)), weightExp: 0, numWeightBits: 8, neuron: neuronOf(l, O),
      });
      image = outShape;
      width = layers[layers.length - 1].outFeatures;
      continue;
    }
    if (l.type !== 'dense') throw new SpikeflowError('not-supported', `netx layer ${l.index} has type '${l.type}'; the simulator runs dense, conv, flatten and shape-only input layers`);
    if (!l.weight) throw new SpikeflowError('format-unknown', `netx dense layer ${l.index} has no weight`);
    const out = l.shape.reduce((a, b) => a * b, 1);
    if (!out || l.weight.data.length % out !== 0) throw new SpikeflowError('shape-mismatch', `netx dense layer ${l.index}: weight of ${l.weight.data.length} values does not split into ${out} rows`);
    const inFeatures = l.weight.data.length / out;
    if (width !== undefined && width !== inFeatures) throw new SpikeflowError('shape-mismatch', `netx dense layer ${l.index} takes ${inFeatures} inputs but the previous layer has ${width}`);
    const opt = optimizeWeightBits(l.weight.data);
    layers.push({
      kind: 'dense', inFeatures, outFeatures: out, weights: opt.weights, weightExp: opt.weightExp, numWeightBits: opt.numWeightBits, signMode: opt.signMode,
      neuron: neuronOf(l, out),
    });
    width = out;
    image = undefined;
  }
  if (layers.length === 0) throw new SpikeflowError('format-unknown', 'the netx file has no dense layers');
  const bits = options.inputMessageBits ?? (typeof file.attrs.input_message_bits === 'number' ? file.attrs.input_message_bits : 0);
  return { layers, inputMessageBits: bits };
}

import { SpikeflowError } from '@spikeflow/core';
import { determineSignMode, type SignMode } from '../simulator/dense-synapse.js';
import { MAX_SYNAPTIC_DELAY } from '../simulator/delay-dense-synapse.js';
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
  for (let i = 0; i < weights.length; i++) {
    if (!Number.isFinite(weights[i])) throw new SpikeflowError('unrepresentable', `netx weight [${i}] is ${weights[i]}; expected a finite number`);
  }
  // netx reads weights with .astype(int): truncation towards zero.
  let w = Array.from(weights, (x) => Math.trunc(x));
  // A loop, not Math.max(...w): spreading a 784×512 matrix overflows the call stack.
  const extremes = () => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of w) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return [lo, hi];
  };
  let [min, max] = extremes();
  const clip = () => {
    w = w.map((x) => (x < -256 ? -256 : x > 254 ? 254 : x));
  };
  if (max > 254 && min < 0) {
    clip();
    max = extremes()[1];
  }
  if (min < -256 && max > 0) {
    clip();
    min = extremes()[0];
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

/**
 * netx's expansion of a dense layer's `delay` dataset to one delay per synapse: a scalar for all,
 * a vector of `out` values per output neuron (checked first, as netx does) or of `in` values per
 * input, or a full (out, in) matrix; values are truncated to integers (`astype(int)`). Delays
 * netx would clamp (above 62) or that Lava rejects (negative, not finite) are refused.
 */
function synapticDelays(l: NetxLayer, out: number, inFeatures: number): Int32Array {
  const d = l.delay!;
  const n = d.data.length;
  const full = new Int32Array(out * inFeatures);
  for (let i = 0; i < n; i++) {
    const x = d.data[i];
    if (!Number.isFinite(x) || x < 0 || Math.trunc(x) > MAX_SYNAPTIC_DELAY) {
      throw new SpikeflowError(
        'unrepresentable',
        `netx dense layer ${l.index}: delay[${i}] = ${x}; synaptic delays must be in [0, ${MAX_SYNAPTIC_DELAY}] steps (netx clamps larger ones, which would change the network)`,
      );
    }
  }
  const at = (i: number) => Math.trunc(d.data[i]);
  if (n === 1 && d.shape.length <= 1) full.fill(at(0));
  else if (d.shape.length <= 1 && n === out) for (let o = 0; o < out; o++) full.fill(at(o), o * inFeatures, (o + 1) * inFeatures);
  else if (d.shape.length <= 1 && n === inFeatures) for (let o = 0; o < out; o++) for (let i = 0; i < inFeatures; i++) full[o * inFeatures + i] = at(i);
  else if (d.shape.length === 2 && d.shape[0] === out && d.shape[1] === inFeatures) for (let k = 0; k < n; k++) full[k] = at(k);
  else
    throw new SpikeflowError(
      'shape-mismatch',
      `netx dense layer ${l.index}: delay of shape (${d.shape.join(', ')}) fits neither ${out} neurons, ${inFeatures} inputs nor the (${out}, ${inFeatures}) weight`,
    );
  return full;
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
 * does, with the sign mode Lava's Dense re-derives from them). A dense `delay` dataset becomes
 * per-synapse delays (Lava's DelayDense); conv delays throw `not-supported`. Weight shapes are
 * checked against the layer and its input (`shape-mismatch`), non-finite weights refused
 * (`unrepresentable`). `input` layers without a neuron and `flatten` layers only describe shapes;
 * other layer types (input neurons, pooling, ...) are not simulated here and throw `not-supported`.
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
    if (type !== undefined && type !== 'CUBA' && type !== 'LOIHI')
      throw new SpikeflowError('not-supported', `netx layer ${l.index}: neuron type '${String(type)}' is not a Loihi LIF (CUBA/LOIHI)`);
    // netx's default for a layer without a neuron group: a non-leaky integrator.
    const iDecay = l.neuron ? num(l, 'iDecay') : 0;
    const vDecay = l.neuron ? num(l, 'vDecay') : 4096;
    const vThMant = l.neuron ? num(l, 'vThMant') : 2 ** 17;
    let biasMant: number | Int32Array = 0;
    if (l.bias) {
      const b = Int32Array.from(l.bias.data, (x) => Math.trunc(x));
      biasMant = b.length === 1 ? b[0] : b;
      if (typeof biasMant !== 'number' && biasMant.length !== biasCount)
        throw new SpikeflowError('shape-mismatch', `netx layer ${l.index}: bias has ${biasMant.length} values, expected ${biasCount}`);
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
      // netx builds conv layers without their delays; simulating them without would be silently wrong.
      if (l.delay)
        throw new SpikeflowError('not-supported', `netx conv layer ${l.index} has synaptic delays; only dense layers with delays are simulated (netx drops conv delays)`);
      const [O, C, kh, kw] = l.weight.shape;
      const stride = pair(l, 'stride', 1);
      const padding = pair(l, 'padding', 0);
      const dilation = pair(l, 'dilation', 1);
      if (dilation[0] !== 1 || dilation[1] !== 1 || (l.fields.groups !== undefined && l.fields.groups !== 1))
        throw new SpikeflowError('not-supported', `netx conv layer ${l.index}: dilation and groups other than 1 are not simulated`);
      if (C !== image[0]) throw new SpikeflowError('shape-mismatch', `netx conv layer ${l.index} takes ${C} channels but receives ${image[0]}`);
      const outShape: [number, number, number] = [O, convOutSize(image[1], kh, stride[0], padding[0]), convOutSize(image[2], kw, stride[1], padding[1])];
      if (l.shape.length === 3 && l.shape.some((d, i) => d !== outShape[i]))
        throw new SpikeflowError('shape-mismatch', `netx conv layer ${l.index}: stored shape [${l.shape}] but the geometry gives [${outShape}]`);
      const inFeatures = image[0] * image[1] * image[2];
      layers.push({
        kind: 'conv',
        inShape: image,
        outShape,
        kernel: [kh, kw],
        stride,
        padding,
        inFeatures,
        outFeatures: O * outShape[1] * outShape[2],
        weights: Int32Array.from(l.weight.data, (x) => Math.trunc(x)),
        weightExp: 0,
        numWeightBits: 8,
        neuron: neuronOf(l, O),
      });
      image = outShape;
      width = layers[layers.length - 1].outFeatures;
      continue;
    }
    if (l.type !== 'dense')
      throw new SpikeflowError('not-supported', `netx layer ${l.index} has type '${l.type}'; the simulator runs dense, conv, flatten and shape-only input layers`);
    if (!l.weight) throw new SpikeflowError('format-unknown', `netx dense layer ${l.index} has no weight`);
    const out = l.shape.reduce((a, b) => a * b, 1);
    const ws = l.weight.shape;
    // netx takes a 2-D weight as (out, in) and reshapes a 1-D one to (out, −1).
    if (!out || ws.length === 0 || ws.length > 2 || (ws.length === 2 && ws[0] !== out) || l.weight.data.length % out !== 0) {
      throw new SpikeflowError(
        'shape-mismatch',
        `netx dense layer ${l.index}: weight of shape (${ws.join(', ')}) does not fit a layer of ${out} neurons; expected (${out}, inFeatures)`,
      );
    }
    const inFeatures = l.weight.data.length / out;
    if (width !== undefined && width !== inFeatures)
      throw new SpikeflowError('shape-mismatch', `netx dense layer ${l.index} takes ${inFeatures} inputs (weight (${ws.join(', ')})) but the previous layer has ${width}`);
    for (const [key, expected] of [
      ['outFeatures', out],
      ['inFeatures', inFeatures],
    ] as const) {
      const v = l.fields[key];
      if (v !== undefined && v !== expected) throw new SpikeflowError('shape-mismatch', `netx dense layer ${l.index}: ${key} is ${String(v)} but the weight gives ${expected}`);
    }
    const bad = l.weight.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new SpikeflowError(
        'unrepresentable',
        `netx dense layer ${l.index}: weight [${Math.floor(bad / inFeatures)}, ${bad % inFeatures}] is ${l.weight.data[bad]}; expected finite integer-valued weights`,
      );
    const opt = optimizeWeightBits(l.weight.data);
    layers.push({
      kind: 'dense',
      inFeatures,
      outFeatures: out,
      weights: opt.weights,
      weightExp: opt.weightExp,
      numWeightBits: opt.numWeightBits,
      // netx does not hand its sign mode to Lava's Dense, which re-derives it from the weights
      // (all ≤ 0 is inhibitory there, so −256 clips to −255).
      signMode: determineSignMode(opt.weights),
      ...(l.delay ? { delays: synapticDelays(l, out, inFeatures) } : {}),
      neuron: neuronOf(l, out),
    });
    width = out;
    image = undefined;
  }
  if (layers.length === 0) throw new SpikeflowError('format-unknown', 'the netx file has no dense layers');
  const bits = options.inputMessageBits ?? (typeof file.attrs.input_message_bits === 'number' ? file.attrs.input_message_bits : 0);
  return { layers, inputMessageBits: bits };
}

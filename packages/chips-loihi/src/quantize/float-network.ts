import { AvgPool2d, BaseNode, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, Module, Sequential, SpikeflowError, convGeometry, standardDynamics, type tf } from '@spikeflow/core';

/** A spiking neuron in float, as the chip mapping sees it. */
export interface FloatNeuron {
  /**
   * `lif` (leaky, τ > 1), `if` (no leak) or `cuba` (current-based LIF: `I = (1 − 1/τ_syn)·I + X`,
   * `H = (1 − 1/τ)·V + I`, the neuron Loihi implements; `@spikeflow/neurons`' CubaLIFNode).
   */
  readonly kind: 'lif' | 'if' | 'cuba';
  /** Membrane time constant in steps (Infinity for IF; τ_mem for CUBA, Infinity = no leak). */
  readonly tau: number;
  /** Synaptic current time constant τ_syn in steps (CUBA only; 1 = the current is this step's input). */
  readonly tauSyn?: number;
  /** SpikingJelly's decay_input: the input is divided by τ too (always false for CUBA). */
  readonly decayInput: boolean;
  readonly vThreshold: number;
  /** Reset potential of a hard reset, or null for a soft reset (subtract V_th). */
  readonly vReset: number | null;
}

/** One fully connected layer followed by a spiking neuron (BatchNorm already folded in). */
export interface FloatDenseLayer {
  readonly kind: 'dense';
  /** Dotted path of the Linear layer in the source model. */
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Weights `[out, in]` row-major (PyTorch/netx layout; spikeflow stores `[in, out]`). */
  readonly weight: Float32Array;
  readonly bias: Float32Array | null;
  readonly neuron: FloatNeuron;
  /**
   * Set when a k×k average pool (stride k, no padding) over the image `inShape` [C, H, W] was
   * folded into this layer: `weight` then spans the unpooled input, each pooled weight spread as
   * `W/k²` over its window (so NIR export can write SumPool2d + the pooled weights / k²).
   */
  readonly pool?: { readonly kernel: number; readonly inShape: readonly [number, number, number] };
}

/** One 2-D convolution (groups 1, dilation 1) followed by a spiking neuron; activations CHW. */
export interface FloatConvLayer {
  readonly kind: 'conv';
  readonly name: string;
  /** Input [C, H, W]. */
  readonly inShape: readonly [number, number, number];
  /** Output [C', H', W']. */
  readonly outShape: readonly [number, number, number];
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  /** Weights `[out, in, kH, kW]` (PyTorch/netx layout; spikeflow stores `[kH, kW, in, out]`). */
  readonly weight: Float32Array;
  /** One bias per output channel. */
  readonly bias: Float32Array | null;
  readonly neuron: FloatNeuron;
}

/** Any layer of a {@link FloatNetwork}. */
export type FloatLayer = FloatDenseLayer | FloatConvLayer;

/**
 * A feed-forward spiking network as a list of layers, independent of tensors. Activations between
 * layers are flattened in CHW order (PyTorch's, and netx's after its flatten): dense weights that
 * follow an image input or a conv layer are stored with their columns in CHW order.
 */
export interface FloatNetwork {
  /** spikeflow's sample shape: `[H, W, C]` for images (NHWC), `[n]` for vectors. */
  readonly inputShape: readonly number[];
  readonly layers: readonly FloatLayer[];
}

/** Index in CHW flattening of the element at HWC-flattened index `i` of an `[H, W, C]` tensor. */
export function hwcToChw(i: number, H: number, W: number, C: number): number {
  const c = i % C;
  const w = Math.floor(i / C) % W;
  const h = Math.floor(i / (C * W));
  return (c * H + h) * W + w;
}

function data(v: tf.Variable): Float32Array {
  return Float32Array.from(v.dataSync() as Float32Array);
}

/** The modules of a network in execution order, looking inside containers. */
function leaves(module: Module, prefix: string): Array<[string, Module]> {
  const children = module.namedChildren();
  const isContainer = module instanceof Sequential || (children.length > 0 && module.namedTensors().length === children.reduce((a, [, c]) => a + c.namedTensors().length, 0) && !(module instanceof BaseNode));
  if (!isContainer) return [[prefix, module]];
  return children.flatMap(([n, c]) => leaves(c, prefix ? `${prefix}.${n}` : n));
}

function describeNeuron(node: BaseNode, where: string): FloatNeuron {
  const d = standardDynamics(node, where, 'Loihi');
  if (d.kind === 'cuba') return { kind: 'cuba', tau: d.tauMem, tauSyn: d.tauSyn, decayInput: false, vThreshold: d.vThreshold, vReset: d.vReset };
  if (d.kind === 'lif') return { kind: 'lif', tau: d.tau, decayInput: d.decayInput, vThreshold: d.vThreshold, vReset: d.vReset };
  return { kind: 'if', tau: Number.POSITIVE_INFINITY, decayInput: false, vThreshold: d.vThreshold, vReset: d.vReset };
}

/**
 * Read a trained spikeflow model into a {@link FloatNetwork}: `(Conv2d → BatchNorm2d? → neuron)*
 * → AvgPool2d? → Flatten → (Linear → BatchNorm1d? → neuron)+` (a vector input may start with
 * Linear). BatchNorm is folded into the preceding layer; an AvgPool2d with stride = kernel and no
 * padding before Flatten → Linear is folded into that Linear (pooling spikes is linear); Dropout is
 * skipped (inference). Anything else throws `not-supported` naming the layer.
 *
 * @example
 * ```ts
 * const net = readFloatNetwork(model, [28, 28, 1]);
 * net.layers.map((l) => `${l.inFeatures}→${l.outFeatures}`); // ['784→512', '512→10']
 * ```
 */
export function readFloatNetwork(model: Module, inputShape: readonly number[]): FloatNetwork {
  const layers: FloatLayer[] = [];
  type Pending = { kind: 'dense' | 'conv'; name: string; layer: FloatLayer & { weight: Float32Array; bias: Float32Array | null }; folded: boolean };
  let pending: Pending | null = null;
  // Current activation: an image [C, H, W] (CHW) or a flat vector of `width` (CHW-ordered if it came from an image).
  let image: [number, number, number] | null = inputShape.length === 3 ? [inputShape[2], inputShape[0], inputShape[1]] : null;
  let width = inputShape.reduce((a, b) => a * b, 1);
  let flat = inputShape.length === 1;
  // Spatial shape of the image that was flattened (to reorder Linear columns HWC → CHW), and a pending pool.
  let flattenedFrom: [number, number, number] | null = null;
  let pool: { k: number; from: [number, number, number] } | null = null;
  for (const [name, m] of leaves(model, '')) {
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
      if (!image || pending || kh !== kw || sh !== kh || sw !== kw || ph !== 0 || pw !== 0 || image[1] % kh !== 0 || image[2] % kw !== 0) {
        throw new SpikeflowError('not-supported', `AvgPool2d '${name}' can only be folded into a following Linear when it follows a neuron, has stride = kernel, no padding, and tiles the input exactly`);
      }
      pool = { k: kh, from: image };
      image = [image[0], image[1] / kh, image[2] / kw];
      width = image[0] * image[1] * image[2];
      continue;
    }
    if (m instanceof Linear) {
      if (pending) throw new SpikeflowError('not-supported', `layer '${name}' follows layer '${pending.name}' without a spiking neuron between them; fold them into one layer first`);
      if (!flat) throw new SpikeflowError('not-supported', `Linear '${name}' gets an unflattened input of shape [${inputShape}]; add a Flatten`);
      if (m.inFeatures !== width) throw new SpikeflowError('shape-mismatch', `Linear '${name}' expects ${m.inFeatures} inputs but receives ${width}`);
      const w = data(m.weight); // [in, out], rows in HWC order when the input was an image
      const src = flattenedFrom;
      const t = new Float32Array(w.length);
      for (let i = 0; i < m.inFeatures; i++) {
        const j = src ? hwcToChw(i, src[1], src[2], src[0]) : i;
        for (let o = 0; o < m.outFeatures; o++) t[o * m.inFeatures + j] = w[i * m.outFeatures + o];
      }
      let weight = t;
      let inFeatures = m.inFeatures;
      let folded: FloatDenseLayer['pool'];
      if (pool) {
        folded = { kernel: pool.k, inShape: pool.from };
        // Average pooling before this Linear: each pooled input spreads its weight over its k×k window.
        const [C, H, W] = pool.from;
        const k = pool.k;
        const [ph, pw] = [H / k, W / k];
        inFeatures = C * H * W;
        weight = new Float32Array(m.outFeatures * inFeatures);
        for (let o = 0; o < m.outFeatures; o++) {
          for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
            weight[o * inFeatures + (c * H + y) * W + x] = t[o * m.inFeatures + (c * ph + Math.floor(y / k)) * pw + Math.floor(x / k)] / (k * k);
          }
        }
        pool = null;
      }
      pending = { kind: 'dense', name, folded: false, layer: { kind: 'dense', name, inFeatures, outFeatures: m.outFeatures, weight, bias: m.bias ? data(m.bias) : null, neuron: PLACEHOLDER, ...(folded ? { pool: folded } : {}) } };
      flattenedFrom = null;
      width = m.outFeatures;
      continue;
    }
    if (m instanceof Conv2d) {
      if (pending) throw new SpikeflowError('not-supported', `layer '${name}' follows layer '${pending.name}' without a spiking neuron between them`);
      if (pool) throw new SpikeflowError('not-supported', `AvgPool2d before Conv2d '${name}' cannot be folded; only pooling before Flatten → Linear is supported`);
      if (!image) throw new SpikeflowError('not-supported', `Conv2d '${name}' needs an image input [H, W, C], got [${inputShape}]`);
      const [C, H, W] = image;
      if (m.inChannels !== C) throw new SpikeflowError('shape-mismatch', `Conv2d '${name}' expects ${m.inChannels} channels but receives ${C}`);
      const [kh, kw] = m.kernelSize;
      const [sh, sw] = m.stride;
      const g = convGeometry(H, W, kh, kw, sh, sw, m.padding);
      if (g.top !== g.bottom || g.left !== g.right) throw new SpikeflowError('not-supported', `Conv2d '${name}': 'same' padding is asymmetric here; netx and Loihi need symmetric padding`);
      const w = data(m.weight); // [kh, kw, in, out]
      const O = m.outChannels;
      const t = new Float32Array(w.length);
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) t[((o * C + c) * kh + y) * kw + x] = w[((y * kw + x) * C + c) * O + o];
      const outShape: [number, number, number] = [O, g.outH, g.outW];
      pending = {
        kind: 'conv', name, folded: false,
        layer: { kind: 'conv', name, inShape: [C, H, W], outShape, inFeatures: C * H * W, outFeatures: O * g.outH * g.outW, kernel: [kh, kw], stride: [sh, sw], padding: [g.top, g.left], weight: t, bias: m.bias ? data(m.bias) : null, neuron: PLACEHOLDER },
      };
      image = outShape;
      width = O * g.outH * g.outW;
      continue;
    }
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      const expected = m instanceof BatchNorm1d ? 'dense' : 'conv';
      if (!pending || pending.folded || pending.kind !== expected) throw new SpikeflowError('not-supported', `BatchNorm '${name}' must directly follow a ${expected === 'dense' ? 'Linear' : 'Conv2d'} layer to be folded into it`);
      const mean = data(m.runningMean);
      const variance = data(m.runningVar);
      const gamma = m.weight ? data(m.weight) : null;
      const beta = m.bias ? data(m.bias) : null;
      const l: FloatLayer = pending.layer;
      const channels = mean.length;
      const perChannel = l.weight.length / channels;
      const bias = new Float32Array(channels);
      for (let o = 0; o < channels; o++) {
        const s = (gamma ? gamma[o] : 1) / Math.sqrt(variance[o] + m.eps);
        for (let i = 0; i < perChannel; i++) l.weight[o * perChannel + i] *= s;
        bias[o] = ((l.bias ? l.bias[o] : 0) - mean[o]) * s + (beta ? beta[o] : 0);
      }
      pending = { ...pending, folded: true, layer: { ...l, bias } };
      continue;
    }
    if (m instanceof BaseNode) {
      if (!pending) throw new SpikeflowError('not-supported', `neuron '${name}' has no Linear or Conv2d layer before it; a Loihi network starts with a synaptic layer`);
      layers.push({ ...pending.layer, neuron: describeNeuron(m, name) });
      pending = null;
      continue;
    }
    const what = m instanceof MaxPool2d ? 'MaxPool2d (the max of spikes is not a synaptic sum)' : m.describe();
    throw new SpikeflowError('not-supported', `layer '${name}' (${what}) is not supported by the Loihi mapping; supported: Flatten, Linear, Conv2d, BatchNorm1d/2d (folded), AvgPool2d before Flatten → Linear, Dropout, LIF/PLIF/IF/CUBA-LIF neurons`);
  }
  if (pending) throw new SpikeflowError('not-supported', `the network ends with layer '${pending.name}' without a spiking neuron; Loihi outputs spikes`);
  if (pool) throw new SpikeflowError('not-supported', 'the network ends with an AvgPool2d; pooling must be followed by Flatten → Linear');
  if (layers.length === 0) throw new SpikeflowError('invalid-options', 'the model has no synaptic layer → neuron to map to Loihi');
  return { inputShape: [...inputShape], layers };
}

/** Filled in when the neuron after a synaptic layer is read. */
const PLACEHOLDER: FloatNeuron = { kind: 'if', tau: Number.POSITIVE_INFINITY, decayInput: false, vThreshold: 1, vReset: 0 };

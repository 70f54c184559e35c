import { SpikeflowError, describeNetwork, type ConvNetworkLayer, type DenseNetworkLayer, type Module, type NetworkDescription, type StandardDynamics } from '@spikeflow/core';

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

/** The chip's neuron for a layer's standard dynamics. */
function floatNeuron(d: StandardDynamics): FloatNeuron {
  if (d.kind === 'cuba') return { kind: 'cuba', tau: d.tauMem, tauSyn: d.tauSyn, decayInput: false, vThreshold: d.vThreshold, vReset: d.vReset };
  if (d.kind === 'lif') return { kind: 'lif', tau: d.tau, decayInput: d.decayInput, vThreshold: d.vThreshold, vReset: d.vReset };
  return { kind: 'if', tau: Number.POSITIVE_INFINITY, decayInput: false, vThreshold: d.vThreshold, vReset: d.vReset };
}

/** `[H, W, C]` → `[C, H, W]`. */
const chw = ([h, w, c]: readonly [number, number, number]): [number, number, number] => [c, h, w];

function denseLayer(l: DenseNetworkLayer): FloatDenseLayer {
  const { inFeatures: inF, outFeatures: outF } = l;
  const src = l.flattenedFrom;
  const weight = new Float32Array(l.weight.length);
  for (let i = 0; i < inF; i++) {
    const j = src ? hwcToChw(i, src[0], src[1], src[2]) : i;
    for (let o = 0; o < outF; o++) weight[o * inF + j] = l.weight[i * outF + o];
  }
  const pool = l.pool && src ? { pool: { kernel: l.pool.kernel, inShape: chw(src) } } : {};
  return { kind: 'dense', name: l.name, inFeatures: inF, outFeatures: outF, weight, bias: l.bias, neuron: floatNeuron(l.neuron.dynamics), ...pool };
}

function convLayer(l: ConvNetworkLayer): FloatConvLayer {
  const { top, bottom, left, right } = l.padding;
  if (top !== bottom || left !== right) throw new SpikeflowError('not-supported', `Conv2d '${l.name}': 'same' padding is asymmetric here; netx and Loihi need symmetric padding`);
  const [kh, kw] = l.kernel;
  const C = l.inShape[2];
  const O = l.outShape[2];
  const weight = new Float32Array(l.weight.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++) for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) weight[((o * C + c) * kh + y) * kw + x] = l.weight[((y * kw + x) * C + c) * O + o];
  return {
    kind: 'conv',
    name: l.name,
    inShape: chw(l.inShape),
    outShape: chw(l.outShape),
    inFeatures: l.inFeatures,
    outFeatures: l.outFeatures,
    kernel: l.kernel,
    stride: l.stride,
    padding: [top, left],
    weight,
    bias: l.bias,
    neuron: floatNeuron(l.neuron.dynamics),
  };
}

/**
 * The chip-neutral description in Loihi's (and NIR's, PyTorch's) layouts: weights `[out, in]` and
 * `[out, in, kH, kW]`, activations flattened in CHW order. Only the layout changes; every value is
 * the description's.
 */
export function toFloatNetwork(net: NetworkDescription): FloatNetwork {
  for (const l of net.layers)
    if (l.delay !== 0) throw new SpikeflowError('not-supported', `layer '${l.name}' has a synaptic delay of ${l.delay} steps; the Loihi mapping of a model has none`);
  return { inputShape: [...net.inputShape], layers: net.layers.map((l) => (l.kind === 'dense' ? denseLayer(l) : convLayer(l))) };
}

/**
 * Read a trained spikeflow model into a {@link FloatNetwork}: core's {@link describeNetwork} (the
 * one walk every exporter shares: BatchNorm folded, an AvgPool2d before Flatten → Linear folded
 * into that Linear, Dropout skipped) in Loihi's layouts. What the mapping cannot carry throws
 * `not-supported` naming the layer.
 *
 * @example
 * ```ts
 * const net = readFloatNetwork(model, [28, 28, 1]);
 * net.layers.map((l) => `${l.inFeatures}→${l.outFeatures}`); // ['784→512', '512→10']
 * ```
 */
export function readFloatNetwork(model: Module, inputShape: readonly number[]): FloatNetwork {
  return toFloatNetwork(describeNetwork(model, { inputShape, target: 'Loihi' }));
}

import type { StandardDynamics } from '../spike/standard-dynamics.js';

/** The spiking neurons after one synaptic layer, as exporters read them. */
export interface NetworkNeuron {
  /** Dotted path of the neuron module in the source model. */
  readonly name: string;
  /** The module's own description (`describe()`), for reports. */
  readonly origin: string;
  /** What a chip implements: IF, LIF or CUBA-LIF with its trained constants. */
  readonly dynamics: StandardDynamics;
}

interface LayerBase {
  /** Dotted path of the synaptic module (Linear or Conv2d) in the source model. */
  readonly name: string;
  /** Flattened input width and output width. */
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** One bias per output unit (dense) or per output channel (conv); BatchNorm folded in. */
  readonly bias: Float32Array | null;
  /** Path of the BatchNorm folded into `weight` and `bias`, if any. */
  readonly foldedBatchNorm: string | null;
  /**
   * Synaptic delay in time steps on top of the one-step hand-over between layers every chip
   * pipeline adds (0 for models built of Linear/Conv2d layers, which have no delays).
   */
  readonly delay: number;
  readonly neuron: NetworkNeuron;
}

/**
 * A fully connected layer. `weight` is `[inFeatures, outFeatures]` row-major (spikeflow's Linear
 * layout); its rows follow the flattened input in NHWC order (`flattenedFrom` names the image when
 * the input was one).
 */
export interface DenseNetworkLayer extends LayerBase {
  readonly kind: 'dense';
  readonly weight: Float32Array;
  /** The image `[H, W, C]` whose NHWC flattening the rows follow, or null for a vector input. */
  readonly flattenedFrom: readonly [number, number, number] | null;
  /**
   * Set when a k×k average pool (stride k, no padding) over `flattenedFrom` was folded in: the
   * rows then span the unpooled image, each pooled weight spread as `W/k²` over its window.
   */
  readonly pool?: { readonly kernel: number };
}

/** A 2-D convolution (groups 1, dilation 1). `weight` is `[kH, kW, in, out]` (spikeflow's Conv2d layout). */
export interface ConvNetworkLayer extends LayerBase {
  readonly kind: 'conv';
  readonly weight: Float32Array;
  /** Input and output images `[H, W, C]` (NHWC without the batch). */
  readonly inShape: readonly [number, number, number];
  readonly outShape: readonly [number, number, number];
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Zero padding on each side (TensorFlow's 'same' may pad one more row/column at the bottom/right). */
  readonly padding: { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number };
}

/** Any layer of a {@link NetworkDescription}: a synaptic layer followed by its spiking neurons. */
export type NetworkLayer = DenseNetworkLayer | ConvNetworkLayer;

/**
 * A feed-forward spiking network as chips see it, independent of tensors and of any chip:
 * synaptic layers (weights in spikeflow's layouts, BatchNorm and average pooling folded in), each
 * followed by neurons whose dynamics the neuron described. Every exporter (Loihi netx, NIR,
 * SpiNNaker PyNN, plugin chips) starts from this one description.
 */
export interface NetworkDescription {
  /** One sample's shape: `[H, W, C]` for images (NHWC), `[n]` for vectors. */
  readonly inputShape: readonly number[];
  /** `float` for a model's trained weights; `integer` once a chip mapping has quantised them. */
  readonly weights: 'float' | 'integer';
  readonly layers: readonly NetworkLayer[];
}

// The exported network: what spikeflow hands to PyNN, the float reference and the fixed-point
// simulator. Values are float32 (as trained and as stored in the data file); arithmetic on them is
// float64 in the reference and s16.15 in the fixed-point simulator.

/**
 * PyNN parameters of an `IF_curr_delta` or `IF_curr_exp` population (PyNN units: ms, nF, mV, nA).
 * `tau_syn_E`/`tau_syn_I` are present (and equal) exactly for `IF_curr_exp`.
 */
export interface CellParameters {
  readonly tau_m: number;
  readonly cm: number;
  readonly v_rest: number;
  readonly v_reset: number;
  readonly v_thresh: number;
  readonly tau_refrac: number;
  readonly tau_syn_E?: number;
  readonly tau_syn_I?: number;
}

/**
 * PyNN cell types the export uses: `IF_curr_delta` for LIF/IF/PLIF, `IF_curr_exp` (exponential
 * current synapse) for CUBA-LIF.
 */
export type CellType = 'IF_curr_delta' | 'IF_curr_exp';

/** One spiking layer as a PyNN population. */
export interface PopulationSpec {
  readonly name: string;
  readonly size: number;
  readonly cellType: CellType;
  readonly params: CellParameters;
  /**
   * Membrane potential before the first model step (the trained neuron's starting value: its
   * v_rest for LIF/IF, V_reset for CUBA-LIF, which leaks towards 0).
   */
  readonly vInit: number;
  /** The spikeflow neuron it came from, e.g. `LIFNode(tau=2, v_th=1, v_reset=0, ...)`. */
  readonly origin: string;
}

/** A weight matrix between two populations (or from the input source), split by sign on export. */
export interface ProjectionSpec {
  readonly name: string;
  /** `input` (the SpikeSourceArray) or a population name. */
  readonly pre: string;
  readonly post: string;
  /** Row-major `[preSize, postSize]` (spikeflow's Linear layout); zero entries are not connected. */
  readonly weights: Float32Array;
  readonly preSize: number;
  readonly postSize: number;
  /** Synaptic delay in time steps (1: one step per layer, compensated when reading spikes back). */
  readonly delaySteps: number;
}

/**
 * How samples enter the network.
 * - `spikes`: a `SpikeSourceArray` of `size` neurons projects into the first population.
 * - `current`: the first Linear layer runs off-chip (analog input cannot be spikes); its output,
 *   constant over the T steps of a direct-encoded sample, becomes the first population's
 *   per-neuron `i_offset`. `offchip` holds that layer so new samples can be converted.
 */
export type NetworkInput =
  | { readonly kind: 'spikes'; readonly size: number }
  | {
      readonly kind: 'current';
      readonly size: number;
      readonly offchip: { readonly weight: Float32Array; readonly bias: Float32Array | null; readonly inFeatures: number; readonly outFeatures: number };
    };

/** A spikeflow network mapped to PyNN populations and projections at a fixed time step. */
export interface SpinnakerNetwork {
  /** Simulation time step in ms (the trained model's step; 1 ms). */
  readonly dtMs: number;
  /** Time steps per sample (the trained T). */
  readonly timeSteps: number;
  readonly input: NetworkInput;
  /** Populations in feed-forward order; the last one is the output layer. */
  readonly populations: readonly PopulationSpec[];
  readonly projections: readonly ProjectionSpec[];
}

/**
 * One sample: a spike raster `[T, inputSize]` (0/1) for spike input, or the currents
 * `[firstPopulationSize]`: the trained model's constant per-step input X of the first neuron
 * layer (for `IF_curr_delta` it is the `i_offset`; for `IF_curr_exp` it enters through the
 * synaptic current, see {@link exponentialCurrentInput}).
 */
export type NetworkSample = { readonly spikes: Uint8Array } | { readonly currents: Float32Array };

/** Spikes per population, each `[T, size]` row-major (0/1), indexed by the model's time step. */
export type PopulationSpikes = Map<string, Uint8Array>;

import { SpikeflowError } from '@spikeflow/core';
import { BIAS_MANT_MAX, DECAY_UNITY, MAX_VTH_MANT } from '../simulator/fixed-point.js';
import { validateLifParams } from '../simulator/loihi-lif.js';
import type { LoihiLayer, LoihiNetworkSpec } from '../simulator/loihi-network.js';
import { hwcToChw, type FloatLayer, type FloatNetwork } from './float-network.js';

/** The largest synaptic input that does not wrap the 24-bit current after the 6-bit shift. */
export const MAX_SAFE_DRIVE = 2 ** 17 - 1;
/** Largest even 8-bit mixed-sign weight magnitude on the positive side. */
export const MAX_WEIGHT = 254;
export const MIN_WEIGHT = -256;
/** The bias exponent netx gives every CUBA/LOIHI neuron. */
export const NETX_BIAS_EXP = 6;

/** Options of {@link quantizeNetwork}. */
export interface QuantizeOptions {
  /**
   * Bits of the graded input payload (1..8). Default: chosen from the calibration inputs to give
   * the smallest error of the first layer's input current, 8 without calibration.
   */
  readonly inputBits?: number;
  /** Largest input value (default 1: images scaled to [0, 1]); inputs must be ≥ 0. */
  readonly inputMax?: number;
  /** Calibration inputs (`[N, inFeatures]` flattened) to bound the first layer's drive. */
  readonly calibration?: Float32Array;
  /** Head-room factor on the calibrated drive bound (default 1.25). */
  readonly margin?: number;
  /** Map soft-reset / non-zero-reset neurons anyway (with a message) instead of failing. */
  readonly allowResetMismatch?: boolean;
  /**
   * Fixed per-layer gains (as reported in {@link LayerQuantization.gain}), e.g. those a
   * quantisation-aware fine-tuning used, so its weights land on the same integer grid. Register
   * limits are still enforced; exceeding the current bound only adds a message.
   */
  readonly gains?: readonly number[];
}

/** How one layer was mapped. */
export interface LayerQuantization {
  readonly name: string;
  /** Integer units per float unit of synaptic input (`g`, times the input scale for layer 0). */
  readonly gain: number;
  /** Threshold mantissa (netx vThMant): the neuron fires when its voltage exceeds `vth << 6`. */
  readonly vth: number;
  /** Current decay register: the current keeps `(4096 − (du + 1))/4096` per step (netx iDecay = du + 1). */
  readonly du: number;
  /** Voltage decay: the voltage keeps `(4096 − dv)/4096` per step (netx vDecay). */
  readonly dv: number;
  /** Largest |W·x| the gain allows without wrapping the current (float units; for CUBA, a drive held constant). */
  readonly driveBound: number;
  /** Which constraint chose the gain. */
  readonly limitedBy: 'weight-range' | 'threshold' | 'current' | 'bias' | 'fixed';
}

/** A network mapped to Loihi parameters. */
export interface QuantizedNetwork {
  /** The chip network (integer weights and registers) that the simulator runs and netx stores. */
  readonly spec: LoihiNetworkSpec;
  /** Graded payload per input unit: `payload = round(x · inputScale)`. */
  readonly inputScale: number;
  /** Bits of the graded input payload: payloads are clipped to `[0, 2^inputBits − 1]` (1: binary spikes). */
  readonly inputBits: number;
  /** spikeflow's sample shape (`encodeInput` reorders NHWC samples to the chip's CHW). */
  readonly inputShape: readonly number[];
  /** How each layer of `spec` was mapped, in order. */
  readonly layers: readonly LayerQuantization[];
  /** Float network it came from (for reports and NIR). */
  readonly source: FloatNetwork;
  /** Warnings (e.g. reset semantics that differ). */
  readonly messages: readonly string[];
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Largest Σ|W| over the weights feeding one neuron (a row; a conv output channel): the worst binary-input drive. */
function maxRowAbsSum(l: FloatLayer): number {
  const rows = l.kind === 'conv' ? l.outShape[0] : l.outFeatures;
  const per = l.weight.length / rows;
  let best = 0;
  for (let o = 0; o < rows; o++) {
    let s = 0;
    for (let i = 0; i < per; i++) s += Math.abs(l.weight[o * per + i]);
    best = Math.max(best, s);
  }
  return best;
}

/**
 * `W·x` (dense) or the cross-correlation of `x` (conv, CHW) with `weights` laid out as the layer's,
 * without bias: the synaptic drive in float, or in integers for integer weights and payloads.
 */
export function layerDrive(l: FloatLayer, weights: ArrayLike<number>, x: ArrayLike<number>, out: Float64Array = new Float64Array(l.outFeatures)): Float64Array {
  out.fill(0);
  if (l.kind === 'dense') {
    for (let i = 0; i < l.inFeatures; i++) {
      const v = x[i];
      if (v === 0) continue;
      for (let o = 0; o < l.outFeatures; o++) out[o] += weights[o * l.inFeatures + i] * v;
    }
    return out;
  }
  const [C, H, W] = l.inShape;
  const [O, OH, OW] = l.outShape;
  const [kh, kw] = l.kernel;
  for (let o = 0; o < O; o++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let acc = 0;
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < kh; ky++) {
            const y = oy * l.stride[0] - l.padding[0] + ky;
            if (y < 0 || y >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const xx = ox * l.stride[1] - l.padding[1] + kx;
              if (xx >= 0 && xx < W) acc += weights[((o * C + c) * kh + ky) * kw + kx] * x[(c * H + y) * W + xx];
            }
          }
        out[(o * OH + oy) * OW + ox] = acc;
      }
  return out;
}

/** Reorder spikeflow samples (NHWC, flattened) into the chip's CHW order. */
export function toChipOrder(inputShape: readonly number[], x: ArrayLike<number>, out: Float32Array = new Float32Array(x.length)): Float32Array {
  if (inputShape.length !== 3 || inputShape[2] === 1) {
    for (let i = 0; i < x.length; i++) out[i] = x[i];
    return out;
  }
  const [H, W, C] = inputShape;
  const size = H * W * C;
  for (let s = 0; s < x.length; s += size) for (let i = 0; i < size; i++) out[s + hwcToChw(i, H, W, C)] = x[s + i];
  return out;
}

/** Largest |drive| (no bias) over calibration inputs (CHW order). */
function calibratedDrive(l: FloatLayer, xs: Float32Array): number {
  const n = xs.length / l.inFeatures;
  let best = 0;
  const acc = new Float64Array(l.outFeatures);
  for (let s = 0; s < n; s++) {
    layerDrive(l, l.weight, xs.subarray(s * l.inFeatures, (s + 1) * l.inFeatures), acc);
    for (let o = 0; o < l.outFeatures; o++) best = Math.max(best, Math.abs(acc[o]));
  }
  return best;
}

/** Round to the nearest even integer and clip to [−256, 254]: lava-dl's 8-bit mixed-sign weights. */
export function quantizeWeight(w: number, gain: number): number {
  // Half away from zero, so W and −W map to opposite integers.
  const h = (w * gain) / 2;
  const q = 2 * Math.sign(h) * Math.round(Math.abs(h));
  return q > MAX_WEIGHT ? MAX_WEIGHT : q < MIN_WEIGHT ? MIN_WEIGHT : q + 0; // + 0 turns −0 into 0
}

function neuronFactors(l: FloatLayer, index: number, options: QuantizeOptions, messages: string[]) {
  const n = l.neuron;
  if (!(n.vThreshold > 0)) throw new SpikeflowError('unrepresentable', `layer ${index} ('${l.name}'): Loihi needs a positive threshold, got ${n.vThreshold}`);
  if (n.vReset !== 0) {
    const what = n.vReset === null ? 'a soft reset (subtract V_th)' : `a hard reset to ${n.vReset}`;
    const msg = `layer ${index} ('${l.name}') uses ${what}, but Loihi's LIF always resets the voltage to 0 after a spike`;
    if (!options.allowResetMismatch) throw new SpikeflowError('unrepresentable', `${msg}; retrain with vReset 0 or pass allowResetMismatch`, { layer: index });
    messages.push(`${msg}; mapped with reset to 0, so the chip's behaviour differs`);
  }
  // Without a synaptic filter the current is this step's input: iDecay = 4096 (du = 4095).
  if (n.kind === 'if') return { dv: 0, du: DECAY_UNITY - 1, accumulation: 1, inputFactor: 1 };
  if (n.kind === 'cuba') return { ...cubaDecays(l, index, messages), inputFactor: 1 };
  const dv = Math.round(DECAY_UNITY / n.tau);
  if (dv < 1 || dv > DECAY_UNITY - 1)
    throw new SpikeflowError('unrepresentable', `layer ${index} ('${l.name}'): tau ${n.tau} gives a voltage decay ${dv}/4096 outside Loihi's 12-bit range [1, 4095]`);
  if (Math.abs(dv / DECAY_UNITY - 1 / n.tau) > 1e-9) messages.push(`layer ${index} ('${l.name}'): 1/tau = ${1 / n.tau} is rounded to ${dv}/4096`);
  return { dv, du: DECAY_UNITY - 1, accumulation: 1, inputFactor: n.decayInput ? 1 / n.tau : 1 };
}

/**
 * Loihi decays of a CUBA-LIF neuron, derived as for LIF: `iDecay = round(4096/τ_syn)` (netx's
 * current decay; Lava's `du = iDecay − 1`, its +1 offset restores it), `dv = round(4096/τ_mem)`
 * (τ_mem = ∞: 0, no leak). `accumulation` = 4096/iDecay bounds how far a constant drive builds
 * the current up (the geometric sum of its decay), which the 24-bit current bound must allow for.
 */
function cubaDecays(l: FloatLayer, index: number, messages: string[]): { dv: number; du: number; accumulation: number } {
  const n = l.neuron;
  const where = `layer ${index} ('${l.name}')`;
  const tauSyn = n.tauSyn ?? 1;
  const iDecay = Math.round(DECAY_UNITY / tauSyn);
  if (iDecay < 1 || iDecay > DECAY_UNITY) {
    throw new SpikeflowError(
      'unrepresentable',
      `${where}: tauSyn ${tauSyn} gives a current decay ${iDecay}/4096 outside [1, 4096]; a current that never decays could grow past Loihi's 24-bit register`,
      { layer: index },
    );
  }
  const dv = n.tau === Number.POSITIVE_INFINITY ? 0 : Math.round(DECAY_UNITY / n.tau);
  if (dv < 0 || dv > DECAY_UNITY - 1)
    throw new SpikeflowError('unrepresentable', `${where}: tauMem ${n.tau} gives a voltage decay ${dv}/4096 outside Loihi's 12-bit range [0, 4095]`, { layer: index });
  if (Math.abs(iDecay / DECAY_UNITY - 1 / tauSyn) > 1e-9) messages.push(`${where}: 1/tauSyn = ${1 / tauSyn} is rounded to ${iDecay}/4096`);
  if (Math.abs(dv / DECAY_UNITY - 1 / n.tau) > 1e-9) messages.push(`${where}: 1/tauMem = ${1 / n.tau} is rounded to ${dv}/4096`);
  return { dv, du: iDecay - 1, accumulation: DECAY_UNITY / iDecay };
}

function mapLayer(
  l: FloatLayer,
  index: number,
  payloadScale: number,
  driveMax: number,
  options: QuantizeOptions,
  messages: string[],
): { layer: LoihiLayer; info: LayerQuantization } {
  const { dv, du, accumulation, inputFactor } = neuronFactors(l, index, options, messages);
  const wMax = maxAbs(l.weight);
  const bMax = l.bias ? maxAbs(l.bias) : 0;
  // gain = integer synaptic units per float unit of drive; each register bounds it.
  const bounds: Array<[LayerQuantization['limitedBy'], number]> = [
    ['weight-range', wMax > 0 ? (MAX_WEIGHT / wMax) * payloadScale : Number.POSITIVE_INFINITY],
    ['threshold', (MAX_VTH_MANT * inputFactor) / l.neuron.vThreshold],
    // A decaying current sums the drive over steps (CUBA): up to `accumulation` times one step's.
    ['current', driveMax > 0 ? MAX_SAFE_DRIVE / (driveMax * accumulation) : Number.POSITIVE_INFINITY],
    ['bias', bMax > 0 ? BIAS_MANT_MAX / bMax : Number.POSITIVE_INFINITY],
  ];
  let [limitedBy, gain]: [LayerQuantization['limitedBy'], number] = bounds[0];
  for (const [k, v] of bounds) if (v < gain) [limitedBy, gain] = [k, v];
  if (!Number.isFinite(gain)) gain = (MAX_VTH_MANT * inputFactor) / l.neuron.vThreshold;
  const fixed = options.gains?.[index];
  if (fixed !== undefined) {
    if (!(fixed > 0)) throw new SpikeflowError('invalid-options', `gain for layer ${index} must be positive, got ${fixed}`);
    const current = bounds[2][1];
    if (fixed > current * (1 + 1e-9))
      messages.push(`layer ${index} ('${l.name}'): the fixed gain ${fixed.toFixed(2)} exceeds the current bound ${current.toFixed(2)}; the current may wrap on large inputs`);
    [limitedBy, gain] = ['fixed', fixed];
  }
  const g = gain / payloadScale;
  const weights = new Int32Array(l.weight.length);
  for (let i = 0; i < weights.length; i++) weights[i] = quantizeWeight(l.weight[i], g);
  const vth = Math.round((gain * l.neuron.vThreshold) / inputFactor);
  if (vth < 1) throw new SpikeflowError('unrepresentable', `layer ${index} ('${l.name}'): threshold mantissa rounds to ${vth}; the weights are too large for Loihi's ranges`);
  let biasMant: number | Int32Array = 0;
  if (l.bias) biasMant = Int32Array.from(l.bias, (b) => Math.round(gain * b)); // per neuron (dense) or per channel (conv)
  const common = {
    inFeatures: l.inFeatures,
    outFeatures: l.outFeatures,
    weights,
    weightExp: 0,
    numWeightBits: 8,
    signMode: 'mixed' as const,
    neuron: { du, dv, vth, biasMant, biasExp: NETX_BIAS_EXP },
  };
  // Registers are checked here so a bad mapping fails at export, naming the layer and field.
  validateLifParams(common.neuron, `layer ${index} ('${l.name}')`);
  const layer: LoihiLayer =
    l.kind === 'conv'
      ? { kind: 'conv', ...common, inShape: l.inShape, outShape: l.outShape, kernel: l.kernel, stride: l.stride, padding: l.padding }
      : { kind: 'dense', ...common };
  return { layer, info: { name: l.name, gain, vth, du, dv, driveBound: MAX_SAFE_DRIVE / (gain * accumulation), limitedBy } };
}

/** Mean squared error of the first layer's drive W·x when inputs and weights are quantised. */
function firstLayerError(l: FloatLayer, xs: Float32Array, bits: number, inputMax: number, driveMax: number, options: QuantizeOptions): number {
  const P = (2 ** bits - 1) / inputMax;
  const { layer, info } = mapLayer(l, 0, P, driveMax, options, []);
  const n = Math.min(xs.length / l.inFeatures, 64);
  const f = new Float64Array(l.outFeatures);
  const q = new Float64Array(l.outFeatures);
  let err = 0;
  for (let s = 0; s < n; s++) {
    const x = xs.subarray(s * l.inFeatures, (s + 1) * l.inFeatures);
    layerDrive(l, l.weight, x, f);
    layerDrive(
      l,
      layer.weights,
      Array.from(x, (v) => Math.round(v * P)),
      q,
    );
    for (let o = 0; o < l.outFeatures; o++) err += (q[o] / info.gain - f[o]) ** 2;
  }
  return err;
}

/**
 * Map a float network to Loihi parameters (the netx CUBA convention: LIF/IF neurons get
 * `iDecay = 4096` so the current equals this step's input, `vDecay = 4096/τ`; CUBA-LIF neurons
 * `iDecay = 4096/τ_syn`, `vDecay = 4096/τ_mem`; bias exponent 6):
 *
 * - analog input becomes a graded payload `round(x · (2^bits − 1)/inputMax)` into layer 0;
 * - per layer one gain `g` maps float drive to integer synaptic input; weights become even
 *   integers in [−256, 254] (`2·round(g·W/2)`), the threshold mantissa `g·V_th/c` (c = 1/τ with
 *   decay_input, else 1) fits 17 bits, biases `g·b` fit 13 bits, and `g·max|W·x| < 2^17` keeps
 *   the 24-bit current from wrapping (max over calibration data for layer 0, Σ|W| per row for
 *   spike inputs; times τ_syn for CUBA, whose current sums the drive of past steps);
 * - Loihi resets to 0: hard reset to 0 maps exactly, anything else is refused unless allowed.
 *
 * @example
 * ```ts
 * const q = quantizeNetwork(readFloatNetwork(model, [28, 28, 1]), { calibration: trainImages });
 * const net = new LoihiNetwork(q.spec);
 * ```
 */
export function quantizeNetwork(net: FloatNetwork, options: QuantizeOptions = {}): QuantizedNetwork {
  const inputMax = options.inputMax ?? 1;
  const margin = options.margin ?? 1.25;
  if (!(inputMax > 0)) throw new SpikeflowError('invalid-options', `inputMax must be positive, got ${inputMax}`);
  if (options.inputBits !== undefined && (!Number.isInteger(options.inputBits) || options.inputBits < 1 || options.inputBits > 8)) {
    throw new SpikeflowError('invalid-options', `inputBits must be an integer in [1, 8], got ${options.inputBits}`);
  }
  const first = net.layers[0];
  const xs = options.calibration && toChipOrder(net.inputShape, options.calibration);
  if (xs) {
    if (xs.length === 0 || xs.length % first.inFeatures !== 0)
      throw new SpikeflowError('shape-mismatch', `calibration data has ${xs.length} values, not a multiple of the ${first.inFeatures} inputs`);
    for (let i = 0; i < xs.length; i++) {
      if (!(xs[i] >= 0 && xs[i] <= inputMax))
        throw new SpikeflowError('unrepresentable', `calibration input ${xs[i]} is outside [0, ${inputMax}]: the graded input payload is unsigned`);
    }
  }
  // Float drive bound of layer 0 (in input units): calibrated, else the worst case Σ|W|·inputMax.
  const drive0 = xs ? calibratedDrive(first, xs) * margin : maxRowAbsSum(first) * inputMax;
  let bits = options.inputBits ?? 8;
  if (options.inputBits === undefined && xs) {
    let best = Number.POSITIVE_INFINITY;
    for (let b = 1; b <= 8; b++) {
      const e = firstLayerError(first, xs, b, inputMax, drive0, options);
      if (e < best) [best, bits] = [e, b];
    }
  }
  const P = (2 ** bits - 1) / inputMax;
  const messages: string[] = [];
  const layers: LoihiLayer[] = [];
  const infos: LayerQuantization[] = [];
  net.layers.forEach((l, i) => {
    const { layer, info } = i === 0 ? mapLayer(l, 0, P, drive0, options, messages) : mapLayer(l, i, 1, maxRowAbsSum(l), options, messages);
    layers.push(layer);
    infos.push(info);
  });
  return { spec: { layers, inputMessageBits: bits }, inputScale: P, inputBits: bits, inputShape: net.inputShape, layers: infos, source: net, messages };
}

/**
 * Turn one analog sample (spikeflow layout, values in [0, inputMax]) into the graded payload the
 * chip receives, in the chip's CHW order.
 */
export function encodeInput(
  q: Pick<QuantizedNetwork, 'inputScale' | 'inputBits'> & { inputShape?: readonly number[] },
  x: ArrayLike<number>,
  out: Int32Array = new Int32Array(x.length),
): Int32Array {
  const max = 2 ** q.inputBits - 1;
  const shape = q.inputShape ?? [x.length];
  const permute = shape.length === 3 && shape[2] !== 1;
  for (let i = 0; i < x.length; i++) {
    const p = Math.round(x[i] * q.inputScale);
    out[permute ? hwcToChw(i, shape[0], shape[1], shape[2]) : i] = p < 0 ? 0 : p > max ? max : p;
  }
  return out;
}

import { AvgPool2d, Conv2d, Flatten, Linear, Sequential, SpikeflowError, type Module } from '@spikeflow/core';
import type { FloatNeuron } from '../quantize/float-network.js';
import { NIR_DT, type NirGraph, type NirNode, type NirValue } from './nir-graph.js';

/**
 * Makes the spikeflow neuron for a NIR LIF/IF/CubaLIF node (the caller composes the neurons plugin):
 * `kind` 'lif' → LIFNode, 'if' → IFNode, 'cuba' → CubaLIFNode (`tauSyn`, `tauMem = tau`).
 */
export type NirNeuronFactory = (neuron: FloatNeuron, name: string) => Module;

function values(v: NirValue | undefined, what: string): Float32Array | Float64Array {
  if (v === undefined || typeof v !== 'object') throw new SpikeflowError('format-unknown', `NIR ${what} is missing or not an array`);
  return v.data;
}

function uniform(v: NirValue | undefined, what: string): number {
  const d = values(v, what);
  const x = d[0];
  for (let i = 1; i < d.length; i++) {
    if (Math.abs(d[i] - x) > 1e-6 * Math.max(1, Math.abs(x)))
      throw new SpikeflowError('not-supported', `NIR ${what} differs between neurons; spikeflow neurons share one value per layer`);
  }
  return x;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Refuse NaN and infinite values anywhere in a node's parameters (NIR files carry no missing-value convention). */
function requireFinite(name: string, node: NirNode): void {
  for (const [k, v] of Object.entries(node.params)) {
    const d = typeof v === 'number' ? [v] : typeof v === 'object' ? v.data : [];
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) throw new SpikeflowError('format-unknown', `NIR node '${name}' (${node.type}): ${k}[${i}] is ${d[i]}; expected finite numbers`);
    }
  }
}

/**
 * NIR's type check for a neuron node: its parameter arrays define its input/output type, which
 * must equal the shape arriving from the previous node (as `nir.read` with type checking demands).
 */
function requireNeuronShape(name: string, node: NirNode, shape: readonly number[], keys: readonly string[]): void {
  for (const k of keys) {
    const v = node.params[k];
    if (v === undefined || typeof v !== 'object') continue;
    // NIR broadcasts a scalar w_in; every other parameter carries the layer's shape.
    if (k === 'w_in' && v.data.length === 1) continue;
    if (!sameShape(v.shape, shape)) throw new SpikeflowError('shape-mismatch', `NIR ${node.type} '${name}': ${k} has shape [${v.shape}] but the node receives [${shape}]`);
  }
}

/** The nodes from Input to Output along the edges, which must form one chain. */
function chain(graph: NirGraph): string[] {
  const next = new Map<string, string>();
  for (const [a, b] of graph.edges) {
    if (next.has(a)) throw new SpikeflowError('not-supported', `NIR node '${a}' feeds more than one node; only feed-forward chains are imported`);
    next.set(a, b);
  }
  const start = Object.keys(graph.nodes).find((k) => graph.nodes[k].type === 'Input');
  if (!start) throw new SpikeflowError('format-unknown', 'NIR graph has no Input node');
  const order = [start];
  const seen = new Set(order);
  let cur = start;
  while (next.has(cur)) {
    cur = next.get(cur)!;
    if (seen.has(cur)) throw new SpikeflowError('not-supported', `NIR graph has a cycle through '${cur}'`);
    if (!graph.nodes[cur]) throw new SpikeflowError('format-unknown', `NIR edge points to unknown node '${cur}'`);
    seen.add(cur);
    order.push(cur);
  }
  if (graph.nodes[cur].type !== 'Output') throw new SpikeflowError('format-unknown', `NIR chain from '${start}' ends at '${cur}', not at an Output node`);
  return order;
}

/**
 * Build a spikeflow network from a NIR graph (a chain `Input → (Conv2d → neuron)* → (SumPool2d |
 * AvgPool2d)? → Flatten? → (Affine|Linear → neuron)+ → Output`, neurons LIF, IF or CubaLIF).
 * NIR's equations (LIF: τ·dv/dt = (v_leak − v) + R·I; IF: dv/dt = R·I; CubaLIF with its
 * synapse τ_syn·dI/dt = −I + w_in·S) are discretised by forward Euler with `dt` (default 1e-4):
 * β = 1 − dt/τ, so SpikingJelly's τ = τ_NIR/dt; `r = 1` gives decay_input, `r = 1/(1 − β)` gives
 * decay_input = false, any other `r` is folded into the preceding weights. IF adds dt·R·I per
 * step: SpikingJelly's `r = 1/dt` is gain 1, any other gain is folded. CubaLIF gives a `cuba` neuron with
 * τ_syn = tau_syn/dt, τ_mem = tau_mem/dt; `w_in·r` other than `(tau_syn/dt)·(tau_mem/dt)` is
 * folded into the weights. SumPool2d becomes AvgPool2d with kh·kw folded into the next
 * Affine/Linear/Conv2d weights (NIR has no node after which a bare sum could stay). Returns the model and
 * its input shape (an Input of shape [C, H, W] becomes an NHWC `[H, W, C]` input whose flattening
 * is permuted back). As `nir.read` with type checking does, shapes must agree along the chain
 * (Affine/Linear inputs, neuron parameter shapes, declared Flatten/Conv2d inputs, the Output
 * shape), else `shape-mismatch`; NaN or infinite parameters are refused (`format-unknown`).
 *
 * @example
 * ```ts
 * const { model } = nirToNetwork(await readNir('mlp.nir'), (n) => new LIFNode({ tau: n.tau, decayInput: n.decayInput, surrogate: atan() }));
 * ```
 */
export function nirToNetwork(graph: NirGraph, neuron: NirNeuronFactory, options: { dt?: number } = {}): { model: Module; inputShape: number[] } {
  const dt = options.dt ?? NIR_DT;
  const order = chain(graph);
  for (const name of order) requireFinite(name, graph.nodes[name]);
  const inShape = Array.from(values(graph.nodes[order[0]].params.shape, "Input 'shape'"));
  // The shape NIR's type inference gives the output of the node just read (PyTorch's CHW).
  let current: number[] = [...inShape];
  const inputShape = inShape.length === 3 ? [inShape[1], inShape[2], inShape[0]] : inShape;
  const model = new Sequential();
  // `weight` is in spikeflow's layout already ([in, out] or [kh, kw, in, out]); `rows` is its out size.
  let pending: { layer: Linear | Conv2d; weight: Float32Array; bias: Float32Array | null } | null = null;
  let image: number[] | null = inShape.length === 3 ? inShape : null; // [C, H, W]
  let flattenedFrom: number[] | null = null;
  let flattened = inShape.length === 1;
  // A SumPool2d is imported as AvgPool2d (which divides by kh·kw, zero padding included, exactly
  // as the sum counts it); the kh·kw it divided by is multiplied into the next synaptic weights.
  let poolScale = 1;
  let poolName = '';
  const takePoolScale = (): number => {
    const s = poolScale;
    poolScale = 1;
    return s;
  };
  const finish = (n: FloatNeuron, scale: number, name: string) => {
    if (!pending) throw new SpikeflowError('not-supported', `NIR neuron '${name}' does not follow an Affine/Linear/Conv2d node`);
    const l = pending.layer;
    const entries: Array<[string, { shape: number[]; data: Float32Array }]> = [
      ['weight', { shape: [...l.weight.shape], data: Float32Array.from(pending.weight, (x) => x * scale) }],
    ];
    if (pending.bias) entries.push(['bias', { shape: [pending.bias.length], data: Float32Array.from(pending.bias, (b) => b * scale) }]);
    l.loadStateDict(new Map(entries));
    model.append(l);
    model.append(neuron(n, name));
    pending = null;
  };
  const pair = (name: string, v: NirValue | undefined, d: number | null, what: string): number[] => {
    if (v === undefined) {
      if (d === null) throw new SpikeflowError('format-unknown', `NIR '${name}' has no ${what}`);
      return [d, d];
    }
    if (typeof v === 'number') return [v, v];
    if (typeof v === 'string') throw new SpikeflowError('format-unknown', `NIR '${name}' has a string where numbers belong (${what})`);
    if (v.data.length === 1) return [v.data[0], v.data[0]];
    if (v.data.length !== 2) throw new SpikeflowError('format-unknown', `NIR '${name}': ${what} must have 1 or 2 values, got ${v.data.length}`);
    return Array.from(v.data);
  };
  for (const name of order.slice(1, -1)) {
    const node: NirNode = graph.nodes[name];
    const p = node.params;
    if (poolScale !== 1 && !['Flatten', 'Affine', 'Linear', 'Conv2d', 'SumPool2d', 'AvgPool2d'].includes(node.type)) {
      throw new SpikeflowError(
        'not-supported',
        `NIR SumPool2d '${poolName}' is followed by '${name}' (${node.type}); its sum can only be imported when an Affine/Linear/Conv2d follows (the window size is folded into those weights)`,
      );
    }
    if (node.type === 'SumPool2d' || node.type === 'AvgPool2d') {
      if (!image) throw new SpikeflowError('not-supported', `NIR ${node.type} '${name}' needs an image input`);
      if (pending)
        throw new SpikeflowError(
          'not-supported',
          `NIR ${node.type} '${name}' sits between a synaptic layer and its neuron; only pooling of spikes (after a neuron or the input) is imported`,
        );
      const [kh, kw] = pair(name, p.kernel_size, null, 'kernel_size');
      const [sh, sw] = pair(name, p.stride, null, 'stride');
      const [ph, pw] = pair(name, p.padding, 0, 'padding');
      model.append(new AvgPool2d([kh, kw], [sh, sw], [ph, pw]));
      image = [image[0], Math.floor((image[1] + 2 * ph - kh) / sh) + 1, Math.floor((image[2] + 2 * pw - kw) / sw) + 1];
      current = [...image];
      if (node.type === 'SumPool2d') {
        poolScale *= kh * kw;
        poolName = name;
      }
      continue;
    }
    if (node.type === 'Flatten') {
      const declared = p.input_type;
      if (declared !== undefined && typeof declared === 'object' && !sameShape(Array.from(declared.data), current)) {
        throw new SpikeflowError('shape-mismatch', `NIR Flatten '${name}' declares input [${Array.from(declared.data)}] but receives [${current}]`);
      }
      current = [current.reduce((a, b) => a * b, 1)];
      model.append(new Flatten());
      flattenedFrom = image;
      image = null;
      flattened = true;
      continue;
    }
    if (node.type === 'Conv2d') {
      if (!image) throw new SpikeflowError('not-supported', `NIR Conv2d '${name}' needs an image input`);
      const wv = p.weight;
      if (!wv || typeof wv !== 'object' || wv.shape.length !== 4) throw new SpikeflowError('format-unknown', `NIR Conv2d '${name}' needs a 4-D weight (out, in, kH, kW)`);
      const [O, C, kh, kw] = wv.shape;
      const [sh, sw] = pair(name, p.stride, 1, 'stride');
      const [ph, pw] = pair(name, p.padding, 0, 'padding');
      const [dh, dw] = pair(name, p.dilation, 1, 'dilation');
      if (dh !== 1 || dw !== 1 || (p.groups !== undefined && p.groups !== 1)) throw new SpikeflowError('not-supported', `NIR Conv2d '${name}': dilation and groups must be 1`);
      if (C !== image[0]) throw new SpikeflowError('shape-mismatch', `NIR Conv2d '${name}' expects ${C} channels, receives ${image[0]}`);
      const declared = p.input_shape;
      if (declared !== undefined && typeof declared === 'object' && !sameShape(Array.from(declared.data), current)) {
        throw new SpikeflowError('shape-mismatch', `NIR Conv2d '${name}' declares input_shape [${Array.from(declared.data)}] but receives [${current}]`);
      }
      const w = new Float32Array(wv.data.length); // [out, in, kh, kw] → spikeflow [kh, kw, in, out]
      const ps = takePoolScale();
      for (let o = 0; o < O; o++)
        for (let c = 0; c < C; c++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) w[((y * kw + x) * C + c) * O + o] = wv.data[((o * C + c) * kh + y) * kw + x] * ps;
      const bias = p.bias === undefined ? null : Float32Array.from(values(p.bias, `'${name}' bias`));
      pending = { layer: new Conv2d(C, O, [kh, kw], { stride: [sh, sw], padding: [ph, pw], bias: bias !== null }), weight: w, bias };
      image = [O, Math.floor((image[1] + 2 * ph - kh) / sh) + 1, Math.floor((image[2] + 2 * pw - kw) / sw) + 1];
      current = [...image];
      continue;
    }
    if (node.type === 'Affine' || node.type === 'Linear') {
      if (!flattened) throw new SpikeflowError('not-supported', `NIR '${name}' gets an unflattened input`);
      const wv = p.weight;
      if (!wv || typeof wv !== 'object' || wv.shape.length !== 2) throw new SpikeflowError('format-unknown', `NIR '${name}' needs a 2-D weight`);
      const [O, I] = wv.shape;
      if (!sameShape(current, [I])) throw new SpikeflowError('shape-mismatch', `NIR ${node.type} '${name}' takes [${I}] inputs (weight [${wv.shape}]) but receives [${current}]`);
      const w = new Float32Array(wv.data.length); // [out, in] → spikeflow [in, out]
      const ps = takePoolScale();
      if (flattenedFrom) {
        // NIR flattens CHW; spikeflow's Flatten flattens HWC.
        const [C, H, W] = flattenedFrom;
        if (C * H * W !== I) throw new SpikeflowError('shape-mismatch', `NIR '${name}' takes ${I} inputs but receives ${C}×${H}×${W} = ${C * H * W}`);
        for (let o = 0; o < O; o++)
          for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) w[((h * W + x) * C + c) * O + o] = wv.data[o * I + (c * H + h) * W + x] * ps;
        flattenedFrom = null;
      } else {
        for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) w[i * O + o] = wv.data[o * I + i] * ps;
      }
      const bias = node.type === 'Affine' ? Float32Array.from(values(p.bias, `'${name}' bias`)) : null;
      if (bias && bias.length !== O) throw new SpikeflowError('shape-mismatch', `NIR Affine '${name}' has ${bias.length} biases for ${O} outputs`);
      pending = { layer: new Linear(I, O, { bias: bias !== null }), weight: w, bias };
      current = [O];
      continue;
    }
    if (node.type === 'LIF') {
      requireNeuronShape(name, node, current, ['tau', 'r', 'v_leak', 'v_threshold', 'v_reset']);
      if (uniform(p.v_leak, `'${name}' v_leak`) !== 0) throw new SpikeflowError('not-supported', `NIR LIF '${name}' has a non-zero v_leak; spikeflow's LIF leaks to 0`);
      const tauSj = uniform(p.tau, `'${name}' tau`) / dt;
      if (!(tauSj > 1)) throw new SpikeflowError('unrepresentable', `NIR LIF '${name}': tau/dt = ${tauSj} must exceed 1 (β = 1 − dt/τ in (0, 1))`);
      const r = uniform(p.r, `'${name}' r`);
      const vReset = p.v_reset === undefined ? 0 : uniform(p.v_reset, `'${name}' v_reset`);
      const exactNoDecayInput = Math.abs(r - tauSj) <= 1e-6 * tauSj;
      const n: FloatNeuron = { kind: 'lif', tau: tauSj, decayInput: !exactNoDecayInput, vThreshold: uniform(p.v_threshold, `'${name}' v_threshold`), vReset };
      finish(n, exactNoDecayInput ? 1 : r, name);
      continue;
    }
    if (node.type === 'CubaLIF') {
      requireNeuronShape(name, node, current, ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold', 'v_reset', 'w_in']);
      // Euler with dt on both states (see toNirGraph): α = 1 − dt/tau_syn, β = 1 − dt/tau_mem;
      // NIR's current is (1 − α)·w_in times spikeflow's and its voltage gain (1 − β)·r, so their
      // product scales the preceding weights unless it is 1 (w_in = tau_syn/dt, r = tau_mem/dt).
      if (uniform(p.v_leak, `'${name}' v_leak`) !== 0) throw new SpikeflowError('not-supported', `NIR CubaLIF '${name}' has a non-zero v_leak; spikeflow's CUBA-LIF leaks to 0`);
      const tauSyn = uniform(p.tau_syn, `'${name}' tau_syn`) / dt;
      const tauMem = uniform(p.tau_mem, `'${name}' tau_mem`) / dt;
      for (const [what, t] of [
        ['tau_syn', tauSyn],
        ['tau_mem', tauMem],
      ] as const) {
        // float32 storage can put dt·1 a hair below dt.
        if (!(t >= 1 - 1e-6)) throw new SpikeflowError('unrepresentable', `NIR CubaLIF '${name}': ${what}/dt = ${t} must be at least 1 (a decay 1 − dt/${what} in [0, 1])`);
      }
      const [ts, tm] = [Math.max(1, tauSyn), Math.max(1, tauMem)];
      const wIn = p.w_in === undefined ? 1 : uniform(p.w_in, `'${name}' w_in`);
      const scale = (wIn / ts) * (uniform(p.r, `'${name}' r`) / tm);
      const vReset = p.v_reset === undefined ? 0 : uniform(p.v_reset, `'${name}' v_reset`);
      const n: FloatNeuron = { kind: 'cuba', tau: tm, tauSyn: ts, decayInput: false, vThreshold: uniform(p.v_threshold, `'${name}' v_threshold`), vReset };
      finish(n, Math.abs(scale - 1) <= 1e-6 ? 1 : scale, name);
      continue;
    }
    if (node.type === 'IF') {
      requireNeuronShape(name, node, current, ['r', 'v_threshold', 'v_reset']);
      // NIR's IF is dv/dt = R·I: one Euler step adds dt·R·I, so spikeflow's H = V + X needs the
      // weights times dt·R (1 for SpikingJelly's r = 1/dt).
      const gain = uniform(p.r, `'${name}' r`) * dt;
      const vReset = p.v_reset === undefined ? 0 : uniform(p.v_reset, `'${name}' v_reset`);
      finish(
        { kind: 'if', tau: Number.POSITIVE_INFINITY, decayInput: false, vThreshold: uniform(p.v_threshold, `'${name}' v_threshold`), vReset },
        Math.abs(gain - 1) <= 1e-6 ? 1 : gain,
        name,
      );
      continue;
    }
    throw new SpikeflowError(
      'not-supported',
      `NIR node '${name}' of type '${node.type}' is not imported; supported: Input, Flatten, Conv2d, SumPool2d, AvgPool2d, Affine, Linear, LIF, IF, CubaLIF, Output`,
    );
  }
  if (pending) throw new SpikeflowError('not-supported', 'the NIR graph ends with an Affine/Linear node without a neuron');
  if (poolScale !== 1) throw new SpikeflowError('not-supported', `the NIR graph ends with SumPool2d '${poolName}'; only a pool followed by an Affine/Linear/Conv2d is imported`);
  const out = graph.nodes[order[order.length - 1]];
  if (out.params.shape !== undefined) {
    const declared = Array.from(values(out.params.shape, `Output '${order[order.length - 1]}' shape`));
    if (!sameShape(declared, current))
      throw new SpikeflowError('shape-mismatch', `NIR Output '${order[order.length - 1]}' has shape [${declared}] but the last node gives [${current}]`);
  }
  return { model, inputShape };
}

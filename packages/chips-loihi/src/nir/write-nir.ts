import { SpikeflowError, type NetworkDescription } from '@spikeflow/core';
import { toFloatNetwork, type FloatNetwork, type FloatNeuron } from '../quantize/float-network.js';
import { ensureGroup, writeH5Atomic, writeInt } from '../netx/h5.js';
import { NIR_DT, NIR_VERSION, type NirGraph, type NirNode, type NirValue } from './nir-graph.js';

const arr = (values: ArrayLike<number>, shape?: readonly number[]): NirValue => ({ data: Float32Array.from(values), shape: shape ?? [values.length] });

function neuronNode(n: FloatNeuron, shape: readonly number[], dt: number): NirNode {
  const size = shape.reduce((a, b) => a * b, 1);
  const fill = (v: number) => arr(new Array<number>(size).fill(v), shape);
  if (n.vReset === null) throw new SpikeflowError('unrepresentable', 'NIR LIF/IF nodes reset to v_reset; a soft reset (subtract threshold) has no NIR node');
  // NIR's IF is dv/dt = R·I, so one Euler step of dt adds dt·R·I: spikeflow's H = V + X needs
  // R = 1/dt (SpikingJelly writes, and its importer expects, the same).
  if (n.kind === 'if') return { type: 'IF', params: { r: fill(1 / dt), v_threshold: fill(n.vThreshold), v_reset: fill(n.vReset) } };
  if (n.kind === 'cuba') {
    // The same Euler convention on both states: α = 1 − dt/τ_syn, β = 1 − dt/τ_mem, and
    // I_NIR = α·I + (1 − α)·w_in·X, v = β·v + (1 − β)·r·I_NIR. spikeflow's I = α·I + X,
    // H = β·V + I needs w_in = 1/(1 − α) and r = 1/(1 − β) (as snnTorch and SpikingJelly export).
    const tauSyn = n.tauSyn ?? 1;
    if (!Number.isFinite(tauSyn) || !Number.isFinite(n.tau)) {
      throw new SpikeflowError('unrepresentable', `NIR CubaLIF needs finite time constants (tau_syn = dt·tauSyn, tau_mem = dt·tauMem), got tauSyn ${tauSyn}, tauMem ${n.tau}`);
    }
    const alpha = 1 - 1 / tauSyn;
    const beta = 1 - 1 / n.tau;
    return {
      type: 'CubaLIF',
      params: {
        tau_syn: fill(dt / (1 - alpha)),
        tau_mem: fill(dt / (1 - beta)),
        r: fill(1 / (1 - beta)),
        v_leak: fill(0),
        v_threshold: fill(n.vThreshold),
        v_reset: fill(n.vReset),
        w_in: fill(1 / (1 - alpha)),
      },
    };
  }
  // Forward-Euler convention (snnTorch, Norse, Lava exporters): β = 1 − dt/τ_NIR.
  // SpikingJelly: H = βV + (1 − β)X with decay_input (r = 1), H = βV + X without (r = 1/(1 − β)).
  const beta = 1 - 1 / n.tau;
  return {
    type: 'LIF',
    params: { tau: fill(dt / (1 - beta)), r: fill(n.decayInput ? 1 : 1 / (1 - beta)), v_leak: fill(0), v_threshold: fill(n.vThreshold), v_reset: fill(n.vReset) },
  };
}

/**
 * Express a float network as a NIR graph: `input → (Conv2d → LIF|IF|CubaLIF)* → SumPool2d? →
 * flatten? → (Affine|Linear → LIF|IF|CubaLIF)+ → output`. Shapes are PyTorch's CHW: an NHWC image
 * input `[H, W, C]` becomes `Input [C, H, W]` (the float network's dense weights are already in
 * CHW column order). An average pool folded into a dense layer is written as NIR's `SumPool2d`
 * (kernel = stride = k, no padding) followed by the Affine/Linear with the pooled weights / k².
 * Neuron parameters follow NIR's equations under forward Euler at `dt` (default 1e-4): LIF
 * `tau = dt·τ`, `r = 1` (decay_input) or `τ`; IF `r = 1/dt`; CubaLIF `w_in = τ_syn`, `r = τ_mem`.
 *
 * @example
 * ```ts
 * const graph = toNirGraph(describeNetwork(model, { inputShape: [28, 28, 1], target: 'NIR' }));
 * ```
 */
export function toNirGraph(network: NetworkDescription | FloatNetwork, options: { dt?: number } = {}): NirGraph {
  // Core's chip-neutral description, or the same in Loihi's layouts (what quantisation keeps as its source).
  if ('weights' in network && network.weights === 'integer')
    throw new SpikeflowError('invalid-options', 'NIR takes the float parameters of a network; this description holds integer weights');
  const net = 'weights' in network ? toFloatNetwork(network) : network;
  const dt = options.dt ?? NIR_DT;
  const nodes: Record<string, NirNode> = {};
  const edges: Array<[string, string]> = [];
  const ints = (v: readonly number[]): NirValue => ({ data: Float64Array.from(v), shape: [v.length] });
  const shape = net.inputShape;
  let image: readonly number[] | null = shape.length === 3 ? [shape[2], shape[0], shape[1]] : null;
  nodes.input = { type: 'Input', params: { shape: ints(image ?? [shape.reduce((a, b) => a * b, 1)]) } };
  let prev = 'input';
  net.layers.forEach((l, i) => {
    const fc = l.kind === 'conv' ? `conv${i}` : `fc${i}`;
    const nn = `lif${i}`;
    if (l.kind === 'conv') {
      const [O, C, kh, kw] = [l.outShape[0], l.inShape[0], l.kernel[0], l.kernel[1]];
      nodes[fc] = {
        type: 'Conv2d',
        params: {
          weight: arr(l.weight, [O, C, kh, kw]),
          bias: arr(l.bias ?? new Float32Array(O)),
          stride: ints(l.stride),
          padding: ints(l.padding),
          dilation: ints([1, 1]),
          groups: 1,
          input_shape: ints(l.inShape),
        },
      };
      image = l.outShape;
    } else {
      let weight = l.weight;
      let inFeatures = l.inFeatures;
      if (l.pool) {
        // spikeflow's AvgPool2d = SumPool2d, then 1/k² — which the folded weights already hold:
        // each pooled input's weight is W/k² at every position of its window, so the weight of
        // the window's first position is what the Affine after a SumPool2d needs.
        const k = l.pool.kernel;
        const [C, H, W] = l.pool.inShape;
        const [PH, PW] = [H / k, W / k];
        const pool = `pool${i}`;
        nodes[pool] = { type: 'SumPool2d', params: { kernel_size: ints([k, k]), stride: ints([k, k]), padding: ints([0, 0]) } };
        edges.push([prev, pool]);
        prev = pool;
        image = [C, PH, PW];
        inFeatures = C * PH * PW;
        weight = new Float32Array(l.outFeatures * inFeatures);
        for (let o = 0; o < l.outFeatures; o++)
          for (let c = 0; c < C; c++)
            for (let y = 0; y < PH; y++)
              for (let x = 0; x < PW; x++) {
                weight[o * inFeatures + (c * PH + y) * PW + x] = l.weight[o * l.inFeatures + (c * H + y * k) * W + x * k];
              }
      }
      if (image) {
        const flat = 'flatten'; // a chain leaves images at most once
        nodes[flat] = { type: 'Flatten', params: { start_dim: 0, end_dim: -1, input_type: ints(image) } };
        edges.push([prev, flat]);
        prev = flat;
        image = null;
      }
      nodes[fc] = l.bias
        ? { type: 'Affine', params: { weight: arr(weight, [l.outFeatures, inFeatures]), bias: arr(l.bias) } }
        : { type: 'Linear', params: { weight: arr(weight, [l.outFeatures, inFeatures]) } };
    }
    nodes[nn] = neuronNode(l.neuron, l.kind === 'conv' ? l.outShape : [l.outFeatures], dt);
    edges.push([prev, fc], [fc, nn]);
    prev = nn;
  });
  const last = net.layers[net.layers.length - 1];
  nodes.output = { type: 'Output', params: { shape: ints(last.kind === 'conv' ? last.outShape : [last.outFeatures]) } };
  edges.push([prev, 'output']);
  return { version: NIR_VERSION, nodes, edges };
}

/**
 * Write a NIR graph as NIR's HDF5 serialisation does: `/version` (string), `/node/type = "NIRGraph"`,
 * `/node/nodes/<name>/{type, params...}` (float32 arrays, int64 shapes and dims) and
 * `/node/edges` (an n×2 array of strings). The write is atomic.
 *
 * @example
 * ```ts
 * await writeNir('mlp.nir', toNirGraph(readFloatNetwork(model, [28, 28, 1])));
 * ```
 */
export async function writeNir(file: string, graph: NirGraph): Promise<void> {
  await writeH5Atomic(file, (f) => {
    f.create_dataset({ name: 'version', data: graph.version });
    const node = ensureGroup(f, ['node']);
    node.create_dataset({ name: 'type', data: 'NIRGraph' });
    const nodes = ensureGroup(node, ['nodes']);
    for (const [name, n] of Object.entries(graph.nodes)) {
      const g = ensureGroup(nodes, [name]);
      g.create_dataset({ name: 'type', data: n.type });
      for (const [k, v] of Object.entries(n.params)) {
        if (typeof v === 'string') g.create_dataset({ name: k, data: v });
        else if (typeof v === 'number') writeInt(g, k, v);
        else if (v.data instanceof Float64Array) g.create_dataset({ name: k, data: BigInt64Array.from(v.data, (x) => BigInt(x)), shape: [...v.shape], dtype: '<q' });
        else g.create_dataset({ name: k, data: v.data, shape: [...v.shape], dtype: '<f' });
      }
    }
    node.create_dataset({ name: 'edges', data: graph.edges.flatMap(([a, b]) => [a, b]), shape: [graph.edges.length, 2], dtype: 'S' });
  });
}

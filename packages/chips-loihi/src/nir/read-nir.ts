import { SpikeflowError } from '@spikeflow/core';
import type { Group as H5Group } from 'h5wasm/node';
import { datasetValue, loadH5, openH5 } from '../netx/h5.js';
import type { NirGraph, NirNode, NirValue } from './nir-graph.js';

/**
 * Read a NIR HDF5 file (one graph level; nested graphs are refused with `not-supported`).
 * Integer arrays come back as Float64Array, float arrays as Float32Array.
 *
 * @example
 * ```ts
 * const g = await readNir('mlp.nir');
 * g.edges; // [['input', 'flatten'], ['flatten', 'fc0'], ...]
 * ```
 */
export async function readNir(file: string): Promise<NirGraph> {
  const h5 = await loadH5();
  const f = await openH5(file, 'NIR file');
  try {
    const versionDs = f.get('version');
    const node = f.get('node');
    if (!(node instanceof h5.Group)) throw new SpikeflowError('format-unknown', `NIR file '${file}' has no /node group`);
    const typeDs = node.get('type');
    const graphType = typeDs instanceof h5.Dataset ? String(datasetValue(typeDs).value) : '';
    if (graphType !== 'NIRGraph') throw new SpikeflowError('format-unknown', `NIR file '${file}': /node/type is '${graphType}', expected 'NIRGraph'`);
    const nodesG = node.get('nodes');
    const edgesDs = node.get('edges');
    if (!(nodesG instanceof h5.Group) || !(edgesDs instanceof h5.Dataset)) throw new SpikeflowError('format-unknown', `NIR file '${file}' lacks /node/nodes or /node/edges`);
    const nodes: Record<string, NirNode> = {};
    for (const name of nodesG.keys()) {
      const g = nodesG.get(name) as H5Group;
      const params: Record<string, NirValue> = {};
      let type = '';
      for (const k of g.keys()) {
        const e = g.get(k);
        if (!(e instanceof h5.Dataset)) {
          if (k === 'metadata') continue;
          throw new SpikeflowError('not-supported', `NIR node '${name}' has a nested group '${k}' (subgraphs are not supported)`);
        }
        const { value, shape } = datasetValue(e);
        if (k === 'type') type = String(value);
        else if (typeof value === 'string' || typeof value === 'number') params[k] = value;
        else if (value instanceof Float32Array) params[k] = { data: value, shape };
        else if (ArrayBuffer.isView(value)) params[k] = { data: Float64Array.from(value as unknown as ArrayLike<number>), shape };
        else if (Array.isArray(value)) params[k] = { data: Float64Array.from(value.map(Number)), shape };
      }
      nodes[name] = { type, params };
    }
    const flat = datasetValue(edgesDs).value as unknown;
    const list = Array.isArray(flat) ? flat.map(String) : [];
    const edges: Array<[string, string]> = [];
    for (let i = 0; i + 1 < list.length; i += 2) edges.push([list[i], list[i + 1]]);
    const version = versionDs instanceof h5.Dataset ? String(datasetValue(versionDs).value) : '';
    return { version, nodes, edges };
  } finally {
    f.close();
  }
}

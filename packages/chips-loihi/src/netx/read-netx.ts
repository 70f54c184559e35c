import { SpikeflowError } from '@spikeflow/core';
import type { Dataset as H5Dataset, Group as H5Group } from 'h5wasm/node';
import { datasetValue, loadH5, openH5 } from './h5.js';
import type { NetxArray, NetxFile, NetxLayer } from './netx-file.js';

type Scalarish = number | string | readonly number[];

function toArray(d: H5Dataset): NetxArray {
  const { value, shape, dtype } = datasetValue(d);
  const flat = typeof value === 'number' ? [value] : (value as ArrayLike<number>);
  return { data: Float64Array.from(flat as ArrayLike<number>), shape, dtype };
}

function toScalarish(d: H5Dataset): Scalarish {
  const { value } = datasetValue(d);
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) {
    // netx decodes element 0 of a string array.
    if (value.length > 0 && typeof value[0] === 'string') return value[0] as string;
    return value.map(Number);
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  return String(value);
}

/**
 * Read a lava-dl netx `.net` file (written by lava-dl or by {@link writeNetx}) into plain values,
 * with h5wasm: every `/layer/<i>` in index order, its `type` (decoded as netx does: element 0 of a
 * string array), `shape`, `weight`, `bias`, `delay`, `neuron/*` and other fields.
 *
 * @example
 * ```ts
 * const net = await readNetx('/work/shared/data/netx/tiny.net');
 * net.layers.map((l) => l.type); // ['input', 'conv', 'conv']
 * ```
 */
export async function readNetx(file: string): Promise<NetxFile> {
  const h5 = await loadH5();
  const f = await openH5(file, 'netx file');
  try {
    const root = f.get('layer');
    if (!(root instanceof h5.Group)) throw new SpikeflowError('format-unknown', `netx file '${file}' has no /layer group`);
    const keys = root
      .keys()
      .filter((k) => /^\d+$/.test(k))
      .map(Number)
      .sort((a, b) => a - b);
    keys.forEach((k, i) => {
      if (k !== i) throw new SpikeflowError('format-unknown', `netx file '${file}': layers must be numbered 0..n-1, found /layer/${k} at position ${i}`);
    });
    const layers: NetxLayer[] = keys.map((k) => {
      const g = root.get(String(k)) as H5Group;
      const get = (name: string) => {
        const e = g.get(name);
        return e instanceof h5.Dataset ? e : null;
      };
      const typeDs = get('type');
      if (!typeDs) throw new SpikeflowError('format-unknown', `netx file '${file}': /layer/${k} has no 'type'`);
      const type = String(toScalarish(typeDs));
      const shapeDs = get('shape');
      const shape = shapeDs ? Array.from(toArray(shapeDs).data) : [];
      const fields: Record<string, Scalarish> = {};
      let neuron: Record<string, Scalarish> | undefined;
      for (const name of g.keys()) {
        const e = g.get(name);
        if (name === 'neuron' && e instanceof h5.Group) {
          neuron = {};
          for (const nk of e.keys()) {
            const nd = e.get(nk);
            if (nd instanceof h5.Dataset) neuron[nk] = toScalarish(nd);
          }
        } else if (e instanceof h5.Dataset && !['type', 'shape', 'weight', 'bias', 'delay'].includes(name)) {
          fields[name] = toScalarish(e);
        }
      }
      const w = get('weight');
      const b = get('bias');
      const d = get('delay');
      return { index: k, type, shape, weight: w ? toArray(w) : undefined, bias: b ? toArray(b) : undefined, delay: d ? toArray(d) : undefined, neuron, fields };
    });
    const attrs: Record<string, unknown> = {};
    for (const [name, a] of Object.entries(f.attrs)) {
      const v = a.value as unknown;
      attrs[name] =
        typeof v === 'bigint' ? Number(v) : ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1 ? Number((v as unknown as ArrayLike<number>)[0]) : v;
    }
    return { layers, attrs };
  } finally {
    f.close();
  }
}

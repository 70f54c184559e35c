import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { quantizeNetwork } from './quantize/quantize.js';
import { writeNetx } from './netx/write-netx.js';
import { toNirGraph, writeNir } from './nir/write-nir.js';
import { randomFloatNetwork } from './test-utils/fixtures.js';
import { chainEdges } from './test-utils/same-spikes.js';

// The readers netx and NIR actually use are h5py; run it (Debian's python3-h5py) on our files.
const PYTHON = process.env.SPIKEFLOW_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
const haveH5py = probe.status === 0;
if (!haveH5py) console.warn(`skipping the h5py interoperability tests: ${PYTHON} cannot import h5py (install python3-h5py)`);

function python(script: string, file: string): unknown {
  const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// The reads of lava-dl netx's NetDict / hdf5.Network, written out (facts from netx/utils.py, hdf5.py).
const NETX_READ = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
out = []
for i in range(len(f['layer'])):
    g = f['layer'][f'{i}']
    t = g['type']
    t = (t[0] if len(t.shape) > 0 else t[()]).decode('ascii')
    n = g['neuron']
    nt = n['type']
    nt = (nt[0] if len(nt.shape) > 0 else nt[()]).decode('ascii')
    w = g['weight'][()]
    out.append({
        'type': t, 'shape': [int(x) for x in g['shape'][()][::-1]],
        'weight_shape': list(w.shape), 'weight_dtype': str(w.dtype),
        'weight_integer': bool(np.all(w == w.astype(int))),
        'weight': w.astype(int).reshape(-1).tolist(),
        'bias': g['bias'][()].astype(int).tolist() if 'bias' in g.keys() else None,
        'neuron': {'type': nt, 'du': int(n['iDecay'][()]) - 1, 'dv': int(n['vDecay'][()]), 'vth': int(n['vThMant'][()])},
    })
print(json.dumps({'layers': out, 'input_message_bits': int(f.attrs['input_message_bits'])}))
`;

// nir.read's checks: node["type"][()] == b"...", edges decoded from an n×2 array of byte strings.
const NIR_READ = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
node = f['node']
nodes = {}
for k, n in node['nodes'].items():
    nodes[k] = {'type': n['type'][()].decode('utf8'), 'keys': sorted(n.keys())}
    if n['type'][()] == b'LIF':
        nodes[k]['tau'] = float(n['tau'][()][0]); nodes[k]['r'] = float(n['r'][()][0])
print(json.dumps({'version': f['version'][()].decode('utf8'), 'type': node['type'][()].decode('utf8'),
  'edges': [[a.decode('utf8'), b.decode('utf8')] for a, b in node['edges'][()]], 'nodes': nodes}))
`;

describe.skipIf(!haveH5py)('h5py reads our files the way netx and NIR do', () => {
  it('netx: types, reversed shapes, integer weights (out, in), biases and CUBA neuron fields', async () => {
    const q = quantizeNetwork(randomFloatNetwork([24, 10, 4], 17, { bias: true }), { inputBits: 5 });
    const file = path.join(tempDir('loihi-h5py-'), 'net.net');
    await writeNetx(file, q);
    const r = python(NETX_READ, file) as { layers: Array<Record<string, any>>; input_message_bits: number };
    expect(r.input_message_bits).toBe(5);
    r.layers.forEach((l, i) => {
      const src = q.spec.layers[i];
      expect(l).toMatchObject({ type: 'dense', shape: [src.outFeatures], weight_shape: [src.outFeatures, src.inFeatures], weight_dtype: 'float32', weight_integer: true });
      expect(l.weight).toEqual(Array.from(src.weights));
      expect(l.bias).toEqual(Array.from(src.neuron.biasMant as Int32Array));
      expect(l.neuron).toEqual({ type: 'CUBA', du: src.neuron.du, dv: src.neuron.dv, vth: src.neuron.vth });
    });
  });

  it('NIR: version, NIRGraph, node types and the edge list decode as nir.read expects', async () => {
    const file = path.join(tempDir('loihi-h5py-'), 'net.nir');
    await writeNir(file, toNirGraph(randomFloatNetwork([6, 4, 2], 3)));
    const r = python(NIR_READ, file) as Record<string, any>;
    expect(r.type).toBe('NIRGraph');
    expect(r.version).toBe('1.0.7');
    expect(r.edges).toEqual(chainEdges('fc0', 'lif0', 'fc1', 'lif1'));
    expect(r.nodes.fc0).toEqual({ type: 'Linear', keys: ['type', 'weight'] });
    expect(r.nodes.lif0.keys).toEqual(['r', 'tau', 'type', 'v_leak', 'v_reset', 'v_threshold']);
    expect(r.nodes.lif0.tau).toBeCloseTo(2e-4, 10);
    expect(r.nodes.lif0.r).toBe(1);
    expect(r.nodes.input.keys).toEqual(['shape', 'type']);
  });
});

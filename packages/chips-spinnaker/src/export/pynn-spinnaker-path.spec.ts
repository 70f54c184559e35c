// The script's default sPyNNaker path (IF_curr_delta, list spike times, one step of latency per
// layer, i_offset per sample) run against a stand-in pyNN.spiNNaker that simulates sPyNNaker's
// step order in Python (test-utils/fake_spinnaker.py): no board is needed, and the spike trains
// must equal spikeflow's reference simulation.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cubaParameters } from '../network/cuba-parameters.js';
import { neuronParameters } from '../network/neuron-parameters.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { simulateReference } from '../reference/reference-simulator.js';
import { PYTHON, pythonHas } from '../test-utils/python.js';
import { exportNetwork } from './export-network.js';

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-utils', 'fake_spinnaker.py');
const py = pythonHas('numpy', 'pyNN');
if (!py.ok) console.warn(`skipped the script's sPyNNaker-path test: ${py.reason}`);

function rnd(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function trains(spikes: Uint8Array, T: number, n: number): number[][] {
  return Array.from({ length: n }, (_, j) => Array.from({ length: T }, (_, t) => t).filter((t) => spikes[t * n + j]));
}

async function runScript(dir: string): Promise<{ latency: Record<string, number>; samples: Array<{ spikes: Record<string, number[][]> }> }> {
  await promisify(execFile)(PYTHON, [FAKE, path.join(dir, 'run.py'), '--out', path.join(dir, 'spikes.json')], { timeout: 120_000 });
  return JSON.parse(readFileSync(path.join(dir, 'spikes.json'), 'utf8'));
}

describe.skipIf(!py.ok)('run.py on (a stand-in for) pyNN.spiNNaker', () => {
  const lif = neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }, 1);

  it('spike input: 8 → 6 → 3 with signed weights, 3 samples', async () => {
    const r = rnd(11);
    const w = (n: number) => Float32Array.from({ length: n }, () => (r() - 0.35) * 2.5);
    const net: SpinnakerNetwork = {
      dtMs: 1,
      timeSteps: 20,
      input: { kind: 'spikes', size: 8 },
      populations: [6, 3].map((size, k) => ({ name: `layer${k + 1}`, size, cellType: 'IF_curr_delta' as const, params: lif, vInit: 0, origin: 'test' })),
      projections: [
        { name: 'input-layer1', pre: 'input', post: 'layer1', weights: w(48), preSize: 8, postSize: 6, delaySteps: 1 },
        { name: 'layer1-layer2', pre: 'layer1', post: 'layer2', weights: w(18), preSize: 6, postSize: 3, delaySteps: 1 },
      ],
    };
    const rasters = [0, 1, 2].map(() => Uint8Array.from({ length: 20 * 8 }, () => (r() < 0.3 ? 1 : 0)));
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-spinn-fake-'));
    await exportNetwork(dir, net, { samples: { kind: 'spikes', rasters } });
    const out = await runScript(dir);
    expect(out.latency).toEqual({ layer1: 1, layer2: 2 });
    let total = 0;
    rasters.forEach((raster, s) => {
      const ref = simulateReference(net, { spikes: raster });
      for (const p of net.populations) {
        const expected = trains(ref.get(p.name)!, 20, p.size);
        total += expected.flat().length;
        expect(out.samples[s].spikes[p.name], `sample ${s} ${p.name}`).toEqual(expected);
      }
    });
    expect(total).toBeGreaterThan(30);
  });

  it('current input: i_offset per sample, then 5 → 2', async () => {
    const r = rnd(5);
    const net: SpinnakerNetwork = {
      dtMs: 1,
      timeSteps: 10,
      input: { kind: 'current', size: 4, offchip: { weight: new Float32Array(20), bias: null, inFeatures: 4, outFeatures: 5 } },
      populations: [5, 2].map((size, k) => ({ name: `layer${k + 1}`, size, cellType: 'IF_curr_delta' as const, params: lif, vInit: 0, origin: 'test' })),
      projections: [
        { name: 'layer1-layer2', pre: 'layer1', post: 'layer2', weights: Float32Array.from({ length: 10 }, () => (r() - 0.3) * 3), preSize: 5, postSize: 2, delaySteps: 1 },
      ],
    };
    const currents = Float32Array.from({ length: 2 * 5 }, () => r() * 2.5);
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-spinn-fake-'));
    await exportNetwork(dir, net, { samples: { kind: 'currents', count: 2, currents } });
    const out = await runScript(dir);
    expect(out.latency).toEqual({ layer1: 0, layer2: 1 });
    for (let s = 0; s < 2; s++) {
      const ref = simulateReference(net, { currents: currents.subarray(s * 5, s * 5 + 5) });
      for (const p of net.populations) expect(out.samples[s].spikes[p.name], `sample ${s} ${p.name}`).toEqual(trains(ref.get(p.name)!, 10, p.size));
    }
  });

  it('CUBA-LIF spike input: IF_curr_exp, trained weights as they are, V_reset ≠ 0 started ahead of the pipeline', async () => {
    const r = rnd(23);
    const w = (n: number) => Float32Array.from({ length: n }, () => (r() - 0.35) * 1.6);
    const params = [cubaParameters({ tauSyn: 2, tauMem: 4, vThreshold: 1, vReset: 0 }, 1), cubaParameters({ tauSyn: 3, tauMem: 2, vThreshold: 0.8, vReset: -0.3 }, 1)];
    const net: SpinnakerNetwork = {
      dtMs: 1,
      timeSteps: 25,
      input: { kind: 'spikes', size: 8 },
      populations: [6, 3].map((size, k) => ({ name: `layer${k + 1}`, size, cellType: 'IF_curr_exp' as const, params: params[k], vInit: params[k].v_reset, origin: 'test' })),
      projections: [
        { name: 'input-layer1', pre: 'input', post: 'layer1', weights: w(48), preSize: 8, postSize: 6, delaySteps: 1 },
        { name: 'layer1-layer2', pre: 'layer1', post: 'layer2', weights: w(18), preSize: 6, postSize: 3, delaySteps: 1 },
      ],
    };
    const rasters = [0, 1, 2].map(() => Uint8Array.from({ length: 25 * 8 }, () => (r() < 0.3 ? 1 : 0)));
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-spinn-fake-'));
    await exportNetwork(dir, net, { samples: { kind: 'spikes', rasters } });
    const out = await runScript(dir);
    expect(out.latency).toEqual({ layer1: 1, layer2: 2 });
    const totals = { layer1: 0, layer2: 0 } as Record<string, number>;
    rasters.forEach((raster, s) => {
      const ref = simulateReference(net, { spikes: raster });
      for (const p of net.populations) {
        const expected = trains(ref.get(p.name)!, 25, p.size);
        totals[p.name] += expected.flat().length;
        expect(out.samples[s].spikes[p.name], `sample ${s} ${p.name}`).toEqual(expected);
      }
    });
    expect(totals.layer1).toBeGreaterThan(20);
    expect(totals.layer2).toBeGreaterThan(5);
  });

  it('CUBA-LIF current input: i_offset and the initial isyn_exc set per sample', async () => {
    const r = rnd(8);
    const params = cubaParameters({ tauSyn: 2.5, tauMem: 3, vThreshold: 1, vReset: 0 }, 1);
    const net: SpinnakerNetwork = {
      dtMs: 1,
      timeSteps: 12,
      input: { kind: 'current', size: 4, offchip: { weight: new Float32Array(20), bias: null, inFeatures: 4, outFeatures: 5 } },
      populations: [5, 2].map((size, k) => ({ name: `layer${k + 1}`, size, cellType: 'IF_curr_exp' as const, params, vInit: 0, origin: 'test' })),
      projections: [
        { name: 'layer1-layer2', pre: 'layer1', post: 'layer2', weights: Float32Array.from({ length: 10 }, () => (r() - 0.3) * 1.5), preSize: 5, postSize: 2, delaySteps: 1 },
      ],
    };
    const currents = Float32Array.from({ length: 2 * 5 }, () => r() * 0.8);
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-spinn-fake-'));
    await exportNetwork(dir, net, { samples: { kind: 'currents', count: 2, currents } });
    const out = await runScript(dir);
    expect(out.latency).toEqual({ layer1: 0, layer2: 1 });
    let total = 0;
    for (let s = 0; s < 2; s++) {
      const ref = simulateReference(net, { currents: currents.subarray(s * 5, s * 5 + 5) });
      for (const p of net.populations) {
        const expected = trains(ref.get(p.name)!, 12, p.size);
        total += expected.flat().length;
        expect(out.samples[s].spikes[p.name], `sample ${s} ${p.name}`).toEqual(expected);
      }
    }
    expect(total).toBeGreaterThan(10);
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { decodeSafetensors, encodeSafetensors } from '@spikeflow/core';
import { raster, singleLayer } from '../test-utils/networks.js';
import { PYTHON, pythonHas } from '../test-utils/python.js';
import { decodeNetworkFile, encodeNetworkFile, readNetworkFile } from './data-file.js';
import { exportNetwork } from './export-network.js';
import { layerLatency, pynnScript } from './pynn-script.js';

describe('network data file', () => {
  it('round-trips a spike-input network with samples and labels', async () => {
    const net = singleLayer(
      [
        [0.5, -0.25],
        [1, 0],
      ],
      3,
    );
    const rasters = [
      raster(3, 2, [
        [0, 0],
        [2, 1],
      ]),
      raster(3, 2, []),
    ];
    const dir = tempDir('sf-spinn-');
    const files = await exportNetwork(dir, net, { simulator: 'brian2', samples: { kind: 'spikes', rasters, labels: Int32Array.from([1, 0]) } });
    const back = await readNetworkFile(files.data);
    expect(back.network.populations).toEqual(net.populations);
    expect(Array.from(back.network.projections[0].weights)).toEqual([0.5, -0.25, 1, 0]);
    expect(back.samples?.kind).toBe('spikes');
    if (back.samples?.kind !== 'spikes') return;
    expect(back.samples.rasters.map((r) => Array.from(r))).toEqual(rasters.map((r) => Array.from(r)));
    expect(Array.from(back.samples.labels!)).toEqual([1, 0]);
    // It is plain safetensors: the events tensor is (sample, step, neuron) rows. (Copied into a
    // Uint8Array: core's decoder mis-reads a pooled Node Buffer, whose slice() is a view.)
    const raw = decodeSafetensors(new Uint8Array(readFileSync(files.data)));
    expect(Array.from(raw.tensors.get('samples/spikes')!.data)).toEqual([0, 0, 0, 0, 2, 1]);
    expect(JSON.parse(raw.metadata.network).populations[0].params.v_thresh).toBe(1);
    expect(readFileSync(files.script, 'utf8')).toContain('DEFAULT_SIMULATOR = "brian2"');
  });

  it('rejects files that are not spikeflow networks or whose tensors do not match the description', () => {
    const other = encodeSafetensors(new Map(), { format: 'something-else' });
    expectSpikeflowError(() => decodeNetworkFile(other, 'x.safetensors'), 'format-unknown', 'x.safetensors');
    // Swap the weight tensor for one of the wrong shape.
    const good = decodeSafetensors(encodeNetworkFile(singleLayer([[1, 2]], 2)));
    good.tensors.set('projection/input-layer1/weight', { dtype: 'F32', shape: [2, 1], data: Float32Array.from([1, 2]) });
    expectSpikeflowError(() => decodeNetworkFile(encodeSafetensors(good.tensors, good.metadata), 'y'), 'dataset-corrupt', 'expected F32 [1,2]');
  });

  it('rejects samples that do not fit the network', () => {
    expectSpikeflowError(() => encodeNetworkFile(singleLayer([[1]], 4), { kind: 'spikes', rasters: [new Uint8Array(3)] }), 'shape-mismatch');
  });
});

describe('PyNN script', () => {
  it("imports pyNN.spiNNaker by default and knows each simulator's layer latency", () => {
    const script = pynnScript();
    expect(script).toContain('DEFAULT_SIMULATOR = "spinnaker"');
    expect(script).toContain('import pyNN.spiNNaker as sim');
    expect(script).toContain('sim.IF_curr_delta(**params)');
    expect(layerLatency('spinnaker', 'spikes', 0)).toBe(1);
    expect(layerLatency('spinnaker', 'current', 1)).toBe(1);
    expect(layerLatency('brian2', 'spikes', 1)).toBe(4);
    // IF_curr_exp: sPyNNaker still 1 per layer; NEST 2 (its current reaches V a step later).
    expect(layerLatency('nest', 'spikes', 1)).toBe(2);
    expect(layerLatency('nest', 'spikes', 1, ['IF_curr_exp', 'IF_curr_exp'])).toBe(4);
    expect(layerLatency('nest', 'current', 1, ['IF_curr_exp', 'IF_curr_delta'])).toBe(1);
    expect(layerLatency('spinnaker', 'spikes', 1, ['IF_curr_exp', 'IF_curr_exp'])).toBe(2);
    expect(layerLatency('brian2', 'current', 1, ['IF_curr_exp', 'IF_curr_exp'])).toBe(2);
    expectSpikeflowError(() => pynnScript('loihi' as never), 'invalid-options');
  });

  const py = pythonHas('numpy');
  it.skipIf(!py.ok)('is valid Python that reads the data file', () => {
    // Compile the script and run its reader on an export, without any PyNN back end.
    const dir = tempDir('sf-spinn-py-');
    writeFileSync(path.join(dir, 'run.py'), pynnScript());
    writeFileSync(path.join(dir, 'network.safetensors'), encodeNetworkFile(singleLayer([[0.5, -0.25]], 2)));
    const out = execFileSync(
      PYTHON,
      [
        '-c',
        [
          'import sys, json, importlib.util',
          `spec = importlib.util.spec_from_file_location("run", ${JSON.stringify(path.join(dir, 'run.py'))})`,
          'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
          `meta, t = m.read_safetensors(${JSON.stringify(path.join(dir, 'network.safetensors'))})`,
          'print(json.dumps({"w": t["projection/input-layer1/weight"].tolist(), "fmt": meta["format"], "lat": m.latency("brian2", "spikes", 1), "nest": m.latency("nest", "spikes", 1, ["IF_curr_exp", "IF_curr_exp"])}))',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual({
      w: [[0.5, -0.25]],
      fmt: 'spikeflow-spinnaker-network',
      lat: layerLatency('brian2', 'spikes', 1),
      nest: layerLatency('nest', 'spikes', 1, ['IF_curr_exp', 'IF_curr_exp']),
    });
  });
  if (!py.ok) console.warn(`skipped: ${py.reason}`);
});

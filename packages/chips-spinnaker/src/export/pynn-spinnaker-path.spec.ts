// The script's default sPyNNaker path (IF_curr_delta, list spike times, one step of latency per
// layer, i_offset per sample) run against a stand-in pyNN.spiNNaker that simulates sPyNNaker's
// step order in Python (test-utils/fake_spinnaker.py): no board is needed, and the spike trains
// must equal spikeflow's reference simulation.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cubaParameters } from '../network/cuba-parameters.js';
import { neuronParameters } from '../network/neuron-parameters.js';
import type { CellParameters, NetworkSample, SpinnakerNetwork } from '../network/spinnaker-network.js';
import { lcg } from '../test-utils/lcg.js';
import { pythonHas } from '../test-utils/python.js';
import { runExportedScript } from '../test-utils/run-script.js';
import { expectMoreSpikes, expectReferenceTrains } from '../test-utils/spike-trains.js';
import type { ExportSamples } from './data-file.js';

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-utils', 'fake_spinnaker.py');
const py = pythonHas('numpy', 'pyNN');
if (!py.ok) console.warn(`skipped the script's sPyNNaker-path test: ${py.reason}`);

const lif = neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }, 1);
const cuba = [cubaParameters({ tauSyn: 2, tauMem: 4, vThreshold: 1, vReset: 0 }, 1), cubaParameters({ tauSyn: 3, tauMem: 2, vThreshold: 0.8, vReset: -0.3 }, 1)];
const cubaCurrent = cubaParameters({ tauSyn: 2.5, tauMem: 3, vThreshold: 1, vReset: 0 }, 1);

/** One test network: two on-chip populations fed by 8 spike sources (8 → 6 → 3) or by 4 analog inputs off-chip (4 → 5 → 2). */
interface Case {
  readonly name: string;
  readonly seed: number;
  readonly timeSteps: number;
  readonly input: 'spikes' | 'current';
  readonly cellType: 'IF_curr_delta' | 'IF_curr_exp';
  readonly params: readonly [CellParameters, CellParameters];
  /** Population k starts at this voltage. */
  readonly vInit: readonly [number, number];
  /** A weight from a uniform draw `r` in [0, 1). */
  readonly weight: (r: number) => number;
  /** An input current from a uniform draw (current input only). */
  readonly current?: (r: number) => number;
  readonly latency: Record<string, number>;
  /** Reference spikes a population (or `all` of them) must exceed, so that the comparison can fail. */
  readonly moreSpikesThan: Record<string, number>;
}

/** The case's network and samples (3 spike rasters, or 2 current vectors), drawn in this order from `lcg(seed)`. */
function build(c: Case): { net: SpinnakerNetwork; samples: NetworkSample[]; exported: ExportSamples } {
  const r = lcg(c.seed);
  const w = (n: number) => Float32Array.from({ length: n }, () => c.weight(r()));
  const sizes = c.input === 'spikes' ? [6, 3] : [5, 2];
  const populations = sizes.map((size, k) => ({ name: `layer${k + 1}`, size, cellType: c.cellType, params: c.params[k], vInit: c.vInit[k], origin: 'test' }));
  const hidden = { name: 'layer1-layer2', pre: 'layer1', post: 'layer2', preSize: sizes[0], postSize: sizes[1], delaySteps: 1 };
  if (c.input === 'spikes') {
    const net: SpinnakerNetwork = {
      dtMs: 1,
      timeSteps: c.timeSteps,
      input: { kind: 'spikes', size: 8 },
      populations,
      projections: [
        { name: 'input-layer1', pre: 'input', post: 'layer1', weights: w(48), preSize: 8, postSize: 6, delaySteps: 1 },
        { ...hidden, weights: w(18) },
      ],
    };
    const rasters = [0, 1, 2].map(() => Uint8Array.from({ length: c.timeSteps * 8 }, () => (r() < 0.3 ? 1 : 0)));
    return { net, samples: rasters.map((spikes) => ({ spikes })), exported: { kind: 'spikes', rasters } };
  }
  const net: SpinnakerNetwork = {
    dtMs: 1,
    timeSteps: c.timeSteps,
    input: { kind: 'current', size: 4, offchip: { weight: new Float32Array(20), bias: null, inFeatures: 4, outFeatures: 5 } },
    populations,
    projections: [{ ...hidden, weights: w(10) }],
  };
  const currents = Float32Array.from({ length: 2 * 5 }, () => c.current!(r()));
  return { net, samples: [0, 1].map((s) => ({ currents: currents.subarray(s * 5, s * 5 + 5) })), exported: { kind: 'currents', count: 2, currents } };
}

const cases: Case[] = [
  {
    name: 'spike input: 8 → 6 → 3 with signed weights, 3 samples',
    seed: 11,
    timeSteps: 20,
    input: 'spikes',
    cellType: 'IF_curr_delta',
    params: [lif, lif],
    vInit: [0, 0],
    weight: (r) => (r - 0.35) * 2.5,
    latency: { layer1: 1, layer2: 2 },
    moreSpikesThan: { all: 30 },
  },
  {
    name: 'current input: i_offset per sample, then 5 → 2',
    seed: 5,
    timeSteps: 10,
    input: 'current',
    cellType: 'IF_curr_delta',
    params: [lif, lif],
    vInit: [0, 0],
    weight: (r) => (r - 0.3) * 3,
    current: (r) => r * 2.5,
    latency: { layer1: 0, layer2: 1 },
    moreSpikesThan: {},
  },
  {
    name: 'CUBA-LIF spike input: IF_curr_exp, trained weights as they are, V_reset ≠ 0 started ahead of the pipeline',
    seed: 23,
    timeSteps: 25,
    input: 'spikes',
    cellType: 'IF_curr_exp',
    params: [cuba[0], cuba[1]],
    vInit: [cuba[0].v_reset, cuba[1].v_reset],
    weight: (r) => (r - 0.35) * 1.6,
    latency: { layer1: 1, layer2: 2 },
    moreSpikesThan: { layer1: 20, layer2: 5 },
  },
  {
    name: 'CUBA-LIF current input: i_offset and the initial isyn_exc set per sample',
    seed: 8,
    timeSteps: 12,
    input: 'current',
    cellType: 'IF_curr_exp',
    params: [cubaCurrent, cubaCurrent],
    vInit: [0, 0],
    weight: (r) => (r - 0.3) * 1.5,
    current: (r) => r * 0.8,
    latency: { layer1: 0, layer2: 1 },
    moreSpikesThan: { all: 10 },
  },
];

describe.skipIf(!py.ok)('run.py on (a stand-in for) pyNN.spiNNaker', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { net, samples, exported } = build(c);
      const { out } = await runExportedScript(net, exported, { wrapper: FAKE, timeoutMs: 120_000 });
      expect(out.latency).toEqual(c.latency);
      expectMoreSpikes(expectReferenceTrains(net, out, samples), c.moreSpikesThan);
    });
  }
});

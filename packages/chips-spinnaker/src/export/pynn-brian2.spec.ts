// Validation against a real simulator: the exported script runs on PyNN's Brian2 back end and its
// spike trains are compared, spike by spike, with spikeflow's float reference of the same exported
// parameters (which itself gives the trained model's spikes: network/map-model.spec.ts and
// network/map-cuba.spec.ts). LIF layers become IF_curr_delta populations, CUBA-LIF layers
// IF_curr_exp. Needs Debian python3-pynn and python3-brian (/usr/bin/python3).
import { describe, expect, it } from 'vitest';
import type { Module } from '@spikeflow/core';
import { CubaLIFNode, atan } from '@spikeflow/neurons';
import { mapModel } from '../network/map-model.js';
import type { NetworkSample, SpinnakerNetwork } from '../network/spinnaker-network.js';
import { cubaMlp, cubaNeuron, trainCubaNetwork } from '../test-utils/cuba-network.js';
import { randomCurrentSamples } from '../test-utils/current-samples.js';
import { pythonHas } from '../test-utils/python.js';
import { runExportedScript } from '../test-utils/run-script.js';
import { poissonPatterns, SMALL, trainSmallNetwork } from '../test-utils/small-network.js';
import { expectMoreSpikes, expectReferenceTrains, fixedPointTrainDiffs } from '../test-utils/spike-trains.js';
import type { ExportSamples } from './data-file.js';

const brian = pythonHas('pyNN', 'brian2');
if (!brian.ok) console.warn(`skipped PyNN+Brian2 validation: ${brian.reason}`);

/**
 * Runs the script on Brian2 and expects its latency and the reference spike trains in every layer;
 * logs how the s16.15 simulator does on the same samples. Returns the reference's spike count per
 * population and what the script printed.
 */
async function expectBrian2Trains(
  net: SpinnakerNetwork,
  exported: ExportSamples,
  samples: NetworkSample[],
  latency: Record<string, number>,
): Promise<{ counts: Record<string, number>; stdout: string }> {
  const { out, stdout } = await runExportedScript(net, exported, { simulator: 'brian2' });
  expect(out.simulator).toBe('brian2');
  expect(out.latency).toEqual(latency);
  const counts = expectReferenceTrains(net, out, samples);
  const cells = net.populations.map((p) => `${p.size} ${p.cellType}`).join(' → ');
  console.info(
    `PyNN+Brian2 vs reference (${cells}, ${net.input.kind} input): ${JSON.stringify(counts)} spikes in ${samples.length} samples × ${net.timeSteps} steps, 0 mismatched; s16.15 simulator: ${fixedPointTrainDiffs(net, samples)} neuron trains differ${out.accuracy === undefined ? '' : `; Brian2 accuracy ${out.accuracy}`}`,
  );
  return { counts, stdout };
}

describe.skipIf(!brian.ok)('PyNN + Brian2 runs the exported script with the reference spike trains', () => {
  const trained: Array<{ neuron: string; train: () => Module; moreSpikesThan: Record<string, number> }> = [
    { neuron: 'LIF τ = 2', train: () => trainSmallNetwork(60), moreSpikesThan: { all: 100 } },
    { neuron: 'CUBA-LIF, output layer τ_syn = 3, τ_mem = 2, V_reset = −0.2', train: () => trainCubaNetwork(30), moreSpikesThan: { layer1: 100, layer2: 20 } },
  ];
  for (const { neuron, train, moreSpikesThan } of trained) {
    it(`spike input, trained 20 → 10 → 4 (${neuron}), 60 steps: identical spike trains in every layer`, async () => {
      const model = train();
      const net = mapModel(model, { timeSteps: SMALL.timeSteps, input: 'spikes' });
      model.dispose();
      const { rasters, labels } = poissonPatterns(4, 4242);
      const samples = rasters.map((spikes) => ({ spikes }));
      const { counts, stdout } = await expectBrian2Trains(net, { kind: 'spikes', rasters, labels }, samples, { layer1: 2, layer2: 4 });
      expect(stdout).toContain('accuracy');
      // The comparison is not vacuous: both layers fire.
      expectMoreSpikes(counts, moreSpikesThan);
    }, 600_000); // Brian2 compiles and runs 4 samples × 60 steps; slow on a loaded machine
  }

  it('CUBA-LIF current input with a bias, 12 → 8 → 3, 30 steps: i_offset and initial isyn_exc per sample; τ_syn = τ_mem = 3 at the output', async () => {
    // Equal time constants take the script's detour around Brian2's exact integrator (which
    // divides by τ_m − τ_syn): τ_syn is moved by 1e−8 relative.
    const neuron = (layer: number) => (layer === 0 ? cubaNeuron(0) : new CubaLIFNode({ tauSyn: 3, tauMem: 3, vReset: -0.2, vThreshold: 0.9, surrogate: atan() }));
    const model = cubaMlp(12, 8, 3, 5, 2, neuron);
    const net = mapModel(model, { timeSteps: 30, input: 'current' });
    model.dispose();
    const { currents, samples } = randomCurrentSamples(net, 4, 9);
    const { counts } = await expectBrian2Trains(net, { kind: 'currents', count: 4, currents }, samples, { layer1: 0, layer2: 2 });
    expectMoreSpikes(counts, { layer1: 100, layer2: 20 });
  }, 600_000);
});

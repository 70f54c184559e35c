import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { neuronParameters } from '../network/neuron-parameters.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { assertFits, formatResourceReport, mapResources } from './resource-mapper.js';
import { SPINNAKER1 } from './spinnaker-machine.js';

const params = neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }, 1);

function net(sizes: number[], weight: (pre: number, post: number, layer: number) => number, input: 'spikes' | 'current' = 'spikes'): SpinnakerNetwork {
  const populations = sizes.slice(1).map((size, k) => ({ name: `layer${k + 1}`, size, cellType: 'IF_curr_delta' as const, params, vInit: 0, origin: 'test' }));
  const projections = sizes.slice(1).map((size, k) => {
    const pre = sizes[k];
    const w = new Float32Array(pre * size);
    for (let i = 0; i < pre; i++) for (let j = 0; j < size; j++) w[i * size + j] = weight(i, j, k);
    return { name: `p${k}`, pre: k === 0 ? 'input' : `layer${k}`, post: `layer${k + 1}`, weights: w, preSize: pre, postSize: size, delaySteps: 1 };
  });
  const inp =
    input === 'spikes'
      ? { kind: 'spikes' as const, size: sizes[0] }
      : { kind: 'current' as const, size: sizes[0], offchip: { weight: new Float32Array(0), bias: null, inFeatures: 0, outFeatures: 0 } };
  return { dtMs: 1, timeSteps: 8, input: inp, populations: input === 'spikes' ? populations : populations, projections: input === 'spikes' ? projections : projections.slice(1) };
}

describe('mapResources (hand counts)', () => {
  it('counts cores, chips, rows and bytes of a dense 300 → 600 → 10 network', () => {
    // Cores: input ⌈300/256⌉ = 2, layer1 ⌈600/256⌉ = 3 (256, 256, 88), layer2 1 → 6 cores, 1 chip, 1 board.
    // p0 all +1: each of 300 inputs has one excitatory row per layer1 core: 900 rows, 180000 synapses,
    //   bytes 4·(3·900 + 180000) = 730800; the biggest core (256 targets) 4·300·(3 + 256) = 310800.
    // p1 alternates sign by target: each of 600 pre neurons has an exc row (5) and an inh row (5):
    //   1200 rows, 6000 synapses, 4·(3·1200 + 6000) = 38400 bytes.
    const r = mapResources(net([300, 600, 10], (i, j, k) => (k === 0 ? 1 : j % 2 === 0 ? 0.5 : -0.5)));
    expect(r.populations).toEqual([
      { name: 'layer1', neurons: 600, cores: 3, synapses: 180000, rows: 900, synapticBytes: 730800, maxCoreBytes: 310800 },
      { name: 'layer2', neurons: 10, cores: 1, synapses: 6000, rows: 1200, synapticBytes: 38400, maxCoreBytes: 38400 },
    ]);
    expect([r.cores, r.chips, r.boards, r.neurons, r.synapses, r.rows, r.synapticBytes]).toEqual([6, 1, 1, 610, 186000, 2100, 769200]);
    expect(r.fits).toBe(true);
    expect(formatResourceReport(r)).toContain('6 cores, 1 chip(s), 1 board(s)');
  });

  it('leaves out zero weights and empty rows', () => {
    // Only the diagonal of a 4 → 4 layer is connected: 4 rows of one synapse, 4·4·(3 + 1) = 64 bytes.
    const r = mapResources(net([4, 4], (i, j) => (i === j ? 1 : 0)));
    expect(r.populations[0]).toMatchObject({ synapses: 4, rows: 4, synapticBytes: 64 });
  });

  it('uses no input cores when the first layer runs off-chip (lif-mlp: 512 + 10 neurons → 3 cores)', () => {
    const r = mapResources(net([784, 512, 10], () => 0.1, 'current'));
    expect(r.populations.map((p) => p.cores)).toEqual([2, 1]);
    expect([r.cores, r.chips, r.boards]).toEqual([3, 1, 1]);
    expect(r.populations[1]).toMatchObject({ rows: 512, synapses: 5120 });
  });

  it('spills onto more chips and boards: 40000 neurons need 157 cores, 10 chips', () => {
    // ⌈40000/256⌉ = 157 cores + ⌈10/256⌉ = 1 input core = 158 → ⌈158/16⌉ = 10 chips, 1 board.
    const r = mapResources(net([10, 40000], () => 0));
    expect([r.cores, r.chips, r.boards]).toEqual([158, 10, 1]);
  });

  it('reports a population and a network that cannot be placed', () => {
    // 2 boards' worth of neurons on a one-board machine: 200000/256 = 782 cores > 768.
    const big = mapResources(net([8, 200000], () => 0));
    expect(big.fits).toBe(false);
    expect(big.messages.join('\n')).toContain('population layer1 needs 782 cores');
    expect(big.messages.join('\n')).toContain('783 cores on 49 chips (2 board(s))');
    let err: unknown;
    try {
      assertFits(big);
    } catch (e) {
      err = e;
    }
    expect(SpikeflowError.is(err, 'does-not-fit')).toBe(true);
    expect(
      mapResources(
        net([8, 200000], () => 0),
        { ...SPINNAKER1, boards: 2 },
      ).fits,
    ).toBe(true);
    // A core whose rows exceed its SDRAM share (a tiny machine: 16 KiB per chip → 1 KiB per core).
    const tiny = mapResources(
      net([100, 10], () => 1),
      { ...SPINNAKER1, sdramPerChipBytes: 16 * 1024 },
    );
    expect(tiny.fits).toBe(false);
    expect(tiny.messages[0]).toContain("one core's synaptic rows take 5200 bytes"); // 100·4·(3 + 10)
  });

  it('rejects more than 256 neurons per core', () => {
    let err: unknown;
    try {
      mapResources(
        net([2, 2], () => 1),
        { ...SPINNAKER1, neuronsPerCore: 300 },
      );
    } catch (e) {
      err = e;
    }
    expect(SpikeflowError.is(err, 'invalid-options')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { assertFits, formatResourceReport, resourceReport } from './resource-report.js';
import { LOIHI1_LIMITS, LOIHI2_LIMITS } from './loihi-limits.js';
import type { LoihiDenseLayer, LoihiNetworkSpec } from '../simulator/loihi-network.js';

const dense = (inF: number, outF: number): LoihiDenseLayer => ({
  kind: 'dense',
  inFeatures: inF,
  outFeatures: outF,
  weights: new Int32Array(inF * outF),
  weightExp: 0,
  numWeightBits: 8,
  neuron: { du: 4095, dv: 2048, vth: 100, biasMant: 0, biasExp: 6 },
});
const mlp: LoihiNetworkSpec = { inputMessageBits: 4, layers: [dense(784, 512), dense(512, 10)] };

describe('resourceReport (hand-computed)', () => {
  it('lif-mlp on Loihi 2: 784·512 bytes = 392 KiB → 3 cores of 192 KiB; 512·10 → 1 core', () => {
    const r = resourceReport(mlp, LOIHI2_LIMITS);
    expect(r.layers[0]).toEqual({ layer: 0, compartments: 512, synapses: 401_408, synapticBytes: 401_408, cores: 3, limitedBy: 'synaptic-memory' });
    expect(r.layers[1]).toMatchObject({ compartments: 10, synapses: 5120, cores: 1, limitedBy: 'compartments' });
    expect(r.total).toEqual({ compartments: 522, synapses: 406_528, synapticBytes: 406_528, cores: 4, chips: 1 });
    expect(r.fits).toBe(true);
  });
  it('lif-mlp on Loihi 1: 392 KiB / 128 KiB → 4 cores', () => {
    expect(resourceReport(mlp, LOIHI1_LIMITS).layers[0].cores).toBe(4);
  });
  it('compartments bound the cores: 5000 neurons need 5 Loihi 1 cores', () => {
    const r = resourceReport({ inputMessageBits: 0, layers: [dense(1, 5000)] }, LOIHI1_LIMITS);
    expect(r.layers[0]).toMatchObject({ cores: 5, limitedBy: 'compartments' });
  });
  it('a network larger than the chips names the layer that overflowed (does-not-fit)', () => {
    // 1024×1024 synapses = 1 MiB → 8 Loihi 1 cores per layer; 16 layers fill 128 cores, layer 16 overflows.
    const big = { inputMessageBits: 0, layers: Array.from({ length: 20 }, () => dense(1024, 1024)) };
    const r = resourceReport(big, LOIHI1_LIMITS);
    expect(r.layers[0].cores).toBe(8); // 1 MiB of synapses / 128 KiB
    expect(r.fits).toBe(false);
    expect(r.messages[0]).toMatch(/^layer 16 does not fit: the network needs 160 cores, 1 loihi1 chip\(s\) have 128/);
    try {
      assertFits(r);
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'does-not-fit')).toBe(true);
    }
    expect(resourceReport(big, LOIHI1_LIMITS, { maxChips: 2 }).fits).toBe(true);
  });
  it('formats a table with the limits and their source', () => {
    const text = formatResourceReport(resourceReport(mlp, LOIHI2_LIMITS));
    expect(text).toMatch(/total\s+522\s+406528/);
    expect(text).toMatch(/Loihi 2 technology brief/);
  });
});

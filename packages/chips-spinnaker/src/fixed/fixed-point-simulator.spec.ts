import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { raster, singleLayer, spikeSteps } from '../test-utils/networks.js';
import { neuronParameters } from '../network/neuron-parameters.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { simulateReference } from '../reference/reference-simulator.js';
import { quantizeNetwork } from './fixed-point-network.js';
import { FixedPointSimulator } from './fixed-point-simulator.js';

describe('quantizeNetwork', () => {
  it('holds the LIF parameters as sPyNNaker does (τ = 2 → e = 0.5, R = 1)', () => {
    const fixed = quantizeNetwork(singleLayer([[1.5]], 4));
    const pop = fixed.populations[0];
    expect(pop.expTc).toBe(16384);
    expect(pop.rMembrane).toBe(32768);
    expect(pop.vThresh).toBe(32768);
    expect(pop.vRest).toBe(0);
    expect(pop.shifts).toEqual([1, 0]); // bound 1.5 → 2^1; no inhibitory weights
    expect(fixed.projections[0].excWords[0]).toBe(24576); // 1.5 · 2^14
  });

  it('counts weights that round to zero under the ring-buffer shift', () => {
    // Fan-in 2 with max weight 1 → bound 2 → shift 2 → resolution 2^−13; 1e−5 is lost.
    const fixed = quantizeNetwork(singleLayer([[1], [1e-5]], 2));
    expect(fixed.report[0].shifts[0]).toBe(2);
    expect(fixed.report[0].resolution[0]).toBe(2 ** -13);
    expect(fixed.report[0].weights).toBe(2);
    expect(fixed.report[0].roundedToZero).toBe(1);
    expect(fixed.projections[0].excWords[1]).toBe(0);
  });

  it('splits signed weights into excitatory and inhibitory words with their own shifts', () => {
    const fixed = quantizeNetwork(singleLayer([[0.75], [-3]], 2));
    expect(fixed.report[0].shifts).toEqual([0, 2]); // 0.75 → 2^0; 3 → 2^2
    expect(fixed.projections[0].excWords[0]).toBe(24576); // 0.75 · 2^15
    expect(fixed.projections[0].inhWords[1]).toBe(24576); // 3 · 2^13
    expect(fixed.projections[0].inhWords[0]).toBe(0);
  });
});

describe('FixedPointSimulator', () => {
  it('fires where the hand-computed membrane crosses threshold (w = 1.5, τ = 2)', () => {
    // V: 0.75, 1.125 → spike/reset, 0.75, 1.125 → spike: the SpikingJelly trace, exact in s16.15.
    const net = singleLayer([[1.5]], 4);
    const { spikes } = new FixedPointSimulator(quantizeNetwork(net)).run({
      spikes: raster(4, 1, [
        [0, 0],
        [1, 0],
        [2, 0],
        [3, 0],
      ]),
    });
    expect(spikeSteps(spikes.get('layer1')!, 1, 0)).toEqual([1, 3]);
  });

  it('rounds like the board: w = 0.1 gives V = 1638 then 2457 (in 2^−15 units)', () => {
    // Word 3277 (0.1 · 32768 = 3276.8); V1 = 3277 − rnd(0.5 · 3277) = 3277 − 1639 = 1638;
    // V2 = 3277 − rnd(0.5 · (3277 − 1638)) = 3277 − 820 = 2457. Threshold 2457/32768 + ε fires
    // at step 1 only if the board's rounding is followed (float gives 0.075 = 2457.6 units).
    const net = singleLayer([[0.1]], 2, { tau: 2, vThreshold: 2457 / 32768, vReset: 0 });
    const fixed = quantizeNetwork(net);
    expect(fixed.projections[0].excWords[0]).toBe(3277);
    const { spikes } = new FixedPointSimulator(fixed).run({
      spikes: raster(2, 1, [
        [0, 0],
        [1, 0],
      ]),
    });
    expect(spikeSteps(spikes.get('layer1')!, 1, 0)).toEqual([1]);
    const net2 = singleLayer([[0.1]], 2, { tau: 2, vThreshold: 2458 / 32768, vReset: 0 });
    const again = new FixedPointSimulator(quantizeNetwork(net2)).run({
      spikes: raster(2, 1, [
        [0, 0],
        [1, 0],
      ]),
    });
    expect(spikeSteps(again.spikes.get('layer1')!, 1, 0)).toEqual([]);
    // The float reference reaches 0.075 > 2457/32768 = 0.07498…, so it fires too — but not at
    // 2458/32768 = 0.07501…: both agree here; the difference shows in the hand-computed bits above.
  });

  it('saturates the 16-bit ring buffer and counts it', () => {
    // Shift forced to 0: a weight of 1 is the word 32768; three coincident spikes saturate at 0xFFFF.
    const net = singleLayer([[1], [1], [1]], 1, { tau: 2, vThreshold: 1.4, vReset: 0 });
    const fixed = quantizeNetwork(net, { shifts: { layer1: [0, 0] } });
    const run = new FixedPointSimulator(fixed).run({
      spikes: raster(1, 3, [
        [0, 0],
        [0, 1],
        [0, 2],
      ]),
    });
    expect(run.ringBufferSaturations).toBe(2);
    // Input 65535/32768 ≈ 2.0 instead of 3: V = 1.0 < 1.4, so no spike (float: 1.5 would fire).
    expect(spikeSteps(run.spikes.get('layer1')!, 1, 0)).toEqual([]);
    const float = simulateReference(net, {
      spikes: raster(1, 3, [
        [0, 0],
        [0, 1],
        [0, 2],
      ]),
    });
    expect(spikeSteps(float.get('layer1')!, 1, 0)).toEqual([0]);
    // sPyNNaker's own shift (bound 3 → shift 2) avoids the saturation.
    const safe = new FixedPointSimulator(quantizeNetwork(net)).run({
      spikes: raster(1, 3, [
        [0, 0],
        [0, 1],
        [0, 2],
      ]),
    });
    expect(safe.ringBufferSaturations).toBe(0);
    expect(spikeSteps(safe.spikes.get('layer1')!, 1, 0)).toEqual([0]);
  });

  it('subtracts inhibitory input', () => {
    // +1.5 and −1 arrive together: net 0.5 per step → V 0.25, 0.375, 0.4375 … never fires;
    // without the inhibitory source it fires at step 1.
    const net = singleLayer([[1.5], [-1]], 3);
    const sim = new FixedPointSimulator(quantizeNetwork(net));
    const both = sim.run({
      spikes: raster(3, 2, [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
        [2, 0],
        [2, 1],
      ]),
    });
    expect(spikeSteps(both.spikes.get('layer1')!, 1, 0)).toEqual([]);
    const exc = sim.run({
      spikes: raster(3, 2, [
        [0, 0],
        [1, 0],
        [2, 0],
      ]),
    });
    expect(spikeSteps(exc.spikes.get('layer1')!, 1, 0)).toEqual([1]);
  });

  it('agrees with the float reference on a random network whose weights are exact in 16 bits', () => {
    // Weights on the 2^−10 grid under a shift ≤ 5 (resolution ≥ 2^−10) lose nothing, and with τ = 2 the
    // decay 0.5 is exact: only the membrane's half-LSB rounding differs, far below the margins.
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const W = Array.from({ length: 12 }, () => Array.from({ length: 5 }, () => Math.round((rnd() - 0.3) * 1.2 * 1024) / 1024));
    const net = singleLayer(W, 30);
    const events: Array<[number, number]> = [];
    for (let t = 0; t < 30; t++) for (let i = 0; i < 12; i++) if (rnd() < 0.4) events.push([t, i]);
    const sample = { spikes: raster(30, 12, events) };
    const fixed = quantizeNetwork(net);
    expect(fixed.report[0].shifts[0]).toBeLessThanOrEqual(5);
    expect(fixed.report[0].roundedToZero).toBe(0);
    expect(fixed.report[0].maxError).toBe(0);
    const a = new FixedPointSimulator(fixed).run(sample).spikes.get('layer1')!;
    const b = simulateReference(net, sample).get('layer1')!;
    expect(a.reduce((s, x) => s + x, 0)).toBeGreaterThan(5);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('drives the first population with i_offset and leaks towards v_rest ≠ 0', () => {
    // τ = 2, V_reset = v_rest = −0.5, i_offset 1.5: α = 1.5·1 − 0.5 = 1; V = α − 0.5·(α − V):
    // −0.5 → 0.25 → 0.625 → 0.8125 (≥ θ = 0.8125: fire, reset to −0.5) → 0.25 → 0.625 → 0.8125 …
    const params = neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 0.8125, vReset: -0.5 }, 1);
    const net: SpinnakerNetwork = {
      dtMs: 1,
      timeSteps: 9,
      input: { kind: 'current', size: 1, offchip: { weight: Float32Array.of(1), bias: null, inFeatures: 1, outFeatures: 1 } },
      populations: [{ name: 'layer1', size: 1, cellType: 'IF_curr_delta', params, vInit: -0.5, origin: 'test' }],
      projections: [],
    };
    const fixed = quantizeNetwork(net);
    expect(fixed.populations[0].vRest).toBe(-16384);
    const run = new FixedPointSimulator(fixed).run({ currents: Float32Array.of(1.5) });
    expect(spikeSteps(run.spikes.get('layer1')!, 1, 0)).toEqual([2, 5, 8]);
    expect(spikeSteps(simulateReference(net, { currents: Float32Array.of(1.5) }).get('layer1')!, 1, 0)).toEqual([2, 5, 8]);
  });

  it('rejects a sample of the wrong shape', () => {
    const sim = new FixedPointSimulator(quantizeNetwork(singleLayer([[1]], 4)));
    let err: unknown;
    try {
      sim.run({ spikes: new Uint8Array(3) });
    } catch (e) {
      err = e;
    }
    expect(SpikeflowError.is(err, 'shape-mismatch')).toBe(true);
    expect((err as Error).message).toContain('[T=4, 1]');
  });
});

// CUBA-LIF → IF_curr_exp: the mapping, and the float reference of the exported parameters against
// the original spikeflow model (CubaLIFNode in TensorFlow.js) — the same spikes, layer by layer.
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { Linear, Sequential, tf } from '@spikeflow/core';
import { CubaLIFNode, atan } from '@spikeflow/neurons';
import { cubaMlp, trainCubaNetwork } from '../test-utils/cuba-network.js';
import { randomCurrentSamples } from '../test-utils/current-samples.js';
import { expectReferenceSpikes, expectReferenceSpikesOnPatterns } from '../test-utils/expect-reference-spikes.js';
import { SMALL } from '../test-utils/small-network.js';
import { mapModel } from './map-model.js';

describe('mapModel with CUBA-LIF layers', () => {
  it('maps CubaLIFNode to IF_curr_exp populations that start at V_reset', () => {
    const model = new Sequential(new Linear(3, 2, { bias: false }), new CubaLIFNode({ tauSyn: 2, tauMem: 4, vReset: -0.25, vThreshold: 0.9, surrogate: atan() }));
    const net = mapModel(model, { timeSteps: 5, input: 'spikes' });
    const pop = net.populations[0];
    expect(pop.cellType).toBe('IF_curr_exp');
    expect(pop.vInit).toBe(-0.25);
    expect(pop.params).toMatchObject({ v_rest: 0, v_reset: -0.25, v_thresh: 0.9, tau_refrac: 0 });
    expect(Math.exp(-1 / pop.params.tau_syn_E!)).toBeCloseTo(0.5, 14);
    expect(Math.exp(-1 / pop.params.tau_m)).toBeCloseTo(0.75, 14);
    expect(pop.origin).toContain('CubaLIFNode');
    model.dispose();
  });

  it('refuses soft reset and τ = 1 with a typed error', () => {
    for (const node of [new CubaLIFNode({ vReset: null, surrogate: atan() }), new CubaLIFNode({ tauSyn: 1, surrogate: atan() })]) {
      const model = new Sequential(new Linear(2, 2, { bias: false }), node);
      expectSpikeflowError(() => mapModel(model, { timeSteps: 4, input: 'spikes' }), 'not-supported');
      model.dispose();
    }
  });

  it("spike input, trained 20 → 10 → 4: the reference of the exported parameters gives the model's spikes", () => {
    const model = trainCubaNetwork(30);
    const counts = expectReferenceSpikesOnPatterns(model, 6, 77);
    // Both layers fire (and stay below saturation), so the comparison can fail.
    expect(counts.layer1).toBeGreaterThan(100);
    expect(counts.layer2).toBeGreaterThan(20);
    expect(counts.layer1).toBeLessThan(6 * SMALL.timeSteps * SMALL.hidden);
    model.dispose();
  });

  it('current input with a bias: i_offset and the initial synaptic current reproduce the charging current', () => {
    const model = cubaMlp(12, 8, 3, 5);
    const net = mapModel(model, { timeSteps: 20, input: 'current' });
    const B = 5;
    const { xs, samples } = randomCurrentSamples(net, B, 9);
    const x = tf.tidy(() => tf.broadcastTo(tf.tensor3d(xs, [1, B, 12]), [20, B, 12]));
    const counts = expectReferenceSpikes(model, net, x, samples);
    x.dispose();
    expect(counts.layer2).toBeGreaterThan(20);
    expect(counts.layer1).toBeGreaterThan(100);
    model.dispose();
  });
});

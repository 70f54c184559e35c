import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { Conv2d, Flatten, Linear, MaxPool2d, Sequential, manualSeed, tf } from '@spikeflow/core';
import { IFNode, LIFNode, ParametricLIFNode, atan } from '@spikeflow/neurons';
import { expectReferenceSpikesOnPatterns } from '../test-utils/expect-reference-spikes.js';
import { trainSmallNetwork } from '../test-utils/small-network.js';
import { mapModel, offchipCurrents } from './map-model.js';
import { IF_TAU_M_STEPS, neuronParameters } from './neuron-parameters.js';

describe('neuronParameters', () => {
  it('maps LIF τ = 2 with decay_input to e = 0.5, R = 1: τ_m = 1/ln 2 ms, c_m = τ_m', () => {
    const p = neuronParameters({ kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 }, 1);
    expect(p.tau_m).toBeCloseTo(1 / Math.LN2, 14);
    expect(p.cm).toBe(p.tau_m);
    expect(Math.exp(-1 / p.tau_m)).toBeCloseTo(0.5, 15);
    expect(p).toMatchObject({ v_rest: 0, v_reset: 0, v_thresh: 1, tau_refrac: 0 });
  });

  it('leaks towards V_reset and keeps the input gain 1 without decay_input', () => {
    // τ = 4: e = 0.75, τ_m = −1/ln 0.75; (1 − e)·R = 1 → R = 4.
    const p = neuronParameters({ kind: 'lif', tau: 4, decayInput: false, vThreshold: 0.5, vReset: -0.2 }, 1);
    expect(Math.exp(-1 / p.tau_m)).toBeCloseTo(0.75, 14);
    expect((1 - Math.exp(-1 / p.tau_m)) * (p.tau_m / p.cm)).toBeCloseTo(1, 12);
    expect(p).toMatchObject({ v_rest: -0.2, v_reset: -0.2, v_thresh: 0.5 });
  });

  it('maps IF to a slow LIF with unit input gain', () => {
    const p = neuronParameters({ kind: 'if', vThreshold: 1, vReset: 0 }, 1);
    expect(p.tau_m).toBe(IF_TAU_M_STEPS);
    expect((1 - Math.exp(-1 / p.tau_m)) * (p.tau_m / p.cm)).toBeCloseTo(1, 12);
  });

  it('rejects soft reset and tau ≤ 1', () => {
    expectSpikeflowError(() => neuronParameters({ kind: 'lif', tau: 2, vThreshold: 1, vReset: null }, 1), 'not-supported', 'soft reset');
    expectSpikeflowError(() => neuronParameters({ kind: 'lif', tau: 1, vThreshold: 1, vReset: 0 }, 1), 'invalid-options', 'tau > 1');
  });
});

describe('mapModel', () => {
  it('maps a lif-mlp shaped model with analog input: first layer off-chip, one projection', () => {
    manualSeed(1);
    const model = new Sequential(
      new Flatten(),
      new Linear(12, 6, { bias: true }),
      new LIFNode({ surrogate: atan() }),
      new Linear(6, 3, { bias: false }),
      new LIFNode({ surrogate: atan(), tau: 3 }),
    );
    const net = mapModel(model, { timeSteps: 8 });
    expect(net.input.kind).toBe('current');
    expect(net.populations.map((p) => [p.name, p.size])).toEqual([
      ['layer1', 6],
      ['layer2', 3],
    ]);
    expect(net.projections.map((p) => [p.name, p.preSize, p.postSize, p.delaySteps])).toEqual([['layer1-layer2', 6, 3, 1]]);
    expect(Math.exp(-1 / net.populations[1].params.tau_m)).toBeCloseTo(2 / 3, 14);
    // Off-chip currents are x·W + b.
    const x = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    const I = offchipCurrents(net, x, 1);
    const W = model
      .namedParameters()
      .find(([n]) => n === '1.weight')![1]
      .dataSync();
    const b = model
      .namedParameters()
      .find(([n]) => n === '1.bias')![1]
      .dataSync();
    let i0 = b[0];
    for (let i = 0; i < 12; i++) i0 += x[i] * W[i * 6];
    expect(I[0]).toBeCloseTo(i0, 5);
    model.dispose();
  });

  it('reproduces the trained model: the float reference of the exported parameters gives its spikes', () => {
    const model = trainSmallNetwork(30);
    const counts = expectReferenceSpikesOnPatterns(model, 6, 77);
    expect(counts.layer1 + counts.layer2).toBeGreaterThan(50);
    model.dispose();
  });

  it('maps PLIF with its learnt tau and IF nodes', () => {
    const model = new Sequential(
      new Linear(4, 3, { bias: false }),
      new ParametricLIFNode({ surrogate: atan(), initTau: 3 }),
      new Linear(3, 2, { bias: false }),
      new IFNode({ surrogate: atan() }),
    );
    const net = mapModel(model, { timeSteps: 4, input: 'spikes' });
    expect(Math.exp(-1 / net.populations[0].params.tau_m)).toBeCloseTo(2 / 3, 6);
    expect(net.populations[1].params.tau_m).toBe(IF_TAU_M_STEPS);
    model.dispose();
  });

  it('names what it cannot map', () => {
    const conv = new Sequential(new Conv2d(1, 2, 3), new LIFNode({ surrogate: atan() }));
    expectSpikeflowError(() => mapModel(conv, { timeSteps: 4 }), 'invalid-options', 'pass inputShape');
    expectSpikeflowError(() => mapModel(conv, { timeSteps: 4, inputShape: [5, 5, 3] }), 'shape-mismatch', 'expects 1 input channels');
    const pooled = new Sequential(new Conv2d(1, 2, 3), new LIFNode({ surrogate: atan() }), new MaxPool2d(2));
    expectSpikeflowError(() => mapModel(pooled, { timeSteps: 4, inputShape: [6, 6, 1] }), 'not-supported', 'MaxPool2d');
    const soft = new Sequential(new Linear(2, 2), new LIFNode({ surrogate: atan(), vReset: null }));
    expectSpikeflowError(() => mapModel(soft, { timeSteps: 4 }), 'not-supported', 'soft reset');
    const bias2 = new Sequential(new Linear(2, 2), new LIFNode({ surrogate: atan() }), new Linear(2, 2, { bias: true }), new LIFNode({ surrogate: atan() }));
    tf.tidy(() =>
      bias2
        .namedParameters()
        .find(([n]) => n === '2.bias')![1]
        .assign(tf.ones([2])),
    );
    expectSpikeflowError(() => mapModel(bias2, { timeSteps: 4 }), 'not-supported', 'bias');
    const twoLinear = new Sequential(new Linear(2, 2), new Linear(2, 2));
    expectSpikeflowError(() => mapModel(twoLinear, { timeSteps: 4 }), 'not-supported', 'Linear/Conv2d then a neuron');
    expectSpikeflowError(() => mapModel(twoLinear, { timeSteps: 0 }), 'invalid-options', 'timeSteps');
  });
});

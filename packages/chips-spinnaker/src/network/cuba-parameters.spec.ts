import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { cubaParameters } from './cuba-parameters.js';
import { exponentialCurrentInput, expSynapseFactors } from './exp-synapse.js';
import { neuronParameters } from './neuron-parameters.js';

describe('expSynapseFactors', () => {
  it('τ_syn = 1/ln 2 ms at dt = 1: decay 1/2, init = (1/ln 2)·(1/2) = 0.72135…', () => {
    const f = expSynapseFactors(1 / Math.LN2, 1);
    expect(f.decay).toBeCloseTo(0.5, 15);
    expect(f.init).toBeCloseTo(0.5 / Math.LN2, 15);
    expect(f.init).toBeCloseTo(0.7213475204444817, 15);
  });

  it("a weight's total charge Σ init·decay^k is τ_syn/dt, as the continuous synapse", () => {
    const { decay, init } = expSynapseFactors(5, 0.5);
    expect(init / (1 - decay)).toBeCloseTo(10, 12);
  });
});

describe('cubaParameters', () => {
  it('τ_syn = 2, τ_mem = 4 steps: decay 1/2, e = 3/4, v_rest 0, (1 − e)·R·init = 1', () => {
    const p = cubaParameters({ tauSyn: 2, tauMem: 4, vThreshold: 1, vReset: 0 }, 1);
    expect(p.tau_syn_E).toBeCloseTo(1 / Math.LN2, 14);
    expect(p.tau_syn_I).toBe(p.tau_syn_E);
    expect(p.tau_m).toBeCloseTo(1 / Math.log(4 / 3), 14); // 3.4760…
    expect(Math.exp(-1 / p.tau_m)).toBeCloseTo(0.75, 15);
    // c_m = τ_m·(1 − β)·init = 3.4760·0.25·0.72135 = 0.62685 nF.
    expect(p.cm).toBeCloseTo((1 / Math.log(4 / 3)) * 0.25 * (0.5 / Math.LN2), 14);
    const init = expSynapseFactors(p.tau_syn_E!, 1).init;
    expect((1 - Math.exp(-1 / p.tau_m)) * (p.tau_m / p.cm) * init).toBeCloseTo(1, 14);
    expect(p).toMatchObject({ v_rest: 0, v_reset: 0, v_thresh: 1, tau_refrac: 0 });
  });

  it('scales with dt, keeps V_reset as v_reset while v_rest stays 0, and neuronParameters delegates', () => {
    const p = cubaParameters({ tauSyn: 3, tauMem: 5, vThreshold: 0.7, vReset: -0.4 }, 0.5);
    expect(Math.exp(-0.5 / p.tau_syn_E!)).toBeCloseTo(2 / 3, 14);
    expect(Math.exp(-0.5 / p.tau_m)).toBeCloseTo(0.8, 14);
    expect(p).toMatchObject({ v_rest: 0, v_reset: -0.4, v_thresh: 0.7 });
    expect(neuronParameters({ kind: 'cuba', tauSyn: 3, tauMem: 5, vThreshold: 0.7, vReset: -0.4 }, 0.5)).toEqual(p);
  });

  it('refuses what IF_curr_exp cannot express: soft reset, τ ≤ 1, τ = ∞', () => {
    expectSpikeflowError(() => cubaParameters({ tauSyn: 2, tauMem: 4, vThreshold: 1, vReset: null }, 1), 'not-supported', 'soft reset');
    expectSpikeflowError(() => cubaParameters({ tauSyn: 1, tauMem: 4, vThreshold: 1, vReset: 0 }, 1), 'not-supported', 'tauSyn = 1');
    expectSpikeflowError(() => cubaParameters({ tauSyn: 2, tauMem: Infinity, vThreshold: 1, vReset: 0 }, 1), 'not-supported', 'tauMem = Infinity');
  });
});

describe('exponentialCurrentInput', () => {
  it('i_offset plus a decaying initial current give the CUBA current X·(1 − α^(t+1))/(1 − α)', () => {
    // α = 1/2, X = 1: the model's current is 1, 1.5, 1.75, 1.875. With g = (1 − e)·R the chip
    // applies g·(i_offset + decay^n·isyn) = 2 − 2^−n … i.e. g·i_offset = 2 and g·isyn = −1.
    const p = cubaParameters({ tauSyn: 2, tauMem: 4, vThreshold: 1, vReset: 0 }, 1);
    const g = (1 - Math.exp(-1 / p.tau_m)) * (p.tau_m / p.cm);
    const c = exponentialCurrentInput(p, 1, 1);
    expect(g * c.iOffset).toBeCloseTo(2, 13);
    expect(g * c.isynInit).toBeCloseTo(-1, 13);
    const applied = [0, 1, 2, 3].map((n) => g * (c.iOffset + 0.5 ** n * c.isynInit));
    [1, 1.5, 1.75, 1.875].forEach((want, n) => expect(applied[n]).toBeCloseTo(want, 13));
  });

  it('needs IF_curr_exp parameters', () => {
    const lif = neuronParameters({ kind: 'lif', tau: 2, vThreshold: 1, vReset: 0 }, 1);
    expectSpikeflowError(() => exponentialCurrentInput(lif, 1, 1), 'invalid-options', 'tau_syn_E');
  });
});

// CUBA-LIF → IF_curr_exp: the mapping, and the float reference of the exported parameters against
// the original spikeflow model (CubaLIFNode in TensorFlow.js) — the same spikes, layer by layer.
import { describe, expect, it } from 'vitest';
import { Linear, Sequential, SpikeflowError, tf } from '@spikeflow/core';
import { CubaLIFNode, atan } from '@spikeflow/neurons';
import { simulateReference } from '../reference/reference-simulator.js';
import { cubaMlp, lcg, trainCubaNetwork } from '../test-utils/cuba-network.js';
import { layerSpikes, poissonPatterns, rastersToTensor, SMALL } from '../test-utils/small-network.js';
import { mapModel, offchipCurrents } from './map-model.js';

/** Sample b of a `[T, B·n]` spike tensor as `[T, n]`. */
function sampleOf(spikes: Uint8Array, T: number, B: number, n: number, b: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) out.push(spikes[(t * B + b) * n + j]);
  return out;
}

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
      let err: unknown;
      try {
        mapModel(model, { timeSteps: 4, input: 'spikes' });
      } catch (e) {
        err = e;
      }
      expect(SpikeflowError.is(err, 'not-supported'), String(err)).toBe(true);
      model.dispose();
    }
  });

  it("spike input, trained 20 → 10 → 4: the reference of the exported parameters gives the model's spikes", () => {
    const model = trainCubaNetwork(30);
    const net = mapModel(model, { timeSteps: SMALL.timeSteps, input: 'spikes' });
    const { rasters } = poissonPatterns(6, 77);
    const x = rastersToTensor(rasters, SMALL.timeSteps, SMALL.inputs);
    const [hidden, output] = layerSpikes(model, x);
    x.dispose();
    const counts = { layer1: 0, layer2: 0 };
    rasters.forEach((r, b) => {
      const ref = simulateReference(net, { spikes: r });
      for (const [name, tfSpikes, n] of [
        ['layer1', hidden, SMALL.hidden],
        ['layer2', output, SMALL.classes],
      ] as const) {
        const mine = Array.from(ref.get(name)!);
        expect(mine, `${name} of sample ${b}`).toEqual(sampleOf(tfSpikes, SMALL.timeSteps, rasters.length, n, b));
        counts[name] += mine.reduce((s, v) => s + v, 0);
      }
    });
    // Both layers fire (and stay below saturation), so the comparison can fail.
    expect(counts.layer1).toBeGreaterThan(100);
    expect(counts.layer2).toBeGreaterThan(20);
    expect(counts.layer1).toBeLessThan(6 * SMALL.timeSteps * SMALL.hidden);
    model.dispose();
  });

  it('current input with a bias: i_offset and the initial synaptic current reproduce the charging current', () => {
    const model = cubaMlp(12, 8, 3, 5);
    const net = mapModel(model, { timeSteps: 20, input: 'current' });
    const rnd = lcg(9);
    const B = 5;
    const xs = Float32Array.from({ length: B * 12 }, () => rnd());
    const currents = offchipCurrents(net, xs, B);
    const [hidden, output] = tf.tidy(() => {
      const x = tf.broadcastTo(tf.tensor3d(xs, [1, B, 12]), [20, B, 12]);
      return layerSpikes(model, x);
    });
    let total = 0;
    let hiddenTotal = 0;
    for (let b = 0; b < B; b++) {
      const ref = simulateReference(net, { currents: currents.subarray(b * 8, (b + 1) * 8) });
      expect(Array.from(ref.get('layer1')!), `layer1 of sample ${b}`).toEqual(sampleOf(hidden, 20, B, 8, b));
      expect(Array.from(ref.get('layer2')!), `layer2 of sample ${b}`).toEqual(sampleOf(output, 20, B, 3, b));
      total += ref.get('layer2')!.reduce((s, v) => s + v, 0);
      hiddenTotal += ref.get('layer1')!.reduce((s, v) => s + v, 0);
    }
    expect(total).toBeGreaterThan(20);
    expect(hiddenTotal).toBeGreaterThan(100);
    model.dispose();
  });
});

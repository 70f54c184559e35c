import { describe, expect, it } from 'vitest';
import { Conv2d, Linear, Module, Sequential, tf, type Tensor } from '@spikeflow/core';
import { LIFNode, atan } from '@spikeflow/neurons';
import { TimeInvariant } from '../layers/time-invariant.js';
import { formatEnergyReport } from './format-energy-report.js';
import { measureEnergy } from './measure-energy.js';
import type { OpCount, OpCounter } from './op-counter.js';

/**
 * Linear(4,3) → LIF → Linear(3,2) → LIF with weights that make the spikes hand-countable, T = 3,
 * input 0.5 everywhere (analog). Layer 1 currents: unit 0 gets 4·0.5·10 = 20 (fires every step),
 * unit 1 −20 (never), unit 2 4·0.5·0.75 = 1.5: LIF (τ = 2) charges 0.75, then 0.75 + 0.375 = 1.125
 * (fires at t = 1, resets to 0), then 0.75: one spike. So 4 spikes in 9 neuron-steps, rate 4/9.
 * Layer 2: unit 0 gets 10·s0 = 10 every step (fires always), unit 1 gets 0 (never): rate 1/2.
 */
function tinyNet(): { net: Sequential; fc1: Linear; fc2: Linear } {
  const fc1 = new Linear(4, 3, { bias: false });
  const fc2 = new Linear(3, 2, { bias: false });
  fc1.weight.assign(
    tf.tensor2d([
      [10, -10, 0.75],
      [10, -10, 0.75],
      [10, -10, 0.75],
      [10, -10, 0.75],
    ]),
  );
  fc2.weight.assign(
    tf.tensor2d([
      [10, 0],
      [0, 0],
      [0, 0],
    ]),
  );
  const net = new Sequential(fc1, new LIFNode({ surrogate: atan() }), fc2, new LIFNode({ surrogate: atan() }));
  return { net, fc1, fc2 };
}

describe('measureEnergy', () => {
  it('counts MACs, SOPs and energy of a Linear→LIF→Linear→LIF net by hand', () => {
    const { net } = tinyNet();
    const x = tf.fill([3, 2, 4], 0.5);
    const r = measureEnergy(net, x);
    expect(r.timeSteps).toBe(3);
    expect(r.batchSize).toBe(2);
    expect(r.layers.map((l) => [l.name, l.kind, l.inputRate, l.macs])).toEqual([
      ['0', 'linear', 'analog', 12],
      ['2', 'linear', 4 / 9, 6],
    ]);
    const [l1, l2] = r.layers;
    expect(l1!.flops).toBe(36); // T·MACs = 3·12
    expect(l1!.sops).toBe(0);
    expect(l2!.sops).toBeCloseTo(8, 5); // 4 spikes × fan-out 2
    expect(l2!.flops).toBe(0);
    expect(r.energyPj).toBeCloseTo(36 * 4.6 + 8 * 0.9, 4); // 172.8 pJ
    expect(r.annEnergyPj).toBeCloseTo(18 * 4.6, 6);
    expect(r.neurons.map((n) => [n.name, n.neurons])).toEqual([
      ['1', 3],
      ['3', 2],
    ]);
    expect(r.neurons[0]!.rate).toBeCloseTo(4 / 9, 6);
    expect(r.neurons[1]!.rate).toBeCloseTo(1 / 2, 6);
    // Energy constants can be overridden.
    expect(measureEnergy(net, x, { eMacPj: 1, eAcPj: 0.5 }).energyPj).toBeCloseTo(36 + 4, 4);
  });

  it('gives the same figures for a static input with timeSteps, and through forwardStatic', () => {
    const { net } = tinyNet();
    const a = measureEnergy(net, tf.fill([2, 4], 0.5), { timeSteps: 3 });
    expect(a.energyPj).toBeCloseTo(172.8, 4);
    // A time-invariant first block runs once on [1, B, ...]; it still stands for T steps.
    const { fc1, fc2 } = tinyNet();
    const ti = new Sequential(new TimeInvariant(fc1), new LIFNode({ surrogate: atan() }), fc2, new LIFNode({ surrogate: atan() }));
    const b = measureEnergy(ti, tf.fill([2, 4], 0.5), { timeSteps: 3 });
    expect(b.layers.map((l) => l.name)).toEqual(['0.inner', '2']);
    expect(b.energyPj).toBeCloseTo(172.8, 4);
  });

  it('counts conv MACs as outH·outW·Cout·Cin·kh·kw and uses the input spike rate', () => {
    const conv = new Conv2d(2, 4, 3, { stride: 2, padding: 1 });
    // 8×8 input, stride 2, padding 1 → 4×4 output: 4·4·4·2·9 = 1152 MACs per step.
    const mask: number[] = Array.from({ length: 2 * 1 * 8 * 8 * 2 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const spikes = mask.reduce((a, b) => a + b, 0);
    const r = measureEnergy(conv, tf.tensor(mask, [2, 1, 8, 8, 2]));
    const row = r.layers[0]!;
    expect([row.name, row.kind, row.macs]).toEqual(['(model)', 'conv2d', 1152]);
    expect(row.inputRate as number).toBeCloseTo(spikes / 256, 6);
    expect(row.sops).toBeCloseTo((spikes / 256) * 2 * 1152, 3);
    // Linear over tokens [T, B, N, C]: N·in·out.
    const fc = new Linear(8, 4);
    expect(measureEnergy(fc, tf.randomNormal([2, 3, 5, 8])).layers[0]!.macs).toBe(5 * 8 * 4);
  });

  it("uses a module's countOps rows and still counts its child layers", () => {
    class Counted extends Module implements OpCounter {
      readonly fc = this.registerModule('fc', new Linear(4, 2));
      forward(x: Tensor): Tensor {
        return this.fc.forward(x);
      }
      countOps(input: Tensor): OpCount[] {
        return [
          { name: 'mix', macs: 100, inputRate: 0.25 },
          { name: 'dense', macs: input.shape[2]! * 10, inputRate: null },
        ];
      }
    }
    const r = measureEnergy(new Sequential(new Counted()), tf.fill([4, 1, 4], 0.3));
    expect(r.layers.map((l) => [l.name, l.kind, l.inputRate, l.macs])).toEqual([
      ['0.fc', 'linear', 'analog', 8],
      ['0/mix', 'Counted', 0.25, 100],
      ['0/dense', 'Counted', 'analog', 40],
    ]);
    expect(r.energyPj).toBeCloseTo(8 * 4 * 4.6 + 0.25 * 4 * 100 * 0.9 + 40 * 4 * 4.6, 4);
  });

  it('removes its instrumentation and restores modes, also when the forward throws', () => {
    const { net } = tinyNet();
    net.train();
    measureEnergy(net, tf.fill([3, 1, 4], 0.5));
    expect(net.namedModules().some(([, m]) => Object.prototype.hasOwnProperty.call(m, 'forward'))).toBe(false);
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    net.eval();
    expect(() => measureEnergy(net, tf.fill([3, 1, 5], 0.5))).toThrowError(/Linear\(4, 3/);
    expect(net.namedModules().some(([, m]) => Object.prototype.hasOwnProperty.call(m, 'forward'))).toBe(false);
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    expect(() => measureEnergy(net, tf.fill([2, 4], 0.5), { timeSteps: 0 })).toThrowError(/timeSteps must be a positive integer/);
  });

  it('formats a table stating the formula, constants and figures', () => {
    const { net } = tinyNet();
    const text = formatEnergyReport(measureEnergy(net, tf.fill([3, 2, 4], 0.5)));
    expect(text).toContain('E = Σ FLOPs·E_MAC + Σ SOPs·E_AC');
    expect(text).toContain('E_MAC = 4.6 pJ, E_AC = 0.9 pJ (45 nm, Horowitz 2014)');
    expect(text).toMatch(/^0\s+linear\s+analog\s+12\s+0\s+36\s+165\.6 pJ$/m);
    expect(text).toMatch(/^2\s+linear\s+0\.4444\s+6\s+8\s+0\s+7\.2 pJ$/m);
    expect(text).toMatch(/^total\s+18\s+8\s+36\s+172\.8 pJ$/m);
    expect(text).toContain('SNN/ANN = 2.087'); // 172.8 / 82.8
    expect(text).toMatch(/^1\s+LIFNode.*0\.4444\s+3$/m);
  });
});

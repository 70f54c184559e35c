import { readFileSync } from 'node:fs';
import { expectSpikeflowError } from '@spikeflow/testing';
import { createSpikeflow, tf } from '@spikeflow/core';
import { describe, expect, it } from 'vitest';
import defaultExport, { neurons } from './plugin.js';
import * as api from './index.js';

const SURROGATE_IDS = [
  'atan',
  'erf',
  'leaky-k-relu',
  'log-tailed-relu',
  'nonzero-sign-log-abs',
  'piecewise-exp',
  'piecewise-leaky-relu',
  'piecewise-quadratic',
  'q-pseudo-spike',
  'rect',
  's2nn',
  'sigmoid',
  'soft-sign',
  'squarewave-fourier-series',
  'super-spike',
];

/** SpikingJelly's default hyper-parameters, per surrogate (surrogate.py, PiecewiseLeakyReLU w/c, S2NN α/β, ...). */
const SPIKINGJELLY_DEFAULTS: Record<string, Record<string, number>> = {
  sigmoid: { alpha: 4 },
  atan: { alpha: 2 },
  'piecewise-quadratic': { alpha: 1 },
  'piecewise-exp': { alpha: 1 },
  'soft-sign': { alpha: 2 },
  'super-spike': { alpha: 1 },
  erf: { alpha: 2 },
  'piecewise-leaky-relu': { w: 1, c: 0.01 },
  rect: { alpha: 1 },
  s2nn: { alpha: 4, beta: 1 },
  'q-pseudo-spike': { alpha: 2 },
  'nonzero-sign-log-abs': { alpha: 1 },
  'leaky-k-relu': { leak: 0, k: 1 },
  'squarewave-fourier-series': { n: 2, period: 8 },
  'log-tailed-relu': { alpha: 0 },
};

describe('neurons() plugin', () => {
  const sf = createSpikeflow({ plugins: [neurons()] });

  it('has the package meta and is the default export', () => {
    expect(neurons().meta).toEqual({ name: '@spikeflow/neurons', version: '0.1.0', namespace: 'neurons' });
    expect(defaultExport).toBe(neurons);
    expect(api.neurons).toBe(neurons);
  });

  it('registers every neuron and surrogate under the neurons namespace', () => {
    expect(sf.neurons.ids()).toEqual(
      ['alif', 'cuba-lif', 'eif', 'glif', 'if', 'izhikevich', 'klif', 'lif', 'masked-psn', 'plif', 'psn', 'qif', 'sliding-psn'].map((id) => `neurons/${id}`),
    );
    expect(sf.surrogates.ids()).toEqual(SURROGATE_IDS.map((id) => `neurons/${id}`));
    expect(sf.neuron('if')).toBeInstanceOf(api.IFNode);
    expect(sf.neuron('neurons/lif')).toBeInstanceOf(api.LIFNode);
    expect(sf.neuron('plif')).toBeInstanceOf(api.ParametricLIFNode);
    expect(sf.neuron('cuba-lif')).toBeInstanceOf(api.CubaLIFNode);
  });

  it.each(Object.entries(SPIKINGJELLY_DEFAULTS))("surrogate %s defaults to SpikingJelly's %o", (id, defaults) => {
    const s = sf.surrogate(id);
    expect(s.id).toBe(`neurons/${id}`);
    expect(s.params).toEqual(defaults);
  });

  it('neuron option defaults match SpikingJelly', () => {
    const common = { vThreshold: 1, vReset: 0, detachReset: false, surrogate: 'sigmoid', surrogateOptions: {} };
    expect(sf.neurons.parseOptions('if', {}).options).toEqual(common);
    expect(sf.neurons.parseOptions('lif', {}).options).toEqual({ ...common, tau: 2, decayInput: true });
    expect(sf.neurons.parseOptions('plif', {}).options).toEqual({ ...common, initTau: 2, decayInput: true });
    expect(sf.neuron('lif').describe()).toBe('LIFNode(tau=2, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))');
  });

  it('sf.neuron("lif", { tau: 0.5 }) fails clearly, naming the neuron and the option', () => {
    const e = expectSpikeflowError(() => sf.neuron('lif', { tau: 0.5 }), 'invalid-options');
    expect(e.message).toContain("invalid options for neuron 'neurons/lif'");
    expect(e.message).toContain('tau must be greater than 1');
    expect(e.message).toContain('at tau');
    expectSpikeflowError(() => sf.neuron('plif', { initTau: 1 }), 'invalid-options', /initTau must be greater than 1[\s\S]*at initTau/);
    expectSpikeflowError(() => sf.neuron('if', { tau: 2 }), 'invalid-options', /neurons\/if[\s\S]*Unrecognized key: "tau"/);
    expectSpikeflowError(() => sf.neuron('lif', { vReset: 'soft' }), 'invalid-options', 'at vReset');
  });

  it('resolves the surrogate by id with its options, and reports bad ones', () => {
    const node = sf.neuron('lif', { surrogate: 'atan', surrogateOptions: { alpha: 3 }, vReset: null, tau: 4 }) as api.LIFNode;
    expect(node.surrogate.id).toBe('neurons/atan');
    expect(node.surrogate.params).toEqual({ alpha: 3 });
    expect(node.vReset).toBeNull();
    expect(node.describe()).toBe('LIFNode(tau=4, v_th=1, v_reset=null, surrogate=atan(alpha=3))');
    const unknown = expectSpikeflowError(() => sf.neuron('lif', { surrogate: 'nope' }), 'unknown-id');
    expect(unknown.message).toContain('neurons/sigmoid');
    const bad = expectSpikeflowError(() => sf.neuron('plif', { surrogateOptions: { alpha: -1 } }), 'invalid-options');
    expect(bad.message).toMatch(/surrogate 'neurons\/sigmoid'[\s\S]*alpha/);
    expectSpikeflowError(() => sf.neuron('if', { surrogate: 'rect', surrogateOptions: { w: 1 } }), 'invalid-options', /Unrecognized key: "w"/);
  });

  it('a neuron factory makes independent layers (each PLIF has its own w)', () => {
    const make = sf.neuronFactory({ id: 'plif', options: { initTau: 3 } });
    const a = make() as api.ParametricLIFNode;
    const b = make() as api.ParametricLIFNode;
    expect(a).not.toBe(b);
    a.w.assign(tf.scalar(1));
    expect(b.w.dataSync()[0]).toBeCloseTo(-Math.log(2), 6);
    a.dispose();
    b.dispose();
  });

  it('package.json exposes the plugin subpath and the CLI discovery field', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.spikeflow).toEqual({ plugin: './dist/plugin.js' });
    expect(pkg.exports['./plugin']).toEqual({ '@spikeflow/source': './src/plugin.ts', types: './dist/plugin.d.ts', default: './dist/plugin.js' });
  });
});

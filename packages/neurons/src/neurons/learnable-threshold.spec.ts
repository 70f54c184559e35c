import { createSpikeflow, Linear, manualSeed, Sequential, SGD, tf } from '@spikeflow/core';
import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { neurons } from '../plugin.js';
import { atan } from '../surrogates/atan.js';
import { atanPrimitive64, randomMatrix, sigmoid64 } from '../test-utils/reference.js';
import { disposeAfterEach } from '../test-utils/spec-helpers.js';
import { expectGradientsMatch, type Params64, type Ref64 } from '../test-utils/grad-check.js';
import { IFNode } from './if-node.js';
import { LIFNode } from './lif-node.js';
import { ParametricLIFNode } from './parametric-lif-node.js';

const track = disposeAfterEach();

describe('learnableThreshold: hand-computed case', () => {
  it('IF with a per-channel threshold [1, 2]: each channel fires at its own threshold', () => {
    const node = track(new IFNode({ learnableThreshold: 'channel', channels: 2, fused: true }));
    node.threshold!.assign(tf.tensor1d([1, 2]));
    // channel 0: H 0.6, 1.2 → fire → 0, 0.6, 1.2 → fire | channel 1: 0.6, 1.2, 1.8, 2.4 → fire at t = 3
    const x = tf.fill([4, 1, 2], 0.6);
    const s = node.forward(x).arraySync() as number[][][];
    expect(s.map((t) => t[0])).toEqual([
      [0, 0],
      [1, 0],
      [0, 0],
      [1, 1],
    ]);
    x.dispose();
  });
});

type Model = 'if' | 'lif' | 'plif';
interface Cfg {
  readonly model: Model;
  readonly mode: 'layer' | 'channel';
  readonly vReset: number | null;
}

/** IF/LIF/PLIF in float64 with a threshold per channel (`p.vThreshold`, one value = layer-wise). */
function ref(cfg: Cfg, tau: number): Ref64 {
  return (xs, p, fire) => {
    const vr = cfg.vReset ?? 0;
    const v = xs[0].map(() => vr);
    return xs.map((x) =>
      x.map((xk, k) => {
        const th = p.vThreshold.length === 1 ? p.vThreshold[0] : p.vThreshold[k];
        const leak = cfg.model === 'plif' ? sigmoid64(p.w[0]) : 1 / tau;
        const h = cfg.model === 'if' ? v[k] + xk : v[k] + (xk - (v[k] - vr)) * leak;
        const s = fire(h - th);
        v[k] = cfg.vReset === null ? h - s * th : s * cfg.vReset + (1 - s) * h;
        return s;
      }),
    );
  };
}

const CFGS: Cfg[] = [];
for (const model of ['if', 'lif', 'plif'] as const) {
  CFGS.push({ model, mode: 'layer', vReset: 0 });
  CFGS.push({ model, mode: 'channel', vReset: null });
}

describe.each(CFGS)('learnableThreshold $mode on $model, vReset $vReset', (cfg) => {
  it('spikes match the float64 loop; dL/dX and dL/dV_th (and PLIF dL/dw) match central differences, fused requested or not', () => {
    const N = 4;
    const xs = randomMatrix(6, N, cfg.model === 'if' ? -0.3 : 0, cfg.model === 'if' ? 1.2 : 2.4, 21);
    const c = randomMatrix(6, N, -1, 1, 22);
    const common = { vReset: cfg.vReset, surrogate: atan(), learnableThreshold: cfg.mode, channels: cfg.mode === 'channel' ? N : undefined, fused: true } as const;
    const node = track(cfg.model === 'if' ? new IFNode(common) : cfg.model === 'lif' ? new LIFNode({ ...common, tau: 2.5 }) : new ParametricLIFNode({ ...common, initTau: 2.5 }));
    const p: Params64 = { vThreshold: cfg.mode === 'layer' ? [0.9] : [0.8, 1.1, 0.95, 1.25] };
    if (cfg.model === 'plif') p.w = [0.3];
    expectGradientsMatch(node, ref(cfg, 2.5), xs, p, c, atanPrimitive64(2));
  });
});

describe('learnableThreshold options', () => {
  it('registers V_th as the trainable parameter vThreshold, initialised to vThreshold', () => {
    const node = track(new LIFNode({ vThreshold: 0.7, learnableThreshold: 'channel', channels: 3 }));
    expect(node.namedParameters().map(([n]) => n)).toEqual(['vThreshold']);
    expect(Array.from(node.threshold!.dataSync())).toEqual([0.699999988079071, 0.699999988079071, 0.699999988079071]);
    expect(node.threshold!.trainable).toBe(true);
    const plif = track(new ParametricLIFNode({ learnableThreshold: 'layer' }));
    expect(
      plif
        .namedParameters()
        .map(([n]) => n)
        .sort(),
    ).toEqual(['vThreshold', 'w']);
    expect(track(new IFNode()).threshold).toBeNull();
  });

  it('an optimizer trains it with the weights: one SGD step on −Σ spikes lowers every channel threshold', () => {
    manualSeed(3);
    const lif = new LIFNode({ learnableThreshold: 'channel', channels: 3, fused: true });
    const model = track(new Sequential(new Linear(4, 3), lif));
    const named = model.namedParameters();
    expect(named.map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.vThreshold']);
    const optimizer = new SGD(named, { lr: 0.5 });
    const before = Array.from(lif.threshold!.dataSync());
    tf.tidy(() => {
      const x = tf.tensor3d(randomMatrix(4, 8, 0, 2, 5).flat(), [4, 2, 4]);
      const { grads } = tf.variableGrads(
        () => tf.neg(tf.sum(model.forward(x))) as tf.Scalar,
        named.map(([, v]) => v),
      );
      optimizer.step(new Map(named.map(([n, v]) => [n, grads[v.name]])));
    });
    const after = Array.from(lif.threshold!.dataSync());
    // dL/dV_th = Σ g'(H − V_th) > 0 for L = −Σ S (the sigmoid surrogate is positive everywhere).
    after.forEach((a, i) => expect(a, `channel ${i}`).toBeLessThan(before[i] - 1e-4));
  });

  it('rejects a channel threshold without channels, channels alone, and inputs with another last axis', () => {
    expectSpikeflowError(() => new LIFNode({ learnableThreshold: 'channel' }), 'invalid-options', /needs channels/);
    expectSpikeflowError(() => new IFNode({ channels: 4 }), 'invalid-options', /only used with learnableThreshold/);
    const node = track(new IFNode({ learnableThreshold: 'channel', channels: 4 }));
    const x = tf.zeros([2, 3, 5]);
    const e = expectSpikeflowError(() => node.forward(x), 'shape-mismatch');
    expect(e.message).toMatch(/last axis is 4, got shape \[2,3,5\]/);
    expectSpikeflowError(() => node.step(tf.zeros([3, 5])), 'shape-mismatch');
    x.dispose();
  });

  it('works through the registry for if, lif and plif', () => {
    const sf = createSpikeflow({ plugins: [neurons()] });
    for (const id of ['if', 'lif', 'plif']) {
      const node = track(sf.neuron(id, { learnableThreshold: 'channel', channels: 3 }) as IFNode);
      expect(node.threshold!.shape).toEqual([3]);
      expect(node.describe()).toMatch(/learnable_threshold=channel\(3\)/);
    }
    expect(track(sf.neuron('lif', { learnableThreshold: 'layer' }) as LIFNode).describe()).toBe(
      'LIFNode(tau=2, learnable_threshold=layer, v_th=1, v_reset=0, surrogate=sigmoid(alpha=4))',
    );
    expectSpikeflowError(() => sf.neuron('lif', { learnableThreshold: 'neuron' }), 'invalid-options');
    expectSpikeflowError(() => sf.neuron('if', { learnableThreshold: 'channel' }), 'invalid-options', /channels/);
  });
});

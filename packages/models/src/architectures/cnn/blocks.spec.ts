import { describe, expect, it } from 'vitest';
import { Module, NeuronModule, createSpikeflow, manualSeed, tf, type Tensor } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { models } from '../../plugin.js';
import type { BlockDeps } from './block-parts.js';
import { MsBasicBlock } from './ms-basic-block.js';
import { SewBasicBlock } from './sew-basic-block.js';
import { sewConnect } from './sew-connect.js';
import { SpikingBasicBlock } from './spiking-basic-block.js';
import { spikingResNet } from './spiking-resnet.js';
import { spikingVgg } from './spiking-vgg.js';

const sf = createSpikeflow({ plugins: [neurons(), models()] });

/** A pass-through norm, so the hand cases below need no BN arithmetic (and the norm hook is exercised). */
class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

// IF neurons (H = V + X, spike at H >= 1): on one step a neuron is the step function x >= 1.
const deps: BlockDeps = { neuron: sf.neuronFactory({ id: 'if' }), norm: () => new Identity(), name: 'b' };

/** A 3x3 single-channel kernel with `value` at [row, col] (HWIO [3, 3, 1, 1]). */
function kernel(row: number, col: number, value = 1): tf.Tensor {
  const k = new Float32Array(9);
  k[row * 3 + col] = value;
  return tf.tensor(k, [3, 3, 1, 1]);
}
const SHIFT_RIGHT = () => kernel(1, 0); // y[j] = x[j - 1]
const CENTER = (v = 1) => kernel(1, 1, v);

/** One row of pixels as [T=1, B=1, H=1, W, C=1]. */
const row = (v: number[]) => tf.tensor(v, [1, 1, 1, v.length, 1]);
const values = (t: Tensor) => Array.from(t.dataSync()).map((v) => Math.round(v * 1e6) / 1e6 || 0); // || 0: -0 reads as 0

describe('SEW connect functions', () => {
  const a = tf.tensor([0, 1, 0, 1]);
  const b = tf.tensor([0, 0, 1, 1]);
  it.each([
    ['ADD', [0, 1, 1, 2]],
    ['AND', [0, 0, 0, 1]],
    ['IAND', [0, 0, 1, 0]],
  ] as const)('%s on all spike pairs (a = branch, b = shortcut)', (kind, expected) => {
    expect(values(sewConnect(kind, a, b))).toEqual(expected);
  });

  it('AND and IAND are differentiable products: d/da, d/db by hand', () => {
    const [dAndA, dAndB] = tf.grads((x: Tensor, y: Tensor) => tf.sum(sewConnect('AND', x, y)))([a, b]);
    expect(values(dAndA!)).toEqual([0, 0, 1, 1]); // b
    expect(values(dAndB!)).toEqual([0, 1, 0, 1]); // a
    const [dIandA, dIandB] = tf.grads((x: Tensor, y: Tensor) => tf.sum(sewConnect('IAND', x, y)))([a, b]);
    expect(values(dIandA!)).toEqual([0, 0, -1, -1]); // -b
    expect(values(dIandB!)).toEqual([1, 0, 1, 0]); // 1 - a
  });

  it('rejects an unknown connect function, naming the choices', () => {
    expect(() => sewConnect('OR' as never, a, b)).toThrowError(/ADD, AND, IAND/);
    expect(() => new SewBasicBlock(1, 1, 1, deps, 'OR' as never)).toThrowError(/SewBasicBlock b: connect must be one of ADD, AND, IAND/);
  });
});

describe('residual blocks (hand cases, IF neurons, identity norm)', () => {
  const x = [1, 0, 1, 1, 0];
  // Branch of SEW and spiking blocks: conv1 shifts right, conv2 passes through -> a = shift(x).
  it.each([
    ['ADD', [1, 1, 1, 2, 1]],
    ['AND', [0, 0, 0, 1, 0]],
    ['IAND', [1, 0, 1, 0, 0]],
  ] as const)('SEW block %s: g(sn2(conv2(sn1(conv1 x))), x)', (connect, expected) => {
    const block = new SewBasicBlock(1, 1, 1, deps, connect);
    block.conv1.weight.assign(SHIFT_RIGHT());
    block.conv2.weight.assign(CENTER());
    expect(values(block.forward(row(x)))).toEqual(expected);
  });

  it('spiking block fires after the addition: sn2(branch + x) is binary', () => {
    const block = new SpikingBasicBlock(1, 1, 1, deps);
    block.conv1.weight.assign(SHIFT_RIGHT());
    block.conv2.weight.assign(CENTER());
    // branch + x = [1, 1, 1, 2, 1] -> all fire once (SEW ADD would pass the 2 on).
    expect(values(block.forward(row(x)))).toEqual([1, 1, 1, 1, 1]);
  });

  it('MS block: bn2(conv2(sn2(bn1(conv1(sn1 x))))) + x, the membrane input passed on unspiked', () => {
    const block = new MsBasicBlock(1, 1, 1, deps);
    expect(block.namedChildren().map(([n, m]) => `${n}${m instanceof NeuronModule ? '*' : ''}`)).toEqual(['sn1*', 'conv1', 'bn1', 'sn2*', 'conv2', 'bn2']);
    block.conv1.weight.assign(SHIFT_RIGHT());
    block.conv2.weight.assign(CENTER(3));
    // sn1 x = [0,1,1,0,1]; shifted [0,0,1,1,0]; sn2 same; x3 -> [0,0,3,3,0]; + x.
    expect(values(block.forward(row([0.4, 1.2, 2, -0.5, 1])))).toEqual([0.4, 1.2, 5, 2.5, 1]);
  });

  it('MS block projects the membrane (not spikes) when it changes stride and width', () => {
    const block = new MsBasicBlock(1, 2, 2, deps);
    expect(block.downsample).not.toBeNull();
    block.conv1.weight.assign(tf.zeros([3, 3, 1, 2]));
    block.conv2.weight.assign(tf.zeros([3, 3, 2, 2]));
    const proj = block.downsample!.namedParameters()[0]![1];
    proj.assign(tf.tensor([1, -1], [1, 1, 1, 2]));
    // Stride 2 keeps columns 0, 2, 4; channel 1 is the negated membrane.
    expect(values(block.forward(row([0.4, 1.2, 2, -0.5, 1])))).toEqual([0.4, -0.4, 2, -2, 1, -1]);
  });

  it('SEW projection shortcut spikes: conv1x1 -> norm -> neuron', () => {
    const block = new SewBasicBlock(1, 1, 2, deps, 'ADD');
    expect(block.namedChildren().map(([n]) => n)).toEqual(['conv1', 'bn1', 'sn1', 'conv2', 'bn2', 'sn2', 'downsample', 'downsample_sn']);
    block.conv1.weight.assign(tf.zeros([3, 3, 1, 1]));
    block.downsample!.namedParameters()[0]![1].assign(tf.tensor([2], [1, 1, 1, 1]));
    // Shortcut 2·x at columns 0, 2, 4 = [0.8, 4, 2] -> spikes [0, 1, 1]; branch silent.
    expect(values(block.forward(row([0.4, 1.2, 2, -0.5, 1])))).toEqual([0, 1, 1]);
  });
});

describe('network structure', () => {
  const ctx = { inputShape: [32, 32, 3], numClasses: 10, neuron: { id: 'lif' } };
  const names = (m: Module) => m.namedChildren().map(([n]) => n);

  it('ms-resnet18: no neuron in the stem, stage 1 strided with a projection, one neuron before the pool', () => {
    manualSeed(0);
    const m = sf.model('ms-resnet18', { width: 4 }, ctx);
    expect(names(m)).toEqual(['conv1', 'bn1', 'layer1', 'layer2', 'layer3', 'layer4', 'sn_out', 'avgpool', 'flatten', 'fc']);
    const blocks = m.namedModules().filter(([, b]) => b instanceof MsBasicBlock);
    expect(blocks.map(([n]) => n)).toEqual(['layer1.0', 'layer1.1', 'layer2.0', 'layer2.1', 'layer3.0', 'layer3.1', 'layer4.0', 'layer4.1']);
    expect(blocks.map(([, b]) => (b as MsBasicBlock).downsample !== null)).toEqual([true, false, true, false, true, false, true, false]);
    // 224 -> 112 (stem) -> 56, 28, 14, 7: every stage halves.
    const y = m.forward(tf.zeros([1, 2, 224, 224, 3]));
    expect(y.shape).toEqual([1, 2, 10]);
  });

  it('spiking/sew resnet: torchvision stem and layer names; resnet19 3/3/2 blocks of 128/256/512', () => {
    manualSeed(0);
    const r = sf.model('sew-resnet18', { width: 4 }, ctx);
    expect(names(r)).toEqual(['conv1', 'bn1', 'sn1', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'flatten', 'fc']);
    expect(names(sf.model('spiking-resnet18', { width: 4, stem: 'cifar' }, ctx))).toEqual([
      'conv1',
      'bn1',
      'sn1',
      'layer1',
      'layer2',
      'layer3',
      'layer4',
      'avgpool',
      'flatten',
      'fc',
    ]);
    const r19 = sf.model('resnet19', {}, ctx);
    const convs = r19
      .namedParameters()
      .filter(([n]) => /layer\d\.\d\.conv2\.weight$/.test(n))
      .map(([n, v]) => `${n.split('.').slice(0, 2).join('.')}:${v.shape[3]}`);
    expect(convs).toEqual(['layer1.0:128', 'layer1.1:128', 'layer1.2:128', 'layer2.0:256', 'layer2.1:256', 'layer2.2:256', 'layer3.0:512', 'layer3.1:512']);
    expect(names(r19).slice(-4)).toEqual(['flatten', 'fc1', 'sn_fc1', 'fc2']);
    r19.dispose();
  });

  it('builders make every normalisation layer with the given norm factory, named by position', () => {
    const calls: string[] = [];
    const norm = (c: number, name: string) => {
      calls.push(`${name}:${c}`);
      return new Identity();
    };
    const neuron = sf.neuronFactory({ id: 'lif' });
    const net = spikingResNet({ depth: 18, width: 2, stem: 'imagenet', norm }, { inputShape: [32, 32, 3], numClasses: 10, neuron });
    expect(calls).toEqual([
      'bn1:2',
      'layer1.0.bn1:2',
      'layer1.0.bn2:2',
      'layer1.1.bn1:2',
      'layer1.1.bn2:2',
      'layer2.0.bn1:4',
      'layer2.0.bn2:4',
      'layer2.0.downsample.1:4',
      'layer2.1.bn1:4',
      'layer2.1.bn2:4',
      'layer3.0.bn1:8',
      'layer3.0.bn2:8',
      'layer3.0.downsample.1:8',
      'layer3.1.bn1:8',
      'layer3.1.bn2:8',
      'layer4.0.bn1:16',
      'layer4.0.bn2:16',
      'layer4.0.downsample.1:16',
      'layer4.1.bn1:16',
      'layer4.1.bn2:16',
    ]);
    expect(net.namedParameters().some(([n]) => n.includes('bn'))).toBe(false); // only the factory's (parameter-free) layers
    calls.length = 0;
    spikingVgg({ depth: 11, batchNorm: true, width: 2, hidden: 4, poolSize: 1, dropout: 0, norm }, { inputShape: [32, 32, 3], numClasses: 10, neuron });
    expect(calls).toEqual(['features.1:2', 'features.5:4', 'features.9:8', 'features.12:8', 'features.16:16', 'features.19:16', 'features.23:16', 'features.26:16']);
  });

  it('vgg rejects inputs smaller than 32x32 and non-image shapes, naming the architecture', () => {
    expect(() => sf.model('vgg11', {}, { ...ctx, inputShape: [28, 28, 1] })).toThrowError(/vgg11 needs H and W >= 32/);
    expect(() => sf.model('sew-resnet18', {}, { ...ctx, inputShape: [784] })).toThrowError(/sew-resnet18 needs an NHWC image shape/);
    expect(() => sf.model('sew-resnet18', { connect: 'OR' }, ctx)).toThrowError(/connect/);
  });
});

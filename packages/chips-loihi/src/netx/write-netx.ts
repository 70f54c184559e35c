import { SpikeflowError } from '@spikeflow/core';
import type { QuantizedNetwork } from '../quantize/quantize.js';
import { DECAY_UNITY } from '../simulator/fixed-point.js';
import { ensureGroup, writeFloat32, writeH5Atomic, writeInt, writeIntArray } from './h5.js';

/** Options of {@link writeNetx}. */
export interface WriteNetxOptions {
  /** Time steps the network was trained with (stored as an attribute for the reader). */
  readonly timeSteps?: number;
}

/**
 * Write a quantised network as a lava-dl netx HDF5 file (`.net`), the layout
 * `lava.lib.dl.netx.hdf5.Network` loads: `/layer/<i>/{type, shape, inFeatures, outFeatures,
 * weight (out, in) float32 with integer values, bias?, neuron/{type: 'CUBA', iDecay, vDecay,
 * vThMant, refDelay, gradedSpike}}`; conv layers carry `weight (out, in, kH, kW, 1)`, `stride`,
 * `padding`, `dilation`, `groups`, `inChannels`, `outChannels`, `kernelSize`, shapes (C, H, W);
 * a leading conv gets a shape-only `input` layer and conv → dense a `flatten` layer. `type` is a 1-element fixed-length ASCII string as lava-dl
 * writes it; integers are int64 scalars. The first layer reads the graded input, so load it with
 * `Network(net_config=..., input_message_bits=<attr input_message_bits>)`; the root attributes
 * also record the input scale. The write is atomic.
 *
 * @example
 * ```ts
 * await writeNetx('mlp.net', quantizeNetwork(readFloatNetwork(model, [28, 28, 1])), { timeSteps: 8 });
 * ```
 */
export async function writeNetx(file: string, q: QuantizedNetwork, options: WriteNetxOptions = {}): Promise<void> {
  const layers = q.spec.layers;
  if (layers.length === 0) throw new SpikeflowError('invalid-options', 'cannot export a network without layers');
  await writeH5Atomic(file, (f) => {
    f.create_attribute('producer', 'spikeflow');
    // 1-bit input is plain binary spikes: netx's unary input (input_message_bits = 0), as on Loihi 1.
    f.create_attribute('input_message_bits', q.inputBits === 1 ? 0 : q.inputBits);
    f.create_attribute('input_scale', q.inputScale);
    if (options.timeSteps !== undefined) f.create_attribute('time_steps', options.timeSteps);
    let index = 0;
    const layer = (type: string, shape: readonly number[]) => {
      const g = ensureGroup(f, ['layer', String(index++)]);
      g.create_dataset({ name: 'type', data: [type], shape: [1], dtype: 'A10' });
      writeIntArray(g, 'shape', shape);
      return g;
    };
    // A shape-only input layer tells netx the image size a leading conv layer sees.
    const first = layers[0];
    if (first.kind === 'conv') layer('input', first.inShape);
    layers.forEach((l, i) => {
      if (l.kind === 'dense' && i > 0 && layers[i - 1].kind === 'conv') layer('flatten', [1, 1, l.inFeatures]);
      let g;
      if (l.kind === 'conv') {
        const [O, C, kh, kw] = [l.outShape[0], l.inShape[0], l.kernel[0], l.kernel[1]];
        g = layer('conv', l.outShape);
        writeInt(g, 'inChannels', C);
        writeInt(g, 'outChannels', O);
        writeIntArray(g, 'kernelSize', l.kernel);
        writeIntArray(g, 'stride', l.stride);
        writeIntArray(g, 'padding', l.padding);
        writeIntArray(g, 'dilation', [1, 1]);
        writeInt(g, 'groups', 1);
        // lava-dl stores conv kernels (out, in, kH, kW, 1): cross-correlation, netx flips them for Lava.
        writeFloat32(g, 'weight', Float32Array.from(l.weights), [O, C, kh, kw, 1]);
      } else {
        g = layer('dense', [l.outFeatures]);
        writeInt(g, 'inFeatures', l.inFeatures);
        writeInt(g, 'outFeatures', l.outFeatures);
        writeFloat32(g, 'weight', Float32Array.from(l.weights), [l.outFeatures, l.inFeatures]);
      }
      const b = l.neuron.biasMant;
      const biasCount = l.kind === 'conv' ? l.outShape[0] : l.outFeatures;
      if (typeof b !== 'number') writeFloat32(g, 'bias', Float32Array.from(b), [b.length]);
      else if (b !== 0) writeFloat32(g, 'bias', new Float32Array(biasCount).fill(b), [biasCount]);
      if (l.weightExp !== 0)
        throw new SpikeflowError('unrepresentable', `layer ${i}: netx derives the weight exponent from the weights; a stored exponent ${l.weightExp} cannot be expressed`);
      const n = ensureGroup(g, ['neuron']);
      n.create_dataset({ name: 'type', data: 'CUBA' });
      // netx maps iDecay to du = iDecay − 1 (Lava adds the +1 back), vDecay to dv.
      writeInt(n, 'iDecay', l.neuron.du + 1);
      writeInt(n, 'vDecay', l.neuron.dv);
      writeInt(n, 'vThMant', l.neuron.vth);
      writeInt(n, 'refDelay', 1);
      // h5py stores bools as an int8 enum; netx does not read this field, int8 0/1 carries it.
      n.create_dataset({ name: 'gradedSpike', data: Int8Array.from([0]), shape: [], dtype: '<b' });
      if (l.neuron.biasExp !== 6) throw new SpikeflowError('unrepresentable', `layer ${i}: netx fixes the bias exponent at 6, got ${l.neuron.biasExp}`);
      if (l.neuron.du + 1 > DECAY_UNITY) throw new SpikeflowError('unrepresentable', `layer ${i}: iDecay ${l.neuron.du + 1} exceeds 4096`);
    });
  });
}

import { z } from 'zod';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Sequential, SpikeflowError, type ArchitectureDescriptor, type Module, type NeuronFactory } from '@spikeflow/core';
import { TimeInvariant } from '../layers/time-invariant.js';

export interface ConvFmnistOptions {
  /** Convolution channels (SpikingJelly's example uses 128). */
  readonly channels: number;
  /** Width of the hidden fully connected layer (default C·4·4, as SpikingJelly's example). */
  readonly hidden?: number;
}

/**
 * SpikingJelly's Fashion-MNIST convolutional SNN:
 * `[Conv3x3(C) → BN → neuron → MaxPool2]` × 2 → Flatten → Linear(C·7·7 → hidden) → neuron →
 * Linear(hidden → classes) → neuron, with hidden = C·4·4 unless given. Convolutions and linears have no bias. With a
 * time-invariant input the first conv + BN runs once and is repeated over T.
 */
export function convFmnist(options: ConvFmnistOptions, context: { inputShape: readonly number[]; numClasses: number; neuron: NeuronFactory; staticInput?: boolean }): Module {
  const [h, w, c] = context.inputShape;
  if (context.inputShape.length !== 3 || h % 4 !== 0 || w % 4 !== 0) {
    throw new SpikeflowError('invalid-options', `conv-fmnist needs an NHWC image shape [H, W, C] with H and W divisible by 4, got [${context.inputShape}]`);
  }
  const C = options.channels;
  const hidden = options.hidden ?? C * 4 * 4;
  // Named children (`stem`, `lif1`, `conv2`, ...) give readable parameter names and firing-rate
  // keys; construction order (and so every RNG draw) is the same as when they were numbered.
  const stem = new Sequential({ conv1: new Conv2d(c, C, 3, { padding: 1, bias: false }), bn1: new BatchNorm2d(C) });
  return new Sequential({
    stem: context.staticInput ? new TimeInvariant(stem) : stem,
    lif1: context.neuron('conv1'),
    pool1: new MaxPool2d(2, 2),
    conv2: new Conv2d(C, C, 3, { padding: 1, bias: false }),
    bn2: new BatchNorm2d(C),
    lif2: context.neuron('conv2'),
    pool2: new MaxPool2d(2, 2),
    flatten: new Flatten(),
    fc1: new Linear(C * (h / 4) * (w / 4), hidden, { bias: false }),
    lif3: context.neuron('fc1'),
    fc2: new Linear(hidden, context.numClasses, { bias: false }),
    lif4: context.neuron('fc2'),
  });
}

export const convFmnistDescriptor: ArchitectureDescriptor<ConvFmnistOptions> = {
  id: 'conv-fmnist',
  description: "SpikingJelly's Fashion-MNIST conv SNN: two conv-BN-neuron-maxpool blocks, then FC-neuron-FC-neuron",
  defaultEncoder: 'core/direct',
  defaultInput: { inputShape: [28, 28, 1], numClasses: 10 },
  options: z.object({ channels: z.number().int().positive().default(128), hidden: z.number().int().positive().optional() }).strict(),
  create: (options, context) => convFmnist(options, context),
};

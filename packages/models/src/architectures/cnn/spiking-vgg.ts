import { z } from 'zod';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, Sequential, SpikeflowError, type ArchitectureContext, type ArchitectureDescriptor, type Module } from '@spikeflow/core';
import { TimeInvariant } from '../../layers/time-invariant.js';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';
import { Chain } from './chain.js';
import { NORM_KINDS, type NormChoice } from './norm-factory.js';
import { imageShape, normOrDefault, staticStem } from './resnet-parts.js';

/** torchvision's VGG configurations (channels at width 64; 'M' is a 2x2 max pool). */
export const VGG_CONFIGS: Readonly<Record<11 | 13 | 16, ReadonlyArray<number | 'M'>>> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
};

export interface SpikingVggOptions {
  readonly depth: 11 | 13 | 16;
  /** Normalise after each conv (the `-bn` variants). */
  readonly batchNorm: boolean;
  /** Channels of the first conv (64); the others scale with it (64/128/256/512 at 64). */
  readonly width: number;
  /** Width of the two hidden classifier layers (4096). */
  readonly hidden: number;
  /**
   * Side of the adaptive average pool before the classifier (7, as torchvision): a 224x224 input
   * reaches it at 7x7 (pool = identity); a 32x32 input at 1x1, which the pool repeats to 7x7 exactly
   * as torchvision does (102.8M classifier parameters). Use 1 for small inputs to get a
   * `512 → hidden` classifier instead.
   */
  readonly poolSize: number;
  /** Dropout after each hidden classifier layer (0.5); the mask is shared over time steps. */
  readonly dropout: number;
  /** Normalisation for the `-bn` variants (TypeScript API only; default core BatchNorm2d). */
  readonly norm?: NormChoice;
}

/**
 * Spiking VGG-11/13/16 with or without BN (SpikingJelly's `spiking_vgg`): torchvision's layout,
 * each `3x3 conv (bias) [→ norm] → neuron`, 2x2 max pools, adaptive average pool to
 * `poolSize`², then `Linear(512·p², hidden) → neuron → Dropout → Linear(hidden, hidden) → neuron →
 * Dropout → Linear(hidden, classes)` (the last layer's output is the per-step score, no neuron).
 * At 224x224x3 / 1000 classes the parameters equal torchvision's (vgg11 132,863,336;
 * vgg16_bn 138,365,992; ...). Needs H, W >= 32 (five 2x2 pools).
 *
 * @example
 * ```ts
 * const net = spikingVgg({ depth: 11, batchNorm: true, width: 64, hidden: 4096, poolSize: 1, dropout: 0.5 }, { inputShape: [32, 32, 3], numClasses: 10, neuron });
 * ```
 */
export function spikingVgg(options: SpikingVggOptions, context: ArchitectureContext): Module {
  const arch = `vgg${options.depth}${options.batchNorm ? '-bn' : ''}`;
  const config = VGG_CONFIGS[options.depth];
  if (!config) throw new SpikeflowError('invalid-options', `spiking VGG: depth must be 11, 13 or 16, got ${options.depth}`);
  const [h, w, c] = imageShape(arch, context.inputShape);
  if (h < 32 || w < 32) throw new SpikeflowError('invalid-options', `${arch} needs H and W >= 32 (five 2x2 max pools), got [${context.inputShape}]`);
  for (const [k, v] of [
    ['width', options.width],
    ['hidden', options.hidden],
    ['poolSize', options.poolSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new SpikeflowError('invalid-options', `${arch}: ${k} must be a positive integer, got ${v}`);
  }
  if (!options.batchNorm && options.norm !== undefined) {
    throw new SpikeflowError(
      'invalid-options',
      `${arch} has no normalisation layers, so norm '${typeof options.norm === 'string' ? options.norm : 'factory'}' cannot apply; use ${arch}-bn`,
    );
  }
  const norm = normOrDefault(options.norm, context);
  const features = new Sequential();
  let inC = c;
  let conv = 0;
  for (const v of config) {
    if (v === 'M') {
      features.append(new MaxPool2d(2, 2));
      continue;
    }
    const outC = (v / 64) * options.width;
    // Names are the positions in SpikingJelly's `features` (conv, [norm,] neuron).
    const at = features.length;
    const layer = new Conv2d(inC, outC, 3, { padding: 1 });
    const normed = options.batchNorm ? [layer, norm(outC, `features.${at + 1}`)] : [layer];
    if (conv === 0 && staticStem(options.norm, context)) features.append(new TimeInvariant(new Sequential(...normed)));
    else for (const m of normed) features.append(m);
    features.append(context.neuron(`features.${at + normed.length}`));
    inC = outC;
    conv++;
  }
  const p = options.poolSize;
  return new Chain([
    ['features', features],
    ['avgpool', new AdaptiveAvgPool2d(p)],
    ['flatten', new Flatten()],
    [
      'classifier',
      new Sequential(
        new Linear(inC * p * p, options.hidden),
        context.neuron('classifier.1'),
        new Dropout(options.dropout),
        new Linear(options.hidden, options.hidden),
        context.neuron('classifier.4'),
        new Dropout(options.dropout),
        new Linear(options.hidden, context.numClasses),
      ),
    ],
  ]);
}

type VggDescriptorOptions = Omit<SpikingVggOptions, 'depth' | 'batchNorm'>;

/** torchvision's exact parameter counts of VGG-11/13/16 (without, with BN) at 224x224x3, 1000 classes. */
const TORCHVISION_VGG: Record<11 | 13 | 16, [number, number]> = { 11: [132_863_336, 132_868_840], 13: [133_047_848, 133_053_736], 16: [138_357_544, 138_365_992] };

function descriptor(depth: 11 | 13 | 16, batchNorm: boolean): ArchitectureDescriptor<VggDescriptorOptions> {
  return {
    id: `vgg${depth}${batchNorm ? '-bn' : ''}`,
    description: `Spiking VGG-${depth}${batchNorm ? ' with BN' : ''} (SpikingJelly spiking_vgg, torchvision layout)`,
    defaultEncoder: 'core/direct',
    options: z
      .object({
        width: z.number().int().positive().default(64),
        hidden: z.number().int().positive().default(4096),
        poolSize: z.number().int().positive().default(7),
        dropout: z.number().min(0).max(1).default(0.5),
        norm: z.enum(NORM_KINDS).optional(),
      })
      .strict(),
    reference: {
      inputShape: [224, 224, 3],
      numClasses: 1000,
      parameters: TORCHVISION_VGG[depth][batchNorm ? 1 : 0],
      source: `torchvision vgg${depth}${batchNorm ? '_bn' : ''} (exact count; spiking neurons add no parameters)`,
    },
    create: (options, context) => spikingVgg({ ...options, depth, batchNorm }, context),
  };
}

export const vgg11Descriptor = descriptor(11, false);
export const vgg11BnDescriptor = descriptor(11, true);
export const vgg13Descriptor = descriptor(13, false);
export const vgg13BnDescriptor = descriptor(13, true);
export const vgg16Descriptor = descriptor(16, false);
export const vgg16BnDescriptor = descriptor(16, true);

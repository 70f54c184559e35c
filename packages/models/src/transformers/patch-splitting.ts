// The stem both transformers share (internal: not exported from the package).
import { BatchNorm2d, Conv2d, MaxPool2d, Sequential, type NeuronFactory } from '@spikeflow/core';
import { TimeInvariant } from '../layers/time-invariant.js';

/** What the transformer builders take from the architecture context. */
export interface TransformerContext {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly neuron: NeuronFactory;
  readonly staticInput?: boolean;
}

/** The stem's bias-free 3×3 convolution (padding 1). */
export function stemConv(inChannels: number, outChannels: number): Conv2d {
  return new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false });
}

/**
 * Spiking patch splitting without its position embedding: four `Conv3x3 → BN` stages widening
 * `channels` to D/8, D/4, D/2 and D, stage s followed by a neuron `lif<s>` (named `sps.<s>`) when
 * `fires(s)`, and by a 3×3/2 max pool (padding 1) `pool<s>` when `pools[s]`. The first conv and BN
 * are the child `stem` (time-invariant for a static input: computed once, not T times). Layers are
 * made in order, so every weight draw is where it was when each model built its own.
 *
 * @example
 * ```ts
 * const sps = patchSplitting(3, 384, context, [false, false, true, true], () => true).append(rpe, 'rpe');
 * ```
 */
export function patchSplitting(channels: number, D: number, context: TransformerContext, pools: readonly boolean[], fires: (stage: number) => boolean): Sequential {
  const first = new Sequential({ conv0: stemConv(channels, D / 8), bn0: new BatchNorm2d(D / 8) });
  const sps = new Sequential().append(context.staticInput ? new TimeInvariant(first) : first, 'stem');
  const widths = [D / 8, D / 4, D / 2, D];
  for (let s = 0; s < 4; s++) {
    if (s > 0) sps.append(stemConv(widths[s - 1]!, widths[s]!), `conv${s}`).append(new BatchNorm2d(widths[s]!), `bn${s}`);
    if (fires(s)) sps.append(context.neuron(`sps.${s}`), `lif${s}`);
    if (pools[s]) sps.append(new MaxPool2d(3, 2, 1), `pool${s}`);
  }
  return sps;
}

import { Linear, SpikeflowError, type HardwareReport, type HardwareTarget, type HardwareTargetDescriptor, type Module } from '@spikeflow/core';
import { z } from 'zod';
import { readFloatNetwork } from './quantize/float-network.js';
import { quantizeNetwork, type QuantizedNetwork } from './quantize/quantize.js';
import { resourceReport } from './resources/resource-report.js';
import { LOIHI1_LIMITS, LOIHI2_LIMITS, type LoihiLimits } from './resources/loihi-limits.js';
import { writeNetx } from './netx/write-netx.js';
import { toNirGraph, writeNir } from './nir/write-nir.js';

const schema = z.object({
  /** Graded input payload bits (Loihi 2); Loihi 1 has no graded spikes, so its input is binary. */
  inputBits: z.number().int().min(1).max(8).optional(),
  /** Input sample shape, e.g. [28, 28, 1]; default: the first Linear's input width. */
  inputShape: z.array(z.number().int().positive()).optional(),
  timeSteps: z.number().int().positive().default(8),
  format: z.enum(['netx', 'nir']).default('netx'),
  maxChips: z.number().int().positive().default(1),
  allowResetMismatch: z.boolean().default(false),
}).strict();

/** Validated options of the `loihi/loihi1` and `loihi/loihi2` targets. */
export type LoihiTargetOptions = z.infer<typeof schema>;

function firstLinearWidth(model: Module): number {
  const l = model.namedModules().map(([, m]) => m).find((m): m is Linear => m instanceof Linear);
  if (!l) throw new SpikeflowError('not-supported', 'the model has no Linear layer to map to Loihi');
  return l.inFeatures;
}

/**
 * The Loihi hardware target: checks resources and representability, and exports netx (default)
 * or NIR. Quantisation here has no calibration data, so the first layer's drive is bounded by the
 * worst case; `spikeflow export` passes training images for a tighter, calibrated mapping.
 *
 * @example
 * ```ts
 * const target = loihi2Descriptor.create(loihi2Descriptor.options.parse({ inputShape: [28, 28, 1] }));
 * const report = target.check(model); // { fits, messages, resources: { cores, ... } }
 * await target.export(model, 'mlp.net');
 * ```
 */
export class LoihiTarget implements HardwareTarget {
  readonly id: string;

  constructor(readonly limits: LoihiLimits, readonly options: LoihiTargetOptions) {
    this.id = limits.id;
    if (limits.id === 'loihi1' && options.inputBits !== undefined && options.inputBits !== 1) {
      throw new SpikeflowError('not-supported', `Loihi 1 has no graded spikes: its input is binary (inputBits 1), got inputBits ${options.inputBits}`);
    }
  }

  /** Quantise a model for this chip. */
  quantize(model: Module, calibration?: Float32Array): QuantizedNetwork {
    const shape = this.options.inputShape ?? [firstLinearWidth(model)];
    const inputBits = this.limits.id === 'loihi1' ? 1 : this.options.inputBits;
    return quantizeNetwork(readFloatNetwork(model, shape), { inputBits: calibration ? inputBits : inputBits ?? 4, calibration, allowResetMismatch: this.options.allowResetMismatch });
  }

  check(model: Module): HardwareReport {
    let q: QuantizedNetwork;
    try {
      q = this.quantize(model);
    } catch (e) {
      if (SpikeflowError.is(e, 'unrepresentable')) return { fits: false, messages: [e.message], resources: {} };
      throw e;
    }
    const r = resourceReport(q.spec, this.limits, { maxChips: this.options.maxChips });
    return { fits: r.fits, messages: [...q.messages, ...r.messages], resources: { ...r.total } };
  }

  async export(model: Module, outPath: string): Promise<void> {
    if (this.options.format === 'nir') {
      const shape = this.options.inputShape ?? [firstLinearWidth(model)];
      await writeNir(outPath, toNirGraph(readFloatNetwork(model, shape)));
      return;
    }
    await writeNetx(outPath, this.quantize(model), { timeSteps: this.options.timeSteps });
  }
}

/** Registry entry `loihi/loihi2`: Loihi 2 limits, graded-spike input. */
export const loihi2Descriptor: HardwareTargetDescriptor<LoihiTargetOptions> = {
  id: 'loihi2',
  description: 'Intel Loihi 2: lava-dl netx / NIR export, bit-accurate CUBA LIF simulation, graded-spike input',
  options: schema,
  create: (options) => new LoihiTarget(LOIHI2_LIMITS, options),
};

/** Registry entry `loihi/loihi1`: Loihi 1 limits; binary input only (no graded spikes). */
export const loihi1Descriptor: HardwareTargetDescriptor<LoihiTargetOptions> = {
  id: 'loihi1',
  description: 'Intel Loihi 1: lava-dl netx / NIR export, bit-accurate CUBA LIF simulation, binary input',
  options: schema,
  create: (options) => new LoihiTarget(LOIHI1_LIMITS, options),
};

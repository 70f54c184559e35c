import { z } from 'zod';
import type { HardwareReport, HardwareTarget, HardwareTargetDescriptor, Module } from '@spikeflow/core';
import { exportNetwork } from '../export/export-network.js';
import { PYNN_SIMULATORS, type PynnSimulator } from '../export/pynn-script.js';
import { quantizeNetwork } from '../fixed/fixed-point-network.js';
import { mapModel } from '../network/map-model.js';
import { assertFits, mapResources } from '../resources/resource-mapper.js';
import { SPINNAKER1 } from '../resources/spinnaker-machine.js';

const schema = z.object({
  /** Time steps per sample (the trained T). */
  timeSteps: z.number().int().positive().default(8),
  /** `current`: first Linear off-chip, analog input as i_offset; `spikes`: a SpikeSourceArray. */
  input: z.enum(['current', 'spikes']).default('current'),
  /** The PyNN back end the exported script imports by default. */
  simulator: z.enum(PYNN_SIMULATORS as [PynnSimulator, ...PynnSimulator[]]).default('spinnaker'),
  /** SpiNN-5 boards available. */
  boards: z.number().int().positive().default(1),
  /** Neurons per core (sPyNNaker's 256 for these models). */
  neuronsPerCore: z.number().int().min(1).max(256).default(256),
  /** Shape of one sample (`[H, W, C]`), needed when the first layer is a Conv2d. */
  inputShape: z.array(z.number().int().positive()).optional(),
}).strict();

/** Validated options of the `spinnaker/spinnaker1` target. */
export type SpinnakerTargetOptions = z.infer<typeof schema>;

/**
 * The SpiNNaker 1 hardware target: `check` maps the model and reports cores, chips, boards and
 * the weights that round to zero in 16 bits; `export` writes `run.py` + `network.safetensors`.
 *
 * @example
 * ```ts
 * const target = spinnakerTarget({ timeSteps: 8, input: 'current', simulator: 'spinnaker', boards: 1, neuronsPerCore: 256 });
 * target.check(model).resources.cores; // 3 for lif-mlp
 * await target.export(model, 'out/spinnaker');
 * ```
 */
export function spinnakerTarget(options: SpinnakerTargetOptions): HardwareTarget {
  const machine = { ...SPINNAKER1, boards: options.boards, neuronsPerCore: options.neuronsPerCore };
  const map = (model: Module) => mapModel(model, { timeSteps: options.timeSteps, input: options.input, inputShape: options.inputShape });
  return {
    id: 'spinnaker1',
    check(model: Module): HardwareReport {
      const network = map(model);
      const r = mapResources(network, machine);
      const q = quantizeNetwork(network);
      const zeroed = q.report.reduce((a, p) => a + p.roundedToZero, 0);
      const messages = [...r.messages, ...q.report.map((p) => `${p.population}: ring-buffer shifts exc ${p.shifts[0]} / inh ${p.shifts[1]} (weight resolution ${p.resolution[0]} / ${p.resolution[1]}), ${p.roundedToZero} of ${p.weights} weights round to zero`)];
      return {
        fits: r.fits,
        messages,
        resources: { cores: r.cores, chips: r.chips, boards: r.boards, neurons: r.neurons, synapses: r.synapses, synaptic_rows: r.rows, synaptic_bytes: r.synapticBytes, weights_rounded_to_zero: zeroed },
      };
    },
    async export(model: Module, outPath: string): Promise<void> {
      const network = map(model);
      assertFits(mapResources(network, machine));
      await exportNetwork(outPath, network, { simulator: options.simulator });
    },
  };
}

/** Registry entry `spinnaker/spinnaker1`. */
export const spinnakerTargetDescriptor: HardwareTargetDescriptor<SpinnakerTargetOptions> = {
  id: 'spinnaker1',
  description: 'SpiNNaker 1 (sPyNNaker): PyNN IF_curr_delta / IF_curr_exp (CUBA-LIF) export, s16.15 fixed-point simulation, core/chip/board mapping',
  options: schema,
  create: (options) => spinnakerTarget(options),
};

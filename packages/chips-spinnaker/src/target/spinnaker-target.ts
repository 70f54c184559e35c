import * as path from 'node:path';
import { z } from 'zod';
import {
  SpikeflowError,
  type HardwareExportRequest,
  type HardwareFormat,
  type HardwareReport,
  type HardwareResult,
  type HardwareSimulateRequest,
  type HardwareTarget,
  type HardwareTargetDescriptor,
  type Module,
} from '@spikeflow/core';
import { evaluateClassifier } from '../evaluate/evaluate-classifier.js';
import { exportNetwork } from '../export/export-network.js';
import { PYNN_SIMULATORS, type PynnSimulator } from '../export/pynn-script.js';
import { quantizeNetwork } from '../fixed/fixed-point-network.js';
import { mapModel } from '../network/map-model.js';
import { assertFits, formatResourceReport, mapResources } from '../resources/resource-mapper.js';
import { floatAccuracy, formatQuantization, mapTrained, testCurrents } from './trained-network.js';
import { SPINNAKER1 } from '../resources/spinnaker-machine.js';

const schema = z
  .object({
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
  })
  .strict();

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
  /** The request's PyNN back end (`--simulator`, else the target's), after checking its format and simulator. */
  const simulatorOf = (request: Pick<HardwareExportRequest, 'format' | 'options'>): PynnSimulator => {
    if (request.format !== undefined && request.format !== 'pynn')
      throw new SpikeflowError('invalid-options', `--format for SpiNNaker must be pynn (a PyNN script and its data file), got '${request.format}'`);
    const simulator = (request.options?.simulator ?? options.simulator) as PynnSimulator;
    if (!PYNN_SIMULATORS.includes(simulator)) throw new SpikeflowError('invalid-options', `--simulator must be spinnaker, brian2 or nest, got '${String(simulator)}'`);
    return simulator;
  };
  const map = (model: Module) => mapModel(model, { timeSteps: options.timeSteps, input: options.input, inputShape: options.inputShape });
  return {
    id: 'spinnaker1',
    formats: FORMATS,
    check(model: Module): HardwareReport {
      const network = map(model);
      const r = mapResources(network, machine);
      const q = quantizeNetwork(network);
      const zeroed = q.report.reduce((a, p) => a + p.roundedToZero, 0);
      const messages = [
        ...r.messages,
        ...q.report.map(
          (p) =>
            `${p.population}: ring-buffer shifts exc ${p.shifts[0]} / inh ${p.shifts[1]} (weight resolution ${p.resolution[0]} / ${p.resolution[1]}), ${p.roundedToZero} of ${p.weights} weights round to zero`,
        ),
      ];
      return {
        fits: r.fits,
        messages,
        resources: {
          cores: r.cores,
          chips: r.chips,
          boards: r.boards,
          neurons: r.neurons,
          synapses: r.synapses,
          synaptic_rows: r.rows,
          synaptic_bytes: r.synapticBytes,
          weights_rounded_to_zero: zeroed,
        },
      };
    },
    checkExportRequest(request: Pick<HardwareExportRequest, 'format' | 'options'>): void {
      simulatorOf(request);
    },
    async export(model: Module, outPath: string, request: HardwareExportRequest = {}): Promise<HardwareResult | void> {
      const simulator = simulatorOf(request);
      const o = request.options ?? {};
      const { trained } = request;
      if (!trained) {
        const network = map(model);
        assertFits(mapResources(network, machine));
        await exportNetwork(outPath, network, { simulator });
        return;
      }
      // A trained run: the first layer off-chip, with the first `samples` test samples stored as currents.
      const io = request.io ?? { log: () => {}, quiet: true };
      const network = mapTrained(trained);
      const resources = mapResources(network, boardsOf(o));
      const n = Math.min(typeof o.samples === 'number' ? o.samples : 100, trained.test.length);
      const { currents, labels } = testCurrents(
        trained,
        network,
        Int32Array.from({ length: n }, (_, i) => i),
        io,
      );
      const files = await exportNetwork(outPath, network, { simulator, samples: { kind: 'currents', count: n, currents, labels } });
      const r = { out: path.resolve(outPath), script: files.script, data: files.data, simulator, samples: n, resources, quantization: quantizeNetwork(network).report };
      const lines = [
        `wrote ${r.script} (PyNN, imports pyNN.${r.simulator === 'spinnaker' ? 'spiNNaker' : r.simulator} by default) and ${r.data} (${r.samples} test samples); run: python3 ${r.script}`,
        ...formatQuantization(r.quantization),
        formatResourceReport(r.resources),
      ];
      return { summary: r, lines };
    },
    /** The float model beside sPyNNaker's s16.15 arithmetic (and the float64 reference of the export). */
    async simulate({ trained, test, options: o = {}, io }: HardwareSimulateRequest): Promise<HardwareResult> {
      const network = mapTrained(trained);
      const n = test.indices.length;
      const fl = floatAccuracy(trained, test.indices);
      const { currents, labels } = testCurrents(trained, network, test.indices, io);
      const fixed = quantizeNetwork(network);
      const e = evaluateClassifier(fixed, { kind: 'currents', count: n, currents, labels }, { progress: !io.quiet, label: 'spinnaker s16.15' });
      const r = {
        ...e,
        checkpoint: trained.checkpointDir,
        test: test.json,
        testDescription: test.description,
        timeSteps: trained.timeSteps,
        floatAccuracy: fl,
        drop: (fl - e.fixedAccuracy) * 100,
        resources: mapResources(network, boardsOf(o)),
        quantization: fixed.report,
      };
      const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
      const lines = [
        `${r.testDescription}, T=${r.timeSteps}: float model ${pct(r.floatAccuracy)}, float64 reference of the export ${pct(r.referenceAccuracy)}, SpiNNaker s16.15 ${pct(r.fixedAccuracy)} (drop ${r.drop.toFixed(2)} points; same prediction as the reference on ${pct(r.agreement)}, identical spike trains ${pct(r.identicalTrains)}); ring-buffer saturations ${r.ringBufferSaturations}, arithmetic saturations ${r.arithmeticSaturations}`,
        ...formatQuantization(r.quantization),
        formatResourceReport(r.resources),
      ];
      return { summary: r, lines };
    },
  };
}

/** The SpiNNaker 1 machine with `boards` boards (a command's flag; default 1). */
function boardsOf(o: Readonly<Record<string, unknown>>) {
  return { ...SPINNAKER1, boards: typeof o.boards === 'number' ? o.boards : 1 };
}

const FORMATS: readonly HardwareFormat[] = [{ id: 'pynn', extension: '', description: 'a folder with a PyNN script (run.py) and its data file (network.safetensors)' }];

/** Registry entry `spinnaker/spinnaker1`. */
export const spinnakerTargetDescriptor: HardwareTargetDescriptor<SpinnakerTargetOptions> = {
  id: 'spinnaker1',
  aliases: ['spinnaker'],
  description: 'SpiNNaker 1 (sPyNNaker): PyNN IF_curr_delta / IF_curr_exp (CUBA-LIF) export, s16.15 fixed-point simulation, core/chip/board mapping',
  options: schema,
  create: (options) => spinnakerTarget(options),
};

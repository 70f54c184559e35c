import { SpikeflowError } from '@spikeflow/core';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { ROW_HEADER_WORDS, SPINNAKER1, type SpinnakerMachine } from './spinnaker-machine.js';

/** Placement of one population. */
export interface PopulationResources {
  readonly name: string;
  readonly neurons: number;
  readonly cores: number;
  /** Non-zero synapses arriving at this population. */
  readonly synapses: number;
  /** Synaptic rows stored for this population: one per (pre neuron, target core, synapse type) with at least one synapse. */
  readonly rows: number;
  /** Bytes of those rows (header + one 32-bit word per synapse). */
  readonly synapticBytes: number;
  /** The largest synaptic matrix of one of its cores, in bytes. */
  readonly maxCoreBytes: number;
}

/** What a network needs of a SpiNNaker machine, and whether it fits. */
export interface SpinnakerResourceReport {
  readonly machine: SpinnakerMachine;
  readonly populations: readonly PopulationResources[];
  readonly cores: number;
  readonly chips: number;
  readonly boards: number;
  readonly neurons: number;
  readonly synapses: number;
  readonly rows: number;
  readonly synapticBytes: number;
  readonly fits: boolean;
  readonly messages: readonly string[];
}

function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

/**
 * Place a network on SpiNNaker cores, chips and boards: each population is split into cores of
 * `neuronsPerCore` neurons (the input SpikeSourceArray into cores of `sourcesPerCore`), cores fill
 * chips of `coresPerChip`, chips fill 48-chip boards. Every projection becomes synaptic rows, one
 * per pre-neuron, target core and synapse type (excitatory, inhibitory) that has a synapse. The
 * report names each population that cannot be placed (more cores than the machine, or a core's
 * rows larger than its share of chip SDRAM) and says when the whole network does not fit.
 *
 * @example
 * ```ts
 * const r = mapResources(net); // lif-mlp: 2 + 1 cores, 1 chip, 1 board
 * ```
 */
export function mapResources(network: SpinnakerNetwork, machine: SpinnakerMachine = SPINNAKER1): SpinnakerResourceReport {
  for (const k of ['neuronsPerCore', 'sourcesPerCore', 'coresPerChip', 'chipsPerBoard', 'boards', 'sdramPerChipBytes'] as const) {
    if (!Number.isInteger(machine[k]) || machine[k] < 1) throw new SpikeflowError('invalid-options', `machine.${k} must be a positive integer, got ${machine[k]}`);
  }
  if (machine.neuronsPerCore > 256)
    throw new SpikeflowError('invalid-options', `machine.neuronsPerCore is ${machine.neuronsPerCore}; a synaptic word has 8 bits of neuron index (at most 256 per core)`);
  const totalCores = machine.boards * machine.chipsPerBoard * machine.coresPerChip;
  const coreShare = Math.floor(machine.sdramPerChipBytes / machine.coresPerChip);
  const messages: string[] = [];
  const populations: PopulationResources[] = [];
  let fits = true;
  let inputCores = 0;
  if (network.input.kind === 'spikes') inputCores = ceilDiv(network.input.size, machine.sourcesPerCore);
  for (const pop of network.populations) {
    const cores = ceilDiv(pop.size, machine.neuronsPerCore);
    const coreBytes = new Array<number>(cores).fill(0);
    let synapses = 0;
    let rows = 0;
    for (const q of network.projections.filter((p) => p.post === pop.name)) {
      for (let i = 0; i < q.preSize; i++) {
        for (let c = 0; c < cores; c++) {
          let exc = 0;
          let inh = 0;
          const end = Math.min(pop.size, (c + 1) * machine.neuronsPerCore);
          for (let j = c * machine.neuronsPerCore; j < end; j++) {
            const w = q.weights[i * q.postSize + j];
            if (w > 0) exc++;
            else if (w < 0) inh++;
          }
          for (const n of [exc, inh]) {
            if (n === 0) continue;
            rows++;
            synapses += n;
            coreBytes[c] += 4 * (ROW_HEADER_WORDS + n);
          }
        }
      }
    }
    const maxCoreBytes = Math.max(0, ...coreBytes);
    const synapticBytes = coreBytes.reduce((a, b) => a + b, 0);
    populations.push({ name: pop.name, neurons: pop.size, cores, synapses, rows, synapticBytes, maxCoreBytes });
    if (cores > totalCores) {
      fits = false;
      messages.push(`population ${pop.name} needs ${cores} cores (${pop.size} neurons at ${machine.neuronsPerCore} per core); ${machine.boards} board(s) have ${totalCores}`);
    }
    if (maxCoreBytes > coreShare) {
      fits = false;
      messages.push(
        `population ${pop.name}: one core's synaptic rows take ${maxCoreBytes} bytes, more than its share of chip SDRAM (${coreShare} bytes); use fewer neurons per core`,
      );
    }
  }
  const cores = inputCores + populations.reduce((a, p) => a + p.cores, 0);
  const chips = ceilDiv(cores, machine.coresPerChip);
  const boards = ceilDiv(chips, machine.chipsPerBoard);
  if (cores > totalCores) {
    fits = false;
    messages.push(`the network needs ${cores} cores on ${chips} chips (${boards} board(s)); the machine has ${machine.boards} board(s), ${totalCores} application cores`);
  }
  if (inputCores) messages.push(`input SpikeSourceArray: ${network.input.size} sources on ${inputCores} core(s)`);
  else
    messages.push(
      `input: the first Linear layer runs off-chip; its currents drive the first population as i_offset${network.populations[0]?.cellType === 'IF_curr_exp' ? ' and an initial isyn_exc' : ''} (no input cores)`,
    );
  return {
    machine,
    populations,
    cores,
    chips,
    boards,
    neurons: populations.reduce((a, p) => a + p.neurons, 0),
    synapses: populations.reduce((a, p) => a + p.synapses, 0),
    rows: populations.reduce((a, p) => a + p.rows, 0),
    synapticBytes: populations.reduce((a, p) => a + p.synapticBytes, 0),
    fits,
    messages,
  };
}

/** Throw `does-not-fit` with the report's messages when it does not fit. */
export function assertFits(report: SpinnakerResourceReport): void {
  if (!report.fits)
    throw new SpikeflowError(
      'does-not-fit',
      `the network does not fit ${report.machine.boards} ${report.machine.name} board(s): ${report.messages.filter((m) => !m.startsWith('input')).join('; ')}`,
      { cores: report.cores, chips: report.chips },
    );
}

/** A table of the report, one line per population and a total. */
export function formatResourceReport(r: SpinnakerResourceReport): string {
  const lines = [`SpiNNaker (${r.machine.name}, ${r.machine.neuronsPerCore} neurons/core, ${r.machine.coresPerChip} cores/chip, ${r.machine.chipsPerBoard} chips/board):`];
  lines.push('  population   neurons  cores  synapses     rows  synaptic bytes');
  for (const p of r.populations)
    lines.push(
      `  ${p.name.padEnd(11)} ${String(p.neurons).padStart(8)} ${String(p.cores).padStart(6)} ${String(p.synapses).padStart(9)} ${String(p.rows).padStart(8)} ${String(p.synapticBytes).padStart(15)}`,
    );
  lines.push(
    `  total: ${r.cores} cores, ${r.chips} chip(s), ${r.boards} board(s), ${r.neurons} neurons, ${r.synapses} synapses, ${r.rows} rows, ${r.synapticBytes} bytes — ${r.fits ? 'fits' : 'does NOT fit'}`,
  );
  for (const m of r.messages) lines.push(`  note: ${m}`);
  return lines.join('\n');
}

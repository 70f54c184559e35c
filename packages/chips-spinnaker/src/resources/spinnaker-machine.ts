/**
 * The sizes the resource mapper places a network into. Defaults describe SpiNNaker 1 (SpiNN-5
 * boards): 48 chips per board, 18 ARM968 cores per chip of which 16 run applications (one is the
 * monitor, one is kept spare for faults), 128 MiB SDRAM per chip, and sPyNNaker's 256 neurons per
 * core for LIF populations (8 bits of neuron index in a synaptic word).
 */
export interface SpinnakerMachine {
  readonly name: string;
  readonly neuronsPerCore: number;
  /** Atoms of a SpikeSourceArray per core. */
  readonly sourcesPerCore: number;
  readonly coresPerChip: number;
  readonly chipsPerBoard: number;
  readonly boards: number;
  readonly sdramPerChipBytes: number;
}

/** One SpiNN-5 board (48 chips, 768 application cores). */
export const SPINNAKER1: SpinnakerMachine = Object.freeze({
  name: 'spinnaker1',
  neuronsPerCore: 256,
  sourcesPerCore: 256,
  coresPerChip: 16,
  chipsPerBoard: 48,
  boards: 1,
  sdramPerChipBytes: 128 * 1024 * 1024,
});

/** Words before the synapses of a static synaptic row (plastic size, fixed count, fixed-plastic count). */
export const ROW_HEADER_WORDS = 3;

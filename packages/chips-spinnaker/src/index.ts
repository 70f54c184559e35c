// @spikeflow/chips-spinnaker — public API. Values first, then types in separate blocks.
export {
  S1615_ONE,
  S1615_MAX_BITS,
  S1615_MIN_BITS,
  toS1615,
  fromS1615,
  mulS1615,
  mulS1615Unsaturated,
  addS1615,
  subS1615,
  saturateS1615,
  roundHalfEven,
  decayFactorS1615,
  decayS1615,
  U032_ONE,
} from './fixed/s1615.js';
export { expSynapseU032 } from './fixed/exp-synapse-u032.js';
export type { ExpSynapseU032 } from './fixed/exp-synapse-u032.js';
export { MAX_WEIGHT_WORD, ringBufferShift, shiftForBound, weightScale, quantizeWeight, dequantizeWeight } from './fixed/ring-buffer-scaling.js';
export type { RingBufferInputs } from './fixed/ring-buffer-scaling.js';
export { quantizeNetwork } from './fixed/fixed-point-network.js';
export type { FixedPointNetwork, FixedPopulation, FixedProjection, QuantizationReport, QuantizeOptions } from './fixed/fixed-point-network.js';
export { FixedPointSimulator } from './fixed/fixed-point-simulator.js';
export type { FixedPointRun, FixedPointTrace } from './fixed/fixed-point-simulator.js';

export { neuronParameters, IF_TAU_M_STEPS } from './network/neuron-parameters.js';
export type { NeuronSpec } from './network/neuron-parameters.js';
export { cubaParameters } from './network/cuba-parameters.js';
export type { CubaNeuronSpec } from './network/cuba-parameters.js';
export { expSynapseFactors, exponentialCurrentInput } from './network/exp-synapse.js';
export type { ExpSynapseFactors, ExpCurrentInput } from './network/exp-synapse.js';
export { mapModel, mapNetwork, describeNeuron, offchipCurrents } from './network/map-model.js';
export { unrollConv2d, unrollConvLayer, convOutShape } from './network/unroll-conv2d.js';
export type { MapModelOptions } from './network/map-model.js';
export type { CellParameters, CellType, PopulationSpec, ProjectionSpec, NetworkInput, SpinnakerNetwork, NetworkSample, PopulationSpikes } from './network/spinnaker-network.js';

export { simulateReference, checkSample } from './reference/reference-simulator.js';
export { evaluateClassifier, predictFromSpikes } from './evaluate/evaluate-classifier.js';
export type { ClassifierEvaluation } from './evaluate/evaluate-classifier.js';

export { encodeNetworkFile, decodeNetworkFile, writeNetworkFile, readNetworkFile, NETWORK_FILE_FORMAT, NETWORK_FILE_VERSION } from './export/data-file.js';
export type { ExportSamples } from './export/data-file.js';
export { pynnScript, layerLatency, PYNN_SIMULATORS } from './export/pynn-script.js';
export type { PynnSimulator } from './export/pynn-script.js';
export { exportNetwork } from './export/export-network.js';
export type { ExportedFiles } from './export/export-network.js';

export { mapResources, assertFits, formatResourceReport } from './resources/resource-mapper.js';
export type { SpinnakerResourceReport, PopulationResources } from './resources/resource-mapper.js';
export { SPINNAKER1, ROW_HEADER_WORDS } from './resources/spinnaker-machine.js';
export type { SpinnakerMachine } from './resources/spinnaker-machine.js';

export { spinnakerTarget, spinnakerTargetDescriptor } from './target/spinnaker-target.js';
export type { SpinnakerTargetOptions } from './target/spinnaker-target.js';
export { spinnaker } from './plugin.js';

// @spikeflow/chips-loihi — public API. Values first, then types in separate blocks.
export { LoihiLif, validateLifParams } from './simulator/loihi-lif.js';
export { DenseSynapse, determineSignMode, storedWeight } from './simulator/dense-synapse.js';
export { DelayDenseSynapse, MAX_SYNAPTIC_DELAY } from './simulator/delay-dense-synapse.js';
export { LoihiNetwork, expandBias } from './simulator/loihi-network.js';
export { ConvSynapse, signedWrap, convOutSize } from './simulator/conv-synapse.js';
export {
  DECAY_UNITY,
  STATE_LIMIT,
  ACTIVATION_SHIFT,
  THRESHOLD_SHIFT,
  MAX_VTH_MANT,
  BIAS_MANT_MIN,
  BIAS_MANT_MAX,
  decayTowardsZero,
  wrapCurrent,
  clipVoltage,
  shiftByExponent,
} from './simulator/fixed-point.js';
export { readFloatNetwork, toFloatNetwork, hwcToChw } from './quantize/float-network.js';
export { quantizeNetwork, encodeInput, quantizeWeight, layerDrive, toChipOrder, MAX_SAFE_DRIVE, NETX_BIAS_EXP } from './quantize/quantize.js';
export { evaluateOnChip, evaluateFloat, argmax } from './evaluate/chip-accuracy.js';

export type { LoihiLifParams } from './simulator/loihi-lif.js';
export type { SignMode, DenseSynapseOptions } from './simulator/dense-synapse.js';
export type { LoihiDenseLayer, LoihiConvLayer, LoihiLayer, LoihiNetworkSpec, LoihiRunResult, LoihiRunOptions } from './simulator/loihi-network.js';
export type { ConvGeometry2d } from './simulator/conv-synapse.js';
export type { FloatNeuron, FloatDenseLayer, FloatConvLayer, FloatLayer, FloatNetwork } from './quantize/float-network.js';
export type { QuantizeOptions, QuantizedNetwork, LayerQuantization } from './quantize/quantize.js';
export type { LabelledSamples, ChipEvaluation } from './evaluate/chip-accuracy.js';

export { chipsLoihi } from './plugin.js';
export { LoihiTarget, loihi1Descriptor, loihi2Descriptor } from './loihi-target.js';
export { quantizationAwareFinetune, quantizationGains } from './finetune/quantization-aware-finetune.js';
export { QuantAwareAdam } from './finetune/quant-aware-adam.js';
export { LOIHI1_LIMITS, LOIHI2_LIMITS } from './resources/loihi-limits.js';
export { resourceReport, assertFits, formatResourceReport } from './resources/resource-report.js';
export { writeNetx } from './netx/write-netx.js';
export { readNetx } from './netx/read-netx.js';
export { netxToNetwork, optimizeWeightBits } from './netx/netx-to-network.js';
export { writeNir, toNirGraph } from './nir/write-nir.js';
export { readNir } from './nir/read-nir.js';
export { nirToNetwork } from './nir/nir-to-network.js';
export { NIR_VERSION, NIR_DT } from './nir/nir-graph.js';

export type { LoihiTargetOptions, LoihiRunFlags } from './loihi-target.js';
export type { QuantizationAwareFinetuneOptions } from './finetune/quantization-aware-finetune.js';
export type { LoihiLimits } from './resources/loihi-limits.js';
export type { LayerResources, ResourceReport } from './resources/resource-report.js';
export type { WriteNetxOptions } from './netx/write-netx.js';
export type { NetxArray, NetxLayer, NetxFile } from './netx/netx-file.js';
export type { OptimizedWeights } from './netx/netx-to-network.js';
export type { NirGraph, NirNode, NirValue } from './nir/nir-graph.js';
export type { NirNeuronFactory } from './nir/nir-to-network.js';

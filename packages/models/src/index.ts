// @spikeflow/models — public API: each module's values and types in one statement.

// The plugin, and each architecture's builder and registry entries.
export { models } from './plugin.js';
export { lifMlp, lifMlpDescriptor, type LifMlpOptions } from './architectures/lif-mlp.js';
export { convFmnist, convFmnistDescriptor, type ConvFmnistOptions } from './architectures/conv-fmnist.js';
export { spikingVgg, VGG_CONFIGS, type SpikingVggOptions } from './architectures/cnn/spiking-vgg.js';
export { vgg11Descriptor, vgg11BnDescriptor, vgg13Descriptor, vgg13BnDescriptor, vgg16Descriptor, vgg16BnDescriptor } from './architectures/cnn/spiking-vgg.js';
export { spikingResNet, RESNET_BLOCKS, spikingResNet18Descriptor, spikingResNet34Descriptor, type SpikingResNetOptions } from './architectures/cnn/spiking-resnet.js';
export { sewResNet, sewResNet18Descriptor, sewResNet34Descriptor, type SewResNetOptions } from './architectures/cnn/sew-resnet.js';
export { msResNet18, msResNet18Descriptor, type MsResNetOptions } from './architectures/cnn/ms-resnet.js';
export { resNet19, resNet19Descriptor, type ResNet19Options } from './architectures/cnn/resnet19.js';
export { cnnArchitectures } from './architectures/cnn/cnn-architectures.js';
export { spikformer, spikformerDescriptor, type SpikformerOptions } from './transformers/spikformer.js';
export { spikeDrivenTransformer, spikeDrivenTransformerDescriptor, sdtDescriptor, type SpikeDrivenTransformerOptions } from './transformers/spike-driven-transformer.js';
export { transformerArchitectures } from './transformers/transformer-architectures.js';

// Building blocks: residual blocks, attention, layers and normalisation.
export { SpikingBasicBlock } from './architectures/cnn/spiking-basic-block.js';
export { SewBasicBlock } from './architectures/cnn/sew-basic-block.js';
export { MsBasicBlock } from './architectures/cnn/ms-basic-block.js';
export { sewConnect, SEW_CONNECT_FUNCTIONS, type SewConnect } from './architectures/cnn/sew-connect.js';
export type { BlockDeps } from './architectures/cnn/block-parts.js';
export { AdaptiveAvgPool2d } from './architectures/cnn/adaptive-avg-pool2d.js';
export { Chain } from './architectures/cnn/chain.js';
export { batchNorm2dFactory } from './architectures/cnn/norm-factory.js';
// The CNN builders' NormFactory; normalization/norm-factory.ts uses the same type.
export type { NormFactory, NormChoice } from './architectures/cnn/norm-factory.js';
export { TimeInvariant } from './layers/time-invariant.js';
export { SpikingSelfAttention, type SpikingSelfAttentionOptions } from './transformers/spiking-self-attention.js';
export { SpikeDrivenSelfAttention, type SpikeDrivenSelfAttentionOptions, type SdsaForm } from './transformers/spike-driven-self-attention.js';
export { SpikformerBlock, type SpikformerBlockOptions } from './transformers/spikformer-block.js';
export { MembraneShortcutBlock, type MembraneShortcutBlockOptions } from './transformers/membrane-shortcut-block.js';
export type { AttentionOp } from './transformers/op-rates.js';
export { MembraneShortcutMlp } from './transformers/membrane-shortcut-mlp.js';
export { ThresholdScaledNeuron } from './transformers/threshold-scaled-neuron.js';
export { Residual } from './transformers/residual.js';
export { TokenMean } from './transformers/token-mean.js';
export { TdBatchNorm, type TdBatchNormOptions } from './normalization/td-batch-norm.js';
export { TEBN, type TEBNOptions } from './normalization/tebn.js';
export { BNTT, type BNTTOptions } from './normalization/bntt.js';
export type { NormOptions } from './normalization/channel-stats.js';
export { normFactory, type NormKind, type NormFactoryOptions } from './normalization/norm-factory.js';

// Encoders, losses and energy estimates.
export { poissonEncoder, poissonEncoderDescriptor } from './encoders/poisson-encoder.js';
export { latencyEncoder, latencyEncoderDescriptor, type LatencyEncoderOptions } from './encoders/latency-encoder.js';
export { deltaEncoder, deltaEncoderDescriptor, type DeltaEncoderOptions } from './encoders/delta-encoder.js';
export { ceRateLoss, ceRateDescriptor, type CeRateOptions } from './losses/ce-rate-loss.js';
export { mseCountLoss, mseCountDescriptor, type MseCountOptions } from './losses/mse-count-loss.js';
export { FiringRateRegularizer, type FiringRateRegularizerOptions } from './losses/firing-rate-regularizer.js';
export { measureEnergy, E_MAC_PJ, E_AC_PJ, type EnergyOptions, type EnergyReport, type EnergyRow, type NeuronRateRow } from './energy/measure-energy.js';
export { formatEnergyReport } from './energy/format-energy-report.js';
export type { OpCounter, OpCount } from './energy/op-counter.js';

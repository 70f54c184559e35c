import { models } from './plugin.js';
import { lifMlp, lifMlpDescriptor, type LifMlpOptions } from './architectures/lif-mlp.js';
import { convFmnist, convFmnistDescriptor, type ConvFmnistOptions } from './architectures/conv-fmnist.js';
import {
  spikingVgg,
  VGG_CONFIGS,
  vgg11Descriptor,
  vgg11BnDescriptor,
  vgg13Descriptor,
  vgg13BnDescriptor,
  vgg16Descriptor,
  vgg16BnDescriptor,
  type SpikingVggOptions,
} from './architectures/cnn/spiking-vgg.js';
import { spikingResNet, RESNET_BLOCKS, spikingResNet18Descriptor, spikingResNet34Descriptor, type SpikingResNetOptions } from './architectures/cnn/spiking-resnet.js';
import { sewResNet, sewResNet18Descriptor, sewResNet34Descriptor, type SewResNetOptions } from './architectures/cnn/sew-resnet.js';
import { msResNet18, msResNet18Descriptor, type MsResNetOptions } from './architectures/cnn/ms-resnet.js';
import { resNet19, resNet19Descriptor, type ResNet19Options } from './architectures/cnn/resnet19.js';
import { cnnArchitectures } from './architectures/cnn/cnn-architectures.js';
import { SpikingBasicBlock } from './architectures/cnn/spiking-basic-block.js';
import { SewBasicBlock } from './architectures/cnn/sew-basic-block.js';
import { MsBasicBlock } from './architectures/cnn/ms-basic-block.js';
import { sewConnect, SEW_CONNECT_FUNCTIONS, type SewConnect } from './architectures/cnn/sew-connect.js';
import { AdaptiveAvgPool2d } from './architectures/cnn/adaptive-avg-pool2d.js';
import { Chain } from './architectures/cnn/chain.js';
import { batchNorm2dFactory, type NormFactory, type NormChoice } from './architectures/cnn/norm-factory.js';
import type { BlockDeps } from './architectures/cnn/block-parts.js';
import { TimeInvariant } from './layers/time-invariant.js';
import { spikformer, spikformerDescriptor, type SpikformerOptions } from './transformers/spikformer.js';
import { spikeDrivenTransformer, spikeDrivenTransformerDescriptor, sdtDescriptor, type SpikeDrivenTransformerOptions } from './transformers/spike-driven-transformer.js';
import { transformerArchitectures } from './transformers/transformer-architectures.js';
import { SpikingSelfAttention, type SpikingSelfAttentionOptions } from './transformers/spiking-self-attention.js';
import { SpikeDrivenSelfAttention, type SpikeDrivenSelfAttentionOptions, type SdsaForm } from './transformers/spike-driven-self-attention.js';
import { SpikformerBlock, type SpikformerBlockOptions } from './transformers/spikformer-block.js';
import { MembraneShortcutBlock, type MembraneShortcutBlockOptions } from './transformers/membrane-shortcut-block.js';
import { MembraneShortcutMlp } from './transformers/membrane-shortcut-mlp.js';
import { ThresholdScaledNeuron } from './transformers/threshold-scaled-neuron.js';
import { Residual } from './transformers/residual.js';
import { TokenMean } from './transformers/token-mean.js';
import type { AttentionOp } from './transformers/op-rates.js';
import { TdBatchNorm, type TdBatchNormOptions } from './normalization/td-batch-norm.js';
import { TEBN, type TEBNOptions } from './normalization/tebn.js';
import { BNTT, type BNTTOptions } from './normalization/bntt.js';
import type { NormOptions } from './normalization/channel-stats.js';
// Its NormFactory type is the CNN builders' one, imported above.
import { normFactory, type NormKind, type NormFactoryOptions } from './normalization/norm-factory.js';
import { poissonEncoder, poissonEncoderDescriptor } from './encoders/poisson-encoder.js';
import { latencyEncoder, latencyEncoderDescriptor, type LatencyEncoderOptions } from './encoders/latency-encoder.js';
import { deltaEncoder, deltaEncoderDescriptor, type DeltaEncoderOptions } from './encoders/delta-encoder.js';
import { ceRateLoss, ceRateDescriptor, type CeRateOptions } from './losses/ce-rate-loss.js';
import { mseCountLoss, mseCountDescriptor, type MseCountOptions } from './losses/mse-count-loss.js';
import { FiringRateRegularizer, type FiringRateRegularizerOptions } from './losses/firing-rate-regularizer.js';
import { measureEnergy, E_MAC_PJ, E_AC_PJ, type EnergyOptions, type EnergyReport, type EnergyRow, type NeuronRateRow } from './energy/measure-energy.js';
import { formatEnergyReport } from './energy/format-energy-report.js';
import type { OpCounter, OpCount } from './energy/op-counter.js';

// The plugin, and each architecture's builder and registry entries.
export {
  models,
  lifMlp,
  lifMlpDescriptor,
  convFmnist,
  convFmnistDescriptor,
  spikingVgg,
  VGG_CONFIGS,
  vgg11Descriptor,
  vgg11BnDescriptor,
  vgg13Descriptor,
  vgg13BnDescriptor,
  vgg16Descriptor,
  vgg16BnDescriptor,
  spikingResNet,
  RESNET_BLOCKS,
  spikingResNet18Descriptor,
  spikingResNet34Descriptor,
  sewResNet,
  sewResNet18Descriptor,
  sewResNet34Descriptor,
  msResNet18,
  msResNet18Descriptor,
  resNet19,
  resNet19Descriptor,
  cnnArchitectures,
  spikformer,
  spikformerDescriptor,
  spikeDrivenTransformer,
  spikeDrivenTransformerDescriptor,
  sdtDescriptor,
  transformerArchitectures,
};

// Building blocks: residual blocks, attention, layers and normalisation.
export {
  SpikingBasicBlock,
  SewBasicBlock,
  MsBasicBlock,
  sewConnect,
  SEW_CONNECT_FUNCTIONS,
  AdaptiveAvgPool2d,
  Chain,
  batchNorm2dFactory,
  TimeInvariant,
  SpikingSelfAttention,
  SpikeDrivenSelfAttention,
  SpikformerBlock,
  MembraneShortcutBlock,
  MembraneShortcutMlp,
  ThresholdScaledNeuron,
  Residual,
  TokenMean,
  TdBatchNorm,
  TEBN,
  BNTT,
  normFactory,
};

// Encoders, losses and energy estimates.
export {
  poissonEncoder,
  poissonEncoderDescriptor,
  latencyEncoder,
  latencyEncoderDescriptor,
  deltaEncoder,
  deltaEncoderDescriptor,
  ceRateLoss,
  ceRateDescriptor,
  mseCountLoss,
  mseCountDescriptor,
  FiringRateRegularizer,
  measureEnergy,
  E_MAC_PJ,
  E_AC_PJ,
  formatEnergyReport,
};

export type {
  LifMlpOptions,
  ConvFmnistOptions,
  SpikingVggOptions,
  SpikingResNetOptions,
  SewResNetOptions,
  MsResNetOptions,
  ResNet19Options,
  SewConnect,
  NormFactory,
  NormChoice,
  BlockDeps,
  SpikformerOptions,
  SpikeDrivenTransformerOptions,
  SpikingSelfAttentionOptions,
  SpikeDrivenSelfAttentionOptions,
  SdsaForm,
  SpikformerBlockOptions,
  MembraneShortcutBlockOptions,
  AttentionOp,
  TdBatchNormOptions,
  TEBNOptions,
  BNTTOptions,
  NormOptions,
  NormKind,
  NormFactoryOptions,
  LatencyEncoderOptions,
  DeltaEncoderOptions,
  CeRateOptions,
  MseCountOptions,
  FiringRateRegularizerOptions,
  EnergyOptions,
  EnergyReport,
  EnergyRow,
  NeuronRateRow,
  OpCounter,
  OpCount,
};

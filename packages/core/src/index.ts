// @spikeflow/core — public API. Values first, then types in separate blocks.
export { SpikeflowError } from './errors/spikeflow-error.js';
export type { SpikeflowErrorKind } from './errors/spikeflow-error.js';

export { tf } from './engine/tf.js';
export type { Tensor, Variable } from './engine/tf.js';
export { selectBackend, currentBackend, describeBackend, BACKEND_CHOICES } from './engine/backend.js';
export type { BackendChoice, BackendInfo, BackendName } from './engine/backend.js';
export { wasmKernelModule } from './engine/wasm-kernel-module.js';
export { markDataTensor, isDataTensor, passDataMark } from './ops/data-tensor.js';
export { setEventDriven, density, sparseMatMul, sparseMatMulGradW, useEventDriven, EVENT_DRIVEN_MAX_DENSITY } from './ops/spike-matmul.js';
export type { EventDrivenMode } from './ops/spike-matmul.js';
export { setEventDrivenConv, CONV_EVENT_DRIVEN_MAX_DENSITY } from './ops/conv2d.js';
export { useCompiledLayerKernels } from './ops/wasm-ops.js';
export { useParallelWorker, parallelTaskCount, parallelConv2d, parallelMatMul } from './engine/parallel-pool.js';
export type { WasmKernelModule, HeapTensorInfo } from './engine/wasm-kernel-module.js';

export { Rng, epochPermutation, hashString } from './util/rng.js';
export type { RngState } from './util/rng.js';

export { definePlugin, assertPlugin, CONTRIBUTION_TOKENS } from './plugin/plugin.js';
export type { Plugin, PluginMeta, PluginContributions } from './plugin/plugin.js';
export { Registry } from './plugin/registry.js';
export {
  NeuronRegistry, SurrogateRegistry, ArchitectureRegistry, DatasetRegistry, EncoderRegistry, LossRegistry, HardwareTargetRegistry,
} from './plugin/registries.js';
export { createSpikeflow, corePlugin, Spikeflow } from './plugin/spikeflow.js';
export type { SpikeflowOptions, NeuronSpec } from './plugin/spikeflow.js';

export { NeuronDescriptor } from './contracts/neuron.js';
export type { NeuronContext, NeuronFactory } from './contracts/neuron.js';
export { SurrogateDescriptor } from './contracts/surrogate.js';
export type { SurrogateFunction } from './contracts/surrogate.js';
export { ArchitectureDescriptor, matchesReference } from './contracts/architecture.js';
export type { ArchitectureContext, ArchitectureReference } from './contracts/architecture.js';
export { DatasetDescriptor } from './contracts/dataset.js';
export type { Dataset, DatasetOpenOptions } from './contracts/dataset.js';
export { EncoderDescriptor } from './contracts/encoder.js';
export type { Encoder, EncodeContext } from './contracts/encoder.js';
export { LossDescriptor } from './contracts/loss.js';
export type { LossFunction } from './contracts/loss.js';
export { HardwareTargetDescriptor } from './contracts/hardware-target.js';
export type { HardwareTarget, HardwareReport } from './contracts/hardware-target.js';
export type { Descriptor, Registered } from './contracts/descriptor.js';

export { Module, foldTime } from './nn/module.js';
export { withoutInitialisation } from './nn/init.js';
export type { NamedTensorEntry } from './nn/module.js';

export { spike, heaviside, detach } from './spike/spike-fn.js';
export { NeuronModule, spikingLayers } from './spike/neuron-module.js';
export { BaseNode } from './spike/base-node.js';
export { standardDynamics } from './spike/standard-dynamics.js';
export type { StandardDynamics } from './spike/standard-dynamics.js';
export type { BaseNodeOptions } from './spike/base-node.js';

export { mseRateLoss, crossEntropyMeanLoss, tetLoss, crossEntropy } from './losses/losses.js';
export { directEncoder } from './encoders/direct.js';
export { CORE_VERSION } from './version.js';
export { manualSeed, globalRng } from './util/seed.js';
export { ProgressBar } from './util/progress.js';
export type { ProgressBarOptions } from './util/progress.js';
export * from './nn/index.js';
export { setBatchNormSync, getBatchNormSync } from './nn/batch-norm-sync.js';
export type { BatchNormSync, BatchNormSyncContext, BatchNormSyncPhase } from './nn/batch-norm-sync.js';
export type { Batch, BatchLoader } from './contracts/batch-loader.js';
export { Optimizer } from './optim/optimizer.js';
export type { OptimizerState } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';
export type { SGDOptions } from './optim/sgd.js';
export { Adam, AdamW } from './optim/adam.js';
export type { AdamOptions } from './optim/adam.js';
export { constantLr, cosineLr } from './optim/schedule.js';
export type { LrSchedule } from './optim/schedule.js';
export { encodeSafetensors, decodeSafetensors } from './checkpoint/safetensors.js';
export type { StoredTensor } from './checkpoint/safetensors.js';
export { writeFileAtomic } from './checkpoint/atomic-write.js';
export { saveCheckpoint, loadCheckpoint, resolveCheckpointDir, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint/checkpoint.js';
export type { CheckpointState, LoadedCheckpoint } from './checkpoint/checkpoint.js';
export { Trainer } from './train/trainer.js';
export type { TrainerOptions, TrainerCallback, EpochMetrics, StepInfo, EvalResult, FitSummary } from './train/trainer.js';
export { progressCallback, jsonlMetricsCallback, formatEpochLine } from './train/callbacks.js';

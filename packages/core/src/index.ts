// @spikeflow/core — public API. Values first, then types in separate blocks.
export { SpikeflowError } from './errors/spikeflow-error.js';
export type { SpikeflowErrorKind } from './errors/spikeflow-error.js';

export { tf } from './engine/tf.js';
export type { Tensor, Variable } from './engine/tf.js';
export { selectBackend, currentBackend, describeBackend, BACKEND_CHOICES } from './engine/backend.js';
export type { BackendChoice, BackendInfo, BackendName } from './engine/backend.js';
export { wasmKernelModule } from './engine/wasm-kernel-module.js';
export { startModuleWorker } from './engine/worker-module.js';
export { addKernelRegistrar, registerKernelConfigs, kernelRunner } from './engine/kernel-registry.js';
export type { KernelSignature, KernelArgs, SpikeflowKernelConfig, SpikeflowGradConfig, KernelRegistrar, AnyKernelConfig, AnyGradConfig } from './engine/kernel-registry.js';
export { registerCoreKernels, CORE_KERNELS, CORE_GRADIENTS } from './ops/kernels/register-core-kernels.js';
export type { CoreKernelSignatures } from './ops/kernels/core-kernel-names.js';
export { markDataTensor, isDataTensor, passDataMark } from './ops/data-tensor.js';
export { setEventDriven, density, sparseMatMul, sparseMatMulGradW, useEventDriven, spikeKernelsAvailable, EVENT_DRIVEN_MAX_DENSITY } from './ops/spike-matmul.js';
export type { EventDrivenMode } from './ops/spike-matmul.js';
export { setEventDrivenConv, CONV_EVENT_DRIVEN_MAX_DENSITY } from './ops/conv2d.js';
export { useCompiledLayerKernels } from './ops/wasm-ops.js';
export { useParallelWorker, parallelTaskCount, parallelConv2d, parallelMatMul } from './engine/parallel-pool.js';
export type { WasmKernelModule, HeapTensorInfo } from './engine/wasm-kernel-module.js';
export { WASM_HEAP_MAX_BYTES, WASM_MAX_BLOCK_BYTES, installWasmHeapGuard } from './engine/wasm-heap-guard.js';
export { estimateTrainingMemory } from './engine/estimate-training-memory.js';
export type { TrainingMemoryEstimate, TrainingMemoryInput } from './engine/estimate-training-memory.js';
export { checkTrainingMemory } from './engine/check-training-memory.js';
export { memoryUsage } from './engine/memory-usage.js';
export type { MemoryUsage } from './engine/memory-usage.js';

export { Rng, epochPermutation, hashString } from './util/rng.js';
export { didYouMean, editDistance } from './util/did-you-mean.js';
export type { RngState } from './util/rng.js';

export { definePlugin, assertPlugin, CONTRIBUTION_TOKENS } from './plugin/plugin.js';
export type { Plugin, PluginMeta, PluginContributions } from './plugin/plugin.js';
export { Registry } from './plugin/registry.js';
export { NeuronRegistry, SurrogateRegistry, ArchitectureRegistry, DatasetRegistry, EncoderRegistry, LossRegistry, HardwareTargetRegistry } from './plugin/registries.js';
export { TaskRegistry, MetricRegistry } from './plugin/registries.js';
export { createSpikeflow, corePlugin, Spikeflow } from './plugin/spikeflow.js';
export type { SpikeflowOptions, NeuronSpec } from './plugin/spikeflow.js';

export { NeuronDescriptor } from './contracts/neuron.js';
export type { NeuronContext, NeuronFactory, NeuronDynamics, NeuronDynamicsCommon, NeuronLearnable, NeuronReset } from './contracts/neuron.js';
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
export type {
  HardwareTarget,
  HardwareReport,
  HardwareFormat,
  HardwareIO,
  HardwareResult,
  HardwareExportRequest,
  HardwareSimulateRequest,
  HardwareFinetuneRequest,
  TrainedNetwork,
  TestSelection,
} from './contracts/hardware-target.js';
export type { Descriptor, Registered } from './contracts/descriptor.js';
export { TaskDescriptor } from './contracts/task.js';
export type {
  Task,
  TaskContext,
  TaskMetricSpec,
  TargetSpec,
  TargetKind,
  ClassTarget,
  RegressionTarget,
  SequenceTarget,
  NoTarget,
  ReadOut,
  SelectionMetric,
} from './contracts/task.js';
export { MetricDescriptor } from './contracts/metric.js';
export type { Metric, MetricContext } from './contracts/metric.js';
export { isTaskLossDescriptor } from './contracts/task-loss.js';
export type { TaskLoss, TaskLossDescriptor, LossContext } from './contracts/task-loss.js';
export { isTaskDatasetDescriptor } from './contracts/task-dataset.js';
export type { TaskDataset, TaskSplit, TaskDatasetDescriptor, TaskDatasetOpenOptions } from './contracts/task-dataset.js';
export type { GraphBatch, GraphDataset } from './contracts/graph-batch.js';

export { classificationTask, classificationTaskDescriptor, defaultClassificationTask, CLASSIFICATION_LOSSES } from './tasks/classification-task.js';
export type { ClassificationTaskOptions } from './tasks/classification-task.js';
export { regressionTask, regressionTaskDescriptor, REGRESSION_LOSSES } from './tasks/regression-task.js';
export type { RegressionTaskOptions } from './tasks/regression-task.js';
export { readOutput } from './tasks/read-out.js';
export { selectionImproves } from './tasks/selection-improves.js';
export { targetLayout, targetShape, predictionShape } from './tasks/target-layout.js';
export type { TargetLayout } from './tasks/target-layout.js';
export { topKAccuracy, accuracyMetricDescriptor, topKMetricDescriptor, top5MetricDescriptor } from './metrics/top-k-accuracy.js';
export {
  regressionMetric,
  rSquared,
  rootRelativeSquaredError,
  empiricalCorrelation,
  meanSquaredError,
  meanAbsoluteError,
  mseMetricDescriptor,
  maeMetricDescriptor,
  rmseMetricDescriptor,
  r2MetricDescriptor,
  rrseMetricDescriptor,
  corrMetricDescriptor,
} from './metrics/regression-metrics.js';
export { RegressionMoments } from './metrics/regression-moments.js';
export { coreMetricDescriptors } from './metrics/core-metrics.js';
export {
  mseRegressionLoss,
  maeRegressionLoss,
  huberRegressionLoss,
  mseRegressionDescriptor,
  maeRegressionDescriptor,
  huberRegressionDescriptor,
} from './losses/regression-losses.js';
export { taskLossOf } from './losses/task-loss-of.js';

export { Module, foldTime } from './nn/module.js';
export { withoutInitialisation } from './nn/init.js';
export type { NamedTensorEntry } from './nn/module.js';

export { spike, heaviside, detach } from './spike/spike-fn.js';
export { NeuronModule, spikingLayers } from './spike/neuron-module.js';
export { BaseNode } from './spike/base-node.js';
export { StatefulNeuron } from './spike/stateful-neuron.js';
export type { NeuronState, NeuronTransition, StateInitializer } from './spike/stateful-neuron.js';
export { standardDynamics } from './spike/standard-dynamics.js';
export type { StandardDynamics } from './spike/standard-dynamics.js';
export { describeNetwork } from './network/describe-network.js';
export type { DescribeNetworkOptions } from './network/describe-network.js';
export type { NetworkDescription, NetworkLayer, DenseNetworkLayer, ConvNetworkLayer, NetworkNeuron } from './network/network-description.js';
export type { BaseNodeOptions } from './spike/base-node.js';

export { mseRateLoss, crossEntropyMeanLoss, tetLoss, crossEntropy } from './losses/losses.js';
export { crossEntropyMembraneLoss, mseMembraneLoss } from './losses/membrane-losses.js';
export { NonSpikingLIF } from './spike/non-spiking-lif.js';
export type { NonSpikingLIFOptions } from './spike/non-spiking-lif.js';
export { setStepMode, getStepMode } from './functional/step-mode.js';
export type { StepMode } from './functional/step-mode.js';
export { resetNet } from './functional/reset-net.js';
export { monitorSpikes } from './monitor/monitor-spikes.js';
export { monitorMembrane } from './monitor/monitor-membrane.js';
export { LayerMonitor } from './monitor/layer-monitor.js';
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
export { saveCheckpoint, loadCheckpoint, resolveCheckpointDir, cleanCheckpointTemps, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint/checkpoint.js';
export type { CheckpointState, LoadedCheckpoint, LoadCheckpointOptions, EpochProgress } from './checkpoint/checkpoint.js';
export { checkpointStateSchema, parseCheckpointState } from './checkpoint/checkpoint-state.js';
export { fsyncDir } from './checkpoint/fsync-dir.js';
export { legacyOptimizerNames } from './checkpoint/legacy-optimizer-names.js';
export { modelBuildOf } from './checkpoint/model-build.js';
export type { ModelBuild } from './checkpoint/model-build.js';
export { MODEL_FORMAT } from './checkpoint/model-file.js';
export { Trainer } from './train/trainer.js';
export type { TrainerOptions, TrainerCallback, EpochMetrics, StepInfo, EvalResult, EvalPredictions, EpochSelection, FitSelection, FitSummary } from './train/trainer.js';
export { applyGradients, countCorrect, evaluateBatch, forwardBatch, lossAndGradients, requireFiniteLoss } from './train/training-step.js';
export type { StepGradients, StepParts } from './train/training-step.js';
export { coreTaskMetrics } from './train/core-task-metrics.js';
export { progressCallback, jsonlMetricsCallback, formatEpochLine } from './train/callbacks.js';

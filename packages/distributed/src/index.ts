// @spikeflow/distributed — public API. Values first, then types in separate blocks.
export { Coordinator } from './coordinator/coordinator.js';
export type { CoordinatorOptions, CoordinatorResult, TrainingPlan } from './coordinator/coordinator.js';
export type { ClusterEvent } from './coordinator/cluster-event.js';

export { runWorker, jobFingerprint } from './worker/cluster-worker.js';
export type { WorkerOptions, WorkerResult, WorkerStepInfo } from './worker/cluster-worker.js';
export { globalSlice } from './worker/global-slice.js';
export { BatchNormSyncThread } from './sync-bn/batch-norm-sync-thread.js';
export type { BatchNormSyncThreadOptions } from './sync-bn/batch-norm-sync-thread.js';
export type { DistributedJob, JobFactory } from './job.js';

export { ringAllReduce, planBuckets, chunkBounds } from './collective/ring-all-reduce.js';
export type { RingLink, ChunkKey } from './collective/ring-all-reduce.js';
export { ZmqRingLink } from './transport/zmq-ring-link.js';
export type { RingLinkOptions } from './transport/zmq-ring-link.js';
export { Mailbox } from './transport/mailbox.js';
export { ChaosTransport } from './transport/chaos.js';
export type { ChaosOptions, ChaosStats } from './transport/chaos.js';
export { ZapAuthenticator, generateKeyPair, isLoopbackEndpoint, readAllowList, readKeyPair, requireSecureEndpoint, writeKeyPair } from './transport/security.js';
export type { CurveKeyPair, Security } from './transport/security.js';

export { frameMac, verifyFrameMac, FRAME_MAC_BYTES } from './transport/frame-mac.js';
export { encodeEnvelope, decodeEnvelope, decodeControlFrame, encodeChunkHeader, decodeChunkHeader, PROTOCOL_VERSION, PROTO_PATH, MAX_CONTROL_BYTES } from './protocol/wire.js';
export { diffFingerprints } from './protocol/fingerprint.js';
export { maxFrameBytes } from './protocol/max-frame-bytes.js';
export type * from './protocol/messages.js';
export { captureState, restoreState, hashModel, hashFrames, parseStateFrames } from './state/train-state.js';
export type { StateFrames, StateMeta, TrainPosition } from './state/train-state.js';
export { writeStateCheckpoint, readStateCheckpoint } from './state/checkpoint-files.js';
export { DISTRIBUTED_VERSION } from './version.js';

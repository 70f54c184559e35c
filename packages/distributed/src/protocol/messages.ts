/** TypeScript shapes of the messages in `proto/cluster.proto` (protobufjs decodes into these). */

export interface TensorSpec {
  name: string;
  shape: number[];
  dtype: string;
}

export interface Fingerprint {
  tensors: TensorSpec[];
  coreVersion: string;
  distributedVersion: string;
  protocol: string;
  datasetLength: number;
  numClasses: number;
  optimizer: string;
  backend: string;
}

export interface Hello {
  workerId: string;
  host: string;
  pid: number;
  protocol: string;
}
export interface Config {
  json: string;
  generation: number;
  syncBatchNorm?: boolean;
  sessionToken?: string;
  bucketBytes?: number;
}
export interface Join {
  workerId: string;
  fingerprint: Fingerprint;
  dataEndpoint: string;
  dataPublicKey: string;
  bnEndpoint?: string;
}
export interface Refuse {
  kind: string;
  reason: string;
}
export interface Peer {
  workerId: string;
  endpoint: string;
  publicKey: string;
  host: string;
  pid: number;
  bnEndpoint?: string;
}
export interface Start {
  generation: number;
  rank: number;
  ring: Peer[];
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
  globalBatch: number;
  stateHash: string;
  commitEvery: number;
  bucketBytes: number;
  syncBatchNorm?: boolean;
  ringKey?: Uint8Array;
}
export interface StateRequest {
  generation: number;
}
export interface Heartbeat {
  workerId: string;
  generation: number;
  step: number;
}
export interface HeartbeatAck {
  generation: number;
}
export interface StepDone {
  generation: number;
  step: number;
  lossSum: number;
  correct: number;
  samples: number;
  paramHash: string;
  lr?: number;
  peakRssMib?: number;
}
export interface Proceed {
  generation: number;
  step: number;
  commit: boolean;
  pause: boolean;
}
export interface Commit {
  generation: number;
  step: number;
  stateHash: string;
}
export interface Abort {
  kind: string;
  reason: string;
}
export interface Finish {
  step: number;
  checkpoint: string;
}
export interface Hold {
  generation: number;
  reason: string;
}

/** One control message: exactly one body field is set. */
export type Envelope =
  | { hello: Hello }
  | { config: Config }
  | { join: Join }
  | { refuse: Refuse }
  | { start: Start }
  | { stateRequest: StateRequest }
  | { heartbeat: Heartbeat }
  | { heartbeatAck: HeartbeatAck }
  | { stepDone: StepDone }
  | { proceed: Proceed }
  | { commit: Commit }
  | { abort: Abort }
  | { finish: Finish }
  | { hold: Hold };

/** The name of the body field of an envelope (`'hello'`, `'start'`, ...). */
export type EnvelopeKind = Envelope extends infer E ? (E extends Record<infer K, unknown> ? K : never) : never;

/** Ring phases of a {@link ChunkHeader}. */
export const PHASE_REDUCE_SCATTER = 0;
export const PHASE_ALL_GATHER = 1;
export const PHASE_RESEND = 2;

export interface ChunkHeader {
  generation: number;
  step: number;
  bucket: number;
  chunk: number;
  phase: number;
  round: number;
  fromRank: number;
  length: number;
}

/** What a coordinator reports while it runs (progress bars, logs, tests). */
export type ClusterEvent =
  | { type: 'joined'; workerId: string; host: string; pid: number; endpoint: string }
  | { type: 'refused'; workerId: string; host: string; reason: string }
  | { type: 'generation'; generation: number; step: number; workers: string[] }
  | {
      type: 'step';
      generation: number;
      step: number;
      totalSteps: number;
      loss: number;
      /** Undefined for tasks without class labels. */ accuracy?: number;
      samples: number;
      workers: number;
      paramHash: string;
    }
  | {
      type: 'epoch';
      epoch: number;
      step: number;
      trainLoss: number;
      /** Undefined for tasks without class labels. */ trainAccuracy?: number;
      firingRates: Record<string, number>;
      samplesPerSecond: number;
      lr: number;
      trainSeconds: number;
      evalSeconds: number;
      peakRssMiB: number;
      batches: number;
      workers: number;
      generation: number;
    }
  | { type: 'commit'; step: number; generation: number; dir: string }
  | { type: 'fenced'; workerId: string; host: string; pid: number; rank: number; step: number; generation: number; reason: string }
  | { type: 'waiting'; have: number; need: number; reason: string }
  | { type: 'malformed'; from: string; reason: string }
  /** A message could not be handed to ZeroMQ (the peer is gone or not reading); liveness deals with the peer. */
  | { type: 'unreachable'; to: string; reason: string };

/** Version of @spikeflow/distributed (part of the cluster fingerprint). */
export const DISTRIBUTED_VERSION = '0.1.0';

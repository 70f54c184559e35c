import { promises as fs } from 'node:fs';
import { decodeSafetensors, encodeSafetensors, SpikeflowError, writeFileAtomic, type StoredTensor } from '@spikeflow/core';
import type { NetworkInput, SpinnakerNetwork } from '../network/spinnaker-network.js';

/** `format` metadata value of the data file. */
export const NETWORK_FILE_FORMAT = 'spikeflow-spinnaker-network';
/** Version of the data file layout. */
export const NETWORK_FILE_VERSION = 1;

/** Samples shipped with an export: spike rasters `[T, inputSize]` each, or first-layer currents `[N, size]`. */
export type ExportSamples =
  | { readonly kind: 'spikes'; readonly rasters: readonly Uint8Array[]; readonly labels?: Int32Array }
  | { readonly kind: 'currents'; readonly count: number; readonly currents: Float32Array; readonly labels?: Int32Array };

interface NetworkHeader {
  readonly dtMs: number;
  readonly timeSteps: number;
  readonly input: {
    readonly kind: NetworkInput['kind'];
    readonly size: number;
    readonly offchip?: { readonly inFeatures: number; readonly outFeatures: number; readonly bias: boolean };
  };
  readonly populations: SpinnakerNetwork['populations'];
  readonly projections: ReadonlyArray<{ name: string; pre: string; post: string; preSize: number; postSize: number; delaySteps: number }>;
  readonly samples: { readonly kind: 'spikes' | 'currents' | 'none'; readonly count: number; readonly labels: boolean };
}

/**
 * Encode an exported network and its samples as one safetensors file (see the package README,
 * "Data file"): the JSON description in the metadata key `network`, and the tensors
 * `projection/<name>/weight` F32 `[pre, post]`, `offchip/weight` F32 `[in, out]` and
 * `offchip/bias` F32 `[out]` (current input only), `samples/spikes` I32 `[K, 3]` (sample, step,
 * neuron per input spike), `samples/currents` F32 `[N, size]`, `samples/labels` I32 `[N]`.
 */
export function encodeNetworkFile(network: SpinnakerNetwork, samples?: ExportSamples): Uint8Array {
  const tensors = new Map<string, StoredTensor>();
  for (const p of network.projections) tensors.set(`projection/${p.name}/weight`, { dtype: 'F32', shape: [p.preSize, p.postSize], data: p.weights });
  let offchip: NetworkHeader['input']['offchip'];
  if (network.input.kind === 'current') {
    const o = network.input.offchip;
    tensors.set('offchip/weight', { dtype: 'F32', shape: [o.inFeatures, o.outFeatures], data: o.weight });
    if (o.bias) tensors.set('offchip/bias', { dtype: 'F32', shape: [o.outFeatures], data: o.bias });
    offchip = { inFeatures: o.inFeatures, outFeatures: o.outFeatures, bias: o.bias !== null };
  }
  let sampleInfo: NetworkHeader['samples'] = { kind: 'none', count: 0, labels: false };
  if (samples) {
    if (samples.kind !== network.input.kind.replace('current', 'currents')) {
      throw new SpikeflowError('invalid-options', `the network takes ${network.input.kind} input but the samples are ${samples.kind}`);
    }
    const count = samples.kind === 'spikes' ? samples.rasters.length : samples.count;
    if (samples.kind === 'spikes') {
      const T = network.timeSteps;
      const n = network.input.size;
      const events: number[] = [];
      samples.rasters.forEach((r, s) => {
        if (r.length !== T * n) throw new SpikeflowError('shape-mismatch', `sample ${s}: spike raster must be [T=${T}, ${n}], got ${r.length} values`);
        for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) if (r[t * n + i]) events.push(s, t, i);
      });
      tensors.set('samples/spikes', { dtype: 'I32', shape: [events.length / 3, 3], data: Int32Array.from(events) });
    } else {
      const size = network.populations[0].size;
      if (samples.currents.length !== count * size) throw new SpikeflowError('shape-mismatch', `currents must be [${count}, ${size}], got ${samples.currents.length} values`);
      tensors.set('samples/currents', { dtype: 'F32', shape: [count, size], data: samples.currents });
    }
    if (samples.labels) {
      if (samples.labels.length !== count) throw new SpikeflowError('shape-mismatch', `expected ${count} labels, got ${samples.labels.length}`);
      tensors.set('samples/labels', { dtype: 'I32', shape: [count], data: samples.labels });
    }
    sampleInfo = { kind: samples.kind, count, labels: samples.labels !== undefined };
  }
  const header: NetworkHeader = {
    dtMs: network.dtMs,
    timeSteps: network.timeSteps,
    input: { kind: network.input.kind, size: network.input.size, ...(offchip ? { offchip } : {}) },
    populations: network.populations,
    projections: network.projections.map(({ name, pre, post, preSize, postSize, delaySteps }) => ({ name, pre, post, preSize, postSize, delaySteps })),
    samples: sampleInfo,
  };
  return encodeSafetensors(tensors, { format: NETWORK_FILE_FORMAT, version: String(NETWORK_FILE_VERSION), producer: 'spikeflow', network: JSON.stringify(header) });
}

/** Write {@link encodeNetworkFile} atomically. */
export async function writeNetworkFile(path: string, network: SpinnakerNetwork, samples?: ExportSamples): Promise<void> {
  await writeFileAtomic(path, encodeNetworkFile(network, samples));
}

function need(tensors: Map<string, StoredTensor>, name: string, dtype: 'F32' | 'I32', shape: readonly number[], source: string): StoredTensor {
  const t = tensors.get(name);
  if (!t) throw new SpikeflowError('dataset-corrupt', `${source}: tensor '${name}' is missing`);
  if (t.dtype !== dtype || t.shape.length !== shape.length || t.shape.some((d, i) => shape[i] >= 0 && d !== shape[i])) {
    throw new SpikeflowError('dataset-corrupt', `${source}: tensor '${name}' is ${t.dtype} [${t.shape}], expected ${dtype} [${shape.map((d) => (d < 0 ? '?' : d))}]`);
  }
  return t;
}

/** Read a data file back (round trip of {@link encodeNetworkFile}). */
export function decodeNetworkFile(bytes: Uint8Array, source = 'network file'): { network: SpinnakerNetwork; samples?: ExportSamples } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.format !== NETWORK_FILE_FORMAT) throw new SpikeflowError('format-unknown', `${source}: format '${metadata.format ?? '(none)'}' is not '${NETWORK_FILE_FORMAT}'`);
  if (metadata.version !== String(NETWORK_FILE_VERSION))
    throw new SpikeflowError('format-unknown', `${source}: version ${metadata.version} is not supported (expected ${NETWORK_FILE_VERSION})`);
  let h: NetworkHeader;
  try {
    h = JSON.parse(metadata.network ?? '') as NetworkHeader;
  } catch (e) {
    throw new SpikeflowError('dataset-corrupt', `${source}: metadata 'network' is not valid JSON`, {}, { cause: e });
  }
  let input: NetworkInput;
  if (h.input.kind === 'current') {
    const o = h.input.offchip!;
    const weight = need(tensors, 'offchip/weight', 'F32', [o.inFeatures, o.outFeatures], source).data as Float32Array;
    const bias = o.bias ? (need(tensors, 'offchip/bias', 'F32', [o.outFeatures], source).data as Float32Array) : null;
    input = { kind: 'current', size: h.input.size, offchip: { weight, bias, inFeatures: o.inFeatures, outFeatures: o.outFeatures } };
  } else input = { kind: 'spikes', size: h.input.size };
  const projections = h.projections.map((p) => ({ ...p, weights: need(tensors, `projection/${p.name}/weight`, 'F32', [p.preSize, p.postSize], source).data as Float32Array }));
  const network: SpinnakerNetwork = { dtMs: h.dtMs, timeSteps: h.timeSteps, input, populations: h.populations, projections };
  let samples: ExportSamples | undefined;
  const labels = h.samples.labels ? (need(tensors, 'samples/labels', 'I32', [h.samples.count], source).data as Int32Array) : undefined;
  if (h.samples.kind === 'spikes') {
    const ev = need(tensors, 'samples/spikes', 'I32', [-1, 3], source).data as Int32Array;
    const n = h.input.size;
    const rasters = Array.from({ length: h.samples.count }, () => new Uint8Array(h.timeSteps * n));
    for (let k = 0; k < ev.length; k += 3) {
      const [s, t, i] = [ev[k], ev[k + 1], ev[k + 2]];
      if (!(s >= 0 && s < rasters.length && t >= 0 && t < h.timeSteps && i >= 0 && i < n))
        throw new SpikeflowError('dataset-corrupt', `${source}: input spike (${s}, ${t}, ${i}) is outside [${rasters.length}, ${h.timeSteps}, ${n}]`);
      rasters[s][t * n + i] = 1;
    }
    samples = { kind: 'spikes', rasters, labels };
  } else if (h.samples.kind === 'currents') {
    const currents = need(tensors, 'samples/currents', 'F32', [h.samples.count, h.populations[0].size], source).data as Float32Array;
    samples = { kind: 'currents', count: h.samples.count, currents, labels };
  }
  return { network, samples };
}

/** Read a data file from disk. */
export async function readNetworkFile(path: string): Promise<{ network: SpinnakerNetwork; samples?: ExportSamples }> {
  return decodeNetworkFile(new Uint8Array(await fs.readFile(path)), path);
}

import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { SpikeflowError } from '@spikeflow/core/errors';
import type { ChunkHeader, Envelope, EnvelopeKind } from './messages.js';

/** Protocol name and version carried in Hello and the fingerprint; bump on incompatible changes. */
export const PROTOCOL_VERSION = 'spikeflow-cluster/1';

/** Where the schema lives (the same relative path from `src/protocol` and `dist/protocol`). */
export const PROTO_PATH = fileURLToPath(new URL('../../proto/cluster.proto', import.meta.url));

/** Control frames larger than this are refused before decoding (a Start with a big ring is ~ kB). */
export const MAX_CONTROL_BYTES = 1 << 20;

let types: { envelope: protobuf.Type; chunk: protobuf.Type } | undefined;

function schema(): { envelope: protobuf.Type; chunk: protobuf.Type } {
  if (!types) {
    const root = protobuf.loadSync(PROTO_PATH);
    types = { envelope: root.lookupType('spikeflow.cluster.Envelope'), chunk: root.lookupType('spikeflow.cluster.ChunkHeader') };
  }
  return types;
}

const KINDS: readonly EnvelopeKind[] = [
  'hello',
  'config',
  'join',
  'refuse',
  'start',
  'stateRequest',
  'heartbeat',
  'heartbeatAck',
  'stepDone',
  'proceed',
  'commit',
  'abort',
  'finish',
  'hold',
];

/**
 * Encode a control message; a worker adds its session token (from Config) to every message.
 *
 * @example
 * ```ts
 * const frame = encodeEnvelope({ heartbeat: { workerId: 'w1', generation: 3, step: 120 } }, sessionToken);
 * ```
 */
export function encodeEnvelope(message: Envelope, token = ''): Buffer {
  const { envelope } = schema();
  const body = token ? { ...message, token } : message;
  const err = envelope.verify(body);
  if (err) throw new SpikeflowError('protocol-error', `cannot encode control message: ${err}`);
  return Buffer.from(envelope.encode(envelope.fromObject(body)).finish());
}

/** The kind of a decoded envelope (its one body field). */
export function envelopeKind(message: Envelope): EnvelopeKind {
  for (const k of KINDS) if (k in message) return k;
  throw new SpikeflowError('protocol-error', 'control message has no body');
}

/**
 * Decode a control frame. Malformed, empty-bodied or oversized frames throw `protocol-error`
 * naming `from` (never anything else), so a receiver can drop them and carry on.
 */
export function decodeEnvelope(frame: Uint8Array, from = 'peer'): Envelope {
  return decodeControlFrame(frame, from).message;
}

/** {@link decodeEnvelope}, also returning the session token the frame carries (empty when none). */
export function decodeControlFrame(frame: Uint8Array, from = 'peer'): { message: Envelope; token: string } {
  if (frame.byteLength > MAX_CONTROL_BYTES) {
    throw new SpikeflowError('protocol-error', `control frame from ${from} is ${frame.byteLength} bytes; at most ${MAX_CONTROL_BYTES} expected`);
  }
  const { envelope } = schema();
  let decoded: protobuf.Message;
  try {
    decoded = envelope.decode(frame);
  } catch (e) {
    throw new SpikeflowError('protocol-error', `malformed control frame from ${from} (${frame.byteLength} bytes): ${(e as Error).message}`);
  }
  const obj = envelope.toObject(decoded, { defaults: true, arrays: true, longs: Number, oneofs: true }) as Record<string, unknown>;
  const body = obj.body as string | undefined;
  if (!body || !KINDS.includes(body as EnvelopeKind)) throw new SpikeflowError('protocol-error', `control frame from ${from} carries no known message`);
  return { message: { [body]: obj[body] } as unknown as Envelope, token: typeof obj.token === 'string' ? obj.token : '' };
}

/** Encode the header frame of a ring chunk. */
export function encodeChunkHeader(header: ChunkHeader): Buffer {
  const { chunk } = schema();
  return Buffer.from(chunk.encode(chunk.fromObject(header)).finish());
}

/** Decode the header frame of a ring chunk; throws `protocol-error` when malformed. */
export function decodeChunkHeader(frame: Uint8Array, from = 'peer'): ChunkHeader {
  if (frame.byteLength > 256) throw new SpikeflowError('protocol-error', `chunk header from ${from} is ${frame.byteLength} bytes; at most 256 expected`);
  const { chunk } = schema();
  try {
    return chunk.toObject(chunk.decode(frame), { defaults: true, longs: Number }) as ChunkHeader;
  } catch (e) {
    throw new SpikeflowError('protocol-error', `malformed chunk header from ${from}: ${(e as Error).message}`);
  }
}

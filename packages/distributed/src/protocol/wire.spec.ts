import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { SpikeflowError } from '@spikeflow/core';
import { decodeChunkHeader, decodeControlFrame, decodeEnvelope, encodeChunkHeader, encodeEnvelope, MAX_CONTROL_BYTES, PROTO_PATH } from './wire.js';
import { diffFingerprints } from './fingerprint.js';
import type { Envelope, Fingerprint } from './messages.js';

const fp = (over: Partial<Fingerprint> = {}): Fingerprint => ({
  tensors: [
    { name: 'l1.weight', shape: [16, 24], dtype: 'float32' },
    { name: 'l1.bias', shape: [24], dtype: 'float32' },
  ],
  coreVersion: '0.1.0',
  distributedVersion: '0.1.0',
  protocol: 'spikeflow-cluster/1',
  datasetLength: 96,
  numClasses: 4,
  optimizer: 'adam',
  backend: 'wasm',
  ...over,
});

describe('wire format', () => {
  const samples: Envelope[] = [
    { hello: { workerId: 'w1', host: 'h', pid: 42, protocol: 'spikeflow-cluster/1' } },
    { config: { json: '{"a":1}', generation: 0, syncBatchNorm: true, sessionToken: 'tok', bucketBytes: 1 << 20 } },
    { join: { workerId: 'w1', fingerprint: fp(), dataEndpoint: 'tcp://10.0.0.2:4411', dataPublicKey: '', bnEndpoint: 'tcp://10.0.0.2:4412' } },
    { refuse: { kind: 'shape-mismatch', reason: 'x' } },
    {
      start: {
        generation: 3,
        rank: 1,
        ring: [{ workerId: 'a', endpoint: 'tcp://1.2.3.4:5', publicKey: '', host: 'h', pid: 1, bnEndpoint: 'tcp://1.2.3.4:6' }],
        step: 40,
        stepsPerEpoch: 20,
        totalSteps: 60,
        globalBatch: 12,
        stateHash: 'ab',
        commitEvery: 5,
        bucketBytes: 4096,
        syncBatchNorm: true,
        ringKey: Buffer.alloc(32, 7),
      },
    },
    { stateRequest: { generation: 1 } },
    { heartbeat: { workerId: 'w1', generation: 2, step: 4_000_000_000 } },
    { heartbeatAck: { generation: 2 } },
    { stepDone: { generation: 2, step: 7, lossSum: 1.25, correct: 3, samples: 6, paramHash: 'ff', lr: 0.001, peakRssMib: 150.5 } },
    { proceed: { generation: 2, step: 7, commit: true, pause: false } },
    { commit: { generation: 2, step: 8, stateHash: 'cd' } },
    { abort: { kind: 'peer-failed', reason: 'fenced' } },
    { finish: { step: 60, checkpoint: '/runs/x' } },
    { hold: { generation: 4, reason: 'waiting' } },
  ];

  it('every control message survives encode → decode unchanged', () => {
    for (const m of samples) expect(decodeEnvelope(encodeEnvelope(m))).toEqual(m);
  });

  it("a worker's session token travels beside the body and is read back apart from it", () => {
    const m: Envelope = { heartbeat: { workerId: 'w1', generation: 2, step: 4 } };
    expect(decodeControlFrame(encodeEnvelope(m, 'secret-token'))).toEqual({ message: m, token: 'secret-token' });
    expect(decodeControlFrame(encodeEnvelope(m))).toEqual({ message: m, token: '' });
    expect(decodeEnvelope(encodeEnvelope(m, 'secret-token'))).toEqual(m);
  });

  it('the schema file is the one the code loads and names every message', () => {
    const text = readFileSync(PROTO_PATH, 'utf8');
    const root = protobuf.parse(text).root;
    for (const name of ['Envelope', 'ChunkHeader', 'Fingerprint', 'Start', 'Heartbeat', 'StepDone', 'Commit', 'Abort'])
      expect(root.lookupType(`spikeflow.cluster.${name}`)).toBeTruthy();
  });

  it('chunk headers round-trip', () => {
    const h = { generation: 9, step: 123456, bucket: 3, chunk: 2, phase: 1, round: 1, fromRank: 2, length: 1 << 20 };
    expect(decodeChunkHeader(encodeChunkHeader(h))).toEqual(h);
  });

  it('malformed, empty and oversized frames are protocol errors naming the sender', () => {
    const bad = [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.alloc(0), Buffer.from('{"hello":1}'), Buffer.alloc(MAX_CONTROL_BYTES + 1)];
    for (const b of bad) {
      const e = (() => {
        try {
          decodeEnvelope(b, 'peer X');
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(SpikeflowError.is(e, 'protocol-error')).toBe(true);
      expect((e as Error).message).toMatch(/peer X/);
    }
    expect(() => decodeChunkHeader(Buffer.alloc(300), 'left')).toThrow(/chunk header from left is 300 bytes/);
  });
});

describe('diffFingerprints', () => {
  it('agrees with itself', () => {
    expect(diffFingerprints(fp(), fp())).toEqual([]);
  });

  it('names each difference: shape, missing and extra tensors, versions, data', () => {
    const other = fp({
      tensors: [
        { name: 'l1.weight', shape: [16, 32], dtype: 'float32' },
        { name: 'l2.weight', shape: [32, 4], dtype: 'float32' },
      ],
      coreVersion: '0.2.0',
      datasetLength: 100,
    });
    const d = diffFingerprints(fp(), other);
    expect(d).toContain("tensor 'l1.weight': expected [16,24] float32, got [16,32] float32");
    expect(d).toContain("tensor 'l1.bias' [24] float32 is missing");
    expect(d).toContain("unexpected tensor 'l2.weight' [32,4] float32");
    expect(d).toContain('@spikeflow/core version: expected "0.1.0", got "0.2.0"');
    expect(d).toContain('dataset length: expected 96, got 100');
  });

  it('the same tensors in another order differ (buckets are fixed-order)', () => {
    const swapped = fp({ tensors: [...fp().tensors].reverse() });
    expect(diffFingerprints(fp(), swapped)).toEqual(["tensor order differs at position 0: expected 'l1.weight', got 'l1.bias'"]);
  });
});

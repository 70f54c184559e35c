import * as zmq from 'zeromq';
import { expectSpikeflowError } from '@spikeflow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Coordinator, type CoordinatorOptions } from './coordinator.js';
import type { ClusterEvent } from './cluster-event.js';
import { decodeEnvelope, encodeEnvelope, PROTOCOL_VERSION } from '../protocol/wire.js';
import type { Envelope } from '../protocol/messages.js';
import { captureState } from '../state/train-state.js';
import { jobFingerprint } from '../worker/cluster-worker.js';
import { fixtureJob } from '../test-utils/fixture-job.js';
import { coordinatorOptions } from '../test-utils/coordinator-options.js';

// The coordinator's state machine driven by hand-written workers (raw DEALER sockets).
const socks: zmq.Dealer[] = [];
afterEach(() => {
  for (const s of socks.splice(0)) s.close();
});

function fakeWorker(endpoint: string, id: string) {
  const d = new zmq.Dealer({ linger: 0, sendTimeout: 2000, receiveTimeout: 10_000, routingId: id });
  d.connect(endpoint);
  socks.push(d);
  // Like a real worker: the session token from Config goes on every later message.
  let token = '';
  return {
    get token() {
      return token;
    },
    send: (m: Envelope, frames: Buffer[] = []) => d.send([encodeEnvelope(m, token), ...frames]),
    receive: async (): Promise<{ m: Envelope; frames: Buffer[] }> => {
      const [head, ...frames] = await d.receive();
      const m = decodeEnvelope(head);
      if ('config' in m) token = m.config.sessionToken ?? '';
      return { m, frames };
    },
  };
}

const FP = (() => {
  const job = fixtureJob({ samples: 48 });
  const fp = jobFingerprint(job);
  job.dispose?.();
  return fp;
})();

/** A coordinator on loopback for the fixture job (one worker, 48 samples, batch 12) that records its events, running. */
async function startCoordinator(overrides: Partial<CoordinatorOptions> = {}) {
  const events: ClusterEvent[] = [];
  const c = await Coordinator.start(
    coordinatorOptions({ config: { samples: 48 }, fingerprint: FP, plan: { globalBatch: 12, epochs: 1 }, joinTimeoutMs: 60_000, onEvent: (e) => events.push(e), ...overrides }),
  );
  const run = c.run();
  run.catch(() => undefined);
  return { c, run, events, job: fixtureJob({ samples: 48 }) };
}

describe('Coordinator (protocol with scripted workers)', () => {
  it('rendezvous: config, fingerprint check naming the difference, initial state from rank 0 verified and broadcast, divergence stops the run', async () => {
    const { c, run, events, job } = await startCoordinator({ minWorkers: 2, joinTimeoutMs: undefined });
    const fp = jobFingerprint(job);
    const [a, b, odd] = ['a', 'b', 'odd'].map((id) => fakeWorker(c.endpoint, id));
    for (const [w, id] of [
      [a, 'a'],
      [b, 'b'],
      [odd, 'odd'],
    ] as const) {
      await w.send({ hello: { workerId: id, host: 'test', pid: 1, protocol: PROTOCOL_VERSION } });
      expect((await w.receive()).m).toMatchObject({ config: { json: '{"samples":48}', generation: 0, syncBatchNorm: false, bucketBytes: 4 << 20 } });
    }
    await a.send({ join: { workerId: 'a', fingerprint: fp, dataEndpoint: 'tcp://127.0.0.1:1', dataPublicKey: '' } });
    // A worker with another model is refused with the differences spelled out.
    const wider = jobFingerprint(fixtureJob({ samples: 48, variant: 'wider' }));
    await odd.send({ join: { workerId: 'odd', fingerprint: wider, dataEndpoint: 'tcp://127.0.0.1:3', dataPublicKey: '' } });
    const refusal = (await odd.receive()).m as { refuse: { kind: string; reason: string } };
    expect(refusal.refuse.kind).toBe('shape-mismatch');
    expect(refusal.refuse.reason).toContain("tensor 'l1.weight': expected [16,24] float32, got [16,32] float32");
    await b.send({ join: { workerId: 'b', fingerprint: fp, dataEndpoint: 'tcp://127.0.0.1:2', dataPublicKey: '' } });
    // Rank 0 (first to join) is asked for the initial state.
    const req = (await a.receive()).m as { stateRequest: { generation: number } };
    expect(req.stateRequest.generation).toBe(1);
    const st = captureState(job, { step: 0, epoch: 0, batchInEpoch: 0 });
    await a.send({ commit: { generation: 1, step: 0, stateHash: st.hash } }, [...st.frames]);
    // Everyone gets Start with the same state and its hash, in ring order.
    const starts = [await a.receive(), await b.receive()];
    starts.forEach(({ m, frames }, rank) => {
      const s = (m as { start: { generation: number; rank: number; ring: Array<{ workerId: string }>; stateHash: string; stepsPerEpoch: number; totalSteps: number } }).start;
      expect(s).toMatchObject({ generation: 2, rank, stateHash: st.hash, stepsPerEpoch: 4, totalSteps: 4 });
      expect(s.ring.map((p) => p.workerId)).toEqual(['a', 'b']);
      expect(Buffer.concat(frames).equals(Buffer.concat([...st.frames]))).toBe(true);
    });
    // A stale message (old generation) is ignored; different parameter hashes stop the run.
    await a.send({ stepDone: { generation: 1, step: 0, lossSum: 1, correct: 0, samples: 6, paramHash: 'x' } });
    await a.send({ stepDone: { generation: 2, step: 0, lossSum: 1, correct: 0, samples: 6, paramHash: 'aaaa' } });
    await b.send({ stepDone: { generation: 2, step: 0, lossSum: 1, correct: 0, samples: 6, paramHash: 'bbbb' } });
    const err = await expectSpikeflowError(run, 'invalid-state');
    expect(err.message).toMatch(/parameters diverged after step 0 \(generation 2\): rank 1 \(worker b on test, pid 1\) differ from rank 0/);
    const abortA = (await a.receive()).m as { abort: { reason: string } };
    expect(abortA.abort.reason).toMatch(/diverged/);
    expect(events.filter((e) => e.type === 'refused')).toHaveLength(1);
    job.dispose?.();
  });

  it('with syncBatchNorm: Config and Start say so, Start carries every batch-norm endpoint, and a worker without one is refused', async () => {
    const { c, job } = await startCoordinator({ config: {}, plan: { globalBatch: 12, epochs: 1, syncBatchNorm: true } });
    const old = fakeWorker(c.endpoint, 'old');
    await old.send({ hello: { workerId: 'old', host: 'test', pid: 1, protocol: PROTOCOL_VERSION } });
    expect(((await old.receive()).m as { config: { syncBatchNorm: boolean } }).config.syncBatchNorm).toBe(true);
    await old.send({ join: { workerId: 'old', fingerprint: jobFingerprint(job), dataEndpoint: 'tcp://127.0.0.1:1', dataPublicKey: '' } });
    const refused = (await old.receive()).m as { refuse: { kind: string; reason: string } };
    expect(refused.refuse.kind).toBe('invalid-options');
    expect(refused.refuse.reason).toMatch(/old on test published no batch-norm endpoint/);
    const w = fakeWorker(c.endpoint, 'w');
    await w.send({ hello: { workerId: 'w', host: 'test', pid: 2, protocol: PROTOCOL_VERSION } });
    await w.receive();
    await w.send({ join: { workerId: 'w', fingerprint: jobFingerprint(job), dataEndpoint: 'tcp://127.0.0.1:1', dataPublicKey: '', bnEndpoint: 'tcp://127.0.0.1:2' } });
    const req = (await w.receive()).m as { stateRequest: { generation: number } };
    const st = captureState(job, { step: 0, epoch: 0, batchInEpoch: 0 });
    await w.send({ commit: { generation: req.stateRequest.generation, step: 0, stateHash: st.hash } }, [...st.frames]);
    const startMsg = (await w.receive()).m as { start: { syncBatchNorm: boolean; ring: Array<{ bnEndpoint: string }> } };
    expect(startMsg.start.syncBatchNorm).toBe(true);
    expect(startMsg.start.ring.map((p) => p.bnEndpoint)).toEqual(['tcp://127.0.0.1:2']);
    c.close();
    job.dispose?.();
  });

  it('a commit that does not match its hash fences its sender instead of ending the run', async () => {
    const { c, events, job } = await startCoordinator({ config: {} });
    const w = fakeWorker(c.endpoint, 'w');
    await w.send({ hello: { workerId: 'w', host: 'test', pid: 1, protocol: PROTOCOL_VERSION } });
    await w.receive();
    await w.send({ join: { workerId: 'w', fingerprint: jobFingerprint(job), dataEndpoint: 'tcp://127.0.0.1:1', dataPublicKey: '' } });
    await w.receive(); // stateRequest
    const st = captureState(job, { step: 0, epoch: 0, batchInEpoch: 0 });
    const bad = st.frames.map((f) => Buffer.from(f));
    bad[1][100] ^= 0xff;
    await w.send({ commit: { generation: 1, step: 0, stateHash: st.hash } }, bad);
    const abort = (await w.receive()).m as { abort: { kind: string; reason: string } };
    expect(abort.abort.kind).toBe('peer-failed');
    expect(abort.abort.reason).toMatch(/was fenced .* does not match its hash/);
    expect(events.some((e) => e.type === 'fenced' && e.workerId === 'w')).toBe(true);
    expect(events.some((e) => e.type === 'waiting')).toBe(true);
    c.close();
    job.dispose?.();
  });

  it("the expected fingerprint is the coordinator's own: a forged client joining first is refused and real workers train", async () => {
    const { c, events, job } = await startCoordinator();
    try {
      const forger = fakeWorker(c.endpoint, 'forger');
      await forger.send({ hello: { workerId: 'forger', host: 'evil', pid: 6, protocol: PROTOCOL_VERSION } });
      await forger.receive();
      const forged = jobFingerprint(fixtureJob({ samples: 48, variant: 'wider' }));
      await forger.send({ join: { workerId: 'forger', fingerprint: forged, dataEndpoint: 'tcp://127.0.0.1:1', dataPublicKey: '' } });
      const refusal = (await forger.receive()).m as { refuse: { kind: string; reason: string } };
      expect(refusal.refuse.kind).toBe('shape-mismatch');
      expect(refusal.refuse.reason).toContain("tensor 'l1.weight': expected [16,24] float32, got [16,32] float32");
      const real = fakeWorker(c.endpoint, 'real');
      await real.send({ hello: { workerId: 'real', host: 'test', pid: 7, protocol: PROTOCOL_VERSION } });
      await real.receive();
      await real.send({ join: { workerId: 'real', fingerprint: jobFingerprint(job), dataEndpoint: 'tcp://127.0.0.1:2', dataPublicKey: '' } });
      expect((await real.receive()).m).toEqual({ stateRequest: { generation: 1 } });
      expect(events.filter((e) => e.type === 'joined').map((e) => (e as { workerId: string }).workerId)).toEqual(['real']);
    } finally {
      c.close();
      job.dispose?.();
    }
  });

  it("liveness is bound to the worker's own connection: heartbeats naming a dead worker keep it alive for nobody", async () => {
    const { c, events, job } = await startCoordinator({ minWorkers: 2, heartbeatTimeoutMs: 1500 });
    const beat = (routingId: string) => {
      const d = new zmq.Dealer({ linger: 0, sendTimeout: 2000, routingId });
      d.connect(c.endpoint);
      socks.push(d);
      return d;
    };
    let stop = false;
    try {
      const [a, b] = ['a', 'b'].map((id) => fakeWorker(c.endpoint, id));
      for (const [w, id] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        await w.send({ hello: { workerId: id, host: 'test', pid: 1, protocol: PROTOCOL_VERSION } });
        await w.receive();
        await w.send({ join: { workerId: id, fingerprint: jobFingerprint(job), dataEndpoint: 'tcp://127.0.0.1:1', dataPublicKey: '' } });
      }
      await a.receive(); // stateRequest
      const st = captureState(job, { step: 0, epoch: 0, batchInEpoch: 0 });
      await a.send({ commit: { generation: 1, step: 0, stateHash: st.hash } }, [...st.frames]);
      await a.receive();
      await b.receive(); // both started; now b dies (sends nothing more)
      const aHb = beat('a#hb');
      // Forgers: one under its own id, one under b's heartbeat id with a made-up token.
      const forgers = [beat('forger'), beat('b#hb')];
      const pump = (async () => {
        for (let i = 0; i < 100 && !stop; i++) {
          await aHb.send(encodeEnvelope({ heartbeat: { workerId: 'a', generation: 2, step: 0 } }, a.token));
          await forgers[0].send(encodeEnvelope({ heartbeat: { workerId: 'b', generation: 2, step: 0 } }));
          await forgers[1].send(encodeEnvelope({ heartbeat: { workerId: 'b', generation: 2, step: 0 } }, 'guessed'));
          await new Promise((r) => setTimeout(r, 150));
        }
      })();
      for (let i = 0; i < 100 && !events.some((e) => e.type === 'fenced'); i++) await new Promise((r) => setTimeout(r, 50));
      stop = true;
      await pump;
      const fenced = events.filter((e) => e.type === 'fenced') as Array<{ workerId: string; reason: string }>;
      expect(fenced.map((e) => e.workerId)).toEqual(['b']);
      expect(fenced[0].reason).toMatch(/no heartbeat for/);
      expect(events.some((e) => e.type === 'malformed' && /heartbeat naming worker b without the session token/.test(e.reason))).toBe(true);
    } finally {
      stop = true;
      c.close();
      job.dispose?.();
    }
  });
});

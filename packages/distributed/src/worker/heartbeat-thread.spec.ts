// The heartbeat thread (its code in heartbeat-worker.ts) against a stand-in coordinator socket:
// what it sends, and what it makes of the answers, silence and an abort.
import { afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { decodeControlFrame, encodeEnvelope } from '../protocol/wire.js';
import type { Envelope } from '../protocol/messages.js';
import { HeartbeatThread } from './heartbeat-thread.js';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function coordinator(): Promise<{ router: zmq.Router; endpoint: string }> {
  const router = new zmq.Router({ linger: 0 });
  await router.bind('tcp://127.0.0.1:0');
  open.push(router);
  return { router, endpoint: router.lastEndpoint! };
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The next heartbeat the thread sends: its routing id, message and token. */
async function nextHeartbeat(router: zmq.Router): Promise<{ id: Buffer; message: Envelope; token: string }> {
  const [id, frame] = await router.receive();
  return { id, ...decodeControlFrame(frame, 'the heartbeat thread') };
}

describe('HeartbeatThread', () => {
  it('sends its generation, step and session token; takes the generation of the answers; hears an abort with its reason', async () => {
    const { router, endpoint } = await coordinator();
    const hb = new HeartbeatThread({ endpoint, workerId: 'w7', security: { insecure: true }, intervalMs: 100, timeoutMs: 5000 });
    open.push({ close: () => hb.stop() });
    hb.update(3, 17);
    hb.setToken('session-token');
    let beat = await nextHeartbeat(router);
    while (beat.token !== 'session-token' || !('heartbeat' in beat.message) || beat.message.heartbeat.step !== 17) beat = await nextHeartbeat(router);
    expect(beat.id.toString()).toBe('w7#hb');
    expect(beat.message).toEqual({ heartbeat: { workerId: 'w7', generation: 3, step: 17 } });

    await router.send([beat.id, encodeEnvelope({ heartbeatAck: { generation: 5 } })]);
    await until('the acknowledged generation', () => hb.coordinatorGeneration === 5);
    expect(hb.coordinatorLost).toBe(false);
    expect(hb.abortReason).toBeUndefined();

    await router.send([beat.id, encodeEnvelope({ abort: { kind: 'fenced', reason: 'rank 1 was replaced in generation 6' } })]);
    await until('the abort', () => hb.coordinatorLost);
    expect(hb.abortReason).toBe('rank 1 was replaced in generation 6');
  });

  it('declares the coordinator lost once it stops answering for longer than the timeout (never before a first answer)', async () => {
    const { router, endpoint } = await coordinator();
    const hb = new HeartbeatThread({ endpoint, workerId: 'w8', security: { insecure: true }, intervalMs: 50, timeoutMs: 400 });
    open.push({ close: () => hb.stop() });
    // Unanswered heartbeats before any answer: the join deadline applies, not the heartbeat timeout.
    for (let i = 0; i < 12; i++) await nextHeartbeat(router);
    expect(hb.coordinatorLost).toBe(false);
    const { id } = await nextHeartbeat(router);
    await router.send([id, encodeEnvelope({ heartbeatAck: { generation: 1 } })]);
    const answeredAt = Date.now();
    await until('the coordinator to be declared lost', () => hb.coordinatorLost);
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(400);
    expect(hb.abortReason).toBeUndefined();
  });
});

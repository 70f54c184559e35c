import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { afterEach, describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { Coordinator } from './coordinator/coordinator.js';
import type { ClusterEvent } from './coordinator/cluster-event.js';
import { decodeEnvelope, encodeEnvelope, PROTOCOL_VERSION } from './protocol/wire.js';
import { generateKeyPair, isLoopbackEndpoint, readAllowList, readKeyPair, requireSecureEndpoint, writeKeyPair } from './transport/security.js';
import { killAll, start, tempDir, waitExit, waitLine } from './test-utils/processes.js';
import { jobFingerprint, runWorker } from './worker/cluster-worker.js';
import { fixtureJob } from './test-utils/fixture-job.js';
import { coordinatorOptions } from './test-utils/coordinator-options.js';

const PLAN = { globalBatch: 12, epochs: 1, commitEvery: 4 };
const CONFIG = { samples: 48, globalBatch: 12, epochs: 1 };
const FP = (() => {
  const job = fixtureJob(CONFIG);
  const fp = jobFingerprint(job);
  job.dispose?.();
  return fp;
})();

describe('security', () => {
  afterEach(killAll);

  it('keygen files: JSON key pair with mode 0600 plus a .pub; allow-lists validate every line', async () => {
    const dir = tempDir();
    const keys = generateKeyPair();
    await writeKeyPair(path.join(dir, 'w.key'), keys);
    expect(statSync(path.join(dir, 'w.key')).mode & 0o777).toBe(0o600);
    expect(await readKeyPair(path.join(dir, 'w.key'))).toEqual(keys);
    expect(await readAllowList([path.join(dir, 'w.key.pub')])).toEqual(new Set([keys.publicKey]));
    await writeFile(path.join(dir, 'bad.txt'), `# workers\n${keys.publicKey}\nnot-a-key\n`);
    await expect(readAllowList([path.join(dir, 'bad.txt')])).rejects.toThrow(/bad.txt:3: expected a 40-character Z85 public key, got 'not-a-key'/);
    // A folder that does not exist (under /proc a recursive mkdir never returns): a typed error at once.
    const missing = await writeKeyPair('/proc/no-such-dir/k.key', keys).catch((x: unknown) => x);
    expect(SpikeflowError.is(missing, 'invalid-options')).toBe(true);
    expect((missing as Error).message).toMatch(/cannot write key file \/proc\/no-such-dir\/k\.key: \/proc\/no-such-dir is not an existing folder/);
    await writeFile(path.join(dir, 'broken.key'), '{"publicKey": 1}');
    await expect(readKeyPair(path.join(dir, 'broken.key'))).rejects.toThrow(/must hold \{"publicKey", "secretKey"\}/);
  });

  it('plain TCP only on loopback unless --insecure', async () => {
    expect(isLoopbackEndpoint('tcp://127.0.0.1:5555')).toBe(true);
    expect(isLoopbackEndpoint('tcp://127.3.4.5:1')).toBe(true);
    expect(isLoopbackEndpoint('tcp://[::1]:1')).toBe(true);
    expect(isLoopbackEndpoint('tcp://0.0.0.0:5555')).toBe(false);
    expect(isLoopbackEndpoint('tcp://10.0.0.1:5555')).toBe(false);
    expect(() => requireSecureEndpoint('tcp://10.0.0.1:5555', undefined, 'coordinator')).toThrow(/not loopback: give CURVE keys .* or pass --insecure/);
    expect(requireSecureEndpoint('tcp://10.0.0.1:5555', { insecure: true }, 'x')).toEqual({ insecure: true });
    const e = await Coordinator.start(coordinatorOptions({ bind: 'tcp://0.0.0.0:0', config: {}, fingerprint: FP, plan: PLAN })).catch((x: unknown) => x);
    expect(SpikeflowError.is(e, 'unauthorized')).toBe(true);
    const e2 = await Coordinator.start(coordinatorOptions({ config: {}, fingerprint: FP, plan: PLAN, security: { curve: generateKeyPair() } })).catch((x: unknown) => x);
    expect((e2 as Error).message).toMatch(/no worker public key is allowed/);
  });

  it('the ring socket obeys the same rule: --data-host beyond loopback needs CURVE or --insecure', async () => {
    const factory = () => fixtureJob(CONFIG);
    // A loopback coordinator that is not even there: the check comes first, at once.
    const e = await runWorker({ connect: 'tcp://127.0.0.1:9', dataHost: '0.0.0.0', factory, joinTimeoutMs: 3000, coordinatorTimeoutMs: 3000 }).catch((x: unknown) => x);
    expect(SpikeflowError.is(e, 'unauthorized')).toBe(true);
    expect((e as Error).message).toMatch(/ring socket \(--data-host\) endpoint tcp:\/\/0\.0\.0\.0:0 is not loopback: .*--insecure/);
  });

  it('bad plans are typed errors naming the option: --commit-every must be an integer >= 1', async () => {
    for (const commitEvery of [0, Number.NaN, 2.5]) {
      const e = await Coordinator.start(coordinatorOptions({ config: {}, fingerprint: FP, plan: { ...PLAN, commitEvery } })).catch((x: unknown) => x);
      expect(SpikeflowError.is(e, 'invalid-options')).toBe(true);
      expect((e as Error).message).toContain(`--commit-every must be an integer >= 1 (steps between commits), got ${commitEvery}`);
    }
  });

  it('CURVE: listed workers train (ring encrypted too); a stranger with its own key, or none, never joins', async () => {
    const dir = tempDir();
    for (const name of ['coord', 'w0', 'w1', 'stranger']) await writeKeyPair(path.join(dir, `${name}.key`), generateKeyPair());
    const coordKeys = await readKeyPair(path.join(dir, 'coord.key'));
    const allow = [...(await readAllowList([path.join(dir, 'w0.key.pub'), path.join(dir, 'w1.key.pub')]))];
    const c = start('coordinator-main.js', {
      bind: 'tcp://127.0.0.1:0',
      minWorkers: 2,
      config: CONFIG,
      plan: PLAN,
      runDir: path.join(dir, 'run'),
      keyFile: path.join(dir, 'coord.key'),
      allow,
      joinTimeoutMs: 60_000,
    });
    const { endpoint } = await waitLine<{ endpoint: string }>(c, (l) => 'endpoint' in l, 20_000);
    // Strangers first, so they would be ranks 0 and 1 if they got in. Their join deadline is long:
    // they must learn from the refused handshake (or its absence) within the heartbeat timeout.
    const strangers = [
      start('worker-main.js', {
        connect: endpoint,
        dumpDir: dir,
        workerId: 'stranger',
        keyFile: path.join(dir, 'stranger.key'),
        serverKey: coordKeys.publicKey,
        joinTimeoutMs: 100_000,
        coordinatorTimeoutMs: 4000,
      }),
      start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: 'plain', joinTimeoutMs: 100_000, coordinatorTimeoutMs: 4000 }),
      start('worker-main.js', { connect: 'tcp://127.0.0.1:9', dumpDir: dir, workerId: 'lost', joinTimeoutMs: 100_000, coordinatorTimeoutMs: 4000 }),
      // An allowed key, but another server key than the coordinator's: every handshake fails.
      start('worker-main.js', {
        connect: endpoint,
        dumpDir: dir,
        workerId: 'misdirected',
        keyFile: path.join(dir, 'w0.key'),
        serverKey: generateKeyPair().publicKey,
        joinTimeoutMs: 100_000,
        coordinatorTimeoutMs: 4000,
      }),
    ];
    const why = [
      /error \(unauthorized\): the coordinator at .* refused this worker's CURVE key/,
      /error \(unauthorized\): the coordinator at .* does not speak plain TCP \(no --key\)/,
      /error \(timeout\): no connection to the coordinator at tcp:\/\/127\.0\.0\.1:9 within 4\.0 s/,
      /error \(unauthorized\): no handshake with the coordinator at .* succeeded within 4\.0 s .*is --server-key its public key\?/,
    ];
    for (const [i, s] of strangers.entries()) {
      expect(await waitExit(s, 40_000)).toBe(2);
      expect(s.stderr).toMatch(why[i]);
    }
    const ws = ['w0', 'w1'].map((id) =>
      start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: id, keyFile: path.join(dir, `${id}.key`), serverKey: coordKeys.publicKey }),
    );
    const res = await waitLine<{ result?: { steps: number } }>(c, (l) => 'result' in l || 'error' in l, 60_000);
    expect(res.result?.steps).toBe(4);
    const joined = c.lines
      .filter((l) => (l as ClusterEvent).type === 'joined')
      .map((l) => (l as { workerId: string }).workerId)
      .sort();
    expect(joined).toEqual(['w0', 'w1']);
    for (const w of ws) expect(await waitExit(w, 10_000)).toBe(0);
  });

  it('malformed and oversized frames are dropped without crashing the coordinator, which still serves a valid hello', async () => {
    const events: ClusterEvent[] = [];
    // The default limit is what the protocol allows: a control frame or a state of the fingerprint's tensors.
    const c = await Coordinator.start(coordinatorOptions({ config: { x: 1 }, fingerprint: FP, plan: PLAN, onEvent: (e) => events.push(e) }));
    expect(c.maxMessageBytes).toBeLessThan(1.1 * (1 << 20));
    const running = c.run();
    running.catch(() => undefined);
    const socks: zmq.Dealer[] = [];
    const dealer = (id: string) => {
      const d = new zmq.Dealer({ linger: 0, sendTimeout: 2000, receiveTimeout: 5000, routingId: id });
      d.connect(c.endpoint);
      socks.push(d);
      return d;
    };
    try {
      const evil = dealer('evil');
      await evil.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
      await evil.send(Buffer.alloc(0));
      await evil.send(encodeEnvelope({ stepDone: { generation: 1, step: 0, lossSum: 0, correct: 0, samples: 0, paramHash: '' } }));
      await dealer('huge').send(Buffer.alloc(4 << 20, 7)); // beyond maxMessageBytes: ZeroMQ drops the connection, never buffers it
      const honest = dealer('honest');
      await honest.send(encodeEnvelope({ hello: { workerId: 'honest', host: 'h', pid: 1, protocol: PROTOCOL_VERSION } }));
      const [reply] = await honest.receive();
      expect(decodeEnvelope(reply)).toMatchObject({ config: { json: '{"x":1}', generation: 0, syncBatchNorm: false } });
      const wrong = dealer('old');
      await wrong.send(encodeEnvelope({ hello: { workerId: 'old', host: 'h', pid: 2, protocol: 'spikeflow-cluster/0' } }));
      const [refusal] = await wrong.receive();
      expect(decodeEnvelope(refusal)).toEqual({ refuse: { kind: 'protocol-error', reason: `protocol spikeflow-cluster/0 is not ${PROTOCOL_VERSION}` } });
      const malformed = events.filter((e) => e.type === 'malformed');
      expect(malformed.map((e) => (e as { from: string }).from)).toEqual(['evil', 'evil', 'evil']);
      expect(c.malformed).toBe(3);
    } finally {
      for (const s of socks) s.close();
      c.close();
    }
  });
});

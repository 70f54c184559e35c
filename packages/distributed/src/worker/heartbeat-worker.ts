// The heartbeat thread's code (see heartbeat-thread.ts). It shares an Int32Array with the main
// thread (HeartbeatSlot) and reads it with Atomics, so a main thread busy in a long synchronous
// step still reports progress, and learns within the timeout when the coordinator stops answering.
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { decodeEnvelope, encodeEnvelope } from '../protocol/wire.js';
import { HeartbeatSlot, type HeartbeatTokenMessage, type HeartbeatWorkerData } from './heartbeat-protocol.js';

const data = workerData as HeartbeatWorkerData;
const port = parentPort!;
const shared = new Int32Array(data.shared);
const reason = new Uint8Array(data.reason);
const stopped = () => Atomics.load(shared, HeartbeatSlot.Stop) !== 0;
const lost = () => Atomics.load(shared, HeartbeatSlot.CoordinatorLost) !== 0;

const sock = new zmq.Dealer({
  linger: 0,
  maxMessageSize: 65536,
  sendTimeout: data.intervalMs,
  receiveTimeout: data.intervalMs,
  routingId: `${data.workerId}#hb`,
  heartbeatInterval: data.intervalMs,
  heartbeatTimeout: data.timeoutMs,
  heartbeatTimeToLive: data.timeoutMs,
});
if (data.curve) {
  sock.curveSecretKey = data.curve.secretKey;
  sock.curvePublicKey = data.curve.publicKey;
  sock.curveServerKey = data.serverKey ?? null;
}
sock.connect(data.endpoint);

// The session token (from Config, via postMessage): without it a heartbeat keeps nobody alive.
let token = '';
port.on('message', (m: HeartbeatTokenMessage) => {
  if (m && typeof m.token === 'string') token = m.token;
});

/** Hand the coordinator's reason to the main thread: the bytes first, then the flag, so it reads both at once. */
function aborted(why: string): void {
  const bytes = Buffer.from(why).subarray(0, reason.length - 4);
  reason.set(bytes, 4);
  new DataView(reason.buffer).setUint32(0, bytes.length, true);
  Atomics.store(shared, HeartbeatSlot.CoordinatorLost, 2);
}

async function main(): Promise<void> {
  let lastAck = Date.now();
  let lastTick = Date.now();
  // Before the first answer the main thread's join deadline applies (the coordinator may still be starting).
  let acked = false;
  while (!stopped()) {
    const heartbeat = { workerId: data.workerId, generation: Atomics.load(shared, HeartbeatSlot.Generation), step: Atomics.load(shared, HeartbeatSlot.Step) };
    try {
      await sock.send(encodeEnvelope({ heartbeat }, token));
    } catch {
      // A full or closed queue: the next period tries again.
    }
    const until = Date.now() + data.intervalMs;
    while (Date.now() < until && !stopped()) {
      try {
        const [frame] = await sock.receive();
        const m = decodeEnvelope(frame, 'the coordinator');
        if ('heartbeatAck' in m) {
          lastAck = Date.now();
          acked = true;
          Atomics.store(shared, HeartbeatSlot.CoordinatorGeneration, m.heartbeatAck.generation >>> 0);
        } else if ('abort' in m && !lost()) {
          aborted(String(m.abort.reason));
        }
      } catch {
        // A receive timeout (no answer this period) or a malformed frame: keep going.
      }
    }
    // A gap far beyond the period means this process was frozen (SIGSTOP, swapped out): give the
    // coordinator one more window to answer, so a fenced worker hears why instead of guessing.
    if (Date.now() - lastTick > 3 * data.intervalMs) lastAck = Date.now();
    lastTick = Date.now();
    if (acked && Date.now() - lastAck > data.timeoutMs && !lost()) {
      Atomics.store(shared, HeartbeatSlot.CoordinatorLost, 1);
      port.postMessage({ lost: Date.now() - lastAck });
    }
  }
  port.removeAllListeners('message');
  sock.close();
}

void main();

// Ring all-reduce bus bandwidth of @spikeflow/distributed between worker processes on this machine.
// Run after building packages/distributed:  node benchmarks/distributed-allreduce.mjs [--workers 2,4] [--sizes-mib 1,4,16] [--repeats 7]
// Bus bandwidth follows NCCL's definition: 2(N-1)/N · bytes / time (the per-link traffic of a ring).
// Prints a table and writes benchmarks/results/distributed-allreduce.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    workers: { type: 'string', default: '2,4' },
    'sizes-mib': { type: 'string', default: '1,4,16' },
    repeats: { type: 'string', default: '7' },
    'bucket-mib': { type: 'string', default: '4' },
  },
});
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

if (values.child) {
  // One rank: bind, report the endpoint, read the ring, then time all-reduces on request.
  const { ZmqRingLink, ringAllReduce } = await import('@spikeflow/distributed');
  const id = `r${process.pid}`;
  const link = await ZmqRingLink.bind('127.0.0.1', { workerId: id, security: { insecure: true }, timeoutMs: 60_000 });
  process.stdout.write(`${JSON.stringify({ id, endpoint: link.endpoint })}\n`);
  let step = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    const msg = JSON.parse(line);
    if (msg.ring) {
      const n = msg.ring.length;
      await link.configure(1, msg.rank, msg.ring[(msg.rank - 1 + n) % n], msg.ring[(msg.rank + 1) % n]);
      process.stdout.write('{"ready":true}\n');
    } else if (msg.size) {
      const buf = new Float32Array(msg.size).fill(msg.rank + 1);
      link.advance(step);
      const t0 = performance.now();
      await ringAllReduce(buf, { rank: msg.rank, size: msg.n, link, step: step++, bucketValues: msg.bucketValues });
      const ms = performance.now() - t0;
      const expected = (msg.n * (msg.n + 1)) / 2;
      if (buf[0] !== expected || buf[buf.length - 1] !== expected) throw new Error(`wrong sum ${buf[0]} (expected ${expected})`);
      process.stdout.write(`${JSON.stringify({ ms })}\n`);
    } else if (msg.quit) break;
  }
  link.close();
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const rows = [];
for (const n of values.workers.split(',').map(Number)) {
  const kids = Array.from({ length: n }, () => spawn(process.execPath, [self, '--child'], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const queues = kids.map((k) => {
    const q = [];
    const waiters = [];
    createInterface({ input: k.stdout }).on('line', (l) => {
      const v = JSON.parse(l);
      const w = waiters.shift();
      if (w) w(v);
      else q.push(v);
    });
    return () => (q.length ? Promise.resolve(q.shift()) : new Promise((r) => waiters.push(r)));
  });
  try {
    const peers = await Promise.all(queues.map((next) => next()));
    const ring = peers.map((p) => ({ workerId: p.id, endpoint: p.endpoint, publicKey: '', host: '127.0.0.1', pid: 0 }));
    kids.forEach((k, rank) => k.stdin.write(`${JSON.stringify({ ring, rank })}\n`));
    await Promise.all(queues.map((next) => next()));
    for (const mib of values['sizes-mib'].split(',').map(Number)) {
      const size = Math.floor((mib * 2 ** 20) / 4);
      const times = [];
      for (let r = 0; r <= Number(values.repeats); r++) {
        kids.forEach((k, rank) => k.stdin.write(`${JSON.stringify({ size, rank, n, bucketValues: Math.floor((Number(values['bucket-mib']) * 2 ** 20) / 4) })}\n`));
        const got = await Promise.all(queues.map((next) => next()));
        if (r > 0) times.push(Math.max(...got.map((g) => g.ms))); // r = 0 warms up
      }
      const ms = median(times);
      const bytes = size * 4;
      rows.push({
        workers: n,
        mib,
        medianMs: +ms.toFixed(2),
        algBandwidthMBs: +(bytes / ms / 1e3).toFixed(1),
        busBandwidthMBs: +((((2 * (n - 1)) / n) * bytes) / ms / 1e3).toFixed(1),
        repeats: times.length,
      });
      console.error(JSON.stringify(rows.at(-1)));
    }
  } finally {
    for (const k of kids) {
      k.stdin.write('{"quit":true}\n');
      setTimeout(() => k.kill('SIGKILL'), 2000).unref();
    }
  }
}
console.log('\n| workers | size (MiB) | median time (ms) | algorithm bandwidth (MB/s) | bus bandwidth (MB/s) |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.workers} | ${r.mib} | ${r.medianMs} | ${r.algBandwidthMBs} | ${r.busBandwidthMBs} |`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/distributed-allreduce.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: (await import('node:os')).cpus().length, rows }, null, 2),
);

// Memory in `spikeflow train`: a run whose step cannot fit is refused before it starts (no run
// folder, a typed error with the numbers), and a finished run reports its peak memory.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { tf } from '@spikeflow/core';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-utils/run-cli.js';
import { jsonLines } from '../test-utils/json-lines.js';
import { haveFashionMnist as haveData, fmnistFlags } from '../test-utils/fashion-mnist.js';

const common = [...fmnistFlags({ subset: 128, testSubset: 64 }), '--seed', '3'];

describe.skipIf(!haveData)('train and memory', () => {
  it('refuses T=100000 up front: out-of-memory with the estimate and the limit, and no run folder', async () => {
    const out = path.join(tempDir('sf-oom-'), 'run');
    const r = await runCli('train', ...common, '-T', '100000', '--batch-size', '64', '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('out-of-memory');
    expect(r.stderr).toContain('batch size 64 and T=100000');
    expect(r.stderr).toContain('(4294901760 bytes)');
    expect(r.stderr).not.toMatch(/Invalid typed array length/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports the rss high-water mark and the wasm heap in the summary line and the JSON summary', async () => {
    const rssBefore = process.memoryUsage.rss() / 2 ** 20;
    const base = [...common, '-T', '2', '--batch-size', '32', '--max-steps', '2'];
    const text = await runCli('train', ...base, '--out', tempDir('sf-mem-'));
    expect(text.code, text.stderr).toBe(0);
    const heapMiB = Math.round((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20);
    const line = text.stderr.match(/peak memory: rss (\d+) MiB \(high-water mark\), wasm heap (\d+) MiB/);
    expect(line, text.stderr).not.toBeNull();
    expect(Number(line![1])).toBeGreaterThanOrEqual(Math.floor(rssBefore));
    expect(Number(line![2])).toBe(heapMiB);

    const json = await runCli('train', ...base, '--json', '--out', tempDir('sf-mem-'));
    expect(json.code, json.stderr).toBe(0);
    const summary = jsonLines(json.stdout).find((o) => o.type === 'summary');
    expect(summary.peakMemory.rssMiB).toBeGreaterThanOrEqual(Math.floor(rssBefore));
    expect(summary.peakMemory.wasmHeapMiB).toBe(Math.round((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20));
  });
});

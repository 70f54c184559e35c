// Child processes for the cluster's tests: every one is tracked and killed by killAll() (called in
// afterEach), every wait has a deadline, so no test can hang or leave an orphan.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST_TEST = path.resolve(here, '../../dist-test/test-utils');

export interface Proc {
  readonly child: ChildProcess;
  readonly lines: unknown[];
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  exitCode: number | null | undefined;
}

const live = new Set<Proc>();

export function tempDir(prefix = 'sf-dist-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The JSON lines a process wrote to `<dir>/<id>.jsonl`, parsed (worker-main logs one per step, then its summary). */
export function jsonLines(dir: string, id: string): any[] {
  return readFileSync(path.join(dir, `${id}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** A worker's per-step rows (those carrying the hash of its parameters after the step), in order. */
export function paramHashRows(dir: string, id: string): any[] {
  return jsonLines(dir, id).filter((l) => 'paramHash' in l);
}

/** Start `node <script> <json>` (script in dist-test/test-utils unless absolute), optionally inside a netns. */
export function start(script: string, args: unknown, o: { netns?: string } = {}): Proc {
  const file = path.isAbsolute(script) ? script : path.join(DIST_TEST, script);
  const argv = [file, JSON.stringify(args)];
  const child = o.netns
    ? spawn('ip', ['netns', 'exec', o.netns, process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, lines: [], stdout: '', stderr: '', exit: Promise.resolve(null), exitCode: undefined };
  child.stdout!.on('data', (d: Buffer) => {
    p.stdout += d.toString();
    const parts = p.stdout.split('\n');
    p.stdout = parts.pop()!;
    for (const l of parts) {
      try {
        p.lines.push(JSON.parse(l));
      } catch {
        p.lines.push(l);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (p.stderr += d.toString()));
  p.exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      p.exitCode = code ?? (signal ? -1 : null);
      live.delete(p);
      resolve(p.exitCode);
    }),
  );
  live.add(p);
  return p;
}

/** Wait (at most `ms`) for a stdout JSON line satisfying `pred`. */
export async function waitLine<T = Record<string, unknown>>(p: Proc, pred: (l: Record<string, unknown>) => boolean, ms: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const hit = p.lines.find((l) => typeof l === 'object' && l !== null && pred(l as Record<string, unknown>));
    if (hit) return hit as T;
    if (Date.now() - t0 > ms)
      throw new Error(
        `no matching line within ${ms} ms; stdout so far:\n${p.lines
          .map((l) => JSON.stringify(l))
          .join('\n')
          .slice(-3000)}\nstderr:\n${p.stderr.slice(-2000)}`,
      );
    if (p.exitCode !== undefined && !p.lines.some((l) => typeof l === 'object' && l !== null && pred(l as Record<string, unknown>))) {
      await new Promise((r) => setTimeout(r, 50));
      const again = p.lines.find((l) => typeof l === 'object' && l !== null && pred(l as Record<string, unknown>));
      if (again) return again as T;
      throw new Error(
        `process exited (${p.exitCode}) without a matching line; stdout:\n${p.lines
          .map((l) => JSON.stringify(l))
          .join('\n')
          .slice(-3000)}\nstderr:\n${p.stderr.slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wait (at most `ms`) for the process to exit; returns its code (-1 for a signal). */
export async function waitExit(p: Proc, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p.exit, new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), ms)))]);
  clearTimeout(timer);
  if (r === 'timeout') throw new Error(`process ${p.child.pid} did not exit within ${ms} ms; stderr:\n${p.stderr.slice(-2000)}`);
  return r;
}

/** SIGKILL every process still running (and SIGCONT first, so stopped ones die too). */
export async function killAll(): Promise<void> {
  const all = [...live];
  for (const p of all) {
    try {
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(all.map((p) => Promise.race([p.exit, new Promise((r) => setTimeout(r, 3000))])));
}

// Worker threads from module files: the compiled `.js` when it exists (a built package), else the
// `.ts` source transpiled on the fly (a package run from src/, as under the test runner).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { startModuleWorker } from './worker-module.js';

function firstMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

function moduleDir(): string {
  const dir = tempDir('sf-worker-module-');
  // A typed helper imported with the `.js` specifier TypeScript sources use.
  writeFileSync(join(dir, 'scale.ts'), 'export function scale(x: number, by: number): number {\n  return x * by;\n}\n');
  writeFileSync(
    join(dir, 'echo-worker.ts'),
    [
      "import { parentPort, workerData } from 'node:worker_threads';",
      "import { scale } from './scale.js';",
      'interface Data { readonly x: number }',
      'const enum Factor { Two = 2 }',
      'parentPort!.postMessage({ from: "source", y: scale((workerData as Data).x, Factor.Two) });',
    ].join('\n'),
  );
  return dir;
}

describe('startModuleWorker', () => {
  it('runs a TypeScript worker module (and the .ts modules it imports) when no compiled file exists', async () => {
    const dir = moduleDir();
    const worker = startModuleWorker(new URL('echo-worker.js', pathToFileURL(`${dir}/`)), { workerData: { x: 21 } });
    expect(await firstMessage(worker)).toEqual({ from: 'source', y: 42 });
  });

  it('prefers the compiled .js file beside the caller when there is one', async () => {
    const dir = moduleDir();
    writeFileSync(
      join(dir, 'echo-worker.js'),
      "import { parentPort, workerData } from 'node:worker_threads';\nparentPort.postMessage({ from: 'compiled', y: workerData.x + 1 });\n",
    );
    const worker = startModuleWorker(new URL('echo-worker.js', pathToFileURL(`${dir}/`)), { workerData: { x: 21 } });
    expect(await firstMessage(worker)).toEqual({ from: 'compiled', y: 22 });
  });

  it('refuses a module that exists neither compiled nor as source, naming both paths', () => {
    const dir = moduleDir();
    let error: unknown;
    try {
      startModuleWorker(new URL('missing-worker.js', pathToFileURL(`${dir}/`)));
    } catch (e) {
      error = e;
    }
    expect(SpikeflowError.is(error, 'invalid-state')).toBe(true);
    expect((error as Error).message).toContain(join(dir, 'missing-worker.js'));
    expect((error as Error).message).toContain(join(dir, 'missing-worker.ts'));
  });
});

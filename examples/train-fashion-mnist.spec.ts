// The README's TypeScript program, checked the way a newcomer meets it: its text is the README's, and it
// compiles and runs in a fresh `npm init -y` folder with exactly the commands the README gives.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const FMNIST = '/usr/share/datasets/fashion-mnist';
const have = existsSync(`${FMNIST}/train-images-idx3-ubyte.gz`);

/** The README's "The same in TypeScript" section: its fenced blocks of the given language, in order. */
function readmeBlocks(lang: string): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## The same in TypeScript');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

// A user's shell: none of npm's or vitest's per-run variables.
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$|VITEST|FORCE_COLOR$)/.test(k))), NO_COLOR: '1' };
function sh(command: string, cwd: string): { code: number; out: string } {
  const r = spawnSync(command, { shell: '/bin/sh', cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 540_000, maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('README: the same in TypeScript', () => {
  it('the README program is examples/train-fashion-mnist.ts, character for character', () => {
    const [program] = readmeBlocks('ts');
    expect(program).toBe(readFileSync(path.join(here, 'train-fashion-mnist.ts'), 'utf8'));
  });

  it.skipIf(!have)("(needs dataset-fashion-mnist) runs in a fresh npm init -y folder with the README's commands, and only after type=module", () => {
    const setup = readmeBlocks('sh').find((b) => b.startsWith('npm init -y'));
    expect(setup).toBeDefined();
    const lines = setup!.trim().split('\n');
    const compileAndRun = lines.at(-1)!;
    expect(lines).toContain('npm pkg set type=module');
    const app = mkdtempSync(path.join(tmpdir(), 'spikeflow-readme-'));
    dirs.push(app);
    writeFileSync(path.join(app, 'train.ts'), readFileSync(path.join(here, 'train-fashion-mnist.ts'), 'utf8'));
    for (const line of lines) {
      if (line.startsWith('npm install')) {
        // The packages are not published: link the workspace's installed (and built) packages instead of asking a registry.
        if (!existsSync(path.join(app, 'node_modules'))) symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'));
        continue;
      }
      if (line === 'npm pkg set type=module') {
        // What the README warns about: npm 11 writes "type": "commonjs", and the program does not compile.
        expect(JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')).type).toBe('commonjs');
        const before = sh(compileAndRun, app);
        expect(before.code).not.toBe(0);
        expect(before.out).toContain('TS1309');
      }
      if (line === compileAndRun) continue;
      expect(sh(line, app)).toMatchObject({ code: 0 });
    }
    const { code, out } = sh(compileAndRun, app);
    expect(code, out).toBe(0);
    const epoch = out.split('\n').find((l) => l.startsWith('epoch 1:'));
    expect(epoch, out).toBeDefined();
    // One epoch of the full training set: far above chance (10 %) ...
    const testAcc = /test loss [\d.]+ acc ([\d.]+)%/.exec(epoch!)![1];
    expect(Number(testAcc)).toBeGreaterThan(80);
    // ... and the figure the README quotes for the default job, which this program reproduces (seeded, one backend).
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const quoted = /^\| `npx spikeflow train` \(lif-mlp[^|]*\| test accuracy ([\d.]+) %.*the TypeScript program above gives the same ([\d.]+) %/m.exec(readme);
    expect(quoted, 'the README quotes the default job and this program').not.toBeNull();
    expect(quoted![2]).toBe(quoted![1]);
    expect(testAcc).toBe(quoted![1]);
  });
});

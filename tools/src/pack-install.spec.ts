// The published-package check. Every public package is packed from its built dist with `npm pack`, and the
// tarballs are installed into folders outside the workspace, the way users get them from the registry:
//  1. the library: core, neurons, datasets and models, training Fashion-MNIST from a script;
//  2. the CLI: only `spikeflow`, `@spikeflow/core` and `@spikeflow/neurons` (the CLI's own @spikeflow
//     dependencies — datasets, models, distributed — resolve to their tarballs through `overrides`, standing
//     in for the registry; the chip packages and the report are optional peers, not installed). Its
//     `plugins new` generates one package of every kind; each installs the packed core, passes its own
//     `npm test` and typecheck; the neuron, dataset, chip and task plugins are packed, installed next to the CLI
//     and discovered, the CLI trains with them (the third-party task on its own dataset too), then
//     `@spikeflow/chips-loihi` is added and the model exported.
// Nothing may resolve into the workspace from those folders.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FMNIST = '/usr/share/datasets/fashion-mnist';
const haveData = existsSync(path.join(FMNIST, 'train-images-idx3-ubyte.gz'));
// CIFAR-10 as JPEG class folders (../shared/data/cifar10-jpeg/SOURCES.md): a few real images for the image-folder run.
const CIFAR_JPEG = path.resolve(root, '..', 'shared', 'data', 'cifar10-jpeg', 'cifar10-images.tar.gz');

const publicPackages = ['packages', 'apps']
  .flatMap((group) => readdirSync(path.join(root, group)).map((d) => path.join(root, group, d)))
  .filter((dir) => existsSync(path.join(dir, 'package.json')))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);

// The test runs under `npm test`/nx: keep npm's per-run variables (workspace, prefix, package) and the
// vitest worker's options away from the installs, which must behave like a user's shell.
const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(npm_package_|npm_lifecycle_|npm_config_(workspace|workspaces|include_workspace_root|local_prefix|prefix|global)|INIT_CWD$|NODE_OPTIONS$|VITEST|FORCE_COLOR$)/.test(k),
    ),
  ),
  NO_COLOR: '1',
};
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

function run(cmd: string, args: string[], cwd: string, timeout = 600_000, extraEnv: Record<string, string> = {}): string {
  try {
    // Plain text even where a tool colours regardless of NO_COLOR.
    return execFileSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).replace(
      /\x1b\[[0-9;]*m/g,
      '',
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** The last JSON line of a command's stdout with the given `type` (the CLI's --json stream). */
function jsonLine(out: string, type?: string): any {
  const lines = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  return type ? lines.filter((l) => l.type === type).at(-1) : lines.at(-1);
}

/** Every symlink under `dir` (node_modules/.bin excepted) whose target is not under `dir`. */
function outsideLinks(dir: string): string[] {
  const bad: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) {
        if (path.basename(d) !== '.bin' && !realpathSync(p).startsWith(dir + path.sep)) bad.push(`${p} -> ${realpathSync(p)}`);
      } else if (st.isDirectory() && depth < 3) walk(p, depth + 1);
    }
  };
  walk(path.join(dir, 'node_modules'), 0);
  return bad;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'spikeflow-pack-'));
const tarballs = path.join(tmp, 'tarballs');
/** Tarball path by package name. */
const packed = new Map<string, string>();

beforeAll(() => {
  for (const p of publicPackages) {
    if (!existsSync(path.join(p.dir, 'dist'))) throw new Error(`${p.json.name} has no dist/; run \`npm run build\` before this test (it packs the built packages)`);
  }
  mkdirSync(tarballs);
  // One npm call packs every workspace; --ignore-scripts: pack exactly the dist that was built and tested.
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...publicPackages.flatMap((p) => ['-w', p.json.name])], root);
  for (const t of JSON.parse(out) as Array<{ name: string; filename: string }>) packed.set(t.name, path.join(tarballs, t.filename));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = (name: string) => `file:${packed.get(name)!}`;
/** The same tarball as seen from a folder next to `tarballs/`: npm saves added dependencies in this form, and an
 * override must be spelled exactly as the direct dependency it covers. */
const sibling = (name: string) => `file:../tarballs/${path.basename(packed.get(name)!)}`;

const TRAIN_SCRIPT = `
import { Adam, Trainer, createSpikeflow, manualSeed, selectBackend } from '@spikeflow/core';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { neurons } from '@spikeflow/neurons';
const backend = await selectBackend('auto');
const sf = createSpikeflow({ plugins: [neurons(), datasets(), models()] });
const dataDir = process.argv[2];
const train = await sf.dataset('fashion-mnist', { split: 'train', dataDir, download: false });
const test = await sf.dataset('fashion-mnist', { split: 'test', dataDir, download: false });
manualSeed(1);
const model = sf.model('lif-mlp', { hidden: [64] }, { inputShape: train.sampleShape, numClasses: 10, neuron: { id: 'lif' }, staticInput: true });
const trainer = new Trainer({ model, optimizer: new Adam(model.namedParameters(), { lr: 3e-3 }), encoder: sf.encoder('direct'),
  loss: sf.loss('mse-rate'), timeSteps: 4, numClasses: 10, seed: 1 });
const summary = await trainer.fit(new DataLoader({ dataset: train, batchSize: 32, seed: 1, subset: 1500 }), { epochs: 3,
  test: new DataLoader({ dataset: test, batchSize: 100, shuffle: false, seed: 1, subset: 500 }) });
console.log(JSON.stringify({ backend: backend.name, resolved: ['@spikeflow/core', '@spikeflow/neurons', '@spikeflow/datasets', '@spikeflow/models'].map((m) => import.meta.resolve(m)),
  losses: summary.epochs.map((e) => e.trainLoss), testAccuracy: summary.epochs.at(-1).testAccuracy }));
`;

describe('npm pack + install outside the workspace', () => {
  it('packs every public package', () => {
    expect([...packed.keys()].sort()).toEqual(publicPackages.map((p) => p.json.name).sort());
  });

  it.skipIf(!haveData)('the library tarballs train Fashion-MNIST from a script (needs dataset-fashion-mnist)', () => {
    const app = path.join(tmp, 'lib-app');
    mkdirSync(app);
    const deps = Object.fromEntries(['@spikeflow/core', '@spikeflow/neurons', '@spikeflow/datasets', '@spikeflow/models'].map((n) => [n, spec(n)]));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'lib-app', private: true, type: 'module', dependencies: deps }, null, 2));
    run('npm', NPM_INSTALL, app);
    writeFileSync(path.join(app, 'train.mjs'), TRAIN_SCRIPT);
    const result = JSON.parse(run(process.execPath, ['train.mjs', FMNIST], app).trim().split('\n').at(-1)!);
    for (const r of result.resolved) expect(fileURLToPath(r).startsWith(path.join(app, 'node_modules'))).toBe(true);
    expect(result.losses[2]).toBeLessThan(result.losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.65);
    expect(outsideLinks(app)).toEqual([]);
  });

  it('the CLI generates plugins of every kind that pass their own tests, discovers them, trains and exports', () => {
    const timings: Record<string, number> = {};
    const timed = <T>(label: string, f: () => T): T => {
      const t0 = Date.now();
      try {
        return f();
      } finally {
        timings[label] = (Date.now() - t0) / 1000;
      }
    };

    // 1. A user's folder with only the CLI, core and neurons.
    const app = path.join(tmp, 'app');
    mkdirSync(app);
    const overrides = Object.fromEntries([...packed.keys()].filter((n) => n.startsWith('@spikeflow/')).map((n) => [n, sibling(n)]));
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'app',
          private: true,
          type: 'module',
          dependencies: { spikeflow: sibling('spikeflow'), '@spikeflow/core': sibling('@spikeflow/core'), '@spikeflow/neurons': sibling('@spikeflow/neurons') },
          overrides,
        },
        null,
        2,
      ),
    );
    timed('install CLI', () => run('npm', NPM_INSTALL, app));
    const cli = (...args: string[]) => run('npx', ['--no-install', 'spikeflow', ...args], app);

    // 2. Generate one plugin of every kind with the installed CLI.
    const kinds = ['neuron', 'surrogate', 'architecture', 'dataset', 'chip', 'task'];
    const dirs = Object.fromEntries(kinds.map((k) => [k, path.join(tmp, 'plugins', k)]));
    for (const k of kinds) {
      const r = JSON.parse(cli('plugins', 'new', `spikeflow-plugin-${k}-demo`, '--kind', k, '--dir', dirs[k], '--json'));
      expect(r.namespace).toBe(`${k}-demo`);
    }

    // 3. The neuron plugin exactly as its README says: npm install (core from its tarball), npm test, typecheck, pack.
    timed('neuron plugin install', () => run('npm', [...NPM_INSTALL, '-D', spec('@spikeflow/core')], dirs.neuron));
    const neuronTest = timed('neuron plugin npm test', () => run('npm', ['test'], dirs.neuron));
    expect(neuronTest).toMatch(/Tests\s+5 passed/);
    run('npm', ['run', 'typecheck'], dirs.neuron);
    // The other kinds share one install of the union of their declared dependencies (the same
    // packages, fetched once), then each runs its own `npm test` and typecheck.
    const union: Record<string, string> = {};
    for (const k of kinds.slice(1)) {
      const pj = JSON.parse(readFileSync(path.join(dirs[k], 'package.json'), 'utf8'));
      Object.assign(union, pj.dependencies, pj.devDependencies);
    }
    union['@spikeflow/core'] = spec('@spikeflow/core');
    writeFileSync(path.join(tmp, 'plugins', 'package.json'), JSON.stringify({ name: 'plugins', private: true, devDependencies: union }, null, 2));
    timed('other plugins install', () => run('npm', NPM_INSTALL, path.join(tmp, 'plugins')));
    for (const k of kinds.slice(1)) {
      const out = timed(`${k} plugin npm test`, () => run('npm', ['test'], dirs[k]));
      expect(out).toMatch(/Tests\s+\d+ passed/);
      expect(out).not.toMatch(/failed/);
      run('npm', ['run', 'typecheck'], dirs[k]);
    }
    const packPlugin = (dir: string) => {
      const [r] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tarballs], dir)) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = r.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['dist/plugin.js', 'dist/plugin.d.ts', 'dist/index.js', 'README.md', 'package.json']));
      expect(files.filter((f) => f.includes('.spec.') || f.startsWith('src/'))).toEqual([]);
      return `file:${path.join(tarballs, r.filename)}`;
    };
    const neuronTgz = packPlugin(dirs.neuron);
    const datasetTgz = packPlugin(dirs.dataset);
    const chipTgz = packPlugin(dirs.chip);
    const taskTgz = packPlugin(dirs.task);

    // 4. Install four third-party plugins next to the CLI; it discovers them.
    timed('install plugins', () => run('npm', [...NPM_INSTALL, neuronTgz, datasetTgz, chipTgz, taskTgz], app));
    const list = JSON.parse(cli('plugins', 'list', '--json'));
    const byNs = new Map(list.plugins.map((p: { namespace: string }) => [p.namespace, p]));
    expect(byNs.get('neuron-demo')).toEqual({
      name: 'spikeflow-plugin-neuron-demo',
      version: '0.1.0',
      namespace: 'neuron-demo',
      source: path.join(app, 'node_modules', 'spikeflow-plugin-neuron-demo'),
      contributions: { neurons: ['neuron-demo/leaky'] },
    });
    expect(byNs.get('dataset-demo')).toMatchObject({ contributions: { datasets: ['dataset-demo/bars'] } });
    expect(byNs.get('chip-demo')).toMatchObject({ contributions: { hardwareTargets: ['chip-demo/toy-chip'] } });
    expect(byNs.get('task-demo')).toMatchObject({
      contributions: {
        tasks: ['task-demo/multi-label'],
        losses: ['task-demo/bce'],
        metrics: ['task-demo/hamming-accuracy', 'task-demo/subset-accuracy'],
        datasets: ['task-demo/multi-bars'],
      },
    });
    expect(list.skipped).toEqual([]);

    // 5. Train with the third-party neuron on the third-party dataset from the CLI.
    const runDir = path.join(app, 'run');
    const trained = timed('train', () =>
      cli(
        'train',
        '--neuron',
        'leaky',
        '--neuron-opt',
        'beta=0.8',
        '--dataset',
        'bars',
        '--model',
        'lif-mlp',
        '--model-opt',
        'hidden=[32]',
        '--loss',
        'ce-rate',
        '--lr',
        '0.01',
        '--time-steps',
        '4',
        '--epochs',
        '3',
        '--batch-size',
        '32',
        '--seed',
        '1',
        '--backend',
        'wasm',
        '--out',
        runDir,
        '--json',
      ),
    );
    const epochs = trained
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'epoch');
    const summary = jsonLine(trained, 'summary');
    expect(JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8')).neuron.id).toBe('leaky');
    expect(epochs).toHaveLength(3);
    expect(epochs[2].trainLoss).toBeLessThan(epochs[0].trainLoss);
    // Chance is 0.5. Horizontal against vertical bars is not linearly separable (every row sum and every
    // column sum add up to the same total), so this needs the hidden spiking layer to learn.
    expect(summary.testAccuracy).toBeGreaterThan(0.8);

    // The third-party task trains on its own dataset: its loss by default, its metrics in --json, its selection.
    const taskRun = path.join(app, 'task-run');
    const taskOut = timed('train task', () =>
      cli(
        'train',
        '--task',
        'task-demo/multi-label',
        '--dataset',
        'task-demo/multi-bars',
        '--dataset-opt',
        'length=2048',
        '--model',
        'lif-mlp',
        '--model-opt',
        'hidden=[64]',
        '--lr',
        '0.005',
        '--time-steps',
        '4',
        '--epochs',
        '4',
        '--batch-size',
        '32',
        '--seed',
        '1',
        '--backend',
        'wasm',
        '--out',
        taskRun,
        '--json',
      ),
    );
    const taskEpochs = taskOut
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'epoch');
    const taskSummary = jsonLine(taskOut, 'summary');
    expect(taskSummary.task).toBe('task-demo/multi-label');
    expect(JSON.parse(readFileSync(path.join(taskRun, 'config.json'), 'utf8')).loss.id).toBe('task-demo/bce');
    expect(taskEpochs).toHaveLength(4);
    expect(taskEpochs[3].trainLoss).toBeLessThan(taskEpochs[0].trainLoss);
    expect(taskSummary.best).toMatchObject({ split: 'valid', metric: 'hamming' });
    // Guessing every label alike scores 0.5 hamming accuracy; the bars are easy to see.
    expect(taskSummary.testMetrics.hamming).toBeGreaterThan(0.85);

    // The third-party chip target exports through the hardware-target contract (too small a budget: a typed error).
    const toy = path.join(app, 'net.json');
    const toyOut = jsonLine(cli('export', '--target', 'chip-demo/toy-chip', '--checkpoint', runDir, '--out', toy, '--json'), 'export');
    expect(toyOut.target).toBe('chip-demo/toy-chip');
    expect(JSON.parse(readFileSync(toy, 'utf8')).format).toBe('chip-demo/toy-chip');
    expect(() => cli('export', '--target', 'toy-chip', '--target-opt', 'maxNeurons=2', '--checkpoint', runDir, '--out', toy)).toThrow(
      /error \(does-not-fit\): the model does not fit (chip-demo\/)?toy-chip: \d+ neurons exceed the budget of 2/,
    );

    // 6. The chip packages are optional peers of the CLI: not installed yet, and export says what to install.
    expect(existsSync(path.join(app, 'node_modules', '@spikeflow', 'chips-loihi'))).toBe(false);
    expect(() => cli('export', '--target', 'loihi2', '--checkpoint', runDir, '--out', path.join(app, 'x.net'))).toThrow(
      /needs @spikeflow\/chips-loihi, which is not installed; install it next to spikeflow: npm install @spikeflow\/chips-loihi/,
    );
    // Add the Loihi package and export the trained network (the leaky neuron maps as a LIF).
    timed('install chips-loihi', () => run('npm', [...NPM_INSTALL, sibling('@spikeflow/chips-loihi')], app));
    const out = path.join(app, 'net.net');
    const exported = jsonLine(
      timed('export', () => cli('export', '--target', 'loihi2', '--checkpoint', runDir, '--out', out, '--calibration-samples', '100', '--json')),
      'export',
    );
    expect(existsSync(out)).toBe(true);
    expect(exported.layers).toHaveLength(2);

    // 7. Nothing came from the workspace: packages resolve inside the app, no links point out, the lock file
    // names only registry URLs and our tarballs.
    const resolve = (m: string) => run(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(m)}))`], app).trim();
    for (const m of [
      'spikeflow',
      '@spikeflow/core',
      '@spikeflow/neurons',
      '@spikeflow/chips-loihi',
      'spikeflow-plugin-neuron-demo',
      'spikeflow-plugin-dataset-demo',
      'spikeflow-plugin-task-demo',
    ]) {
      expect(fileURLToPath(resolve(m)).startsWith(path.join(app, 'node_modules') + path.sep)).toBe(true);
    }
    expect(outsideLinks(app)).toEqual([]);

    // 8. The installed CLI trains image-folder on a tiny folder of real JPEGs, decoded by sharp (a CLI
    //    dependency, installed from the registry), with augmentation; its image cache goes to a temp folder.
    let imageSummary: any;
    if (!existsSync(CIFAR_JPEG)) console.warn(`pack-install: skipping the image-folder run: ${CIFAR_JPEG} is absent`);
    else {
      const images = path.join(tmp, 'images');
      mkdirSync(images);
      run('tar', ['-xzf', CIFAR_JPEG, '-C', images, '--wildcards', 'cifar10-images/*/*/000[0-7].jpg'], tmp);
      const imageRun = path.join(app, 'image-run');
      const flags = ['--dataset', 'image-folder', '--data-dir', path.join(images, 'cifar10-images'), '--model-opt', 'hidden=[32]', '-T', '2', '--epochs', '2'];
      const out = timed('train image-folder', () =>
        run(
          'npx',
          ['--no-install', 'spikeflow', 'train', ...flags, '--batch-size', '16', '--augment', 'crop=2,flip', '--backend', 'wasm', '--out', imageRun, '--json'],
          app,
          600_000,
          {
            XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
          },
        ),
      );
      imageSummary = jsonLine(out, 'summary');
      const config = JSON.parse(readFileSync(path.join(imageRun, 'config.json'), 'utf8'));
      expect(config.dataset.id).toBe('image-folder');
      expect(config.augment).toEqual({ crop: 2, flip: true });
      expect(out.split('\n').filter((l) => l.startsWith('{') && JSON.parse(l).type === 'epoch')).toHaveLength(2);
      expect(imageSummary.testAccuracy).toBeGreaterThanOrEqual(0);
      // 8 images per class in train/ and test/: 80 each, decoded once into the cache.
      expect(readdirSync(path.join(tmp, 'xdg-cache', 'spikeflow', 'images')).filter((f) => f.endsWith('.sfimg'))).toHaveLength(2);
      expect(fileURLToPath(resolve('sharp')).startsWith(path.join(app, 'node_modules') + path.sep)).toBe(true);
    }
    const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> };
    const foreign = Object.entries(lock.packages).filter(([, p]) => p.link || (p.resolved && !p.resolved.startsWith('https://') && !p.resolved.includes('tarballs/')));
    expect(foreign.map(([k, p]) => `${k} ${p.resolved}`)).toEqual([]);
    expect(readFileSync(path.join(app, 'package-lock.json'), 'utf8')).not.toContain(root);
    console.log(
      `pack-install: CLI-trained test accuracy ${summary.testAccuracy}, third-party task test hamming ${taskSummary.testMetrics.hamming}, image-folder test accuracy ${imageSummary?.testAccuracy}, Loihi layers ${exported.layers.length}; timings (s): ${JSON.stringify(timings)}`,
    );
  });
});

import { Command, Option } from 'commander';
import { SpikeflowError } from '@spikeflow/core';
import { datasetSearchPath, neuromorphicSpecs, openEventFile, prepareEventDataset, summarizeEvents, type EventFormat, type NeuromorphicDatasetSpec } from '@spikeflow/datasets';
import { loadSpikeflow } from '../run/plugins.js';

const FORMATS: readonly EventFormat[] = ['nmnist-bin', 'aedat4', 'aedat3', 'aedat2', 'prophesee-dat', 'evt2', 'evt3', 'shd-hdf5'];

function write(json: boolean | undefined, value: unknown, lines: () => string[]): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${lines().join('\n')}\n`);
}

function eventSpec(name: string): NeuromorphicDatasetSpec | undefined {
  const id = name.replace(/^datasets\//, '');
  return neuromorphicSpecs.find((s) => s.id === id);
}

/**
 * Bad paths reach these commands as Node errors (a folder where a file belongs, a cache folder
 * that is a file, no permission); they are bad input, so they become typed errors naming the path.
 */
function typedFsError(e: unknown): unknown {
  if (SpikeflowError.is(e) || !(e instanceof Error)) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err.code !== 'string' || typeof err.syscall !== 'string') return e;
  const where = err.path ?? '(unknown path)';
  const what: Record<string, string> = {
    ENOENT: 'does not exist',
    EISDIR: 'is a folder, where a file was expected',
    ENOTDIR: 'is not a folder (or lies under a file), where a folder was expected',
    EEXIST: 'already exists and is not a folder',
    EACCES: 'cannot be accessed (permission denied)',
    EPERM: 'cannot be accessed (operation not permitted)',
    EROFS: 'is on a read-only file system',
  };
  const problem = what[err.code];
  if (problem === undefined) return e;
  return new SpikeflowError(err.code === 'ENOENT' ? 'dataset-missing' : 'invalid-options', `'${where}' ${problem} (${err.syscall})`, { path: where, code: err.code }, { cause: e });
}

/** Run a subcommand's action with Node file-system errors turned into typed errors. */
function guarded<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return (...args: A) =>
    action(...args).catch((e: unknown) => {
      throw typedFsError(e);
    });
}

/** At most `n` paths, then how many more, for one log line. */
function fewFiles(files: readonly string[], n = 3): string {
  return files.length <= n ? files.join(', ') : `${files.slice(0, n).join(', ')} and ${files.length - n} more`;
}

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new SpikeflowError('invalid-options', `${flag} must be a non-negative integer, got '${v}'`);
    return n;
  };
}

function positiveNumber(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0)) throw new SpikeflowError('invalid-options', `${flag} must be a positive number, got '${v}'`);
    return n;
  };
}

function listCommand(): Command {
  return new Command('list')
    .description('list the registered datasets (static and neuromorphic)')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow datasets list
  $ spikeflow datasets list --json | jq -r '.[] | select(.kind == "events") | .id'`,
    )
    .option('--json', 'print one JSON value (pretty-printed) on stdout')
    .action(
      guarded(async (opts: { json?: boolean }) => {
        const { sf } = await loadSpikeflow();
        const rows = sf.datasets.list().map((d) => {
          const spec = eventSpec(d.id);
          return {
            id: d.fullId,
            kind: spec ? 'events' : 'static',
            sampleShape: d.sampleShape,
            numClasses: d.numClasses,
            description: d.description,
            ...(spec ? { format: spec.format, split: spec.split.kind, downloadable: spec.downloadable } : {}),
          };
        });
        write(opts.json, rows, () => rows.map((r) => `${r.id.padEnd(26)} ${r.kind.padEnd(7)} [${r.sampleShape.join(',')}]`.padEnd(58) + ` ${r.description}`));
      }),
    );
}

function infoCommand(): Command {
  return new Command('info')
    .description('show a dataset: source, citation, files with checksums, split, classes and where it is looked for')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow datasets info fashion-mnist
  $ spikeflow datasets info dvs128-gesture --data-dir /data --json`,
    )
    .argument('<name>', 'dataset id, e.g. dvs128-gesture')
    .option('--data-dir <dir>', 'folder searched first')
    .option('--json', 'print one JSON value (pretty-printed) on stdout')
    .action(
      guarded(async (name: string, opts: { json?: boolean; dataDir?: string }) => {
        const { sf } = await loadSpikeflow();
        const d = sf.datasets.get(name);
        const spec = eventSpec(d.id);
        const searchPath = datasetSearchPath(d.id, { dataDir: opts.dataDir }).map((f) => `${f.dir} (${f.source})`);
        if (!spec) {
          const info = { id: d.fullId, kind: 'static', description: d.description, sampleShape: d.sampleShape, numClasses: d.numClasses, searchPath };
          write(opts.json, info, () => [
            `${info.id}: ${info.description}`,
            `sample shape: [${info.sampleShape.join(', ')}], ${info.numClasses} classes`,
            'searched:',
            ...searchPath.map((p) => `  ${p}`),
          ]);
          return;
        }
        const info = { ...spec, id: d.fullId, kind: 'events', sampleShape: d.sampleShape, numClasses: d.numClasses, searchPath };
        write(opts.json, info, () => [
          `${info.id}: ${spec.title}`,
          `  ${spec.description}`,
          `homepage: ${spec.homepage}`,
          `citation: ${spec.citation}`,
          `license: ${spec.license}`,
          `format: ${spec.format}, sensor ${spec.width}x${spec.height}, ${spec.channels} channel(s); frames [${d.sampleShape.join(', ')}] by default (${spec.defaultSplit.by === 'duration' ? `${spec.defaultSplit.duration} µs windows` : `${spec.defaultSplit.frames} frames by ${spec.defaultSplit.by}`})`,
          `split: ${spec.split.kind === 'official' ? `official — ${spec.split.note}` : `seeded — per class, ceil(n·${spec.split.trainRatio}) to train after a shuffle seeded with ${spec.split.seed}`}${spec.counts ? ` (${spec.counts.train} train / ${spec.counts.test} test)` : ''}`,
          `classes (${d.numClasses}): ${spec.classNames.length ? spec.classNames.join(', ') : '(named by the files)'}`,
          `files${spec.downloadable ? '' : ' (download by hand)'}:`,
          ...spec.files.map((f) => `  ${f.name.padEnd(22)} ${f.md5 ? `md5 ${f.md5}` : ''}  ${f.urls[0]}`),
          `layout: ${spec.layout}`,
          'searched:',
          ...searchPath.map((p) => `  ${p}`),
        ]);
      }),
    );
}

function prepareCommand(): Command {
  return new Command('prepare')
    .description('find a neuromorphic dataset and integrate it into cached frames (both cores, with a progress bar)')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow datasets prepare n-mnist --data-dir /data --frames 10
  $ spikeflow datasets prepare dvs128-gesture --split-by duration --duration 50000 --download`,
    )
    .argument('<name>', 'dataset id, e.g. n-mnist')
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'test', 'both']).default('both'))
    .option('--frames <n>', 'frames per sample (split by number or time)', positiveInt('--frames'))
    .addOption(new Option('--split-by <mode>', 'how to cut events into frames').choices(['number', 'time', 'duration']))
    .option('--duration <us>', 'frame length in µs with --split-by duration', positiveNumber('--duration'))
    .option('--denoise <us>', 'drop events without a neighbour within this many µs', positiveNumber('--denoise'))
    .option('--downsample <k>', 'integer spatial downsampling factor', positiveInt('--downsample'))
    .option('--data-dir <dir>', 'folder holding the extracted dataset (or <dir>/<name>)')
    .option('--cache-dir <dir>', 'where frame caches go (default <user cache>/frames)')
    .option('--threads <n>', 'worker threads (default: all cores for large inputs; 0: this thread)', positiveInt('--threads'))
    .option('--download', 'download and extract the official archives when the dataset is nowhere (MD5-checked)')
    .option('--mirror <url>', 'download <url><file name> instead of the official addresses')
    .option('--json', 'print one JSON value (pretty-printed) on stdout')
    .action(
      guarded(
        async (
          name: string,
          opts: {
            split: 'train' | 'test' | 'both';
            frames?: number;
            splitBy?: 'number' | 'time' | 'duration';
            duration?: number;
            denoise?: number;
            downsample?: number;
            dataDir?: string;
            cacheDir?: string;
            threads?: number;
            download?: boolean;
            mirror?: string;
            json?: boolean;
          },
        ) => {
          const spec = eventSpec(name);
          if (!spec) throw new SpikeflowError('not-supported', `'${name}' is not a neuromorphic dataset; 'spikeflow datasets list' shows them (kind 'events')`);
          const splits = opts.split === 'both' ? (['train', 'test'] as const) : ([opts.split] as const);
          const results = [];
          for (const split of splits) {
            const started = Date.now();
            const r = await prepareEventDataset(spec, {
              split,
              frames: opts.frames,
              splitBy: opts.splitBy,
              duration: opts.duration,
              denoiseTime: opts.denoise,
              downsample: opts.downsample,
              dataDir: opts.dataDir,
              cacheDir: opts.cacheDir,
              threads: opts.threads,
              download: opts.download === true,
              mirror: opts.mirror,
              onProgress: opts.json || !process.stderr.isTTY ? undefined : (e) => process.stderr.write(`\r${e.phase} ${e.file ?? ''} ${e.done}${e.total ? `/${e.total}` : ''}   `),
            });
            const frames = [...new Set(r.index.frames)];
            const row = {
              dataset: spec.id,
              split,
              dir: r.dir,
              built: r.built,
              threads: r.threads,
              samples: r.index.count,
              frameShape: r.index.frameShape,
              frames: frames.length === 1 ? frames[0] : { min: Math.min(...frames), max: Math.max(...frames) },
              events: r.index.events.reduce((a, b) => a + b, 0),
              bytes: r.index.bytes,
              seconds: (Date.now() - started) / 1000,
              root: r.root,
              files: r.files,
            };
            results.push(row);
            if (!opts.json) {
              // Which copy was used: the folder and the event files read from it.
              process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${spec.id}/${split}: read ${r.files.length} event file(s) from ${r.root}: ${fewFiles(r.files)}\n`);
              process.stderr.write(
                `${spec.id}/${split}: ${row.samples} samples, ${row.events} events, frames ${JSON.stringify(row.frames)} x [${row.frameShape.join(', ')}] ${row.built ? `built with ${row.threads} thread(s) in ${row.seconds.toFixed(1)} s` : 'already cached'} -> ${row.dir}\n`,
              );
            }
          }
          if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        },
      ),
    );
}

function inspectCommand(): Command {
  return new Command('inspect')
    .description('detect an event file’s format and print its resolution, event count, duration, polarity counts and first/last events')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow datasets inspect recording.aedat4
  $ spikeflow datasets inspect 00001.bin --format nmnist-bin --events 5 --json`,
    )
    .argument('<file>', 'an event recording (.aedat4, .aedat, .raw, .dat, .bin, .h5)')
    .addOption(new Option('--format <format>', 'skip detection').choices([...FORMATS]))
    .option('--events <n>', 'how many first and last events to show', positiveInt('--events'), 3)
    .option('--json', 'print one JSON value (pretty-printed) on stdout')
    .action(
      guarded(async (file: string, opts: { format?: EventFormat; events: number; json?: boolean }) => {
        const f = await openEventFile(file, { format: opts.format });
        const s = await summarizeEvents(f, opts.events).finally(() => (f as { close?: () => void }).close?.());
        const out = { file, format: f.info.format, width: f.info.width ?? null, height: f.info.height ?? null, header: f.info.header, ...s, durationUs: s.duration };
        write(opts.json, out, () => {
          const ev = (e: { t: number; x: number; y: number; p: number }): string => `t=${e.t} x=${e.x} y=${e.y} p=${e.p}`;
          const size = f.info.width !== undefined ? `${f.info.width}x${f.info.height}` : `unknown (events span x 0..${s.xMax}, y 0..${s.yMax})`;
          return [
            `${file}`,
            `format: ${f.info.format}`,
            `resolution: ${size}`,
            `events: ${s.count} (ON ${s.on}, OFF ${s.off})`,
            `time: ${s.tMin} .. ${s.tMax} µs, duration ${(s.duration / 1e6).toFixed(6)} s${s.monotonic ? '' : ' (timestamps not monotonic)'}`,
            'first:',
            ...s.first.map((e) => `  ${ev(e)}`),
            'last:',
            ...s.last.map((e) => `  ${ev(e)}`),
          ];
        });
      }),
    );
}

/** `spikeflow datasets list|info|prepare|inspect`. */
export function datasetsCommand(): Command {
  return new Command('datasets')
    .description('list, describe and prepare datasets; inspect event files')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow datasets list
  $ spikeflow datasets info n-mnist
  $ spikeflow datasets prepare n-mnist --frames 10`,
    )
    .addCommand(listCommand())
    .addCommand(infoCommand())
    .addCommand(prepareCommand())
    .addCommand(inspectCommand());
}

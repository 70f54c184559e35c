import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import { runCli } from '../test-utils/run-cli.js';
import { createProgram } from '../cli.js';

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

const dir = tempDir('sf-completion-');
const bashScript = path.join(dir, 'spikeflow.bash');
/** Architecture ids as `spikeflow info` lists them: the reference for what --model completes to. */
let architectures: string[];

beforeAll(async () => {
  const r = await runCli('completion', 'bash');
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(bashScript, r.stdout);
  const info = await runCli('info', '--json');
  architectures = JSON.parse(info.stdout)
    .ids.architectures.flatMap((d: { id: string }) => [d.id, d.id.split('/')[1]])
    .sort();
  mkdirSync(path.join(dir, 'cwd', 'runs'), { recursive: true });
  writeFileSync(path.join(dir, 'cwd', 'run.yaml'), 'epochs: 1\n');
});

/**
 * What bash offers for the words typed so far (the last word is the one being completed), the
 * way readline calls the function: COMP_WORDS/COMP_CWORD set, then `complete -p`'s function for the
 * line's command (`spikeflow`, or `npx` after `setup`, e.g. another npx completion, and our script).
 */
function bashComplete(command: string, setup: string, words: string[]): string[] {
  const driver = `
${setup}
source "$1"; shift
fn=$(complete -p ${command} | sed -E 's/.*-F ([^ ]+).*/\\1/')
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
"$fn" ${command} "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', bashScript, ...words], { cwd: path.join(dir, 'cwd') }).toString();
  return out.split('\n').filter(Boolean).sort();
}

const complete = (...words: string[]) => bashComplete('spikeflow', '', words);

describe('spikeflow completion bash', () => {
  it('completes `spikeflow tr<TAB>` to train, and lists every command on an empty word', () => {
    expect(complete('spikeflow', 'tr')).toEqual(['train']);
    // Every command starting with 'e', as commander has them.
    const e = createProgram()
      .commands.map((c) => c.name())
      .filter((n) => n.startsWith('e'))
      .sort();
    expect(e).toEqual(expect.arrayContaining(['eval', 'export']));
    expect(complete('spikeflow', 'e')).toEqual(e);
    expect(complete('spikeflow', '')).toEqual(expect.arrayContaining(['train', 'eval', 'info', 'datasets', 'completion', 'cluster']));
  });

  it('completes a command’s options, not another command’s', () => {
    expect(complete('spikeflow', 'train', '--mo')).toEqual(['--model', '--model-opt', '--momentum']);
    expect(complete('spikeflow', 'train', '--res')).toEqual(['--resume']);
    expect(complete('spikeflow', 'eval', '--mo')).toEqual([]);
    expect(complete('spikeflow', 'train', '--no-c')).toEqual(['--no-color']);
  });

  it('completes registry ids after --model, --neuron and --dataset, short and namespaced', () => {
    expect(architectures).toEqual(expect.arrayContaining(['conv-fmnist', 'lif-mlp', 'models/conv-fmnist', 'models/lif-mlp']));
    expect(complete('spikeflow', 'train', '--model', '')).toEqual(architectures);
    expect(complete('spikeflow', 'train', '--neuron', 'pl')).toEqual(['plif']);
    expect(complete('spikeflow', 'train', '--dataset', 'fash')).toEqual(['fashion-mnist']);
    expect(complete('spikeflow', 'train', '--epochs', '3', '--neuron', 'neurons/l')).toEqual(['neurons/lif']);
    // --opt=value: bash splits the word at '='.
    expect(complete('spikeflow', 'train', '--model', '=', 'conv')).toEqual(['conv-fmnist']);
    expect(complete('spikeflow', 'train', '--optimizer', 'ad')).toEqual(['adam', 'adamw']);
    expect(complete('spikeflow', 'train', '--backend', '')).toEqual(['auto', 'cpu', 'tensorflow', 'wasm']);
    // Chip targets come from the hardware-target registry, aliases included (a plugin's chip completes too).
    expect(complete('spikeflow', 'export', '--target', 'loihi')).toEqual(['loihi', 'loihi/loihi1', 'loihi/loihi2', 'loihi1', 'loihi2']);
    expect(complete('spikeflow', 'simulate', '--target', 'spin')).toEqual(expect.arrayContaining(['spinnaker', 'spinnaker1']));
  });

  it('skips option values when finding the command, and completes nested commands and arguments', () => {
    expect(complete('spikeflow', 'train', '--dataset', 'mnist', '--')).toContain('--epochs');
    expect(complete('spikeflow', 'datasets', 'pr')).toEqual(['prepare']);
    expect(complete('spikeflow', 'datasets', 'info', 'n-mn')).toEqual(['n-mnist']);
    expect(complete('spikeflow', 'datasets', 'prepare', '--split', '')).toEqual(['both', 'test', 'train']);
    expect(complete('spikeflow', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
  });

  it('completes files after --config and folders after --data-dir, and nothing for free values', () => {
    expect(complete('spikeflow', 'train', '--config', 'run')).toEqual(['run.yaml', 'runs']);
    expect(complete('spikeflow', 'train', '--data-dir', 'r')).toEqual(['runs']);
    expect(complete('spikeflow', 'train', '--epochs', '')).toEqual([]);
  });
});

describe('spikeflow completion bash, through npx', () => {
  /** What bash offers on an `npx ...` line, after `setup` (e.g. another npx completion) and our script. */
  const npxComplete = (setup: string, ...words: string[]) => bashComplete('npx', setup, words);

  it('completes `npx spikeflow ...` as spikeflow, after npx options too', () => {
    expect(npxComplete('', 'npx', 'spikeflow', 'tr')).toEqual(['train']);
    expect(npxComplete('', 'npx', 'spikeflow', 'train', '--mo')).toEqual(['--model', '--model-opt', '--momentum']);
    expect(npxComplete('', 'npx', '--yes', 'spikeflow', 'train', '--model', '')).toEqual(architectures);
    expect(npxComplete('', 'npx', 'spikeflow', 'datasets', 'info', 'n-mn')).toEqual(['n-mnist']);
    expect(npxComplete('', 'npx', 'spikeflow', 'train', '--config', 'run')).toEqual(['run.yaml', 'runs']);
  });

  it('leaves other npx commands to the completion npx had, or to file names', () => {
    expect(npxComplete('', 'npx', 'some-tool', 'r')).toEqual(['run.yaml', 'runs']);
    expect(npxComplete('', 'npx', 'tr')).toEqual([]);
    const before = '_other_npx() { COMPREPLY=(from-the-other-completion); }; complete -F _other_npx npx';
    expect(npxComplete(before, 'npx', 'some-tool', '')).toEqual(['from-the-other-completion']);
    expect(npxComplete(before, 'npx', 'spikeflow', 'tr')).toEqual(['train']);
  });
});

describe.skipIf(!has('zsh'))('spikeflow completion zsh, run by zsh', () => {
  /**
   * What zsh offers: the words bashcompinit's compgen gets from our function (as `_bash_complete`
   * sets them up), filtered by the typed prefix as zsh's compadd does.
   */
  async function zshComplete(...words: string[]): Promise<string[]> {
    const file = path.join(dir, 'spikeflow.zsh');
    writeFileSync(file, (await runCli('completion', 'zsh')).stdout);
    const driver = 'source "$1"; shift; words=("$@"); CURRENT=$#; COMP_WORDS=("${words[@]}"); COMP_CWORD=$((CURRENT - 1)); compgen -F _spikeflow -- "${words[CURRENT]}"';
    const out = execFileSync('zsh', ['-f', '-c', driver, 'zsh', file, ...words], { cwd: path.join(dir, 'cwd') }).toString();
    const typed = words.at(-1)!;
    return out
      .split('\n')
      .filter((w) => w && w.startsWith(typed))
      .sort();
  }

  it('completes commands, options and ids', async () => {
    expect(await zshComplete('spikeflow', 'tr')).toEqual(['train']);
    expect(await zshComplete('spikeflow', 'train', '--mo')).toEqual(['--model', '--model-opt', '--momentum']);
    expect(await zshComplete('spikeflow', 'train', '--model', 'lif')).toEqual(['lif-mlp']);
    expect(await zshComplete('spikeflow', 'datasets', 'info', 'n-mn')).toEqual(['n-mnist']);
  });

  it('completes `npx spikeflow ...` too', async () => {
    const file = path.join(dir, 'spikeflow.zsh');
    writeFileSync(file, (await runCli('completion', 'zsh')).stdout);
    const words = ['npx', 'spikeflow', 'train', '--mo'];
    const driver = 'source "$1"; shift; words=("$@"); CURRENT=$#; COMP_WORDS=("${words[@]}"); COMP_CWORD=$((CURRENT - 1)); compgen -F _spikeflow_npx -- "${words[CURRENT]}"';
    const out = execFileSync('zsh', ['-f', '-c', driver, 'zsh', file, ...words], { cwd: path.join(dir, 'cwd') }).toString();
    expect(
      out
        .split('\n')
        .filter((w) => w.startsWith('--mo'))
        .sort(),
    ).toEqual(['--model', '--model-opt', '--momentum']);
  });
});

describe.skipIf(!has('fish'))('spikeflow completion fish, run by fish', () => {
  async function fishComplete(line: string): Promise<string[]> {
    const file = path.join(dir, 'spikeflow.fish');
    writeFileSync(file, (await runCli('completion', 'fish')).stdout);
    const out = execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { cwd: path.join(dir, 'cwd') }).toString();
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0])
      .sort();
  }

  it('completes commands, options, ids and files', async () => {
    expect(await fishComplete('spikeflow tr')).toEqual(['train']);
    expect(await fishComplete('spikeflow train --mo')).toEqual(['--model', '--model-opt', '--momentum']);
    expect(await fishComplete('spikeflow train --model lif')).toEqual(['lif-mlp']);
    expect(await fishComplete('spikeflow datasets pr')).toEqual(['prepare']);
    expect(await fishComplete('spikeflow train --config ru')).toEqual(['run.yaml', 'runs/']);
  });
});

describe('spikeflow completion zsh|fish', () => {
  it('zsh loads the bash completion through bashcompinit', async () => {
    const r = await runCli('completion', 'zsh');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('#compdef spikeflow');
    expect(r.stdout).toMatch(/bashcompinit/);
    expect(r.stdout).toMatch(/complete -F _spikeflow spikeflow/);
    // The shared body is valid bash.
    execFileSync('bash', ['-n'], { input: r.stdout.replace(/^autoload.*$/gm, '') });
  });

  it('fish has a line per command, option and id set', async () => {
    const r = await runCli('completion', 'fish');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain("complete -c spikeflow -n '__fish_use_subcommand' -a 'train' -d 'train a spiking network (default: lif-mlp on Fashion-MNIST, T=8, 1 epoch)'");
    expect(lines.find((l) => l.includes("'__fish_seen_subcommand_from train'") && l.includes('-l model '))).toMatch(new RegExp(`-x -a '${architectures.join(' ')}'$`));
    expect(
      lines.find((l) => l.includes("'__fish_seen_subcommand_from datasets; and not __fish_seen_subcommand_from list info prepare inspect'") && l.includes("-a 'prepare'")),
    ).toBeDefined();
    expect(lines.find((l) => l.includes('-l config'))).toMatch(/-s c .* -r -F$/);
  });

  it('an unknown shell is a usage error naming the choices', async () => {
    const r = await runCli('completion', 'powershell');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are bash, zsh, fish/);
  });
});

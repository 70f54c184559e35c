import { Argument, Command } from 'commander';
import { loadSpikeflow } from '../run/plugins.js';
import { completionModel, type RegistryIds } from '../completion/completion-model.js';
import { bashCompletion } from '../completion/bash-completion.js';
import { zshCompletion } from '../completion/zsh-completion.js';
import { fishCompletion } from '../completion/fish-completion.js';

/** Registered ids in both forms users type: `lif` and `neurons/lif`. */
export async function registryIds(): Promise<RegistryIds> {
  const { sf } = await loadSpikeflow();
  const both = (r: { list(): ReadonlyArray<{ id: string; fullId: string }> }) => [...new Set(r.list().flatMap((d) => [d.id, d.fullId]))].sort();
  return {
    architectures: both(sf.architectures),
    neurons: both(sf.neurons),
    datasets: both(sf.datasets),
    encoders: both(sf.encoders),
    losses: both(sf.losses),
    surrogates: both(sf.surrogates),
    // Chip targets also answer to their aliases (loihi, spinnaker), which is how users mostly type them.
    hardwareTargets: [...new Set([...both(sf.hardwareTargets), ...sf.hardwareTargets.list().flatMap((d) => d.aliases ?? [])])].sort(),
  };
}

/** `spikeflow completion bash|zsh|fish`: print a completion script for the whole program. */
export function completionCommand(): Command {
  const cmd = new Command('completion')
    .description('print a shell completion script (commands, options, model/neuron/dataset ids)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
The ids come from the plugins installed now: regenerate the script after installing plugins.
The bash and zsh scripts also complete \`npx spikeflow ...\` (the CLI installed in a project): source
them from your shell's rc file, since bash-completion's lazy loading looks for a file named after the
command typed (npx), not spikeflow.

Examples:
  $ spikeflow completion bash > ~/.local/share/bash-completion/completions/spikeflow
  $ echo 'source <(spikeflow completion bash)' >> ~/.bashrc
  $ npx spikeflow completion bash > ~/.spikeflow.bash && echo 'source ~/.spikeflow.bash' >> ~/.bashrc
  $ echo 'source <(spikeflow completion zsh)' >> ~/.zshrc
  $ spikeflow completion fish > ~/.config/fish/completions/spikeflow.fish`,
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      let root: Command = cmd;
      while (root.parent) root = root.parent;
      const model = completionModel(root, await registryIds());
      const bin = root.name();
      process.stdout.write(shell === 'bash' ? bashCompletion(model, bin) : shell === 'zsh' ? zshCompletion(model, bin) : fishCompletion(model, bin));
    });
  return cmd;
}

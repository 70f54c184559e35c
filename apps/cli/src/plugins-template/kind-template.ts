import type { PluginContributions } from '@spikeflow/core';

/** What a kind template is given: the plugin's namespace and the name of its factory function. */
export interface KindTemplateInput {
  readonly namespace: string;
  readonly factory: string;
  readonly packageName: string;
}

/** The kind-specific part of a generated plugin package; the shared files come from the generator. */
export interface KindTemplateOutput {
  /** The example contribution's short id. */
  readonly id: string;
  /** Which contribution list of `definePlugin` it goes into. */
  readonly contribution: keyof PluginContributions;
  readonly descriptorImport: string;
  readonly descriptorName: string;
  /**
   * Further contributions besides the example (e.g. a task's own loss and metrics), by contribution list;
   * their descriptors must be imported by {@link KindTemplateOutput.descriptorImport}.
   */
  readonly moreContributions?: Readonly<Partial<Record<keyof PluginContributions, readonly string[]>>>;
  /** Lines re-exported from src/index.ts. */
  readonly indexExports: string;
  /** One command line showing the contribution in use, for the README. */
  readonly usage: string;
  /** A kind-specific README section (markdown, starting with a `##` heading). */
  readonly readmeSection?: string;
  /** Extra dependencies of the generated package (name to range). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Source files by path relative to the package root. */
  readonly files: Readonly<Record<string, string>>;
}

/** A plugin kind's template. */
export type KindTemplate = (input: KindTemplateInput) => KindTemplateOutput;

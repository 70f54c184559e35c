import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { ArchitectureDescriptor } from '../contracts/architecture.js';
import { DatasetDescriptor } from '../contracts/dataset.js';
import { EncoderDescriptor } from '../contracts/encoder.js';
import { HardwareTargetDescriptor } from '../contracts/hardware-target.js';
import { LossDescriptor } from '../contracts/loss.js';
import { NeuronDescriptor } from '../contracts/neuron.js';
import { SurrogateDescriptor } from '../contracts/surrogate.js';
import { TaskDescriptor } from '../contracts/task.js';
import { MetricDescriptor } from '../contracts/metric.js';
import type { Descriptor } from '../contracts/descriptor.js';

/** Who made a plugin; `namespace` prefixes every id it contributes (`neurons/lif`). */
export interface PluginMeta {
  readonly name: string;
  readonly version: string;
  readonly namespace: string;
}

/** A spikeflow plugin: metadata plus an inversify module binding its contributions. */
export interface Plugin {
  readonly meta: PluginMeta;
  readonly module: ContainerModule;
}

/** The contribution points, each multi-bound under its descriptor token. */
export interface PluginContributions {
  readonly neurons?: readonly NeuronDescriptor<any>[];
  readonly surrogates?: readonly SurrogateDescriptor<any>[];
  readonly architectures?: readonly ArchitectureDescriptor<any>[];
  readonly datasets?: readonly DatasetDescriptor<any>[];
  readonly encoders?: readonly EncoderDescriptor<any>[];
  readonly losses?: readonly LossDescriptor<any>[];
  readonly hardwareTargets?: readonly HardwareTargetDescriptor<any>[];
  readonly tasks?: readonly TaskDescriptor<any>[];
  readonly metrics?: readonly MetricDescriptor<any>[];
}

export const CONTRIBUTION_TOKENS = {
  neurons: NeuronDescriptor,
  surrogates: SurrogateDescriptor,
  architectures: ArchitectureDescriptor,
  datasets: DatasetDescriptor,
  encoders: EncoderDescriptor,
  losses: LossDescriptor,
  hardwareTargets: HardwareTargetDescriptor,
  tasks: TaskDescriptor,
  metrics: MetricDescriptor,
} as const satisfies Record<keyof PluginContributions, symbol>;

const ID = /^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*$/;

const metaSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+/, 'a semver version such as 1.0.0'),
  namespace: z.string().regex(ID, 'kebab-case, starting with a letter'),
});

/**
 * Make a plugin from its metadata and contributions. Each descriptor is bound with its
 * namespace and full id (`namespace/id`) filled in.
 *
 * @example
 * ```ts
 * export default function myNeurons() {
 *   return definePlugin({ name: 'my-neurons', version: '1.0.0', namespace: 'mine' }, { neurons: [myNeuron] });
 * }
 * ```
 */
export function definePlugin(meta: PluginMeta, contributions: PluginContributions): Plugin {
  const parsed = metaSchema.safeParse(meta);
  if (!parsed.success) {
    throw new SpikeflowError('invalid-plugin', `plugin meta ${JSON.stringify(meta)} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const entries: Array<[symbol, Descriptor & { namespace: string; fullId: string }]> = [];
  for (const [kind, list] of Object.entries(contributions) as Array<[keyof PluginContributions, readonly Descriptor[] | undefined]>) {
    const token = CONTRIBUTION_TOKENS[kind];
    if (!token)
      throw new SpikeflowError('invalid-plugin', `plugin '${meta.name}' contributes unknown kind '${kind}'; expected one of ${Object.keys(CONTRIBUTION_TOKENS).join(', ')}`);
    for (const d of list ?? []) {
      if (!d || typeof d.id !== 'string' || !ID.test(d.id)) {
        throw new SpikeflowError('invalid-plugin', `plugin '${meta.name}' has a ${kind} descriptor with invalid id ${JSON.stringify(d?.id)}; ids are kebab-case`);
      }
      if (!d.options || typeof (d.options as { safeParse?: unknown }).safeParse !== 'function') {
        throw new SpikeflowError('invalid-plugin', `${kind} '${meta.namespace}/${d.id}' of plugin '${meta.name}' has no zod options schema`);
      }
      entries.push([token, Object.freeze({ ...d, namespace: meta.namespace, fullId: `${meta.namespace}/${d.id}` })]);
    }
  }
  const module = new ContainerModule(({ bind }) => {
    for (const [token, descriptor] of entries) bind(token).toConstantValue(descriptor);
  });
  return Object.freeze({ meta: Object.freeze({ ...meta }), module });
}

/** Check that a value loaded from somewhere (e.g. a discovered package) is a plugin. */
export function assertPlugin(value: unknown, source: string): asserts value is Plugin {
  const v = value as Partial<Plugin> | undefined;
  if (!v || typeof v !== 'object' || !v.meta || !(v.module instanceof ContainerModule || typeof (v.module as unknown as { load?: unknown } | undefined)?.load === 'function')) {
    throw new SpikeflowError('invalid-plugin', `${source} did not provide a plugin ({ meta, module } made by definePlugin)`);
  }
  const parsed = metaSchema.safeParse(v.meta);
  if (!parsed.success) throw new SpikeflowError('invalid-plugin', `${source}: plugin meta is invalid: ${z.prettifyError(parsed.error)}`);
}

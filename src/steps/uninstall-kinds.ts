// The kinds of step an uninstall runs. Each probe asks whether its thing is
// already gone, so a resumed uninstall skips what an interrupted one removed.
import { now } from '../engine/events.js';
import { Interrupted, sleep, type StepContext, type StepKind } from '../engine/step-kind.js';
import type { UninstallAction } from '../plan/uninstall-plan.js';
import type { ActionOf, Manifest } from '../plan/steps.js';
import { kubectlArgs, shellLine } from '../tools/argv.js';

const ALREADY_REMOVED = 'already removed (verified on the cluster)';

export type UninstallKinds = { readonly [T in UninstallAction['type']]: StepKind<ActionOf<T>> };

const namespaceRef = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

async function exists(object: Manifest, ctx: StepContext): Promise<boolean> {
  return (await ctx.cluster.liveAnnotations([object], ctx.hooks)) !== undefined;
}

export interface RemovalSettings {
  /** How long a deleted namespace is watched before the step says it is still terminating. */
  readonly namespaceGoneMs: number;
}

export function uninstallKinds(s: RemovalSettings): UninstallKinds {
  return {
    'uninstall-release': {
      async probe(a, ctx) {
        const record = await ctx.cluster.helmRecord(a.release, a.namespace, ctx.hooks);
        // A release left `uninstalling` by an interrupted helm is not gone: helm uninstall finishes it.
        return record === undefined || record.status === 'uninstalled' ? ALREADY_REMOVED : undefined;
      },
      async run(a, ctx) {
        await ctx.cluster.helmUninstall(a.release, a.namespace, a.timeoutSeconds, ctx.hooks);
        return {};
      },
    },
    'delete-objects': {
      async probe(a, ctx) {
        const there = await Promise.all(a.objects.map((o) => exists(o, ctx)));
        return there.includes(true) ? undefined : ALREADY_REMOVED;
      },
      async run(a, ctx) {
        await ctx.cluster.deleteObjects(a.namespace, a.objects, ctx.hooks);
        return {};
      },
    },
    'delete-namespace': {
      async probe(a, ctx) {
        return (await exists(namespaceRef(a.namespace), ctx)) ? undefined : ALREADY_REMOVED;
      },
      async run(a, ctx): Promise<Record<string, string>> {
        await ctx.cluster.deleteNamespace(a.namespace, ctx.hooks);
        const deadline = Date.now() + s.namespaceGoneMs;
        while (await exists(namespaceRef(a.namespace), ctx)) {
          if (ctx.signal.aborted) throw new Interrupted();
          if (Date.now() >= deadline) {
            // Deletion goes on in the cluster; a finalizer (of something in it, or an unavailable API) holds it.
            const look = shellLine('kubectl', kubectlArgs(ctx.cluster.target, ['get', 'namespace', a.namespace, '-o', 'yaml']));
            ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `namespace ${a.namespace} is still terminating; it goes once what holds it lets go (${look} shows its conditions)` });
            return { terminating: 'yes' };
          }
          await sleep(ctx.settings.watchIntervalMs, ctx.signal);
        }
        return {};
      },
    },
  };
}

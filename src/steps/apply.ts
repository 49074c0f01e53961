// Objects the installer applies itself with `kubectl apply --server-side`:
// plain manifests from the plan, and secrets built only when the step runs
// (pull secrets, TLS secrets), so no secret ever sits in the plan. Each object
// carries a keyed digest of what was applied; an equal digest on the cluster
// means there is nothing to do.
import { canonicalJson } from '../plan/install-plan.js';
import { DIGEST_ANNOTATION, pullSecretManifest, tlsSecretManifest, withDigest } from '../plan/manifests.js';
import type { ActionOf, Manifest } from '../plan/steps.js';
import type { StepContext, StepKind } from '../engine/step-kind.js';

export const ALREADY_APPLIED = 'already applied, unchanged (verified on the cluster)';

/** The manifests with their digest annotation, as they are applied. */
export function digested(manifests: readonly Manifest[], ctx: StepContext): Manifest[] {
  return withDigest(manifests, ctx.digest(canonicalJson(manifests)));
}

/** Whether every object read (`live`, undefined when any is missing) carries this digest. */
function appliedReason(manifests: readonly Manifest[], live: readonly Record<string, string>[] | undefined, ctx: StepContext): string | undefined {
  const digest = digested(manifests, ctx)[0]?.metadata.annotations?.[DIGEST_ANNOTATION];
  return live !== undefined && live.every((ann) => ann[DIGEST_ANNOTATION] === digest) ? ALREADY_APPLIED : undefined;
}

/** Whether every object is on the cluster with this digest. */
export async function probeApplied(manifests: readonly Manifest[], ctx: StepContext): Promise<string | undefined> {
  return appliedReason(manifests, await ctx.cluster.liveAnnotations(manifests, ctx.hooks), ctx);
}

/**
 * Whether a step's probe found its namespace there, when its read could tell
 * (everything there, or the namespace alone missing): the run that follows
 * with the same context then reads nothing more. Without it, the run reads.
 */
const namespaceSeen = new WeakMap<StepContext, boolean>();

/**
 * Whether this step creates the namespace it applies (an install plan applies
 * at most one per step), journalled so `uninstall` deletes only namespaces the
 * installer created. Known before the apply; a namespace this step created on
 * an earlier run stays created when the step runs again over it. A promise
 * only when the cluster must be read: otherwise the step runs exactly as it
 * did before (test/ui's recorded runs replay the engine turn by turn).
 */
function namespaceCreation(manifests: readonly Manifest[], ctx: StepContext): Record<string, string> | Promise<Record<string, string>> {
  const ns = manifests.find((m) => m.kind === 'Namespace');
  if (!ns) return {};
  const namespace = ns.metadata.name;
  const earlier = ctx.outputsOf(ctx.step.id);
  if (earlier?.namespace === namespace && earlier.created === 'yes') return { namespace, created: 'yes' };
  const created = (there: boolean): Record<string, string> => ({ namespace, created: there ? 'no' : 'yes' });
  const seen = namespaceSeen.get(ctx);
  return seen !== undefined ? created(seen) : ctx.cluster.liveAnnotations([ns], ctx.hooks).then((live) => created(live !== undefined));
}

/** A kind whose step applies the manifests `build` makes from its action. */
function applying<T extends 'apply' | 'pull-secret' | 'tls-secret'>(type: T, build: (action: ActionOf<T>, ctx: StepContext) => Manifest[]): StepKind<ActionOf<T>> {
  return {
    async probe(action, ctx) {
      const manifests = build(action, ctx);
      const live = await ctx.cluster.liveAnnotations(manifests, ctx.hooks);
      if (live !== undefined || (manifests.length === 1 && manifests[0]?.kind === 'Namespace')) namespaceSeen.set(ctx, live !== undefined);
      return appliedReason(manifests, live, ctx);
    },
    async run(action, ctx) {
      const manifests = build(action, ctx);
      const creation = namespaceCreation(manifests, ctx);
      const created = creation instanceof Promise ? await creation : creation;
      await ctx.cluster.apply(digested(manifests, ctx), ctx.hooks);
      return created;
    },
  };
}

export const apply = applying('apply', (a) => [...a.manifests]);

export const pullSecret = applying('pull-secret', (a, ctx) => [
  pullSecretManifest(a.namespace, a.name, a.server, a.username, ctx.secret(a.passwordKey)),
]);

export const tlsSecret = applying('tls-secret', (a, ctx) =>
  a.secrets.map((s) => tlsSecretManifest(a.namespace, s.name, ctx.readFile(s.certFile), ctx.readFile(s.keyFile))),
);

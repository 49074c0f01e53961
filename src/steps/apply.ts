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

/** Whether every object is on the cluster with this digest. */
export async function probeApplied(manifests: readonly Manifest[], ctx: StepContext): Promise<string | undefined> {
  const digest = digested(manifests, ctx)[0]?.metadata.annotations?.[DIGEST_ANNOTATION];
  const live = await ctx.cluster.liveAnnotations(manifests, ctx.hooks);
  return live !== undefined && live.every((ann) => ann[DIGEST_ANNOTATION] === digest) ? ALREADY_APPLIED : undefined;
}

/** A kind whose step applies the manifests `build` makes from its action. */
function applying<T extends 'apply' | 'pull-secret' | 'tls-secret'>(type: T, build: (action: ActionOf<T>, ctx: StepContext) => Manifest[]): StepKind<ActionOf<T>> {
  return {
    probe: (action, ctx) => probeApplied(build(action, ctx), ctx),
    async run(action, ctx) {
      await ctx.cluster.apply(digested(build(action, ctx), ctx), ctx.hooks);
      return {};
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

// One look at a namespace while a step waits: readiness and new warning
// events become events, and diagnoses say whether waiting on is pointless.
import { deploymentReady, deploymentStatus, diagnose, isFatal, warningLines, type Diagnosis } from '../engine/diagnose.js';
import { now } from '../engine/events.js';
import type { StepContext } from '../engine/step-kind.js';
import type { CallHooks } from '../tools/cluster.js';
import type { NamespaceSnapshot } from '../tools/kube-objects.js';

export interface Watch {
  readonly namespace: string;
  readonly deployments: readonly string[];
  readonly migrationJobs: ReadonlySet<string>;
  /** Warning lines already reported. */
  readonly seenWarnings: Set<string>;
  /** Only failures since then count (not a pod still backing off from a fixed one). */
  readonly since?: Date;
}

/** Reads the namespace once, then judges it (see judge). */
export async function observe(ctx: StepContext, watch: Watch, hooks: CallHooks): Promise<{ fatal: Diagnosis[]; ready: boolean }> {
  return judge(ctx, watch, await ctx.cluster.snapshot(watch.namespace, hooks));
}

/** Emits readiness, new warnings and diagnoses for a namespace snapshot; returns the fatal ones. */
export function judge(ctx: StepContext, watch: Watch, snap: NamespaceSnapshot): { fatal: Diagnosis[]; ready: boolean } {
  const mine = snap.deployments.filter((d) => watch.deployments.includes(d.metadata?.name ?? ''));
  ctx.emit({ type: 'resource-status', at: now(), stepId: ctx.step.id, resources: mine.map((d) => ({ name: d.metadata?.name ?? '?', text: deploymentStatus(d).text, ready: deploymentReady(d) })) });
  for (const w of warningLines(snap)) {
    if (watch.seenWarnings.has(w.key)) continue;
    watch.seenWarnings.add(w.key);
    ctx.emit({ type: 'warning-event', at: now(), stepId: ctx.step.id, line: w.line });
  }
  const fatal = diagnose(snap, watch.migrationJobs, new Date(), watch.since).filter((d) => isFatal(d, ctx.settings.failFast));
  return { fatal, ready: mine.length === watch.deployments.length && mine.every(deploymentReady) };
}

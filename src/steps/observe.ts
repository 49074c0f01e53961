// One look at a namespace while a step waits: readiness and new warning
// events become events, and diagnoses say whether waiting on is pointless.
import { deploymentReady, deploymentStatus, diagnose, isFatal, warningLines, type Diagnosis } from '../engine/diagnose.js';
import { now } from '../engine/events.js';
import type { StepContext } from '../engine/step-kind.js';
import { ExternalError } from '../tools/external-error.js';
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

/**
 * Watches the namespace (no polling) until `signal` aborts, judging every
 * change; calls `onFatal` once a diagnosis says waiting on is pointless. The
 * last snapshot is judged again every `rejudgeMs` without a read, because some
 * diagnoses are about time (a pod unschedulable for longer than the grace).
 * A watch that cannot be kept is not the step's failure: the caller decides.
 * `onSnapshot` sees every snapshot the watch delivers (not the re-judged ones).
 */
export async function watchForFailure(
  ctx: StepContext, watch: Watch, signal: AbortSignal, onFatal: (fatal: Diagnosis[]) => void, onSnapshot?: (snap: NamespaceSnapshot) => void,
): Promise<void> {
  let last: NamespaceSnapshot | undefined;
  let reported = false;
  const look = (snap: NamespaceSnapshot): void => {
    last = snap;
    if (reported) return;
    const { fatal } = judge(ctx, watch, snap);
    if (fatal.length > 0) {
      reported = true;
      onFatal(fatal);
    }
  };
  const timer = setInterval(() => last && look(last), Math.max(ctx.settings.watchIntervalMs, 1000));
  try {
    const seen = (snap: NamespaceSnapshot): void => {
      onSnapshot?.(snap);
      look(snap);
    };
    await ctx.cluster.watchNamespace(watch.namespace, seen, { ...ctx.hooks, onCommand: undefined, onLine: undefined, signal });
  } catch (error) {
    if (!(error instanceof ExternalError)) throw error;
  } finally {
    clearInterval(timer);
  }
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

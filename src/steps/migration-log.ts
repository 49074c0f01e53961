// The database migration hook's log, live: while helm waits on the migration
// Job, each of its pods is followed from the moment the namespace watch shows
// a container started, and every line becomes the step's output
// ("migration: …"), instead of the operator seeing it only in a failure's
// diagnosis. Showing it is best effort: a log that cannot be read is said
// once and never fails the step.
import { now } from '../engine/events.js';
import type { StepContext } from '../engine/step-kind.js';
import type { NamespaceSnapshot, PodObject } from '../tools/kube-objects.js';

const PREFIX = 'migration';

export interface MigrationLog {
  /** Starts following each main container of the job's pods that has started (each instance once). */
  readonly look: (snapshot: NamespaceSnapshot) => void;
  /** Resolves when every follow has ended; they end with their container, or with `signal`. */
  readonly done: () => Promise<void>;
}

/** What kube-objects.ts leaves out of a pod and this needs: labels, and a running container's state. */
interface JobPod extends PodObject {
  metadata?: PodObject['metadata'] & { labels?: Record<string, string> };
}
interface StartedState {
  running?: unknown;
  terminated?: unknown;
}

/** Pods the Job made: its controller reference, or the labels the Job controller sets (either is enough). */
function ofJob(pod: JobPod, job: string): boolean {
  const labels = pod.metadata?.labels ?? {};
  return labels['batch.kubernetes.io/job-name'] === job || labels['job-name'] === job
    || (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Job' && o.name === job);
}

/**
 * Only pods created since `since` (to the second, the API's precision) are
 * followed: a failed job an earlier run left (kept for its diagnosis until
 * helm replaces it) would otherwise show its old log as this run's.
 */
export function followMigrationLog(ctx: StepContext, namespace: string, job: string, signal: AbortSignal, since?: Date): MigrationLog {
  const notBefore = since ? Math.floor(since.getTime() / 1000) * 1000 : Number.NEGATIVE_INFINITY;
  const followed = new Set<string>();
  const follows: Promise<void>[] = [];
  let told = false;

  const follow = (pod: string, container: string, prefix: string): void => {
    const onLine = (line: string): void => ctx.hooks.onLine?.('stdout', `${prefix}: ${line}`);
    // Async, so that even a synchronous throw becomes the one notice below.
    follows.push((async () => ctx.cluster.followPodLog(namespace, pod, container, onLine, { signal }))().catch((error: unknown) => {
      if (signal.aborted || told) return;
      told = true;
      const why = error instanceof Error ? error.message : String(error);
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `the migration log cannot be shown as it runs (${why}); helm goes on, and a failed migration still shows its last lines` });
    }));
  };

  const look = (snapshot: NamespaceSnapshot): void => {
    if (signal.aborted) return;
    for (const pod of snapshot.pods as readonly JobPod[]) {
      if (!ofJob(pod, job) || Date.parse(pod.metadata?.creationTimestamp ?? '') < notBefore) continue;
      const name = pod.metadata?.name ?? '';
      const statuses = pod.status?.containerStatuses ?? [];
      for (const status of statuses) {
        const state = status.state as StartedState | undefined;
        // A container not started yet has no log (the server answers 400): a later snapshot starts it.
        if (!status.name || !(state?.running || state?.terminated)) continue;
        // A restarted container is a new instance with a log of its own.
        const key = `${pod.metadata?.uid ?? name}/${status.name}/${status.restartCount ?? 0}`;
        if (followed.has(key)) continue;
        followed.add(key);
        follow(name, status.name, statuses.length > 1 ? `${PREFIX} (${status.name})` : PREFIX);
      }
    }
  };

  return { look, done: async () => void (await Promise.all(follows)) };
}

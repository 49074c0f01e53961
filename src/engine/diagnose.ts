// Turns what the cluster says about a namespace (pods, jobs, deployments,
// events) into readiness lines, warnings and diagnoses with a next step, so a
// failing install stops early with a reason instead of waiting out the timeout.
// Pure: the engine fetches the objects and the log tails.

import type { DeploymentObject, EventObject, NamespaceSnapshot, PodObject } from '../tools/kube-objects.js';

export interface ResourceStatus {
  readonly kind: 'Deployment' | 'Job';
  readonly name: string;
  readonly ready: number;
  readonly desired: number;
  readonly text: string;
}

export type DiagnosisKind = 'image-pull' | 'crash-loop' | 'unschedulable' | 'migration-failed' | 'job-failed';

export interface Diagnosis {
  readonly kind: DiagnosisKind;
  /** e.g. pod/zenml-5d8f-abc12 or job/zenml-db-migration */
  readonly resource: string;
  readonly summary: string;
  readonly details: readonly string[];
  readonly next: readonly string[];
  /** Seconds the condition has lasted, when known (to apply grace periods). */
  readonly ageSeconds?: number;
}

export function deploymentStatus(d: DeploymentObject): ResourceStatus {
  const desired = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  const name = d.metadata?.name ?? '?';
  return { kind: 'Deployment', name, ready, desired, text: `${name}  ${ready}/${desired} ready` };
}

export function deploymentReady(d: DeploymentObject): boolean {
  const desired = d.spec?.replicas ?? 1;
  const gen = d.metadata?.generation;
  const observed = d.status?.observedGeneration;
  return (gen === undefined || observed === undefined || observed >= gen) && (d.status?.readyReplicas ?? 0) >= desired && (d.status?.updatedReplicas ?? desired) >= desired;
}

function registryOf(image: string): string {
  const first = image.split('/')[0] ?? image;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

function secondsSince(iso: string | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.round((now.getTime() - t) / 1000));
}

function eventsFor(s: NamespaceSnapshot, name: string): EventObject[] {
  return s.events.filter((e) => e.involvedObject?.name === name);
}

/** Whether `iso` is at or after `since`, at the second precision the API gives; always true without `since`. */
function notBefore(iso: string | undefined, since: Date | undefined): boolean {
  if (!since) return true;
  const t = iso ? Date.parse(iso) : Number.NaN;
  return !Number.isNaN(t) && t >= Math.floor(since.getTime() / 1000) * 1000;
}

/**
 * Whether `iso` is in a later second than `since`. The API gives seconds, so a
 * crash stamped with `since`'s own second may have come just before it (a
 * re-run started right after the fix): only a later one proves it again.
 */
function laterSecond(iso: string | undefined, since: Date | undefined): boolean {
  if (!since) return true;
  const t = iso ? Date.parse(iso) : Number.NaN;
  return !Number.isNaN(t) && t > Math.floor(since.getTime() / 1000) * 1000;
}

function podDiagnoses(s: NamespaceSnapshot, pod: PodObject, now: Date, migrationJobs: ReadonlySet<string>, since: Date | undefined): Diagnosis[] {
  const name = pod.metadata?.name ?? '?';
  const out: Diagnosis[] = [];
  const owner = pod.metadata?.ownerReferences?.[0];
  const ownerJob = owner?.kind === 'Job' ? owner.name : undefined;
  // A pod from before `since` may still show a failure that has been fixed
  // since: the kubelet retries a pull or a crashed container only after its
  // back-off (up to 5 min). Only a failure it records again counts.
  const older = !notBefore(pod.metadata?.creationTimestamp, since);
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const reason = c.state?.waiting?.reason;
    const image = c.image ?? pod.spec?.containers?.find((x) => x.name === c.name)?.image ?? '?';
    const pulledAgain = (): boolean => eventsFor(s, name).some((e) => e.reason === 'Failed' && /Failed to pull image/.test(e.message ?? '') && notBefore(e.lastTimestamp ?? e.eventTime, since));
    if (older && (reason === 'ImagePullBackOff' || reason === 'ErrImagePull') && !pulledAgain()) continue;
    if (older && reason === 'CrashLoopBackOff' && !laterSecond(c.lastState?.terminated?.finishedAt, since)) continue;
    if (reason === 'ImagePullBackOff' || reason === 'ErrImagePull') {
      const pullSecrets = (pod.spec?.imagePullSecrets ?? []).map((p) => p.name ?? '').filter(Boolean);
      const missing = pullSecrets.filter((p) => !s.secretNames.includes(p));
      const event = eventsFor(s, name).find((e) => e.reason === 'Failed' && e.message?.includes('pull'));
      const registry = registryOf(image);
      out.push({
        kind: 'image-pull',
        resource: `pod/${name}`,
        summary: `cannot pull image ${image} (${reason})`,
        details: [
          `registry: ${registry}`,
          pullSecrets.length === 0
            ? 'the pod uses no image pull secret'
            : missing.length > 0
              ? `pull secret ${missing.join(', ')} is MISSING in namespace ${s.namespace}`
              : `pull secret ${pullSecrets.join(', ')} is present in namespace ${s.namespace}`,
          ...(event?.message ? [`kubelet: ${event.message}`] : []),
        ],
        next: [
          `check that ${image} exists in ${registry} (the tag is the chart version)`,
          missing.length > 0
            ? `create the pull secret: re-run the installer with images.auth set, or kubectl -n ${s.namespace} create secret docker-registry ${missing[0] ?? ''} ...`
            : 'check the cluster may pull from it: ZenML grants access to its ECR/GAR per IAM role or service account; for a private registry check the pull secret credentials',
        ],
      });
    } else if (reason === 'CrashLoopBackOff') {
      const logs = s.logs.get(name) ?? [];
      out.push({
        kind: 'crash-loop',
        resource: `pod/${name}`,
        summary: `container ${c.name ?? '?'} keeps crashing (CrashLoopBackOff, ${c.restartCount ?? 0} restarts)`,
        details: logs.length > 0 ? ['last log lines:', ...logs.map((l) => `  ${l}`)] : ['no log output'],
        next: [
          'read the log lines above: a server that exits at start usually cannot reach or log in to its database',
          'check the database host, port, name, user and password in the answers, and that the database accepts connections from the cluster',
          `full log: kubectl -n ${s.namespace} logs ${name} --previous`,
        ],
      });
    }
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (unscheduled) {
    const age = secondsSince(unscheduled.lastTransitionTime ?? pod.metadata?.creationTimestamp, now);
    out.push({
      kind: 'unschedulable',
      resource: `pod/${name}`,
      summary: `pod cannot be scheduled: ${unscheduled.message ?? 'no node fits'}`,
      details: eventsFor(s, name).filter((e) => e.reason === 'FailedScheduling').slice(-1).map((e) => `scheduler: ${e.message ?? ''}`),
      next: ['add nodes (or let the autoscaler), or lower the resource requests (resources in the answers)', `details: kubectl -n ${s.namespace} describe pod ${name}`],
      ...(age !== undefined ? { ageSeconds: age } : {}),
    });
  }
  if (ownerJob && pod.status?.phase === 'Failed' && !older) {
    const logs = s.logs.get(name) ?? [];
    const migration = migrationJobs.has(ownerJob);
    out.push({
      kind: migration ? 'migration-failed' : 'job-failed',
      resource: `job/${ownerJob}`,
      summary: migration ? `the database migration job ${ownerJob} failed` : `job ${ownerJob} failed`,
      details: logs.length > 0 ? ['last log lines:', ...logs.map((l) => `  ${l}`)] : ['no log output'],
      next: migration
        ? [
            'read the migration log above: most failures are database access (credentials, privileges, MySQL 8.0+) or a version the database cannot migrate from',
            'the chart backs up the database before migrating and restores it on failure (backupStrategy); fix the cause, then run the installer again to resume',
            `full log: kubectl -n ${s.namespace} logs job/${ownerJob}`,
          ]
        : [`full log: kubectl -n ${s.namespace} logs job/${ownerJob}`],
    });
  }
  return out;
}

/**
 * Diagnoses for a namespace; `migrationJobs` names the database migration hook
 * jobs. With `since`, failures of pods and jobs created before it count only
 * when seen again since (a re-run must not stop on a fault already fixed).
 */
export function diagnose(s: NamespaceSnapshot, migrationJobs: ReadonlySet<string>, now = new Date(), since?: Date): Diagnosis[] {
  const out: Diagnosis[] = [];
  const seen = new Set<string>();
  for (const pod of s.pods) {
    for (const d of podDiagnoses(s, pod, now, migrationJobs, since)) {
      const key = `${d.kind}:${d.resource}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(d);
      }
    }
  }
  for (const job of s.jobs) {
    const name = job.metadata?.name ?? '?';
    // A hook job from an earlier attempt is replaced by helm; its failure is not this run's.
    if (!notBefore(job.metadata?.creationTimestamp, since)) continue;
    const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    const kind: DiagnosisKind = migrationJobs.has(name) ? 'migration-failed' : 'job-failed';
    if (failed && !seen.has(`${kind}:job/${name}`)) {
      seen.add(`${kind}:job/${name}`);
      out.push({
        kind,
        resource: `job/${name}`,
        summary: `${kind === 'migration-failed' ? 'the database migration job' : 'job'} ${name} failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim(),
        details: [],
        next: [`full log: kubectl -n ${s.namespace} logs job/${name}`],
      });
    }
  }
  return out;
}

export interface FailFastPolicy {
  /** How long a pod may stay unschedulable before the install stops (an autoscaler may add a node). */
  readonly unschedulableSeconds: number;
}

/** Whether a diagnosis should stop the install now rather than wait for helm's timeout. */
export function isFatal(d: Diagnosis, policy: FailFastPolicy): boolean {
  if (d.kind === 'unschedulable') return (d.ageSeconds ?? 0) >= policy.unschedulableSeconds;
  return true;
}

/** Warning events, oldest first, as one line each. */
export function warningLines(s: NamespaceSnapshot): { key: string; line: string }[] {
  return s.events
    .filter((e) => e.type === 'Warning')
    .map((e) => ({
      key: `${e.metadata?.uid ?? e.metadata?.name ?? ''}:${e.count ?? 1}`,
      line: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}: ${e.reason ?? ''} ${e.message ?? ''}`.trim(),
      at: e.lastTimestamp ?? e.eventTime ?? '',
    }))
    .sort((x, y) => x.at.localeCompare(y.at))
    .map(({ key, line }) => ({ key, line }));
}

// The Deployment controller: one ReplicaSet per pod template (`<name>-<hash>`,
// `pod-template-hash` label, revision annotation), a rolling update that keeps
// the old ReplicaSets until the new one is fully available (Recreate: old first),
// and the status fields and conditions that Helm 3 (new RS lookup), Helm 4
// (kstatus: Available + Progressing/NewReplicaSetAvailable) and
// `kubectl rollout status` each judge.
import { createHash } from 'node:crypto';
import { DEPLOYMENT, REPLICASET } from '../registry.js';
import { clone, nowIso, type Condition, type Deployment, type ReplicaSet } from '../types.js';
import { controllerRef, ownedBy, safeEncode, setCondition, type ControllerContext } from './context.js';

const REVISION = 'deployment.kubernetes.io/revision';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function templateHash(template: unknown): string {
  return safeEncode(createHash('sha256').update(canonical(template)).digest(), 10);
}

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? '0');
}

function resolveMaxUnavailable(d: Deployment, desired: number): number {
  if (d.spec.strategy?.type === 'Recreate') return desired;
  const value = d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  if (typeof value === 'number') return value;
  return Math.floor((desired * Number(value.replace('%', ''))) / 100);
}

function scale(ctx: ControllerContext, d: Deployment, rs: ReplicaSet, replicas: number): void {
  const from = rs.spec.replicas ?? 0;
  if (from === replicas) return;
  rs.spec.replicas = replicas;
  rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1) };
  ctx.store.replace(REPLICASET, rs);
  ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} from ${from} to ${replicas}`, { component: 'deployment-controller' });
}

export function reconcileDeployment(ctx: ControllerContext, namespace: string, name: string): void {
  const d = ctx.store.get(DEPLOYMENT, namespace, name) as Deployment | undefined;
  if (!d || d.metadata.deletionTimestamp) return;
  const desired = d.spec.replicas ?? 1;
  const hash = templateHash(d.spec.template);
  const owned = (ctx.store.list(REPLICASET, namespace) as ReplicaSet[]).filter((rs) => ownedBy(rs, d));
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const oldRSs = owned.filter((rs) => rs !== newRS);
  const recreate = d.spec.strategy?.type === 'Recreate';
  const oldPodsLeft = oldRSs.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
  let created = false;

  if (!newRS) {
    const template = clone(d.spec.template);
    const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`, namespace, labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(desired),
          'deployment.kubernetes.io/max-replicas': String(desired + 1),
          [REVISION]: String(maxRevision + 1),
        },
        ownerReferences: [controllerRef(d, DEPLOYMENT)],
      },
      spec: { replicas: 0, selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } }, template },
    };
    newRS = ctx.store.create(REPLICASET, rs) as ReplicaSet;
    created = true;
  } else if (revisionOf(newRS) < maxRevision) {
    // A rollback to an older template: its ReplicaSet becomes the newest revision again.
    newRS.metadata.annotations = { ...(newRS.metadata.annotations ?? {}), [REVISION]: String(maxRevision + 1) };
    newRS = ctx.store.replace(REPLICASET, newRS) as ReplicaSet;
  }
  if (!recreate || oldPodsLeft === 0) scale(ctx, d, newRS, desired);
  const newAvailable = newRS.status?.availableReplicas ?? 0;
  for (const rs of oldRSs) {
    if (recreate || newAvailable >= desired) scale(ctx, d, rs, 0);
  }
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const idle = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) ctx.store.remove(REPLICASET, namespace, rs.metadata.name ?? '');

  const all = [newRS, ...oldRSs];
  const sum = (f: (rs: ReplicaSet) => number): number => all.reduce((n, rs) => n + f(rs), 0);
  const replicas = sum((rs) => rs.status?.replicas ?? 0);
  const updated = newRS.status?.replicas ?? 0;
  const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
  const available = sum((rs) => rs.status?.availableReplicas ?? 0);
  const unavailable = Math.max(0, sum((rs) => rs.spec.replicas ?? 0) - available);
  const complete = updated === desired && replicas === desired && available === desired && (newRS.status?.availableReplicas ?? 0) === desired;
  const rsName = newRS.metadata.name ?? '';
  const previous = d.status ?? {};
  const progressed = created || previous.updatedReplicas !== updated || previous.availableReplicas !== available
    || previous.readyReplicas !== ready || previous.replicas !== replicas || previous.observedGeneration !== d.metadata.generation;

  let conditions: Condition[] = d.status?.conditions ?? [];
  conditions = setCondition(conditions, available >= desired - resolveMaxUnavailable(d, desired)
    ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
    : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, true);
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  const lastProgress = progressed ? Date.now() : Date.parse(progressing?.lastUpdateTime ?? nowIso());
  if (complete) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, true);
  } else if (progressing?.reason === 'ProgressDeadlineExceeded' && !progressed) {
    // Stays failed until something moves.
  } else if (Date.now() - lastProgress >= deadlineMs) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, true);
  } else {
    conditions = setCondition(conditions, created
      ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }
      : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, true);
    const key = `deployment-deadline/${d.metadata.uid ?? ''}`;
    ctx.timers.cancel(key);
    ctx.timers.after(key, lastProgress + deadlineMs - Date.now() + 50, () => ctx.queue.add(`${DEPLOYMENT.plural}/${namespace}/${name}`, () => reconcileDeployment(ctx, namespace, name)));
  }
  if (progressed) {
    const now = nowIso();
    conditions = conditions.map((c) => (c.type === 'Progressing' ? { ...c, lastUpdateTime: now } : c));
  }

  ctx.store.replace(DEPLOYMENT, {
    ...d,
    metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), [REVISION]: newRS.metadata.annotations?.[REVISION] ?? '1' } },
    status: {
      observedGeneration: d.metadata.generation ?? 1, replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available,
      ...(unavailable > 0 ? { unavailableReplicas: unavailable } : {}), conditions,
    },
  });
}

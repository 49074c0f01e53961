// The ReplicaSet controller: keeps `spec.replicas` pods (named `<rs>-<5 chars>`,
// owned by the ReplicaSet) and reports how many are ready and available.
import { POD, REPLICASET } from '../registry.js';
import { clone, type Pod, type ReplicaSet } from '../types.js';
import { conditionIs, controllerRef, ownedBy, randomSuffix, type ControllerContext } from './context.js';

function isReady(pod: Pod): boolean {
  return conditionIs(pod.status?.conditions, 'Ready', 'True');
}

function isActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function reconcileReplicaSet(ctx: ControllerContext, namespace: string, name: string): void {
  const rs = ctx.store.get(REPLICASET, namespace, name) as ReplicaSet | undefined;
  if (!rs || rs.metadata.deletionTimestamp) return;
  const pods = (ctx.store.list(POD, namespace) as Pod[]).filter((p) => ownedBy(p, rs) && isActive(p));
  const desired = rs.spec.replicas ?? 1;
  if (pods.length < desired) {
    for (let i = pods.length; i < desired; i++) {
      const template = clone(rs.spec.template);
      const pod: Pod = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          ...(template.metadata ?? {}),
          name: `${name}-${randomSuffix()}`, namespace,
          labels: { ...(template.metadata?.labels ?? {}) },
          ownerReferences: [controllerRef(rs, REPLICASET)],
        },
        spec: template.spec,
      };
      ctx.store.create(POD, pod);
      ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`, { component: 'replicaset-controller' });
      pods.push(ctx.store.get(POD, namespace, pod.metadata.name ?? '') as Pod);
    }
  } else if (pods.length > desired) {
    // Remove the least useful pods first: not ready before ready, newest before oldest.
    const victims = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b))
      || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '')).slice(0, pods.length - desired);
    for (const pod of victims) {
      ctx.store.remove(POD, namespace, pod.metadata.name ?? '');
      ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`, { component: 'replicaset-controller' });
    }
    const gone = new Set(victims.map((v) => v.metadata.uid));
    pods.splice(0, pods.length, ...pods.filter((p) => !gone.has(p.metadata.uid)));
  }
  const ready = pods.filter(isReady).length;
  ctx.store.replace(REPLICASET, {
    ...rs,
    status: {
      replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    },
  });
}

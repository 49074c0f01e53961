// PersistentVolumeClaims bind when their storage class exists (dynamic
// provisioning, simulated); otherwise they stay Pending with the event a
// real provisioner or binder writes.
import { PVC, STORAGE_CLASS } from '../registry.js';
import type { KubeObject } from '../types.js';
import type { ControllerContext } from './context.js';

interface Claim extends KubeObject {
  spec: { storageClassName?: string; volumeName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
  status?: { phase?: string };
}

export function reconcileClaim(ctx: ControllerContext, namespace: string, name: string): void {
  const pvc = ctx.store.get(PVC, namespace, name) as Claim | undefined;
  if (!pvc || pvc.status?.phase === 'Bound') return;
  const className = pvc.spec.storageClassName;
  if (!className) {
    ctx.events.record(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', { component: 'persistentvolume-controller' });
    return;
  }
  if (!ctx.store.get(STORAGE_CLASS, undefined, className)) {
    ctx.events.record(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`, { component: 'persistentvolume-controller' });
    return;
  }
  const volumeName = `pvc-${pvc.metadata.uid ?? ''}`;
  ctx.events.record(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volumeName}`, { component: 'simulated-provisioner' });
  ctx.store.replace(PVC, {
    ...pvc,
    spec: { ...pvc.spec, volumeName },
    status: { phase: 'Bound', accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' } },
  });
}

// Namespace lifecycle and owner-reference garbage collection.
import { NAMESPACE } from '../registry.js';
import type { KubeObject } from '../types.js';
import type { ControllerContext } from './context.js';

/** A deleted namespace is Terminating until its contents are gone; then it goes too. */
export function finalizeNamespace(ctx: ControllerContext, name: string): void {
  const ns = ctx.store.get(NAMESPACE, undefined, name);
  if (!ns?.metadata.deletionTimestamp) return;
  for (const { type, object } of ctx.store.all()) {
    if (type.namespaced && object.metadata.namespace === name) ctx.store.remove(type, name, object.metadata.name ?? '');
  }
  ctx.store.remove(NAMESPACE, undefined, name);
}

/** Whether controllers may still write into this namespace. */
export function namespaceActive(ctx: ControllerContext, name: string | undefined): boolean {
  if (name === undefined) return true;
  const ns = ctx.store.get(NAMESPACE, undefined, name);
  return ns !== undefined && !ns.metadata.deletionTimestamp;
}

/** Background cascading deletion: dependents of a deleted owner are deleted too. */
export function collectGarbage(ctx: ControllerContext, owner: KubeObject): void {
  const uid = owner.metadata.uid;
  if (!uid) return;
  for (const { type, object } of ctx.store.all()) {
    if (!(object.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid)) continue;
    if (type.namespaced && owner.metadata.namespace !== undefined && object.metadata.namespace !== owner.metadata.namespace) continue;
    const others = (object.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== uid);
    if (others.length > 0) {
      ctx.store.replace(type, { ...object, metadata: { ...object.metadata, ownerReferences: others } });
    } else {
      ctx.store.remove(type, object.metadata.namespace, object.metadata.name ?? '');
    }
  }
}

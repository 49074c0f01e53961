// core/v1 Events, written the way the kubelet, scheduler and controllers write
// them: repeats of the same (object, reason, message) bump `count` and
// `lastTimestamp` on one Event instead of adding another.
import { EVENT, NAMESPACE } from '../registry.js';
import type { Store } from '../store.js';
import { nowIso, type CoreEvent, type KubeObject } from '../types.js';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private readonly names = new Map<string, string>();
  private sequence = 0;

  constructor(private readonly store: Store) {}

  record(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const ns = this.store.get(NAMESPACE, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const key = [involved.metadata.uid, reason, message, type, source.component, fieldPath].join('\u0000');
    const now = nowIso();
    const existingName = this.names.get(key);
    const existing = existingName ? this.store.get(EVENT, namespace, existingName) as CoreEvent | undefined : undefined;
    if (existing) {
      this.store.replace(EVENT, { ...existing, count: existing.count + 1, lastTimestamp: now });
      return;
    }
    const name = `${involved.metadata.name ?? 'unknown'}.${(Date.now() * 1000 + (this.sequence++ % 1000)).toString(16)}`;
    const event: CoreEvent = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: involved.kind, namespace, name: involved.metadata.name ?? '', uid: involved.metadata.uid ?? '',
        apiVersion: involved.apiVersion, resourceVersion: involved.metadata.resourceVersion ?? '',
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason, message, type, count: 1, firstTimestamp: now, lastTimestamp: now, source,
      reportingComponent: source.component, reportingInstance: source.host ?? '',
    };
    this.store.create(EVENT, event);
    this.names.set(key, name);
  }
}

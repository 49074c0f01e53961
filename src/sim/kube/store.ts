// The object store: every object of every served type, one global
// resourceVersion counter, and a bounded history of changes so that a watch
// can resume from a resourceVersion (the list+watch contract of client-go).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists } from './errors.js';
import { typeKey, type ResourceType } from './registry.js';
import { clone, nowIso, type KubeObject } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly rv: number;
  readonly type: ChangeType;
  readonly resource: ResourceType;
  readonly object: KubeObject;
  /** The object before a MODIFIED or DELETED change. */
  readonly previous?: KubeObject;
}

const HISTORY_LIMIT = 20_000;

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export class Store {
  private rv = 100;
  private readonly objects = new Map<string, { type: ResourceType; items: Map<string, KubeObject> }>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  get resourceVersion(): number {
    return this.rv;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKey(type);
    let entry = this.objects.get(key);
    if (!entry) {
      entry = { type, items: new Map() };
      this.objects.set(key, entry);
    }
    return entry.items;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.bucket(type).get(objectKey(type.namespaced ? namespace : undefined, name));
    return obj ? clone(obj) : undefined;
  }

  /** Objects of a type, in one namespace or all, ordered by namespace then name like etcd keys. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.bucket(type).values()) {
      if (namespace === undefined || !type.namespaced || obj.metadata.namespace === namespace) out.push(clone(obj));
    }
    return out.sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name ?? '').localeCompare(objectKey(b.metadata.namespace, b.metadata.name ?? '')));
  }

  /** Stores a new object: assigns uid, resourceVersion, creationTimestamp and generation. */
  create(type: ResourceType, input: KubeObject, uid: string = randomUUID()): KubeObject {
    const name = input.metadata.name ?? '';
    const key = objectKey(type.namespaced ? input.metadata.namespace : undefined, name);
    const bucket = this.bucket(type);
    if (bucket.has(key)) throw alreadyExists(type, name);
    const obj = clone(input);
    if (!type.namespaced) delete obj.metadata.namespace;
    obj.metadata.uid = uid;
    obj.metadata.creationTimestamp = nowIso();
    if (type.hasStatus) obj.metadata.generation = 1;
    obj.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, obj);
    this.record({ rv: this.rv, type: 'ADDED', resource: type, object: clone(obj) });
    return clone(obj);
  }

  /**
   * Replaces a stored object. A write that changes nothing is not a change:
   * no new resourceVersion, no watch event (so controllers settle).
   */
  replace(type: ResourceType, input: KubeObject): KubeObject {
    const key = objectKey(type.namespaced ? input.metadata.namespace : undefined, input.metadata.name ?? '');
    const bucket = this.bucket(type);
    const live = bucket.get(key);
    if (!live) throw new Error(`replace of a missing object ${typeKey(type)} ${key}`);
    const obj = clone(input);
    obj.metadata.uid = live.metadata.uid;
    obj.metadata.creationTimestamp = live.metadata.creationTimestamp;
    obj.metadata.generation = live.metadata.generation;
    obj.metadata.resourceVersion = live.metadata.resourceVersion;
    if (isDeepStrictEqual(obj, live)) return clone(live);
    if (type.hasStatus && !isDeepStrictEqual(specPart(obj), specPart(live))) {
      obj.metadata.generation = (live.metadata.generation ?? 0) + 1;
    }
    obj.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, obj);
    this.record({ rv: this.rv, type: 'MODIFIED', resource: type, object: clone(obj), previous: clone(live) });
    return clone(obj);
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const bucket = this.bucket(type);
    const live = bucket.get(key);
    if (!live) return undefined;
    bucket.delete(key);
    const gone = clone(live);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, type: 'DELETED', resource: type, object: clone(gone), previous: clone(live) });
    return gone;
  }

  /** Every stored object, of every type (for garbage collection and namespace cleanup). */
  *all(): Generator<{ type: ResourceType; object: KubeObject }> {
    for (const { type, items } of this.objects.values()) {
      for (const obj of [...items.values()]) yield { type, object: clone(obj) };
    }
  }

  /**
   * Changes after `rv`, or undefined when the history no longer reaches back that
   * far (the watch must then fail with 410 Gone and the client relists).
   */
  changesSince(rv: number): StoreEvent[] | undefined {
    const first = this.history[0];
    if (first && rv < first.rv - 1) return undefined;
    return this.history.filter((event) => event.rv > rv);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const listener of [...this.listeners]) listener(event);
  }
}

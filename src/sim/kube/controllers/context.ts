// What every simulated controller shares: the store, the faults, the delays,
// tracked timers (all cleared on close) and a work queue that coalesces
// repeated reconcile requests for the same object.
import { randomInt } from 'node:crypto';
import type { Faults } from '../faults.js';
import { apiVersionOf, type ResourceType } from '../registry.js';
import type { Store } from '../store.js';
import { nowIso, type Condition, type KubeObject, type OwnerReference } from '../types.js';
import type { EventRecorder } from './events.js';

/** Delays of the simulated cluster, in milliseconds. */
export interface SimTimings {
  /** Pod creation → scheduled. */
  scheduleMs: number;
  /** Scheduled → image pulled and container started. */
  startMs: number;
  /** Container started → Ready (plus any slowReadiness fault). */
  readyMs: number;
  /** How long a Job's (or an init container's) process runs before it exits. */
  jobRunMs: number;
  /** How long a crash-looping container runs before it exits. */
  crashRunMs: number;
  /** First back-off after a failed pull or a crash; doubles up to 8×. */
  backoffMs: number;
  /** PVC → Bound, Ingress → address. */
  settleMs: number;
  /** How long a deleted namespace stays Terminating before it and its contents are gone. */
  namespaceTerminationMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  scheduleMs: 10, startMs: 40, readyMs: 200, jobRunMs: 150, crashRunMs: 100, backoffMs: 300, settleMs: 50, namespaceTerminationMs: 300,
};

export class Timers {
  private readonly groups = new Map<string, Set<NodeJS.Timeout>>();
  private closed = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `fn` after `ms`, as part of `group` (cancel a pod's timers when it goes away). */
  after(group: string, ms: number, fn: () => void): void {
    if (this.closed) return;
    const set = this.groups.get(group) ?? new Set();
    this.groups.set(group, set);
    const timer = setTimeout(() => {
      set.delete(timer);
      if (set.size === 0) this.groups.delete(group);
      try {
        fn();
      } catch (error) {
        this.onError(error);
      }
    }, ms);
    timer.unref();
    set.add(timer);
  }

  cancel(group: string): void {
    for (const timer of this.groups.get(group) ?? []) clearTimeout(timer);
    this.groups.delete(group);
  }

  close(): void {
    this.closed = true;
    for (const group of [...this.groups.keys()]) this.cancel(group);
  }
}

/** Coalesces reconcile requests: many changes to one object → one run, after the current write. */
export class WorkQueue {
  private readonly pending = new Map<string, () => void>();
  private scheduled = false;
  private closed = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  add(key: string, work: () => void): void {
    if (this.closed) return;
    this.pending.set(key, work);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    // A bounded number of rounds: work may enqueue more work, which runs in the next turn.
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const work of batch) {
      if (this.closed) return;
      try {
        work();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
  }
}

export interface NodeInfo {
  name: string;
  ip: string;
}

export interface ControllerContext {
  readonly store: Store;
  readonly faults: Faults;
  readonly timers: Timers;
  readonly queue: WorkQueue;
  readonly events: EventRecorder;
  readonly timings: SimTimings;
  readonly nodes: readonly NodeInfo[];
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Random name suffix in the alphabet Kubernetes uses for generated names. */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/** Maps bytes onto the same alphabet (pod-template-hash style). */
export function safeEncode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[(bytes[i] ?? 0) % SUFFIX_ALPHABET.length];
  return out;
}

export function controllerRef(owner: KubeObject, type: ResourceType): OwnerReference {
  return {
    apiVersion: apiVersionOf(type), kind: type.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '',
    controller: true, blockOwnerDeletion: true,
  };
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

export function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid);
}

/** Sets a condition; the transition time moves only when the status does. */
export function setCondition(conditions: Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>, withUpdateTime = false): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const current = index >= 0 ? list[index] : undefined;
  const now = nowIso();
  const same = current !== undefined && current.status === next.status && current.reason === next.reason && current.message === next.message;
  const condition: Condition = {
    ...next,
    ...(withUpdateTime ? { lastUpdateTime: same ? current.lastUpdateTime ?? now : now } : {}),
    lastTransitionTime: current !== undefined && current.status === next.status ? current.lastTransitionTime ?? now : now,
  };
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  return list;
}

export function conditionIs(conditions: Condition[] | undefined, type: string, status: Condition['status']): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === status);
}

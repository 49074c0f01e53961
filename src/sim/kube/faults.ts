// Fault injection: what can go wrong on a real cluster, switched on at run
// time in-process (`sim.faults.add(...)`) or over HTTP (`POST /_sim/faults`).
//
// Fault JSON (every fault may carry `window: {afterMs?, forMs?}`, relative to when it was added):
//   {"type":"imagePull",      "match":PodMatch, "message"?}               pods: ErrImagePull ⇄ ImagePullBackOff
//   {"type":"crashLoop",      "match":PodMatch, "logLines"?, "exitCode"?} pods: CrashLoopBackOff, restarts grow
//   {"type":"unschedulable",  "match":PodMatch, "message"?}               pods: Pending, FailedScheduling
//   {"type":"jobFailure",     "match":PodMatch, "logLines"?, "exitCode"?} job pods fail → BackoffLimitExceeded
//   {"type":"slowReadiness",  "match":PodMatch, "extraMs"}                pods become Ready later
//   {"type":"apiError",       "status":500|429|…, "count", "retryAfterSeconds"?, "message"?, "match"?:RequestMatch}
//   {"type":"dropConnection", "count", "match"?:RequestMatch}             the connection is reset, no answer
//   {"type":"outage",         "durationMs"}                               the port refuses connections
//   {"type":"rbacDeny",       "verbs"?, "resources"?, "namespaces"?}      403 Forbidden; SSAR says allowed:false
//   {"type":"serverVersion",  "gitVersion", "major"?, "minor"?}           /version reports this
// PodMatch = {image?, imageExact?, kind?, name?, namespace?}: `image` is a substring of a container
// image (exact with imageExact); kind/name match the pod or any owner up its chain (ReplicaSet,
// Deployment, Job). RequestMatch = {method?, pathIncludes?, mutating?}. In rbacDeny, a resource is
// a plural (`deployments`, any group) or plural.group (`deployments.apps`); omitted lists mean "all".
import { z } from 'zod';

const podMatch = z.object({
  image: z.string().min(1).optional(),
  imageExact: z.boolean().optional(),
  kind: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
}).strict();

const requestMatch = z.object({
  method: z.string().min(1).optional(),
  pathIncludes: z.string().min(1).optional(),
  mutating: z.boolean().optional(),
}).strict();

const window = z.object({ afterMs: z.number().nonnegative().optional(), forMs: z.number().positive().optional() }).strict();
const base = { window: window.optional() };
const lines = z.array(z.string()).optional();
const count = z.number().int().positive();

export const faultSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('imagePull'), match: podMatch, message: z.string().optional(), ...base }).strict(),
  z.object({ type: z.literal('crashLoop'), match: podMatch, logLines: lines, exitCode: z.number().int().optional(), ...base }).strict(),
  z.object({ type: z.literal('unschedulable'), match: podMatch, message: z.string().optional(), ...base }).strict(),
  z.object({ type: z.literal('jobFailure'), match: podMatch, logLines: lines, exitCode: z.number().int().optional(), ...base }).strict(),
  z.object({ type: z.literal('slowReadiness'), match: podMatch, extraMs: z.number().nonnegative(), ...base }).strict(),
  z.object({
    type: z.literal('apiError'), status: z.number().int().min(400).max(599), count,
    retryAfterSeconds: z.number().int().nonnegative().optional(), message: z.string().optional(), match: requestMatch.optional(), ...base,
  }).strict(),
  z.object({ type: z.literal('dropConnection'), count, match: requestMatch.optional(), ...base }).strict(),
  z.object({ type: z.literal('outage'), durationMs: z.number().positive(), ...base }).strict(),
  z.object({
    type: z.literal('rbacDeny'), verbs: z.array(z.string()).optional(), resources: z.array(z.string()).optional(),
    namespaces: z.array(z.string()).optional(), ...base,
  }).strict(),
  z.object({
    type: z.literal('serverVersion'), gitVersion: z.string().regex(/^v\d+\.\d+/), major: z.string().optional(), minor: z.string().optional(), ...base,
  }).strict(),
]);

export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type Fault = FaultSpec & { readonly id: string; readonly addedAt: number };
export type PodFaultType = 'imagePull' | 'crashLoop' | 'unschedulable' | 'jobFailure' | 'slowReadiness';
export type PodFault<T extends PodFaultType> = Extract<Fault, { type: T }>;
export type RequestFault = Extract<Fault, { type: 'apiError' | 'dropConnection' }>;

/** What a pod fault is matched against: the pod, its owner chain, its container images. */
export interface PodIdentity {
  namespace: string;
  /** The pod first, then its owners: ReplicaSet, Deployment / Job. */
  chain: { kind: string; name: string }[];
}

export interface RequestInfo {
  method: string;
  path: string;
  mutating: boolean;
}

export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

export class Faults {
  private faults: (Fault & { remaining?: number })[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  /** Adds one fault or several; throws on an invalid spec (the message names the field). */
  add(spec: FaultSpec | readonly FaultSpec[]): Fault[] {
    const specs = z.array(faultSpecSchema).parse(Array.isArray(spec) ? spec : [spec]);
    const added = specs.map((s) => ({ ...s, id: `f${this.nextId++}`, addedAt: Date.now(), ...('count' in s ? { remaining: s.count } : {}) }));
    this.faults.push(...added);
    this.changed();
    return added.map(({ remaining: _r, ...fault }) => fault as Fault);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    this.changed();
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
    this.changed();
  }

  list(): Fault[] {
    return this.faults.map(({ remaining, ...fault }) => ({ ...fault, ...(remaining !== undefined ? { count: remaining } : {}) }));
  }

  /** Called whenever the set changes (the server re-evaluates outages). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private isActive(fault: Fault, now: number): boolean {
    const start = fault.addedAt + (fault.window?.afterMs ?? 0);
    const end = fault.window?.forMs === undefined ? Infinity : start + fault.window.forMs;
    return now >= start && now < end;
  }

  private active(now = Date.now()): Fault[] {
    return this.faults.filter((f) => this.isActive(f, now));
  }

  /** The first active pod fault of `type` matching the pod and, for image matches, this image. */
  podFault<T extends PodFaultType>(type: T, pod: PodIdentity, image?: string): PodFault<T> | undefined {
    return this.active().find((f): f is PodFault<T> => {
      if (f.type !== type) return false;
      const { match } = f as unknown as { match: z.infer<typeof podMatch> };
      if (match.namespace !== undefined && match.namespace !== pod.namespace) return false;
      if (match.kind !== undefined || match.name !== undefined) {
        const hit = pod.chain.some((o) => (match.kind === undefined || o.kind.toLowerCase() === match.kind.toLowerCase())
          && (match.name === undefined || o.name === match.name));
        if (!hit) return false;
      }
      if (match.image !== undefined) {
        if (image === undefined) return false;
        return match.imageExact ? image === match.image : image.includes(match.image);
      }
      return true;
    });
  }

  /** Consumes one use of the first active apiError/dropConnection fault matching this request. */
  takeRequestFault(request: RequestInfo): RequestFault | undefined {
    const now = Date.now();
    const fault = this.faults.find((f): f is RequestFault & { remaining?: number } => {
      if ((f.type !== 'apiError' && f.type !== 'dropConnection') || !this.isActive(f, now)) return false;
      const m = f.match;
      if (m?.method !== undefined && m.method.toUpperCase() !== request.method) return false;
      if (m?.pathIncludes !== undefined && !request.path.includes(m.pathIncludes)) return false;
      if (m?.mutating !== undefined && m.mutating !== request.mutating) return false;
      return true;
    });
    if (!fault) return undefined;
    fault.remaining = (fault.remaining ?? 1) - 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  denies(attrs: AccessAttributes): boolean {
    return this.active().some((f) => {
      if (f.type !== 'rbacDeny') return false;
      if (f.verbs && !f.verbs.includes(attrs.verb) && !f.verbs.includes('*')) return false;
      if (f.namespaces && (attrs.namespace === undefined || !f.namespaces.includes(attrs.namespace))) return false;
      if (f.resources) {
        const qualified = attrs.group === '' ? attrs.resource : `${attrs.resource}.${attrs.group}`;
        if (!f.resources.some((r) => r === '*' || r === attrs.resource || r === qualified)) return false;
      }
      return true;
    });
  }

  serverVersion(): Extract<Fault, { type: 'serverVersion' }> | undefined {
    return this.active().filter((f): f is Extract<Fault, { type: 'serverVersion' }> => f.type === 'serverVersion').at(-1);
  }

  /** Whether an outage is on now, and when the outage state next changes (ms from now). */
  outage(now = Date.now()): { active: boolean; nextChangeInMs?: number } {
    let nextChange = Infinity;
    let active = false;
    for (const f of this.faults) {
      if (f.type !== 'outage') continue;
      const start = f.addedAt + (f.window?.afterMs ?? 0);
      const end = start + Math.min(f.durationMs, f.window?.forMs ?? Infinity);
      if (now >= start && now < end) {
        active = true;
        nextChange = Math.min(nextChange, end);
      } else if (now < start) {
        nextChange = Math.min(nextChange, start);
      }
    }
    return { active, ...(Number.isFinite(nextChange) ? { nextChangeInMs: Math.max(0, nextChange - now) } : {}) };
  }
}

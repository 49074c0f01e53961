// The REST verbs on resources: get, list, watch, create, update, patch (four
// kinds), delete, deletecollection, the status subresource and pods/log (also
// followed, see log-follow.ts), with the error Statuses a real API server answers.
import { parse as parseYaml } from 'yaml';
import type { Admission } from './admission.js';
import { randomSuffix } from './controllers/context.js';
import type { Kubelet } from './controllers/kubelet.js';
import { alreadyExists, ApiError, badRequest, conflict, forbidden, invalid, methodNotAllowed, notFound, unsupportedMediaType } from './errors.js';
import type { Faults } from './faults.js';
import { mergePatch, jsonPatch, serverSideApply, strategicMerge } from './patch.js';
import { decodeProtobuf, PROTOBUF_CONTENT_TYPE } from './protobuf.js';
import { json, mediaType, type ApiRequest, type Reply } from './protocol.js';
import { apiVersionOf, NAMESPACE, POD, type ResourceType } from './registry.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table.js';
import { clone, isObject, nowIso, type KubeObject, type Pod } from './types.js';

export interface Target {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface ResourceDeps {
  store: Store;
  admission: Admission;
  faults: Faults;
  kubelet: Kubelet;
  /** The user name RBAC messages name. */
  user: string;
}

const DEFAULT_WATCH_TIMEOUT_S = 1800;

export function decodeBody(req: ApiRequest): unknown {
  if (req.body.length === 0) return undefined;
  const type = mediaType(req.contentType);
  if (type === PROTOBUF_CONTENT_TYPE) return decodeProtobuf(req.body);
  const text = req.body.toString('utf8');
  try {
    if (type.endsWith('json') || type === '') return JSON.parse(text) as unknown;
    if (type.endsWith('yaml')) return parseYaml(text) as unknown;
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
  throw unsupportedMediaType(req.contentType);
}

function requestVerb(method: string, target: Target, query: URLSearchParams): string {
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET': return target.name === undefined ? (watch ? 'watch' : 'list') : 'get';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return target.name === undefined ? 'deletecollection' : 'delete';
    default: throw methodNotAllowed();
  }
}

function success(type: ResourceType, obj: KubeObject): Record<string, unknown> {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: obj.metadata.name, group: type.group, kind: type.plural, uid: obj.metadata.uid },
  };
}

export class ResourceApi {
  /** The last config each field manager applied to each object (for SSA field removal). */
  private readonly applied = new Map<string, unknown>();

  constructor(private readonly deps: ResourceDeps) {}

  handle(target: Target, req: ApiRequest): Reply {
    const { type } = target;
    const verb = requestVerb(req.method, target, req.query);
    this.authorize(target, verb);
    if (type.createOnly) throw methodNotAllowed();
    const sub = target.subresource;
    if (sub !== undefined && sub !== 'status' && !(sub === 'log' && type === POD)) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (target.name === undefined) {
      if (req.method === 'GET') return this.listOrWatch(target, req);
      if (req.method === 'POST') return this.create(target, req);
      if (req.method === 'DELETE') return this.deleteCollection(target, req);
      throw methodNotAllowed();
    }
    if (sub === 'log') {
      if (req.method !== 'GET') throw methodNotAllowed();
      return this.logs(target, req);
    }
    switch (req.method) {
      case 'GET': return this.get(target, req);
      case 'PUT': return this.update(target, req);
      case 'PATCH': return this.patch(target, req);
      case 'DELETE': if (sub === undefined) return this.delete(target, req); break;
      default: break;
    }
    throw methodNotAllowed();
  }

  private authorize(target: Target, verb: string): void {
    const { type, namespace, name, subresource } = target;
    const resource = subresource ? `${type.plural}/${subresource}` : type.plural;
    if (!this.deps.faults.denies({ verb, group: type.group, resource, ...(namespace !== undefined ? { namespace } : {}) })) return;
    const where = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
    throw forbidden(type, verb === 'create' ? undefined : name,
      `User "${this.deps.user}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${where}`);
  }

  private live(target: Target): KubeObject {
    const obj = this.deps.store.get(target.type, target.namespace, target.name ?? '');
    if (!obj) throw notFound(target.type, target.name ?? '');
    return obj;
  }

  private reply(status: number, target: Target, req: ApiRequest, obj: KubeObject): Reply {
    if (wantsTable(req.accept)) {
      return json(status, toTable(target.type, [obj], obj.metadata.resourceVersion ?? '', req.query.get('includeObject')), TABLE_CONTENT_TYPE);
    }
    return json(status, obj);
  }

  private get(target: Target, req: ApiRequest): Reply {
    return this.reply(200, target, req, this.live(target));
  }

  private filter(req: ApiRequest): (obj: KubeObject) => boolean {
    const labels = parseLabelSelector(req.query.get('labelSelector'));
    const fields = parseFieldSelector(req.query.get('fieldSelector'));
    return (obj) => labels(obj.metadata.labels ?? {}) && fields(obj);
  }

  private listOrWatch(target: Target, req: ApiRequest): Reply {
    const { type, namespace } = target;
    const q = req.query;
    const matches = this.filter(req);
    if (q.get('watch') === 'true' || q.get('watch') === '1') {
      const sendInitialEvents = q.get('sendInitialEvents') === 'true';
      if (sendInitialEvents && q.get('resourceVersionMatch') !== 'NotOlderThan') {
        throw new ApiError(422, 'Invalid', 'Invalid value: "": sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
      }
      const timeout = Number(q.get('timeoutSeconds') ?? DEFAULT_WATCH_TIMEOUT_S);
      return {
        kind: 'watch',
        spec: {
          type, ...(namespace !== undefined ? { namespace } : {}), matches,
          ...(q.get('resourceVersion') !== null ? { resourceVersion: q.get('resourceVersion') ?? '' } : {}),
          sendInitialEvents, allowBookmarks: q.get('allowWatchBookmarks') === 'true',
          timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_WATCH_TIMEOUT_S,
        },
      };
    }
    const all = this.deps.store.list(type, namespace).filter(matches);
    const rv = String(this.deps.store.resourceVersion);
    let start = 0;
    const token = q.get('continue');
    if (token) {
      try {
        start = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start: number }).start;
      } catch {
        throw badRequest('continue key is not valid');
      }
    }
    const limit = Number(q.get('limit') ?? '0');
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const items = all.slice(start, end);
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (end < all.length) {
      metadata.continue = Buffer.from(JSON.stringify({ rv, start: end })).toString('base64');
      metadata.remainingItemCount = all.length - end;
    }
    if (wantsTable(req.accept)) {
      const table = toTable(type, items, rv, q.get('includeObject'));
      return json(200, { ...table, metadata }, TABLE_CONTENT_TYPE);
    }
    return json(200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata, items });
  }

  /** Checks kind/apiVersion, fills namespace and name; throws the errors a real server gives. */
  private prepare(target: Target, body: unknown): KubeObject {
    const { type } = target;
    if (!isObject(body)) throw badRequest('the request body must be an object');
    const obj = clone(body) as KubeObject;
    obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
    const apiVersion = apiVersionOf(type);
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== type.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${type.kind})`);
    obj.apiVersion = apiVersion;
    obj.kind = type.kind;
    if (type.namespaced) {
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== target.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = target.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    if (target.name !== undefined && obj.metadata.name !== undefined && obj.metadata.name !== target.name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${target.name})`);
    }
    if (target.name !== undefined) obj.metadata.name = target.name;
    for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation', 'selfLink', 'managedFields'] as const) delete obj.metadata[field];
    return obj;
  }

  private checkNamespace(target: Target, name: string): void {
    if (!target.type.namespaced || target.namespace === undefined) return;
    const ns = this.deps.store.get(NAMESPACE, undefined, target.namespace);
    if (!ns) throw notFound(NAMESPACE, target.namespace);
    if (ns.metadata.deletionTimestamp) {
      const message = `unable to create new content in namespace ${target.namespace} because it is being terminated`;
      const error = forbidden(target.type, name, message);
      throw new ApiError(403, 'Forbidden', error.message, { ...error.details, causes: [{ reason: 'NamespaceTerminating', message, field: 'metadata.namespace' }] });
    }
  }

  private createObject(target: Target, input: KubeObject, dryRun: boolean): KubeObject {
    const { type } = target;
    const obj = input;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    const name = obj.metadata.name;
    if (!name) throw invalid(type, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    this.deps.admission.validateName(type, name);
    this.checkNamespace(target, name);
    if (this.deps.store.get(type, target.namespace, name)) throw alreadyExists(type, name);
    if (type.hasStatus) delete obj.status;
    delete obj.metadata.resourceVersion;
    const { object, uid } = this.deps.admission.admit(type, obj);
    if (dryRun) return { ...object, metadata: { ...object.metadata, uid: uid ?? '', creationTimestamp: nowIso() } };
    return this.deps.store.create(type, object, uid);
  }

  private create(target: Target, req: ApiRequest): Reply {
    const obj = this.prepare(target, decodeBody(req));
    const created = this.createObject({ ...target, name: obj.metadata.name }, obj, req.query.get('dryRun') === 'All');
    return this.reply(201, target, req, created);
  }

  /** Stores `next` over `live`: the status subresource writes status only; the main resource never does. */
  private save(target: Target, live: KubeObject, next: KubeObject, dryRun: boolean): KubeObject {
    const { type } = target;
    let obj: KubeObject;
    if (target.subresource === 'status') {
      obj = { ...live, status: next.status };
    } else {
      obj = { ...next, metadata: { ...next.metadata, uid: live.metadata.uid, creationTimestamp: live.metadata.creationTimestamp } };
      if (live.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = live.metadata.deletionTimestamp;
      if (type.hasStatus) {
        if (live.status === undefined) delete obj.status;
        else obj.status = live.status;
      }
      obj = this.deps.admission.admit(type, obj, live).object;
    }
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== live.metadata.resourceVersion) throw conflict(type, live.metadata.name ?? '');
    if (dryRun) return obj;
    const saved = this.deps.store.replace(type, obj);
    if (saved.metadata.deletionTimestamp && (saved.metadata.finalizers ?? []).length === 0 && type !== NAMESPACE) {
      this.deps.store.remove(type, saved.metadata.namespace, saved.metadata.name ?? '');
    }
    return saved;
  }

  private update(target: Target, req: ApiRequest): Reply {
    const live = this.live(target);
    const next = this.prepare(target, decodeBody(req));
    return this.reply(200, target, req, this.save(target, live, next, req.query.get('dryRun') === 'All'));
  }

  private patch(target: Target, req: ApiRequest): Reply {
    const { type } = target;
    const kind = mediaType(req.contentType);
    const dryRun = req.query.get('dryRun') === 'All';
    const body = decodeBody(req);
    const live = this.deps.store.get(type, target.namespace, target.name ?? '');
    if (kind === 'application/apply-patch+yaml') {
      const manager = req.query.get('fieldManager');
      if (!manager) throw invalid(type, target.name ?? '', [{ field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
      const applied = this.prepare(target, body);
      if (!live) {
        if (target.subresource !== undefined) throw notFound(type, target.name ?? '');
        const created = this.createObject(target, clone(applied), dryRun);
        if (!dryRun) this.applied.set(`${created.metadata.uid ?? ''}/${manager}`, applied);
        return this.reply(201, target, req, created);
      }
      const key = `${live.metadata.uid ?? ''}/${manager}`;
      const merged = serverSideApply(live, applied, this.applied.get(key)) as KubeObject;
      const saved = this.save(target, live, { ...merged, metadata: { ...merged.metadata, resourceVersion: applied.metadata.resourceVersion ?? '' } }, dryRun);
      if (!dryRun) this.applied.set(key, applied);
      return this.reply(200, target, req, saved);
    }
    if (!live) throw notFound(type, target.name ?? '');
    let patched: unknown;
    if (kind === 'application/merge-patch+json') patched = mergePatch(live, body);
    else if (kind === 'application/strategic-merge-patch+json') patched = strategicMerge(live, body);
    else if (kind === 'application/json-patch+json') patched = jsonPatch(live, body);
    else throw unsupportedMediaType(req.contentType);
    const next = this.prepare(target, patched);
    if (next.metadata.resourceVersion === live.metadata.resourceVersion) delete next.metadata.resourceVersion;
    return this.reply(200, target, req, this.save(target, live, next, dryRun));
  }

  private deleteOptions(req: ApiRequest): { propagationPolicy?: string; dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } } {
    const body = decodeBody(req);
    const opts = isObject(body) ? body : {};
    const policy = typeof opts.propagationPolicy === 'string' ? opts.propagationPolicy : req.query.get('propagationPolicy') ?? undefined;
    const orphan = opts.orphanDependents === true || req.query.get('orphanDependents') === 'true';
    const dryRun = (Array.isArray(opts.dryRun) && opts.dryRun.includes('All')) || req.query.get('dryRun') === 'All';
    return {
      ...(orphan ? { propagationPolicy: 'Orphan' } : policy ? { propagationPolicy: policy } : {}),
      dryRun,
      ...(isObject(opts.preconditions) ? { preconditions: opts.preconditions } : {}),
    };
  }

  private deleteObject(target: Target, live: KubeObject, options: ReturnType<ResourceApi['deleteOptions']>): Record<string, unknown> {
    const { type } = target;
    const name = live.metadata.name ?? '';
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== live.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.plural} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid ?? ''}`, { name, group: type.group, kind: type.plural });
    }
    if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) throw conflict(type, name);
    if (options.dryRun) return success(type, live);
    const store = this.deps.store;
    if (options.propagationPolicy === 'Orphan') {
      for (const { type: depType, object } of store.all()) {
        const refs = object.metadata.ownerReferences ?? [];
        if (refs.some((r) => r.uid === live.metadata.uid)) {
          store.replace(depType, { ...object, metadata: { ...object.metadata, ownerReferences: refs.filter((r) => r.uid !== live.metadata.uid) } });
        }
      }
    }
    if (type === NAMESPACE || (live.metadata.finalizers ?? []).length > 0) {
      if (live.metadata.deletionTimestamp) return live;
      const marked: KubeObject = { ...live, metadata: { ...live.metadata, deletionTimestamp: nowIso() } };
      if (type === NAMESPACE) marked.status = { phase: 'Terminating' };
      return store.replace(type, marked);
    }
    store.remove(type, live.metadata.namespace, name);
    return success(type, live);
  }

  private delete(target: Target, req: ApiRequest): Reply {
    return json(200, this.deleteObject(target, this.live(target), this.deleteOptions(req)));
  }

  private deleteCollection(target: Target, req: ApiRequest): Reply {
    const options = this.deleteOptions(req);
    const matches = this.filter(req);
    const items = this.deps.store.list(target.type, target.namespace).filter(matches);
    for (const obj of items) this.deleteObject({ ...target, name: obj.metadata.name }, obj, options);
    return json(200, { kind: `${target.type.kind}List`, apiVersion: apiVersionOf(target.type), metadata: { resourceVersion: String(this.deps.store.resourceVersion) }, items });
  }

  private logs(target: Target, req: ApiRequest): Reply {
    const pod = this.live(target) as Pod;
    const container = req.query.get('container') ?? undefined;
    const previous = req.query.get('previous') === 'true';
    let text = this.deps.kubelet.logs(pod, container, previous);
    const tail = req.query.get('tailLines');
    if (tail !== null && Number(tail) >= 0) {
      const lines = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
      text = lines.slice(Math.max(0, lines.length - Number(tail))).map((l) => `${l}\n`).join('');
    }
    const follow = req.query.get('follow');
    if ((follow === 'true' || follow === '1') && !previous) {
      const subscribe = this.deps.kubelet.follow(pod, container);
      return { kind: 'log-follow', feed: { text, ...(subscribe ? { subscribe } : {}) } };
    }
    return { kind: 'text', status: 200, body: text };
  }
}

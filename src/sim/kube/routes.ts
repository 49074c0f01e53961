// URL → handler: version, health, discovery, OpenAPI, SelfSubjectAccessReview,
// the service proxy and the resource paths `/api/v1/...` and `/apis/{group}/{version}/...`.
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, legacyCoreVersions, legacyGroup, legacyGroupList, resourceList, wantsAggregated } from './discovery.js';
import { ApiError, methodNotAllowed, notFound, pathNotFound } from './errors.js';
import type { Faults } from './faults.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { json, type ApiRequest, type Reply } from './protocol.js';
import { ENDPOINTS, findByPath, SERVICE } from './registry.js';
import { decodeBody, type ResourceApi } from './resources.js';
import type { Store } from './store.js';
import { isObject } from './types.js';

/** A request through the API server's service proxy: /api/v1/namespaces/<ns>/services/[scheme:]name[:port]/proxy/<path>. */
export interface ServiceProxyRequest {
  readonly method: string;
  readonly namespace: string;
  readonly service: string;
  readonly scheme: string;
  /** A port name or number, as in the URL; empty for the service's only port. */
  readonly port: string;
  /** The proxied path, from its leading slash. */
  readonly path: string;
}

/**
 * What the server in the service's pods answers (the simulation runs none, so
 * a test or the simulation says it); undefined: no server listens.
 */
export type ServiceProxyHandler = (request: ServiceProxyRequest) => { readonly status: number; readonly body: unknown } | undefined;

export interface VersionInfo {
  gitVersion: string;
  major?: string;
  minor?: string;
}

export interface RouterDeps {
  resources: ResourceApi;
  store: Store;
  faults: Faults;
  version: VersionInfo;
  serverAddress: string;
  serviceProxy: ServiceProxyHandler | undefined;
}

function versionBody(info: VersionInfo): Record<string, unknown> {
  const [, major = '1', minor = '0'] = /^v(\d+)\.(\d+)/.exec(info.gitVersion) ?? [];
  return {
    major: info.major ?? major, minor: info.minor ?? minor, gitVersion: info.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.24.0', compiler: 'gc', platform: 'linux/amd64',
  };
}

function selfSubjectAccessReview(req: ApiRequest, faults: Faults): Reply {
  const body = decodeBody(req);
  const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
  const attrs = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  let allowed = true;
  if (attrs) {
    const resource = str(attrs.subresource) ? `${str(attrs.resource)}/${str(attrs.subresource)}` : str(attrs.resource);
    allowed = !faults.denies({ verb: str(attrs.verb), group: str(attrs.group), resource, ...(str(attrs.namespace) ? { namespace: str(attrs.namespace) } : {}) });
  }
  return json(201, {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec,
    status: allowed ? { allowed: true, reason: 'allowed by the simulated cluster' } : { allowed: false },
  });
}

/**
 * As the real API server answers: 404 for a missing service, 503 "no
 * endpoints available" while no pod behind it is ready, then the pod's own
 * answer, or 503 "connection refused" when nothing listens in it.
 */
function serviceProxy(request: ServiceProxyRequest, deps: RouterDeps): Reply {
  if (!deps.store.get(SERVICE, request.namespace, request.service)) throw notFound(SERVICE, request.service);
  const endpoints = deps.store.get(ENDPOINTS, request.namespace, request.service) as { subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[] } | undefined;
  const subset = endpoints?.subsets?.find((s) => (s.addresses ?? []).length > 0);
  if (!subset) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${request.service}"`);
  const answer = deps.serviceProxy?.(request);
  if (answer) return json(answer.status, answer.body);
  const target = `${subset.addresses?.[0]?.ip ?? ''}:${subset.ports?.[0]?.port ?? 80}`;
  throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${target}: connect: connection refused`);
}

/** `[scheme:]name[:port]`, the service proxy's way of naming its target. */
function proxyTarget(id: string): Pick<ServiceProxyRequest, 'scheme' | 'service' | 'port'> {
  const parts = id.split(':');
  if (parts.length === 3) return { scheme: parts[0] ?? '', service: parts[1] ?? '', port: parts[2] ?? '' };
  if (parts.length === 2) return { scheme: '', service: parts[0] ?? '', port: parts[1] ?? '' };
  return { scheme: '', service: id, port: '' };
}

export function route(req: ApiRequest, deps: RouterDeps): Reply {
  const path = req.path.replace(/\/+$/, '') || '/';
  const get = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/version' && get) {
    const override = deps.faults.serverVersion();
    return json(200, versionBody(override ?? deps.version));
  }
  if ((path === '/healthz' || path === '/livez' || path === '/readyz') && get) return { kind: 'text', status: 200, body: 'ok' };
  if ((path === '/api' || path === '/apis') && get) {
    if (wantsAggregated(req.accept)) return json(200, aggregatedDiscovery(path === '/api'), AGGREGATED_CONTENT_TYPE);
    return json(200, path === '/api' ? legacyCoreVersions(deps.serverAddress) : legacyGroupList());
  }
  if (path === '/openapi/v3' && get) return json(200, openapiIndex());
  if (path.startsWith('/openapi/v3/') && get) {
    const doc = openapiDocument(path.slice('/openapi/v3/'.length));
    if (doc) return json(200, doc);
    throw pathNotFound();
  }

  const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    [group, version, rest] = ['', 'v1', segments.slice(2)];
  } else if (segments[0] === 'apis' && segments.length >= 2) {
    if (segments.length === 2) {
      const doc = get ? legacyGroup(segments[1] ?? '') : undefined;
      if (doc) return json(200, doc);
      throw pathNotFound();
    }
    [group, version, rest] = [segments[1] ?? '', segments[2] ?? '', segments.slice(3)];
  } else {
    throw pathNotFound();
  }
  if (rest.length === 0) {
    const doc = get ? resourceList(group, version) : undefined;
    if (doc) return json(200, doc);
    throw pathNotFound();
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = findByPath(group, version, rest[2] ?? '');
    if (inner?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  if (group === '' && namespace !== undefined && rest[0] === 'services' && rest[1] !== undefined && rest[2] === 'proxy') {
    const path = `/${rest.slice(3).join('/')}`;
    return serviceProxy({ method: req.method, namespace, ...proxyTarget(rest[1]), path }, deps);
  }
  const type = findByPath(group, version, rest[0] ?? '');
  if (!type || rest.length > 3) throw pathNotFound();
  const name = rest[1];
  if (type.namespaced && namespace === undefined && name !== undefined) throw pathNotFound();
  if (type.createOnly) {
    if (req.method !== 'POST' || name !== undefined) throw methodNotAllowed();
    return selfSubjectAccessReview(req, deps.faults);
  }
  return deps.resources.handle({ type, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(rest[2] !== undefined ? { subresource: rest[2] } : {}) }, req);
}

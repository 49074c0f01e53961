// URL → handler: version, health, discovery, OpenAPI, SelfSubjectAccessReview
// and the resource paths `/api/v1/...` and `/apis/{group}/{version}/...`.
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, legacyCoreVersions, legacyGroup, legacyGroupList, resourceList, wantsAggregated } from './discovery.js';
import { methodNotAllowed, pathNotFound } from './errors.js';
import type { Faults } from './faults.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { json, type ApiRequest, type Reply } from './protocol.js';
import { findByPath } from './registry.js';
import { decodeBody, type ResourceApi } from './resources.js';
import { isObject } from './types.js';

export interface VersionInfo {
  gitVersion: string;
  major?: string;
  minor?: string;
}

export interface RouterDeps {
  resources: ResourceApi;
  faults: Faults;
  version: VersionInfo;
  serverAddress: string;
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

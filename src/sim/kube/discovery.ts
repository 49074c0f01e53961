// Discovery documents, aggregated (one request per /api and /apis) and legacy
// (one per group version). Clients take the reply as aggregated only when its
// Content-Type is exactly AGGREGATED_CONTENT_TYPE.
import { apiVersionOf, groupVersions, verbsOf, type ResourceType } from './registry.js';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return /as=APIGroupDiscoveryList/.test(accept ?? '') && /v=v2(?![a-z0-9])/.test(accept ?? '');
}

/** Subresources the simulation serves, with the verbs it serves them for. */
export function subresourcesOf(type: ResourceType): { name: string; verbs: string[] }[] {
  const out: { name: string; verbs: string[] }[] = [];
  if (type.hasStatus) out.push({ name: 'status', verbs: ['get', 'patch', 'update'] });
  for (const sub of type.subresources ?? []) out.push({ name: sub, verbs: ['get'] });
  return out;
}

function aggregatedResource(type: ResourceType): Record<string, unknown> {
  const responseKind = { group: type.group, version: type.version, kind: type.kind };
  const subresources = subresourcesOf(type).map((sub) => ({
    subresource: sub.name, responseKind: sub.name === 'log' ? { group: '', version: '', kind: '' } : responseKind, verbs: sub.verbs,
  }));
  return {
    resource: type.plural, responseKind, scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular, verbs: verbsOf(type),
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
    ...(subresources.length > 0 ? { subresources } : {}),
  };
}

/** `GET /api` (core = true) or `GET /apis` in aggregated form. */
export function aggregatedDiscovery(core: boolean): Record<string, unknown> {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const gv of groupVersions()) {
    if ((gv.group === '') !== core) continue;
    const versions = groups.get(gv.group) ?? [];
    versions.push({ version: gv.version, resources: gv.types.map(aggregatedResource), freshness: 'Current' });
    groups.set(gv.group, versions);
  }
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {},
    items: [...groups].map(([name, versions]) => ({ metadata: { name }, versions })),
  };
}

export function legacyCoreVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string): Record<string, unknown> | undefined {
  const versions = groupVersions().filter((gv) => gv.group === group && group !== '')
    .map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
  const preferred = versions[0];
  return preferred ? { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: preferred } : undefined;
}

export function legacyGroupList(): Record<string, unknown> {
  const names = [...new Set(groupVersions().map((gv) => gv.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map((name) => apiGroup(name)) };
}

export function legacyGroup(group: string): Record<string, unknown> | undefined {
  return apiGroup(group);
}

/** `GET /api/v1` or `GET /apis/{group}/{version}`. */
export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const type of gv.types) {
    resources.push({
      name: type.plural, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs: verbsOf(type),
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
      ...(type.categories ? { categories: type.categories } : {}),
    });
    for (const sub of subresourcesOf(type)) {
      resources.push({ name: `${type.plural}/${sub.name}`, singularName: '', namespaced: type.namespaced, kind: sub.name === 'log' ? 'Pod' : type.kind, verbs: sub.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(gv.types[0] as ResourceType), resources };
}

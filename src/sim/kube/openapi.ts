// An OpenAPI v3 stub. kubectl apply and helm install/upgrade need it only to
// learn that PATCH accepts `fieldValidation` (then validation is left to the
// server and no schema is needed). /openapi/v2 is deliberately absent (404).
import { createHash } from 'node:crypto';
import { groupVersions, type ResourceType } from './registry.js';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function itemPath(type: ResourceType): string {
  const base = `/${gvPath(type.group, type.version)}`;
  return type.namespaced ? `${base}/namespaces/{namespace}/${type.plural}/{name}` : `${base}/${type.plural}/{name}`;
}

/** The document for one group version, e.g. `api/v1` or `apis/apps/v1`. */
export function openapiDocument(path: string): Record<string, unknown> | undefined {
  const gv = groupVersions().find((g) => gvPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  for (const type of gv.types) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const op = (action: string): Record<string, unknown> => ({
      operationId: `${action}${type.kind}`,
      parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[itemPath(type)] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (simulated)', version: 'unversioned' }, paths, components: { schemas: {} } };
}

function hashOf(path: string): string {
  return createHash('sha512').update(JSON.stringify(openapiDocument(path))).digest('hex').slice(0, 64).toUpperCase();
}

export function openapiIndex(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const path = gvPath(gv.group, gv.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(path)}` };
  }
  return { paths };
}

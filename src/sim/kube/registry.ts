// The resource types the simulated API serves. Discovery, OpenAPI, routing
// and the store are all driven by this one table.

export interface ResourceType {
  readonly group: string; // '' for core
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  /** True when the real API has a /status subresource, so user writes keep the live status. */
  readonly hasStatus: boolean;
  /** Only create is allowed (SelfSubjectAccessReview); nothing is stored. */
  readonly createOnly?: boolean;
  /** Served subresources besides status. */
  readonly subresources?: readonly string[];
}

const ALL = ['all'];

function t(
  group: string, version: string, kind: string, plural: string, namespaced: boolean,
  extra: Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'hasStatus' | 'createOnly' | 'subresources'>> = {},
): ResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, hasStatus: false, ...extra };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  t('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], hasStatus: true }),
  t('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], hasStatus: true }),
  t('', 'v1', 'Secret', 'secrets', true),
  t('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  t('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ALL, hasStatus: true }),
  t('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  t('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ALL, hasStatus: true, subresources: ['log'] }),
  t('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  t('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  t('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], hasStatus: true }),
  t('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ALL, hasStatus: true }),
  t('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ALL, hasStatus: true }),
  t('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ALL, hasStatus: true }),
  t('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ALL, hasStatus: true }),
  t('batch', 'v1', 'Job', 'jobs', true, { categories: ALL, hasStatus: true }),
  t('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ALL, hasStatus: true }),
  t('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], hasStatus: true }),
  t('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  t('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  t('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  t('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  t('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  t('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  t('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  t('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { createOnly: true }),
  t('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], hasStatus: true }),
  t('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ALL, hasStatus: true }),
  t('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], hasStatus: true }),
];

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Stable key of a resource type, e.g. `apps/deployments` or `/pods`. */
export function typeKey(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

/** `deployments.apps`, `pods`: how the API server names a resource in messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

export function findByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

export function mustFindKind(apiVersion: string, kind: string): ResourceType {
  const type = findByKind(apiVersion, kind);
  if (!type) throw new Error(`no resource type for ${apiVersion} ${kind}`);
  return type;
}

/** Group versions in a stable order: core first, then the groups in table order. */
export function groupVersions(): { group: string; version: string; types: ResourceType[] }[] {
  const out: { group: string; version: string; types: ResourceType[] }[] = [];
  for (const type of RESOURCE_TYPES) {
    let gv = out.find((g) => g.group === type.group && g.version === type.version);
    if (!gv) {
      gv = { group: type.group, version: type.version, types: [] };
      out.push(gv);
    }
    gv.types.push(type);
  }
  return out;
}

export function verbsOf(type: ResourceType): string[] {
  if (type.createOnly) return ['create'];
  return ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
}

export const POD = mustFindKind('v1', 'Pod');
export const NAMESPACE = mustFindKind('v1', 'Namespace');
export const EVENT = mustFindKind('v1', 'Event');
export const SERVICE = mustFindKind('v1', 'Service');
export const ENDPOINTS = mustFindKind('v1', 'Endpoints');
export const NODE = mustFindKind('v1', 'Node');
export const PVC = mustFindKind('v1', 'PersistentVolumeClaim');
export const DEPLOYMENT = mustFindKind('apps/v1', 'Deployment');
export const REPLICASET = mustFindKind('apps/v1', 'ReplicaSet');
export const JOB = mustFindKind('batch/v1', 'Job');
export const INGRESS = mustFindKind('networking.k8s.io/v1', 'Ingress');
export const INGRESS_CLASS = mustFindKind('networking.k8s.io/v1', 'IngressClass');
export const STORAGE_CLASS = mustFindKind('storage.k8s.io/v1', 'StorageClass');
export const SERVICE_ACCOUNT = mustFindKind('v1', 'ServiceAccount');

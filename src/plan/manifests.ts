// Kubernetes objects the installer applies itself, generated as data and
// applied with `kubectl apply -f -` (idempotent, secrets on stdin).
import type { Manifest } from './steps.js';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'zenml-pro-installer' };
/** Annotation holding the digest of what was applied; equal digest = nothing to do. */
export const DIGEST_ANNOTATION = 'zenml-pro-installer/applied-digest';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function namespaceManifest(name: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...MANAGED_BY } } };
}

export function pullSecretManifest(namespace: string, name: string, server: string, username: string, password: string): Manifest {
  const auth = b64(`${username}:${password}`);
  const config = JSON.stringify({ auths: { [server]: { username, password, auth } } });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name, namespace, labels: { ...MANAGED_BY } },
    data: { '.dockerconfigjson': b64(config) },
  };
}

export function tlsSecretManifest(namespace: string, name: string, cert: string, key: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace, labels: { ...MANAGED_BY } },
    data: { 'tls.crt': b64(cert), 'tls.key': b64(key) },
  };
}

/**
 * The workload manager runs pipeline pods in its own namespace: that namespace,
 * the runner service account, and least-privilege RBAC for the workspace
 * server's service account there (the chart creates none of it).
 */
export function workloadManagerManifests(runnerNamespace: string, runnerServiceAccount: string, serverNamespace: string, serverServiceAccount: string): Manifest[] {
  const role = `zenml-workload-manager-${serverNamespace}`.slice(0, 63);
  return [
    namespaceManifest(runnerNamespace),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: runnerServiceAccount, namespace: runnerNamespace, labels: { ...MANAGED_BY } } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: role, namespace: runnerNamespace, labels: { ...MANAGED_BY } },
      rules: [
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'deletecollection'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: role, namespace: runnerNamespace, labels: { ...MANAGED_BY } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
      subjects: [{ kind: 'ServiceAccount', name: serverServiceAccount, namespace: serverNamespace }],
    },
  ];
}

/** Name of the installer's own disruption budget for a deployment's pods. */
export const disruptionBudgetName = (deployment: string): string => `${deployment.slice(0, 59)}-pdb`;

/**
 * A PodDisruptionBudget for the pods of one deployment, selecting them by the
 * deployment's own selector (read from the cluster), so no chart label is guessed.
 */
export function disruptionBudgetManifest(namespace: string, deployment: string, matchLabels: Record<string, string>, minAvailable: number): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: disruptionBudgetName(deployment), namespace, labels: { ...MANAGED_BY } },
    spec: { minAvailable, selector: { matchLabels } },
  };
}

/** The same manifests with the applied digest annotation set on each. */
export function withDigest(manifests: readonly Manifest[], digest: string): Manifest[] {
  return manifests.map((m) => ({ ...m, metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, [DIGEST_ANNOTATION]: digest } } }));
}

/** One line per object, for plans: never the data. */
export function describeManifest(m: Manifest): string {
  return `${m.kind.toLowerCase()}/${m.metadata.name}${m.metadata.namespace ? ` -n ${m.metadata.namespace}` : ''}`;
}

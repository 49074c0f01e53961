// Kubernetes objects the installer applies itself, generated as data and
// applied with `kubectl apply -f -` (idempotent, secrets on stdin).
import { createHash } from 'node:crypto';
import type { Workspace } from '../answers/schema.js';
import { workspaceFullname } from '../answers/derived.js';
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
 * The zenml chart's default `serviceAccount.name` (its values.yaml in every
 * version read). The installer renders no serviceAccount values, so this is
 * the name unless the workspace's extraValues change it.
 */
const CHART_SERVICE_ACCOUNT = 'zenml';

/** Go template truth, as the chart's `if` and `default` see a value: false, 0, null and empty strings, lists and maps are false. */
function templateTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  return typeof v !== 'object' || Object.keys(v).length > 0;
}

/**
 * The ServiceAccount the workspace server's pods run as, by the chart's own rule
 * (`zenml.serviceAccountName`): `serviceAccount.name` when it is set; when it
 * is emptied, the release's fullname if the chart creates the account, else the
 * namespace's `default`. `values` are the release's rendered values with
 * extraValues merged in; a key they leave out keeps the chart's default, and a
 * null one is deleted by helm, so it counts as empty.
 */
export function workspaceServerServiceAccount(w: Pick<Workspace, 'releaseName'>, values: Readonly<Record<string, unknown>>): string {
  const given = values.serviceAccount;
  const sa: Record<string, unknown> = given !== null && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const create = 'create' in sa ? templateTruthy(sa.create) : true;
  const name = 'name' in sa ? sa.name : CHART_SERVICE_ACCOUNT;
  if (templateTruthy(name)) return String(name);
  return create ? workspaceFullname(w) : 'default';
}

/**
 * Name of the Role and RoleBinding of one workspace server (one per namespace:
 * the answers give each workspace its own). Cut to 63 characters like the
 * installer's other names; a cut name ends in a digest of the whole, as two
 * long namespaces may share their first characters.
 */
function workloadManagerRbacName(serverNamespace: string): string {
  const name = `zenml-workload-manager-${serverNamespace}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/-+$/, '')}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/**
 * The workload manager runs pipeline pods in its own namespace: that namespace,
 * the runner service account, and least-privilege RBAC for the workspace
 * server's service account there (the chart creates none of it).
 */
export function workloadManagerManifests(runnerNamespace: string, runnerServiceAccount: string, serverNamespace: string, serverServiceAccount: string): Manifest[] {
  const rbac = workloadManagerRbacName(serverNamespace);
  return [
    namespaceManifest(runnerNamespace),
    // The runner jobs call no Kubernetes API themselves (ZenML's guide), so this account gets no Role;
    // the registry access it needs is granted outside RBAC (cluster-wide, workload identity or a pull secret).
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: runnerServiceAccount, namespace: runnerNamespace, labels: { ...MANAGED_BY } } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: rbac, namespace: runnerNamespace, labels: { ...MANAGED_BY } },
      // Exactly the guide's least-privilege list for the server's account: it creates runner jobs,
      // reads them by name, deletes them in bulk, finds their pods and reads their logs. The broader
      // list of an older docs page (pod writes, secrets, volume claims) is not granted.
      rules: [
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'deletecollection'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: rbac, namespace: runnerNamespace, labels: { ...MANAGED_BY } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: rbac },
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

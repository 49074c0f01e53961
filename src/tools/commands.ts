// The argv of every mutating or checking call the engine makes, in one place,
// so the plan prints exactly what the run executes.
import type { Manifest } from './kube-objects.js';

/** What a `helm upgrade --install` of one release needs. */
export interface HelmUpgradeSpec {
  readonly release: string;
  readonly namespace: string;
  readonly chart: string;
  /** Passed as --version for repository/OCI charts; checked against Chart.yaml for local ones. */
  readonly version: string;
  /** A chart archive or directory on this machine (no --version), not a repository or OCI reference. */
  readonly localChart: boolean;
  readonly valuesFile: string;
  readonly timeoutSeconds: number;
  /** Upgrades: helm puts the previous revision back if this one fails (`--atomic` in helm 3, `--rollback-on-failure` in helm 4). */
  readonly rollbackOnFailure?: '--atomic' | '--rollback-on-failure';
}

export const FIELD_MANAGER = 'zenml-pro-installer';

export const applyArgs = (): string[] => ['apply', '--server-side', '--field-manager', FIELD_MANAGER, '--force-conflicts', '-f', '-'];

export const helmUpgradeArgs = (spec: HelmUpgradeSpec): string[] => {
  return [
    'upgrade', '--install', spec.release, spec.chart, '--namespace', spec.namespace,
    ...(spec.localChart ? [] : ['--version', spec.version]),
    '--values', spec.valuesFile, '--wait', '--timeout', `${spec.timeoutSeconds}s`,
    ...(spec.rollbackOnFailure ? [spec.rollbackOnFailure] : []),
  ];
};

/** What a `helm rollback` of one release needs. */
export interface HelmRollbackSpec {
  readonly release: string;
  readonly namespace: string;
  /** The revision whose chart and values come back (helm records them as a new revision). */
  readonly revision: number;
  readonly timeoutSeconds: number;
}

export const helmRollbackArgs = (spec: HelmRollbackSpec): string[] => [
  'rollback', spec.release, String(spec.revision), '--namespace', spec.namespace, '--wait', '--timeout', `${spec.timeoutSeconds}s`,
];

export const helmUninstallArgs = (release: string, namespace: string, timeoutSeconds: number): string[] =>
  // --ignore-not-found: a release removed since it was listed is no failure.
  ['uninstall', release, '--namespace', namespace, '--wait', '--timeout', `${timeoutSeconds}s`, '--ignore-not-found'];

/** `kind.group/name`, as kubectl names a resource unambiguously (`secret/x`, `role.rbac.authorization.k8s.io/x`). */
export function resourceName(m: Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : undefined;
  return `${m.kind.toLowerCase()}${group ? `.${group}` : ''}/${m.metadata.name}`;
}

export const deleteObjectsArgs = (namespace: string, objects: readonly Manifest[]): string[] =>
  ['delete', ...objects.map(resourceName), '--namespace', namespace, '--ignore-not-found'];

/** Not waited for by kubectl: the step watches the namespace itself, so it can say when it is stuck terminating. */
export const deleteNamespaceArgs = (namespace: string): string[] => ['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'];

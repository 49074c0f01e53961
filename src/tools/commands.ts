// The argv of every mutating or checking call the engine makes, in one place,
// so the plan prints exactly what the run executes.
import type { ReleaseSpec } from '../plan/steps.js';

export const FIELD_MANAGER = 'zenml-pro-installer';

export const applyArgs = (): string[] => ['apply', '--server-side', '--field-manager', FIELD_MANAGER, '--force-conflicts', '-f', '-'];

export const helmUpgradeArgs = (spec: Pick<ReleaseSpec, 'release' | 'chart' | 'namespace' | 'version' | 'valuesFile' | 'timeoutSeconds'>): string[] => {
  const local = !spec.chart.includes('://');
  return [
    'upgrade', '--install', spec.release, spec.chart, '--namespace', spec.namespace,
    ...(local ? [] : ['--version', spec.version]),
    '--values', spec.valuesFile, '--wait', '--timeout', `${spec.timeoutSeconds}s`,
  ];
};

export const versionArgs = (): string[] => ['version', '-o', 'json'];
export const clusterUidArgs = (): string[] => ['get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}'];
export const canIArgs = (verb: string, resource: string): string[] => ['auth', 'can-i', verb, resource];
/** What the engine reads of a namespace to judge readiness and diagnose failures. */
export const snapshotArgs = (namespace: string): string[] => ['get', 'pods,jobs,deployments,events', '--namespace', namespace, '-o', 'json'];

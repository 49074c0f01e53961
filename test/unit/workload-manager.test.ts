// The workload manager (snapshots) from answers: the runner namespace and
// service account, the Role the guide's least-privilege list allows, bound to
// the account the workspace server really runs as, and the server environment
// for each implementation and runner-image mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_WORKLOAD_NAMESPACE, workspaceNamespace } from '../../src/answers/derived.js';
import { validateAnswers, type Problem } from '../../src/answers/load.js';
import type { Answers, Workspace } from '../../src/answers/schema.js';
import { secretSlots } from '../../src/answers/secrets.js';
import { workloadManagerManifests, workspaceServerServiceAccount } from '../../src/plan/manifests.js';
import type { Manifest } from '../../src/plan/steps.js';
import { renderReleases } from '../../src/render/render.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';

const templates = {
  controlPlane: readFileSync(join(__dirname, '../../templates/control-plane.yaml'), 'utf8'),
  workspace: readFileSync(join(__dirname, '../../templates/workspace.yaml'), 'utf8'),
};

function answers(mutate: (a: Record<string, any>) => void): Answers {
  const raw = baseAnswers();
  mutate(raw);
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.answers;
}

/** Each workspace's rendered values (extraValues merged in), for a chart that declares `server:`. */
function renderedValues(a: Answers): Map<string, Record<string, unknown>> {
  const secrets = new Map(secretSlots(a).map((s) => [s.key, s.hex64 ? 'a'.repeat(64) : `secret-for-${s.key}`]));
  const workspaceCharts = new Map(a.workspaces.map((w) => [w.name, { values: 'server:\n  image:\n    repository: x\n', source: 'a server: chart' }]));
  const releases = renderReleases({ answers: a, secrets, readFile: (p) => `PEM(${p})\n`, templates, version: 'test', workspaceCharts });
  return new Map(a.workspaces.map((w) => [w.name, releases.find((r) => r.id === `workspace-${w.name}`)!.values]));
}

const workspace = (a: Answers, name = 'ml'): Workspace => a.workspaces.find((w) => w.name === name)!;

/** The workspace's manifests as the install plan builds them: the runner settings from the answers, the server's account from its values. */
function manifestsOf(a: Answers, name = 'ml'): Manifest[] {
  const w = workspace(a, name);
  return workloadManagerManifests(
    w.workloadManager.namespace ?? DEFAULT_WORKLOAD_NAMESPACE,
    w.workloadManager.serviceAccount,
    workspaceNamespace(w),
    workspaceServerServiceAccount(w, renderedValues(a).get(name)!),
  );
}

const only = (manifests: readonly Manifest[], kind: string): Manifest => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

const subjectOf = (a: Answers, name = 'ml'): unknown => only(manifestsOf(a, name), 'RoleBinding').subjects;

function serverAccount(mutateWorkspace: (w: Record<string, any>) => void): string {
  const a = answers((raw) => mutateWorkspace(raw.workspaces[0]));
  return workspaceServerServiceAccount(workspace(a), renderedValues(a).get('ml')!);
}

describe('the RoleBinding names the workspace server\'s own service account', () => {
  test('release zenml: the chart\'s account `zenml`, in the workspace\'s namespace', () => {
    const a = answers((raw) => { raw.workspaces[0].workloadManager = { enabled: true }; });
    expect(subjectOf(a)).toEqual([{ kind: 'ServiceAccount', name: 'zenml', namespace: 'zenml-workspace-ml' }]);
  });

  test('a custom release keeps the account the chart names `zenml` (its values set serviceAccount.name; the fullname is only the fallback)', () => {
    const a = answers((raw) => { Object.assign(raw.workspaces[0], { releaseName: 'prod', namespace: 'team-a', workloadManager: { enabled: true } }); });
    expect(subjectOf(a)).toEqual([{ kind: 'ServiceAccount', name: 'zenml', namespace: 'team-a' }]);
  });

  test('a name set in extraValues is the one bound', () => {
    const a = answers((raw) => { Object.assign(raw.workspaces[0], { releaseName: 'prod', workloadManager: { enabled: true }, extraValues: { serviceAccount: { name: 'ml-server' } } }); });
    expect(subjectOf(a)).toEqual([{ kind: 'ServiceAccount', name: 'ml-server', namespace: 'zenml-workspace-ml' }]);
  });

  test('an emptied name falls back as the chart does: the release\'s fullname, or `default` when the chart creates no account', () => {
    expect(serverAccount((w) => { w.releaseName = 'prod'; w.extraValues = { serviceAccount: { name: '' } }; })).toBe('prod-zenml');
    expect(serverAccount((w) => { w.extraValues = { serviceAccount: { name: '' } }; })).toBe('zenml');
    // helm deletes a key given as null, so null is empty too.
    expect(serverAccount((w) => { w.releaseName = 'prod'; w.extraValues = { serviceAccount: { name: null } }; })).toBe('prod-zenml');
    expect(serverAccount((w) => { w.releaseName = 'prod'; w.extraValues = { serviceAccount: { create: false, name: '' } }; })).toBe('default');
    expect(serverAccount((w) => { w.releaseName = 'prod'; w.extraValues = { serviceAccount: { create: false } }; })).toBe('zenml');
    expect(serverAccount((w) => { w.extraValues = { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/zenml' } } }; })).toBe('zenml');
  });

  test('workspaces sharing a runner namespace get a Role and binding each, also when their namespaces are long and alike', () => {
    const long = 'research-team-alpha-production-eu';
    const a = answers((raw) => {
      Object.assign(raw.workspaces[0], { name: `${long}-1`, workloadManager: { enabled: true } });
      raw.workspaces.push(secondWorkspace({ name: `${long}-2`, version: '0.93.0', workloadManager: { enabled: true } }));
    });
    const [one, two] = [manifestsOf(a, `${long}-1`), manifestsOf(a, `${long}-2`)];
    for (const m of [...one, ...two].filter((x) => x.kind === 'Role' || x.kind === 'RoleBinding')) {
      expect(m.metadata.name.length).toBeLessThanOrEqual(63);
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(only(one, 'RoleBinding').metadata.name).not.toBe(only(two, 'RoleBinding').metadata.name);
    expect(only(two, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'zenml', namespace: `zenml-workspace-${long}-2` }]);
    expect(only(two, 'RoleBinding').roleRef).toMatchObject({ name: only(two, 'Role').metadata.name });
  });
});

describe('the runner namespace, its service account and the Role', () => {
  test('defaults: namespace zenml-workload-manager with service account zenml-runner', () => {
    const manifests = manifestsOf(answers((raw) => { raw.workspaces[0].workloadManager = { enabled: true }; }));
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`)).toEqual([
      'Namespace//zenml-workload-manager',
      'ServiceAccount/zenml-workload-manager/zenml-runner',
      'Role/zenml-workload-manager/zenml-workload-manager-zenml-workspace-ml',
      'RoleBinding/zenml-workload-manager/zenml-workload-manager-zenml-workspace-ml',
    ]);
  });

  test('the answers\' namespace and service account, and the guide\'s least-privilege rules there, nothing more', () => {
    const manifests = manifestsOf(answers((raw) => { raw.workspaces[0].workloadManager = { enabled: true, namespace: 'zenml-runners', serviceAccount: 'runner' }; }));
    expect(only(manifests, 'Namespace').metadata.name).toBe('zenml-runners');
    expect(only(manifests, 'ServiceAccount').metadata).toMatchObject({ name: 'runner', namespace: 'zenml-runners' });
    const role = only(manifests, 'Role');
    expect(role.metadata.namespace).toBe('zenml-runners');
    expect(role.rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'deletecollection'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    const binding = only(manifests, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('zenml-runners');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    // The runner account itself is bound to nothing: its jobs call no Kubernetes API.
    expect(manifests.filter((m) => m.kind === 'RoleBinding').flatMap((m) => m.subjects as { name: string }[]).map((s) => s.name)).not.toContain('runner');
  });

  test('every object carries the installer\'s managed-by label', () => {
    for (const m of manifestsOf(answers((raw) => { raw.workspaces[0].workloadManager = { enabled: true }; }))) {
      expect(m.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'zenml-pro-installer' });
    }
  });
});

describe('the server environment', () => {
  const env = (workloadManager: Record<string, unknown>): Record<string, string> | undefined => {
    const a = answers((raw) => { raw.workspaces[0].workloadManager = workloadManager; });
    return (renderedValues(a).get('ml')!.server as { environment?: Record<string, string> }).environment;
  };

  test('none while the workload manager is off', () => {
    expect(env({ enabled: false, namespace: 'zenml-runners' })).toBeUndefined();
  });

  test.each([
    ['kubernetes', 'zenml_cloud_plugins.kubernetes_workload_manager.KubernetesWorkloadManager'],
    ['aws', 'zenml_cloud_plugins.aws_kubernetes_workload_manager.AWSKubernetesWorkloadManager'],
    ['gcp', 'zenml_cloud_plugins.gcp_kubernetes_workload_manager.GCPKubernetesWorkloadManager'],
  ])('%s: its implementation class, the runner namespace and service account', (implementation, source) => {
    expect(env({ enabled: true, implementation, namespace: 'zenml-runners', serviceAccount: 'runner' })).toEqual({
      ZENML_SERVER_WORKLOAD_MANAGER_IMPLEMENTATION_SOURCE: source,
      ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE: 'zenml-runners',
      ZENML_KUBERNETES_WORKLOAD_MANAGER_SERVICE_ACCOUNT: 'runner',
      ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE: 'false',
    });
  });

  test('the namespace and service account default to what the installer creates', () => {
    expect(env({ enabled: true })).toMatchObject({ ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE: 'zenml-workload-manager', ZENML_KUBERNETES_WORKLOAD_MANAGER_SERVICE_ACCOUNT: 'zenml-runner' });
  });

  const RUNNER_KEYS = ['ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE', 'ZENML_KUBERNETES_WORKLOAD_MANAGER_DOCKER_REGISTRY', 'ZENML_KUBERNETES_WORKLOAD_MANAGER_RUNNER_IMAGE'];
  const runnerSettings = (e: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(e ?? {}).filter(([k]) => RUNNER_KEYS.includes(k)));

  test('reuse the snapshots\' images: no build, no runner image', () => {
    expect(runnerSettings(env({ enabled: true }))).toEqual({ ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE: 'false' });
  });

  test('a pre-built runner image', () => {
    expect(runnerSettings(env({ enabled: true, runnerImage: 'registry.example.com/zenml/runner:0.93.0' }))).toEqual({
      ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE: 'false',
      ZENML_KUBERNETES_WORKLOAD_MANAGER_RUNNER_IMAGE: 'registry.example.com/zenml/runner:0.93.0',
    });
  });

  test('built runner images pushed to the registry; a pre-built image left in the answers is not rendered beside it', () => {
    expect(runnerSettings(env({ enabled: true, buildRunnerImage: true, registry: 'registry.example.com/zenml-runners', runnerImage: 'registry.example.com/zenml/runner:0.93.0' }))).toEqual({
      ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE: 'true',
      ZENML_KUBERNETES_WORKLOAD_MANAGER_DOCKER_REGISTRY: 'registry.example.com/zenml-runners',
    });
  });

  test('AWS: the region for builds, and external logs with their bucket', () => {
    expect(env({ enabled: true, implementation: 'aws', buildRunnerImage: true, registry: '123.dkr.ecr.eu-central-1.amazonaws.com', awsRegion: 'eu-central-1', awsBucket: 's3://logs/runs' })).toMatchObject({
      ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE: 'true',
      ZENML_KUBERNETES_WORKLOAD_MANAGER_DOCKER_REGISTRY: '123.dkr.ecr.eu-central-1.amazonaws.com',
      ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_REGION: 'eu-central-1',
      ZENML_KUBERNETES_WORKLOAD_MANAGER_ENABLE_EXTERNAL_LOGS: 'true',
      ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_BUCKET: 's3://logs/runs',
    });
  });

  test('other implementations get no AWS settings', () => {
    const e = env({ enabled: true, implementation: 'gcp', awsRegion: 'eu-central-1' });
    expect(Object.keys(e ?? {}).filter((k) => k.startsWith('ZENML_AWS_') || k.endsWith('_ENABLE_EXTERNAL_LOGS'))).toEqual([]);
  });
});

describe('the version rule', () => {
  const problemsFor = (version: string): readonly Problem[] => {
    const raw = baseAnswers();
    raw.workspaces[0].version = version;
    raw.workspaces[0].workloadManager = { enabled: true };
    const result = validateAnswers(raw);
    return result.ok ? [] : result.problems;
  };

  test('snapshots need a workspace server 0.90.0 or newer', () => {
    expect(problemsFor('0.89.9').find((p) => p.path === 'workspaces[0].workloadManager.enabled')?.message).toContain('0.90.0 or newer');
    expect(problemsFor('0.90.0').filter((p) => p.path.startsWith('workspaces[0].workloadManager'))).toEqual([]);
  });
});

// The install plan as data: where the wait for enrollment, the installer's
// disruption budgets and the health checks sit, from real rendered releases.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import { secretSlots } from '../../src/answers/secrets.js';
import { buildInstallPlan } from '../../src/plan/install-plan.js';
import type { Plan, Step } from '../../src/plan/steps.js';
import { renderReleases } from '../../src/render/render.js';
import { baseAnswers } from '../helpers/answers.js';

const templates = {
  controlPlane: readFileSync(join(__dirname, '../../templates/control-plane.yaml'), 'utf8'),
  workspace: readFileSync(join(__dirname, '../../templates/workspace.yaml'), 'utf8'),
};

function planOf(mutate: (a: Record<string, any>) => void): { plan: Plan; answers: Answers } {
  const raw = baseAnswers();
  mutate(raw);
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const answers = result.answers;
  const secrets = new Map(secretSlots(answers).map((s) => [s.key, s.hex64 ? 'a'.repeat(64) : `secret-${s.key}`]));
  const readFile = (p: string): string => `PEM ${p}`;
  const releases = renderReleases({ answers, secrets, readFile, templates, version: 'test' });
  const plan = buildInstallPlan({
    answers, releases, secrets, target: { context: 'ctx' }, valuesDir: '/values', resolvePath: (p) => p,
    digest: (d) => createHash('sha256').update(d).digest('hex'),
  });
  return { plan, answers };
}

const step = (plan: Plan, id: string): Step => {
  const s = plan.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id} in ${plan.steps.map((x) => x.id).join(', ')}`);
  return s;
};

describe('the install plan', () => {
  test('holds no secret value, actions included: pull and TLS secrets are built when their step runs', () => {
    const { plan, answers } = planOf((a) => {
      a.images = { source: 'private', registry: 'registry.example.com/zenml', auth: { method: 'docker-credentials', username: 'puller', password: { fromEnv: 'REGISTRY_PASSWORD' } } };
    });
    const secretValues = secretSlots(answers).map((s) => (s.hex64 ? 'a'.repeat(64) : `secret-${s.key}`));
    expect(secretValues).toContain('secret-images.auth.password');
    const text = JSON.stringify(plan);
    for (const value of secretValues) expect(text).not.toContain(value);
    expect(step(plan, 'pull-secret:control-plane').action).toEqual({ type: 'pull-secret', namespace: 'zenml-pro', name: 'image-pull-secret', server: 'registry.example.com', username: 'puller', passwordKey: 'images.auth.password' });
    expect(step(plan, 'tls:control-plane').action).toEqual({ type: 'tls-secret', namespace: 'zenml-pro', secrets: [{ name: 'zenml-tls', certFile: 'tls.crt', keyFile: 'tls.key' }] });
  });

  test('a workspace without enrollment values is enrolled through the API after the control plane is ready, in an organization found or created first', () => {
    const { plan } = planOf((a) => {
      a.workspaces[0].enrollment = {};
      a.organization = { name: 'acme' };
      a.users = [{ username: 'alice', superuser: true, password: { generate: true } }];
    });
    expect(step(plan, 'organization:acme')).toMatchObject({ needs: ['ready:control-plane'], action: { type: 'organization', name: 'acme', access: { credential: { kind: 'password', username: 'admin', passwordKey: 'controlPlane.adminPassword' }, addressesFrom: 'ready:control-plane' } } });
    expect(step(plan, 'enroll:ml')).toMatchObject({ needs: ['organization:acme'], action: { type: 'enroll-workspace', workspace: 'ml', organizationStep: 'organization:acme' } });
    expect(step(plan, 'users')).toMatchObject({ needs: ['ready:control-plane'], action: { users: [{ username: 'alice', superuser: true, passwordKey: 'users.alice.password' }] } });
    const release = step(plan, 'release:workspace-ml');
    expect(release.needs).toContain('enroll:ml');
    expect(release.action).toMatchObject({ spec: { enrolledWorkspace: 'ml' } });
    expect(step(plan, 'report').needs).toContain('users');
    // The plan names credentials by slot; it holds none.
    expect(JSON.stringify(plan)).not.toContain('"password":');
  });

  test('a workspace set to manual enrollment without its values waits after the control plane is ready, and only its release depends on it', () => {
    const { plan } = planOf((a) => { a.workspaces[0].enrollment = { mode: 'manual' }; });
    const enroll = step(plan, 'enroll:ml');
    expect(enroll.needs).toEqual(['ready:control-plane']);
    expect(enroll.action).toMatchObject({ type: 'manual-enrollment', waiting: { missing: ['workspaces[0].enrollment.organizationId', 'workspaces[0].enrollment.workspaceId', 'workspaces[0].enrollment.enrollmentKey'] } });
    expect(step(plan, 'namespace:ml').needs).toEqual(['target']);
    expect(step(plan, 'release:workspace-ml').needs).toContain('enroll:ml');
  });

  test('a local chart is resolved and installed without --version; a repository or OCI chart keeps its name and gets --version', () => {
    const { plan } = planOf((a) => { a.charts = { controlPlane: './charts/zenml-pro-0.13.0.tgz', workspace: 'zenml/zenml' }; });
    const cp = step(plan, 'release:control-plane').commands[0] ?? '';
    expect(cp).toContain('helm upgrade --install zenml-pro ./charts/zenml-pro-0.13.0.tgz');
    expect(cp).not.toContain('--version');
    expect(step(plan, 'release:workspace-ml').commands[0]).toContain('helm upgrade --install zenml zenml/zenml --namespace zenml-workspace-ml --version 0.93.0');
  });

  test('with the values, the enrollment step does not wait', () => {
    const { plan } = planOf(() => undefined);
    expect(step(plan, 'enroll:ml').action).not.toHaveProperty('waiting');
  });

  test("the installer's disruption budget comes after the release and before the ready check", () => {
    const { plan } = planOf((a) => { a.controlPlane.replicas = 2; a.controlPlane.podDisruptionBudget = { minAvailable: 1 }; });
    const pdb = step(plan, 'disruption-budget:control-plane');
    expect(pdb.needs).toEqual(['release:control-plane']);
    expect(pdb.action).toEqual({ type: 'disruption-budget', namespace: 'zenml-pro', deployments: ['zenml-pro', 'zenml-pro-dashboard'], minAvailable: 1 });
    expect(step(plan, 'ready:control-plane').needs).toEqual(['disruption-budget:control-plane']);
    expect(planOf(() => undefined).plan.steps.some((s) => s.action.type === 'disruption-budget')).toBe(false);
  });

  test('a control-plane API on its own host is health-checked there (test/unit/report.test.ts: and listed for DNS)', () => {
    const { plan } = planOf((a) => { a.controlPlane.apiUrl = 'https://zenml-api.example.com/api/v1'; });
    expect(step(plan, 'ready:control-plane').action).toMatchObject({ healthUrl: 'https://zenml-api.example.com/health' });
    expect(step(plan, 'ready:ml').action).toMatchObject({ healthUrl: 'https://ml.example.com/health' });
  });
});

test("the workload manager's Role is bound to the workspace server's own ServiceAccount, as the chart names it", () => {
  const binding = (mutate: (w: Record<string, any>) => void): unknown => {
    const { plan } = planOf((a) => {
      a.workspaces[0].workloadManager = { enabled: true };
      mutate(a.workspaces[0]);
    });
    const action = step(plan, 'workload-manager:ml').action;
    const manifests = action.type === 'apply' ? action.manifests : [];
    return (manifests.find((m) => m.kind === 'RoleBinding') as { subjects?: unknown[] } | undefined)?.subjects;
  };
  expect(binding(() => undefined)).toEqual([{ kind: 'ServiceAccount', name: 'zenml', namespace: 'zenml-workspace-ml' }]);
  expect(binding((w) => { w.extraValues = { serviceAccount: { name: 'ml-server' } }; })).toEqual([{ kind: 'ServiceAccount', name: 'ml-server', namespace: 'zenml-workspace-ml' }]);
});

test("a workspace's deployment and migration job are named by the chart's own rule: the release name when it contains zenml", () => {
  const names = (releaseName: string): unknown => {
    const { plan } = planOf((a) => { a.workspaces[0].releaseName = releaseName; });
    const action = step(plan, 'release:workspace-ml').action;
    return action.type === 'helm-release' ? [action.spec.deployments, action.spec.migrationJob] : undefined;
  };
  expect(names('zenml')).toEqual([['zenml'], 'zenml-db-migration']);
  expect(names('zenml-prod')).toEqual([['zenml-prod'], 'zenml-prod-db-migration']);
  expect(names('ml')).toEqual([['ml-zenml'], 'ml-zenml-db-migration']);
});

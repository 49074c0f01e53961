// What uninstall removes and keeps, as data: its candidates cover every
// object the install plan applies (so an object added to installs cannot be
// forgotten by uninstalls); releases go workspaces first, then the control
// plane, then the applied objects, then the namespaces the installer created;
// a namespace without the journal's word that the installer created it is
// kept, and says why. And the apply step's `created` record it reads.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import { secretSlots } from '../../src/answers/secrets.js';
import type { StepContext } from '../../src/engine/step-kind.js';
import { buildInstallPlan } from '../../src/plan/install-plan.js';
import type { Manifest, Step } from '../../src/plan/steps.js';
import {
  buildUninstallPlan, namespaceRecords, uninstallCandidates, type ClusterState, type UninstallInputs,
} from '../../src/plan/uninstall-plan.js';
import { renderReleases } from '../../src/render/render.js';
import { apply } from '../../src/steps/apply.js';
import type { Cluster } from '../../src/tools/cluster.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';

const templates = {
  controlPlane: readFileSync(join(__dirname, '../../templates/control-plane.yaml'), 'utf8'),
  workspace: readFileSync(join(__dirname, '../../templates/workspace.yaml'), 'utf8'),
};

function answersOf(mutate: (a: Record<string, any>) => void = () => undefined): Answers {
  const raw = baseAnswers();
  mutate(raw);
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.answers;
}

/** Every answers feature that makes the installer apply an object of its own. */
const everything = (a: Record<string, any>): void => {
  a.images = { source: 'private', registry: 'registry.example.com/zenml', auth: { method: 'docker-credentials', username: 'puller', password: { fromEnv: 'REGISTRY_PASSWORD' } } };
  a.controlPlane.replicas = 2;
  a.controlPlane.podDisruptionBudget = { minAvailable: 1 };
  a.workspaces[0].workloadManager = { enabled: true };
  a.workspaces[0].replicas = 2;
  a.workspaces[0].podDisruptionBudget = { minAvailable: 1 };
  a.workspaces.push(secondWorkspace({ version: '0.93.0', namespace: 'research-ns', workloadManager: { enabled: true, namespace: 'runners' } }));
  a.cluster.tls = { provisioning: 'manual', wildcard: false, hosts: Object.fromEntries(['zenml-pro.example.com', 'ml.example.com', 'research.example.com'].map((h) => [h, { certFile: `${h}.crt`, keyFile: `${h}.key` }])) };
};

/** The objects and namespaces an install of `answers` applies, as `Kind ns/name`. */
function installed(answers: Answers): { objects: string[]; namespaces: string[] } {
  const secrets = new Map(secretSlots(answers).map((s) => [s.key, s.hex64 ? 'a'.repeat(64) : `secret-${s.key}`]));
  const releases = renderReleases({ answers, secrets, readFile: (p) => `PEM ${p}`, templates, version: 'test' });
  const plan = buildInstallPlan({
    answers, releases, secrets, target: { context: 'ctx' }, valuesDir: '/values', resolvePath: (p) => p,
    digest: (d) => createHash('sha256').update(d).digest('hex'),
  });
  const objects: string[] = [];
  const namespaces: string[] = [];
  for (const { action } of plan.steps) {
    if (action.type === 'apply') {
      for (const m of action.manifests) {
        if (m.kind === 'Namespace') namespaces.push(m.metadata.name);
        else objects.push(`${m.kind} ${m.metadata.namespace}/${m.metadata.name}`);
      }
    }
    if (action.type === 'pull-secret') objects.push(`Secret ${action.namespace}/${action.name}`);
    if (action.type === 'tls-secret') for (const s of action.secrets) objects.push(`Secret ${action.namespace}/${s.name}`);
    if (action.type === 'disruption-budget') for (const d of action.deployments) objects.push(`PodDisruptionBudget ${action.namespace}/${d}-pdb`);
  }
  return { objects, namespaces };
}

const named = (m: Manifest): string => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`;

describe('uninstall candidates', () => {
  test('cover every object and namespace the install plan applies, and name the releases workspaces first', () => {
    const answers = answersOf(everything);
    const applied = installed(answers);
    // The answers above make the install apply every kind of object it has.
    expect(new Set(applied.objects.map((o) => o.split(' ')[0]))).toEqual(new Set(['Secret', 'PodDisruptionBudget', 'ServiceAccount', 'Role', 'RoleBinding']));
    const c = uninstallCandidates(answers);
    expect(c.objects.map(named)).toEqual(expect.arrayContaining(applied.objects));
    expect([...c.namespaces].sort()).toEqual([...new Set(applied.namespaces)].sort());
    expect(c.releases.map((r) => `${r.id} ${r.namespace}/${r.release} ${r.chart}`)).toEqual([
      'workspace-ml zenml-workspace-ml/zenml zenml',
      'workspace-research research-ns/zenml zenml',
      'control-plane zenml-pro/zenml-pro zenml-pro',
    ]);
    // Names only: no data of any secret rides along.
    expect(c.objects.every((m) => Object.keys(m).sort().join() === 'apiVersion,kind,metadata')).toBe(true);
  });
});

describe('namespace records from the install journal', () => {
  test('created when any step that applied it created it; steps without the record say nothing', () => {
    const records = namespaceRecords({
      'namespace:control-plane': { outputs: { namespace: 'zenml-pro', created: 'yes' } },
      'workload-manager:ml': { outputs: { namespace: 'runners', created: 'yes' } },
      'workload-manager:research': { outputs: { namespace: 'runners', created: 'no' } },
      'namespace:ml': { outputs: { namespace: 'zenml-workspace-ml', created: 'no' } },
      'namespace:research': { outputs: { verifiedBy: 'probe' } },
      'release:control-plane': { outputs: { revision: '1' } },
    });
    expect([...records]).toEqual([['zenml-pro', true], ['runners', true], ['zenml-workspace-ml', false]]);
  });
});

describe('the uninstall plan', () => {
  const answers = answersOf(everything);
  const c = uninstallCandidates(answers);
  const everythingFound: ClusterState = {
    releases: c.releases.map((r) => ({ id: r.id, status: 'deployed', revision: 1, chart: r.chart, chartVersion: '1.0.0' })),
    objects: c.objects,
    namespaces: c.namespaces,
  };
  const inputs = (over: Partial<UninstallInputs> = {}): UninstallInputs => ({
    answers, target: { context: 'ctx' }, found: everythingFound, installDir: '/inst', generatedSecrets: '/inst/generated-secrets.yaml', deleteInstallDir: false,
    created: new Map(c.namespaces.map((n) => [n, true])),
    ...over,
  });

  test('workspace releases, then the control plane, then the applied objects, then the created namespaces; every command printable', () => {
    const plan = buildUninstallPlan(inputs());
    const ids = plan.steps.map((s) => s.id);
    expect(ids).toEqual([
      'release:workspace-ml', 'release:workspace-research', 'release:control-plane',
      'objects:zenml-workspace-ml', 'objects:zenml-workload-manager', 'objects:research-ns', 'objects:runners', 'objects:zenml-pro',
      'namespace:zenml-workspace-ml', 'namespace:zenml-workload-manager', 'namespace:research-ns', 'namespace:runners', 'namespace:zenml-pro',
    ]);
    const needs = (id: string): readonly string[] => plan.steps.find((s) => s.id === id)?.needs ?? [];
    expect(needs('release:workspace-ml')).toEqual([]);
    expect(needs('release:control-plane')).toEqual(['release:workspace-ml', 'release:workspace-research']);
    expect(needs('objects:zenml-pro')).toEqual(['release:workspace-ml', 'release:workspace-research', 'release:control-plane']);
    expect(needs('namespace:runners')).toEqual(expect.arrayContaining(ids.filter((i) => !i.startsWith('namespace:'))));
    expect(plan.steps.find((s) => s.id === 'release:workspace-research')?.commands).toEqual([
      'helm uninstall zenml --namespace research-ns --wait --timeout 600s --ignore-not-found --kube-context ctx',
    ]);
    expect(plan.steps.find((s) => s.id === 'objects:runners')?.commands).toEqual([
      'kubectl delete serviceaccount/zenml-runner role.rbac.authorization.k8s.io/zenml-workload-manager-research-ns rolebinding.rbac.authorization.k8s.io/zenml-workload-manager-research-ns --namespace runners --ignore-not-found --context ctx',
    ]);
    expect(plan.steps.find((s) => s.id === 'objects:zenml-pro')?.commands[0]).toBe(
      'kubectl delete secret/image-pull-secret secret/zenml-tls-zenml-pro poddisruptionbudget.policy/zenml-pro-pdb poddisruptionbudget.policy/zenml-pro-dashboard-pdb --namespace zenml-pro --ignore-not-found --context ctx',
    );
    expect(plan.steps.find((s) => s.id === 'namespace:zenml-pro')?.commands[0]).toBe('kubectl delete namespace zenml-pro --ignore-not-found --wait=false --context ctx');
    expect(plan.remove.namespaces).toEqual(['zenml-workspace-ml', 'zenml-workload-manager', 'research-ns', 'runners', 'zenml-pro']);
    expect(plan.keep.map((k) => `${k.what} ${k.name}`)).toEqual([
      'database zenml_pro on db.example.com (control plane)',
      'database zenml_ml on db.example.com (workspace ml)',
      'database zenml_research on db.example.com (workspace research)',
      'generated-secrets /inst/generated-secrets.yaml',
      'install-dir /inst',
    ]);
  });

  test('only what was found is listed: nothing found, nothing to do', () => {
    const plan = buildUninstallPlan(inputs({ found: { releases: [], objects: [], namespaces: [] } }));
    expect(plan.steps).toEqual([]);
    expect(plan.remove).toEqual({ releases: [], objects: [], namespaces: [] });
  });

  test('a namespace is deleted only on the journal\'s word that the installer created it; otherwise kept, saying why', () => {
    const created = new Map([['zenml-pro', true], ['zenml-workspace-ml', false]]);
    const plan = buildUninstallPlan(inputs({ created }));
    expect(plan.remove.namespaces).toEqual(['zenml-pro']);
    const why = (ns: string): string | undefined => plan.keep.find((k) => k.what === 'namespace' && k.name === ns)?.reason;
    expect(why('zenml-workspace-ml')).toBe('it existed before the install: kept, with everything in it the installer did not apply');
    expect(why('runners')).toMatch(/^the install journal does not record that the installer created it .*: kept; if nothing else uses it, delete it yourself: kubectl delete namespace runners --context ctx$/);
    // Its objects still go: the installer applied them.
    expect(plan.steps.map((s) => s.id)).toContain('objects:runners');

    const noJournal = buildUninstallPlan(inputs({ created: undefined }));
    expect(noJournal.remove.namespaces).toEqual([]);
    expect(noJournal.keep.find((k) => k.name === 'zenml-pro')?.reason).toMatch(/^no install journal in \/inst says the installer created it: kept;/);
  });

  test('a release of another chart under the answers\' name is not this install\'s: kept', () => {
    const found = { ...everythingFound, releases: everythingFound.releases.map((r) => (r.id === 'workspace-ml' ? { ...r, chart: 'mysql' } : r)) };
    const plan = buildUninstallPlan(inputs({ found }));
    expect(plan.steps.some((s) => s.id === 'release:workspace-ml')).toBe(false);
    expect(plan.keep).toContainEqual({ what: 'release', name: 'zenml-workspace-ml/zenml', reason: 'its chart is mysql, not zenml: not a release these answers install' });
    expect(plan.steps.find((s) => s.id === 'release:control-plane')?.needs).toEqual(['release:workspace-research']);
  });

  test('--delete-install-dir lists the install directory, generated secrets with it, under what goes', () => {
    const plan = buildUninstallPlan(inputs({ deleteInstallDir: true }));
    expect(plan.remove.installDir).toBe('/inst');
    expect(plan.keep.filter((k) => k.what === 'install-dir' || k.what === 'generated-secrets')).toEqual([]);
  });

  test('with a control plane run elsewhere, each removed workspace stays enrolled there, and it says so', () => {
    const hybrid = answersOf((a) => {
      a.scenario = 'hybrid';
      delete a.controlPlane;
      a.existingControlPlane = { apiUrl: 'https://cp.corp.example.com/api/v1' };
    });
    const found: ClusterState = { releases: [{ id: 'workspace-ml', status: 'deployed', revision: 3, chart: 'zenml', chartVersion: '0.93.0' }], objects: [], namespaces: [] };
    const plan = buildUninstallPlan({ ...inputs(), answers: hybrid, found });
    expect(plan.remove.releases).toEqual([{ component: 'workspace ml', namespace: 'zenml-workspace-ml', release: 'zenml', revision: 3, status: 'deployed', chart: 'zenml', chartVersion: '0.93.0' }]);
    expect(plan.keep).toContainEqual({ what: 'enrollment', name: 'workspace ml', reason: 'stays enrolled in the control plane at https://cp.corp.example.com; delete it there if it is gone for good' });
  });
});

describe('the apply step records whether it created its namespace', () => {
  /** A cluster where the objects named in `live` exist; applies are recorded. */
  function contextWith(live: Set<string>, earlier?: Record<string, string>): { ctx: StepContext; applied: string[]; reads: string[][] } {
    const applied: string[] = [];
    const reads: string[][] = [];
    const cluster = {
      liveAnnotations: (ms: readonly Manifest[]) => {
        reads.push(ms.map((m) => m.metadata.name));
        return Promise.resolve(ms.every((m) => live.has(m.metadata.name)) ? ms.map(() => ({})) : undefined);
      },
      apply: (ms: readonly Manifest[]) => {
        applied.push(...ms.map((m) => m.metadata.name));
        for (const m of ms) live.add(m.metadata.name);
        return Promise.resolve();
      },
    } as unknown as Cluster;
    const step = { id: 'namespace:ml' } as Step;
    const ctx = { cluster, step, hooks: {}, digest: (d: string) => d, outputsOf: (id: string) => (id === step.id ? earlier : undefined) } as unknown as StepContext;
    return { ctx, applied, reads };
  }
  const ns: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'zenml-workspace-ml' } };
  const sa: Manifest = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'zenml-workspace-ml' } };

  test('created: yes when it was not there before the apply, no when it was', async () => {
    const fresh = contextWith(new Set());
    expect(await apply.run({ type: 'apply', manifests: [ns, sa] }, fresh.ctx)).toEqual({ namespace: 'zenml-workspace-ml', created: 'yes' });
    expect(fresh.applied).toEqual(['zenml-workspace-ml', 'runner']);
    const there = contextWith(new Set(['zenml-workspace-ml']));
    expect(await apply.run({ type: 'apply', manifests: [ns] }, there.ctx)).toEqual({ namespace: 'zenml-workspace-ml', created: 'no' });
  });

  test('a namespace this step created stays created when the step runs again over it (changed answers)', async () => {
    const again = contextWith(new Set(['zenml-workspace-ml']), { namespace: 'zenml-workspace-ml', created: 'yes' });
    expect(await apply.run({ type: 'apply', manifests: [ns] }, again.ctx)).toEqual({ namespace: 'zenml-workspace-ml', created: 'yes' });
  });

  test('after its probe, the run reads nothing more when the probe could tell; when it could not, it reads the namespace', async () => {
    const alone = contextWith(new Set());
    expect(await apply.probe?.({ type: 'apply', manifests: [ns] }, alone.ctx)).toBeUndefined();
    expect(await apply.run({ type: 'apply', manifests: [ns] }, alone.ctx)).toEqual({ namespace: 'zenml-workspace-ml', created: 'yes' });
    expect(alone.reads).toEqual([['zenml-workspace-ml']]);
    // The namespace is there, its account is not: the probe's one read cannot say which was missing.
    const withAccount = contextWith(new Set(['zenml-workspace-ml']));
    expect(await apply.probe?.({ type: 'apply', manifests: [ns, sa] }, withAccount.ctx)).toBeUndefined();
    expect(await apply.run({ type: 'apply', manifests: [ns, sa] }, withAccount.ctx)).toEqual({ namespace: 'zenml-workspace-ml', created: 'no' });
    expect(withAccount.reads).toEqual([['zenml-workspace-ml', 'runner'], ['zenml-workspace-ml']]);
  });

  test('a step that applies no namespace records nothing', async () => {
    const other = contextWith(new Set(['zenml-workspace-ml']));
    expect(await apply.run({ type: 'apply', manifests: [sa] }, other.ctx)).toEqual({});
    expect(other.applied).toEqual(['runner']);
  });
});

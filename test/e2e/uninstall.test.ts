// uninstall against the simulated cluster with real helm (4 and 3) and
// kubectl, after a real install of examples/sim.yaml that gives the
// installer objects of its own to apply (image pull secrets, a workload
// manager's namespace, account and RBAC, a disruption budget), into one
// namespace that existed before it, holding an object of someone else.
// Without --yes and a terminal it lists and refuses, changing nothing; with
// --yes it removes exactly what it listed and the cluster is as it was before
// the install; a second run has nothing to remove. An uninstall killed with
// its helm in the middle of a release is finished by the next one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DIGEST_ANNOTATION, MANAGED_BY } from '../../src/plan/manifests.js';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  HELMS, InstallProcess, KUBECTL, REPO_ROOT, Scratch, clusterFingerprint, eventsOf, helmReleases, installArgs, installedSim, lastSeq, mutationsAfter, runInstall, startSim, waitForNoTools, writeAnswersCopy,
} from '../helpers/install-sim.js';

const RESEARCH = 'zenml-workspace-research';
/** A pull secret in every namespace, a workload manager for ml, and a budget the workspace chart cannot render for research. */
const edit = (text: string): string => text
  .replace('  registry: registry.sim.example.com/zenml\n', `  registry: registry.sim.example.com/zenml\n  auth:\n    method: docker-credentials\n    username: robot\n    password: { fromFile: ${join(REPO_ROOT, 'examples', 'secrets', 'sim-db-password')} }\n`)
  .replace('    hostname: ml.sim.example.com\n', '    hostname: ml.sim.example.com\n    workloadManager: { enabled: true }\n')
  .replace('    hostname: research.sim.example.com\n', '    hostname: research.sim.example.com\n    replicas: 2\n    podDisruptionBudget: { minAvailable: 1 }\n');

const LISTED_RELEASES = ['zenml-workspace-ml/zenml', `${RESEARCH}/zenml`, 'zenml-pro/zenml-pro'];
const LISTED_OBJECTS = [
  'Secret zenml-workspace-ml/image-pull-secret',
  'ServiceAccount zenml-workload-manager/zenml-runner',
  'Role zenml-workload-manager/zenml-workload-manager-zenml-workspace-ml',
  'RoleBinding zenml-workload-manager/zenml-workload-manager-zenml-workspace-ml',
  `Secret ${RESEARCH}/image-pull-secret`,
  `PodDisruptionBudget ${RESEARCH}/zenml-pdb`,
  'Secret zenml-pro/image-pull-secret',
];
const API_VERSIONS: Readonly<Record<string, string>> = { Secret: 'v1', ServiceAccount: 'v1', Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1', PodDisruptionBudget: 'policy/v1' };
const CREATED_NAMESPACES = ['zenml-workspace-ml', 'zenml-workload-manager', 'zenml-pro'];

interface Listed {
  readonly type: 'uninstall-list';
  readonly remove: { releases: { namespace: string; release: string; revision: number; chart: string; status: string }[]; objects: { kind: string; namespace: string; name: string }[]; namespaces: string[] };
  readonly keep: { what: string; name: string; reason: string }[];
  readonly steps: { id: string; commands: string[] }[];
}
interface Summary {
  readonly type: 'uninstall-summary';
  readonly outcome: string;
  readonly removed: Listed['remove'];
  readonly kept: Listed['keep'];
}
const lineOf = <T>(events: readonly unknown[], type: string): T | undefined => events.find((e) => (e as { type?: string }).type === type) as T | undefined;

describe.each(HELMS)('uninstall after an install with $label', ({ label, helm }) => {
  const scratch = new Scratch(`uninstall-${label.replace(' ', '')}`);
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let namespacesBefore: string[];
  let before: Record<string, string>;
  let installJournal: string;
  const uninstall = (...extra: string[]): string[] => ['uninstall', '--dir', dir, '--kubeconfig', sim.info.kubeconfig, '--helm', helm, '--kubectl', KUBECTL, ...extra];

  beforeAll(async () => {
    sim = await startSim(scratch, 'cluster');
    env = scratch.env();
    dir = scratch.path('install');
    sim.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: RESEARCH } });
    sim.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-zenml', namespace: RESEARCH }, data: { owner: 'someone else' } });
    namespacesBefore = sim.kube.list('v1', 'Namespace').map((n) => n.metadata.name ?? '').sort();
    // The service-account controller gives each namespace its `default` account shortly after: the cluster as it settles.
    while (namespacesBefore.some((ns) => !sim.kube.get('v1', 'ServiceAccount', ns, 'default'))) await new Promise((r) => setTimeout(r, 10));
    before = clusterFingerprint(sim, namespacesBefore);
    const answers = writeAnswersCopy(scratch.path('answers', 'answers.yaml'), { edit });
    const installed = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers }), env);
    expect(installed.exitCode, installed.stderr).toBe(0);
    installJournal = readFileSync(join(dir, 'journal.json'), 'utf8');
  });
  afterAll(async () => {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  });

  test('the install journal records which namespaces the installer created', () => {
    const steps = (JSON.parse(installJournal) as { steps: Record<string, { outputs: Record<string, string> }> }).steps;
    expect(steps['namespace:control-plane']?.outputs).toMatchObject({ namespace: 'zenml-pro', created: 'yes' });
    expect(steps['namespace:ml']?.outputs).toMatchObject({ namespace: 'zenml-workspace-ml', created: 'yes' });
    expect(steps['workload-manager:ml']?.outputs).toMatchObject({ namespace: 'zenml-workload-manager', created: 'yes' });
    expect(steps['namespace:research']?.outputs).toMatchObject({ namespace: RESEARCH, created: 'no' });
  });

  test('without --yes and without a terminal it lists what it would remove, refuses with exit 2, and changes nothing', async () => {
    const mark = lastSeq(sim);
    const result = await runInstall(uninstall(), env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('refusing to uninstall without confirmation; nothing was changed');
    expect(result.stderr).toContain('pass --yes');
    expect(result.stdout).toContain('To remove, in this order:');
    for (const release of LISTED_RELEASES) expect(result.stdout).toContain(`    ${release}: revision 1`);
    expect(result.stdout).toContain(`namespace ${RESEARCH}: it existed before the install`);
    expect(mutationsAfter(sim, mark)).toEqual([]);
    expect(existsSync(join(dir, 'uninstall'))).toBe(false);
  });

  test('--yes removes exactly what it listed; the cluster is left as it was before the install; the install directory stays', async () => {
    const secrets = [
      ...Object.values(parse(readFileSync(join(dir, 'generated-secrets.yaml'), 'utf8')) as Record<string, string>),
      ...['sim-db-password', 'sim-enrollment-key'].map((f) => readFileSync(join(REPO_ROOT, 'examples', 'secrets', f), 'utf8').trim()),
    ];
    const result = await runInstall(uninstall('--yes', '--output', 'json'), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    const listed = lineOf<Listed>(result.events, 'uninstall-list');
    expect(listed?.remove.releases.map((r) => `${r.namespace}/${r.release} r${r.revision} ${r.chart} ${r.status}`)).toEqual(
      LISTED_RELEASES.map((r) => `${r} r1 ${r.endsWith('zenml-pro') ? 'zenml-pro' : 'zenml'} deployed`),
    );
    expect(listed?.remove.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`)).toEqual(LISTED_OBJECTS);
    expect(listed?.remove.namespaces).toEqual(CREATED_NAMESPACES);
    expect(listed?.keep.map((k) => `${k.what} ${k.name}`)).toEqual(expect.arrayContaining([
      `namespace ${RESEARCH}`, `generated-secrets ${join(dir, 'generated-secrets.yaml')}`, `install-dir ${dir}`, 'database zenml_pro on mysql.sim.example.com (control plane)',
    ]));
    // Every step the list announced ran, each with the command it printed.
    expect(eventsOf(result.events, 'step-done').map((e) => e.stepId).sort()).toEqual(listed?.steps.map((s) => s.id).sort());
    const ran = eventsOf(result.events, 'command').map((e) => e.commandLine);
    expect(ran.filter((c) => c.startsWith(`${helm} uninstall `))).toHaveLength(3);
    expect(ran).toContain(`${KUBECTL} delete namespace zenml-pro --ignore-not-found --wait=false --context zenml-sim --kubeconfig ${sim.info.kubeconfig}`);

    // Gone: what was listed.
    expect(helmReleases(sim)).toEqual([]);
    for (const o of LISTED_OBJECTS) {
      const [kind = '', at = ''] = o.split(' ');
      const [ns, name = ''] = at.split('/');
      expect(sim.kube.get(API_VERSIONS[kind] ?? '', kind, ns, name), o).toBeUndefined();
    }
    for (const ns of CREATED_NAMESPACES) expect(sim.kube.get('v1', 'Namespace', undefined, ns), ns).toBeUndefined();
    // Nothing else: the namespaces of before, and in them exactly what was there. The one that existed keeps the
    // installer's label and annotation (applying it added them; they are the only trace left).
    expect(sim.kube.list('v1', 'Namespace').map((n) => n.metadata.name ?? '').sort()).toEqual(namespacesBefore);
    const after = clusterFingerprint(sim, namespacesBefore);
    const key = `Namespace /${RESEARCH}`;
    const research = JSON.parse(after[key] ?? '{}') as { labels?: Record<string, string>; annotations?: Record<string, string> };
    expect(research.labels).toMatchObject(MANAGED_BY);
    expect(Object.keys(research.annotations ?? {})).toEqual([DIGEST_ANNOTATION]);
    delete research.annotations;
    for (const label of Object.keys(MANAGED_BY)) delete research.labels?.[label];
    expect({ ...after, [key]: JSON.stringify(research) }).toEqual(before);
    expect(sim.kube.get('v1', 'ConfigMap', RESEARCH, 'not-zenml')).toBeDefined();

    const summary = lineOf<Summary>(result.events, 'uninstall-summary');
    expect(summary?.outcome).toBe('done');
    expect(summary?.removed).toEqual(listed?.remove);
    expect(summary?.kept).toEqual(listed?.keep);

    // Kept: the install directory, its generated secrets and the install journal as the install left it.
    expect(existsSync(join(dir, 'generated-secrets.yaml'))).toBe(true);
    expect(readFileSync(join(dir, 'journal.json'), 'utf8')).toBe(installJournal);
    expect(existsSync(join(dir, 'uninstall', 'journal.json'))).toBe(true);
    const logs = readFileSync(join(dir, 'logs', readdirSync(join(dir, 'logs')).find((f) => f.startsWith('uninstall-')) ?? ''), 'utf8');
    for (const secret of secrets) {
      expect(result.stdout.includes(secret), 'a secret in the output').toBe(false);
      expect(logs.includes(secret), 'a secret in the debug log').toBe(false);
    }
  });

  test('a second uninstall has nothing to remove: exit 0 without asking, and no change', async () => {
    const mark = lastSeq(sim);
    const result = await runInstall(uninstall(), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Nothing to remove: no release, object or namespace of this install is on the cluster.');
    expect(result.stdout).toContain(`namespace ${RESEARCH}: it existed before the install`);
    expect(mutationsAfter(sim, mark)).toEqual([]);
  });

  test('--delete-install-dir refuses a directory no install wrote, and removes the install directory', async () => {
    const notInstall = scratch.path('answers');
    const refused = await runInstall(['uninstall', '--dir', notInstall, '--answers', join(notInstall, 'answers.yaml'), '--kubeconfig', sim.info.kubeconfig, '--yes', '--delete-install-dir'], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`--delete-install-dir: ${notInstall} is not an install directory`);
    expect(existsSync(join(notInstall, 'answers.yaml'))).toBe(true);

    const mark = lastSeq(sim);
    const result = await runInstall(uninstall('--yes', '--delete-install-dir'), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`removed: install directory ${dir}`);
    expect(existsSync(dir)).toBe(false);
    expect(mutationsAfter(sim, mark)).toEqual([]);
  });
});

describe('an interrupted uninstall', () => {
  const helm = HELMS[0]!.helm;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  installedSim('uninstall-resume', helm, (s) => {
    ({ sim, env, dir } = s);
  });

  test('killed with its helm in the middle of the control plane, it is finished by the next run, which lists only what is left', async () => {
    const args = ['uninstall', '--dir', dir, '--kubeconfig', sim.info.kubeconfig, '--helm', helm, '--kubectl', KUBECTL, '--yes', '--output', 'json'];
    const first = new InstallProcess(args, env, { timeoutMs: 60_000, ownGroup: true });
    let ended = false;
    void first.exited.then(() => (ended = true));
    const uninstalling = (): boolean => helmReleases(sim).some((r) => r.namespace === 'zenml-pro' && r.status === 'uninstalling');
    while (!ended && !uninstalling()) await new Promise((r) => setTimeout(r, 2));
    // helm must be mid-operation when it dies, or this scenario tests nothing.
    expect(uninstalling(), 'helm marked the control plane uninstalling').toBe(true);
    // The whole process group: helm dies mid-uninstall too (a closed CI job).
    const killed = await first.killGroup();
    expect(killed.signal).toBe('SIGKILL');
    expect(eventsOf(killed.events, 'step-done').map((e) => e.stepId).sort()).toEqual(['release:workspace-ml', 'release:workspace-research']);

    const resumed = await runInstall(args, env);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^(warning: took over a stale lock: .*\n)?$/);
    const listed = lineOf<Listed>(resumed.events, 'uninstall-list');
    // The workspaces went in the first run; the control plane is listed as the killed helm left it, and helm finishes it.
    expect(listed?.remove.releases.map((r) => `${r.namespace}/${r.release} ${r.status}`)).toEqual(['zenml-pro/zenml-pro uninstalling']);
    expect(listed?.remove.namespaces).toEqual(['zenml-workspace-ml', 'zenml-workspace-research', 'zenml-pro']);
    expect(eventsOf(resumed.events, 'run-started')[0]?.resumed).toBe(true);
    expect(lineOf<Summary>(resumed.events, 'uninstall-summary')?.outcome).toBe('done');
    expect(helmReleases(sim)).toEqual([]);
    for (const ns of ['zenml-workspace-ml', 'zenml-workspace-research', 'zenml-pro']) expect(sim.kube.get('v1', 'Namespace', undefined, ns), ns).toBeUndefined();
  });
});

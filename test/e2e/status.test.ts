// `status` against the simulated cluster after a real install (helm 4 and 3
// write the release records it decodes): with the install directory and
// without it (reading the cluster only), as a table and as JSON; a workspace
// scaled to 0 is not healthy and the exit code says so; no secret value
// reaches any output. One install per helm, shared by every case.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { statusCommand, type StatusOptions } from '../../src/commands/status.js';
import type { StatusReport } from '../../src/plan/status-report.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { secretForms } from '../../src/tools/redact.js';
import { HELMS, KUBECTL, REPO_ROOT, Scratch, installedSim, runInstall, writeAnswersCopy } from '../helpers/install-sim.js';

const SECRETS = ['sim-enrollment-key', 'sim-db-password'].map((f) => readFileSync(join(REPO_ROOT, 'examples', 'secrets', f), 'utf8').trim());
const ML = { workspaceId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', organizationId: '11111111-2222-4333-8444-555555555555' };

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every output of every case, checked for secrets at the end. */
const seen: string[] = [];

async function status(options: StatusOptions): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await statusCommand(options, { info: (l) => out.push(l), warn: (l) => err.push(`warning: ${l}`), error: (l) => err.push(`error: ${l}`) });
  const result = { code, stdout: out.join('\n'), stderr: err.join('\n') };
  seen.push(result.stdout, result.stderr);
  return result;
}

describe.each(HELMS)('status after an install with $label', ({ label, helm }) => {
  let scratch: Scratch;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let target: { kubeconfig: string };

  installedSim(`status-${label.replace(' ', '')}`, helm, (s) => {
    ({ scratch, sim, env, dir } = s);
    target = { kubeconfig: sim.info.kubeconfig };
  });

  test('--dir, as a table: every release deployed, ready and healthy through the ingress; enrollment from the values; exit 0; 80 columns', async () => {
    const r = await status({ dir, ...target, caFile: sim.info.caFile });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    // Long lines wrap where the words fall: compare with the line breaks taken out.
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain(`Context zenml-sim (${sim.kube.url}): releases of the install in ${dir}`);
    expect(lines).toEqual(expect.arrayContaining([
      'COMPONENT      RELEASE    STATUS       CHART   APP     READY  HEALTH',
      'control plane  zenml-pro  deployed r1  0.13.0  0.13.0  2/2    healthy',
      'ml             zenml      deployed r1  0.93.0  0.93.0  1/1    healthy',
      'research       zenml      deployed r1  0.93.0  0.93.0  1/1    healthy',
      'All 3 components are healthy.',
    ]));
    expect(flat).toContain('ml: release zenml in namespace zenml-workspace-ml, chart zenml');
    expect(flat).toMatch(/health: https:\/\/ml\.sim\.example\.com\/health answered 200 through the ingress address 127\.0\.0\.1:\d+ /);
    expect(flat).toContain(`enrollment: enrolled (workspace ${ML.workspaceId}, organization sim)`);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  test('without --dir it reads the cluster only: the same releases as JSON, found in all namespaces, health through the service proxy without the CA', async () => {
    const r = await status({ ...target, output: 'json' });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as StatusReport;
    expect(report).toMatchObject({ context: 'zenml-sim', server: sim.kube.url, source: { kind: 'cluster' }, healthy: true, notes: [] });
    expect(report.controlPlane).toEqual({
      name: 'control-plane', release: 'zenml-pro', namespace: 'zenml-pro', status: 'deployed', revision: 1, chart: 'zenml-pro', chartVersion: '0.13.0', appVersion: '0.13.0',
      deployments: [{ name: 'zenml-pro', desired: 1, ready: 1, found: true }, { name: 'zenml-pro-dashboard', desired: 1, ready: 1, found: true }],
      ready: true,
      health: { state: 'healthy', url: 'https://zenml-pro.sim.example.com/health', status: 200, via: 'service-proxy', path: expect.stringContaining("the API server's service proxy (zenml-pro/") },
      healthy: true,
      problems: [],
    });
    expect(report.workspaces.map((w) => [w.name, w.namespace, w.release, w.status, w.chartVersion, w.ready, w.health.state, w.healthy])).toEqual([
      ['ml', 'zenml-workspace-ml', 'zenml', 'deployed', '0.93.0', true, 'healthy', true],
      ['research', 'zenml-workspace-research', 'zenml', 'deployed', '0.93.0', true, 'healthy', true],
    ]);
    expect(report.workspaces[0]?.enrollment).toEqual({ state: 'enrolled', ...ML, organizationName: 'sim' });
    expect(report.workspaces[1]?.enrollment).toMatchObject({ state: 'enrolled', workspaceId: 'ffffffff-0000-4111-8222-333333333333' });
  });

  test('listing Secrets in all namespaces forbidden: it reads namespace by namespace and says so; --dir reads only the namespaces it names', async () => {
    const [denyAll] = sim.kube.faults.add({ type: 'apiError', status: 403, count: 100, match: { pathIncludes: '/api/v1/secrets' }, message: 'secrets is forbidden: cannot list resource "secrets" at the cluster scope' });
    const [denyOne] = sim.kube.faults.add({ type: 'rbacDeny', verbs: ['list'], resources: ['secrets'], namespaces: ['kube-system'] });
    try {
      const found = await status({ ...target, caFile: sim.info.caFile });
      expect(found.code).toBe(0);
      expect(found.stderr).toMatch(/warning: context "zenml-sim" may not list Secrets in all namespaces: read the \d+ namespaces one by one/);
      expect(found.stderr).toContain('warning: Secrets may not be listed in 1 namespace, not searched: kube-system');
      expect(found.stdout).toContain('All 3 components are healthy.');

      const before = sim.kube.requestLog.list().length;
      const named = await status({ dir, ...target, caFile: sim.info.caFile, output: 'json' });
      expect(named.code).toBe(0);
      expect((JSON.parse(named.stdout) as StatusReport).notes).toEqual([]);
      const paths = sim.kube.requestLog.list().slice(before).map((e) => e.path);
      expect(paths.filter((p) => p === '/api/v1/secrets')).toEqual([]);
      expect(paths).toContain('/api/v1/namespaces/zenml-workspace-research/secrets');
    } finally {
      for (const fault of [denyAll, denyOne]) if (fault) sim.kube.faults.remove(fault.id);
    }
  });

  test('--dir of an install in another cluster (its journal names another cluster uid): exit 3, naming the install\'s context', async () => {
    const elsewhere = scratch.path('elsewhere');
    cpSync(dir, elsewhere, { recursive: true });
    const journal = JSON.parse(readFileSync(join(elsewhere, 'journal.json'), 'utf8')) as { cluster: { uid?: string } };
    journal.cluster.uid = '00000000-0000-4000-8000-000000000000';
    writeFileSync(join(elsewhere, 'journal.json'), JSON.stringify(journal));
    await expect(status({ dir: elsewhere, ...target })).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(new RegExp(`^the install in ${elsewhere} was made in context "zenml-sim" \\(${sim.kube.url}, cluster uid 00000000-0000-4000-8000-000000000000\\); context "zenml-sim" \\(${sim.kube.url}, cluster uid [0-9a-f-]+\\) is another cluster$`)),
    });
  });

  test('--answers naming a workspace that is not installed: it is missing, not enrolled yet, and the exit code is 1', async () => {
    const answers = writeAnswersCopy(scratch.path('more', 'answers.yaml'), {
      edit: (text) => `${text}  - name: extra\n    version: 0.93.0\n    hostname: extra.sim.example.com\n    database: { host: mysql.sim.example.com, name: zenml_extra, username: zenml_extra, password: { fromFile: ./secrets/sim-db-password } }\n`.replace('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`),
    });
    const r = await status({ answers, ...target, caFile: sim.info.caFile, output: 'json' });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as StatusReport;
    expect(report.source).toEqual({ kind: 'answers', path: answers });
    expect(report.healthy).toBe(false);
    expect(report.workspaces.find((w) => w.name === 'extra')).toEqual({
      name: 'extra', release: 'zenml', namespace: 'zenml-workspace-extra', status: 'missing', deployments: [], ready: false,
      health: { state: 'unknown', detail: 'no release' },
      enrollment: { state: 'unknown', reason: 'no release to read it from' },
      healthy: false,
      problems: ['no release zenml in namespace zenml-workspace-extra'],
    });
    expect(report.workspaces.filter((w) => w.healthy).map((w) => w.name)).toEqual(['ml', 'research']);
  });

  test('a workspace scaled to 0 is not healthy: the built CLI exits 1 and says which and why, as a table and as JSON', async () => {
    const kubectl = [KUBECTL, '--kubeconfig', sim.info.kubeconfig, '--context', 'zenml-sim'] as const;
    const scaled = await execa(kubectl[0], [...kubectl.slice(1), '--namespace', 'zenml-workspace-research', 'patch', 'deployment', 'zenml', '--type', 'merge', '-p', '{"spec":{"replicas":0}}'], { env, reject: false });
    expect(scaled.exitCode, scaled.stderr).toBe(0);

    const text = await runInstall(['status', '--dir', dir, '--kubeconfig', sim.info.kubeconfig, '--ca-file', sim.info.caFile], env);
    seen.push(text.stdout, text.stderr);
    expect(text.stderr).toBe('');
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('research       zenml      deployed r1  0.93.0  0.93.0  0/1    healthy');
    expect(text.stdout).toContain('  problem: deployment zenml is scaled to 0');
    expect(text.stdout).toContain('1 of 3 components is not healthy: research.');

    const json = await runInstall(['status', '--kubeconfig', sim.info.kubeconfig, '--output', 'json'], env);
    seen.push(json.stdout, json.stderr);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report.healthy).toBe(false);
    const research = report.workspaces.find((w) => w.name === 'research');
    expect(research).toMatchObject({ status: 'deployed', ready: false, healthy: false, deployments: [{ name: 'zenml', desired: 0, ready: 0, found: true }] });
    // Without the CA the ingress is passed over, and the API server's service proxy finds no pod behind the service.
    expect(research?.health).toMatchObject({ state: 'unhealthy', status: 503, via: 'service-proxy', detail: 'no endpoints available for service "zenml"' });
    expect(research?.problems).toEqual(['deployment zenml is scaled to 0', expect.stringMatching(/^https:\/\/research\.sim\.example\.com\/health answered 503 through the API server's service proxy/)]);
    expect(report.controlPlane?.healthy).toBe(true);
  });
});

describe('status without a reachable cluster or with bad input', () => {
  const scratch = new Scratch('status-input');
  afterAll(() => scratch.cleanup());

  test('a cluster that does not answer: exit 3 through the CLI, naming the context; no stack trace', async () => {
    const kubeconfig = scratch.path('kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: far-away',
      'clusters: [{ name: far, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
      'users: [{ name: me, user: { token: not-a-secret } }]',
      'contexts: [{ name: far-away, context: { cluster: far, user: me } }]', '',
    ].join('\n'), { mode: 0o600 });
    const r = await runInstall(['status', '--kubeconfig', kubeconfig], scratch.env());
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: cannot read the cluster of context "far-away" (https://127.0.0.1:1)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('bad input names the flag and the fix (exit 2) before any cluster is contacted', async () => {
    const notInstall = scratch.path('empty');
    await expect(status({ dir: notInstall })).rejects.toThrow(`--dir ${notInstall} is not an install directory: it has no answers.yaml`);
    await expect(status({ kubeconfig: '/nonexistent/kubeconfig', resolve: ['zenml.example.com'] })).rejects.toMatchObject({
      message: expect.stringContaining('--resolve zenml.example.com: expected host=address:port'), exitCode: 2,
    });
    const cli = await runInstall(['status', '--output', 'yaml'], scratch.env());
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain("option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are text, json.");
  });
});

test('no output of any case holds a secret value of examples/secrets (the enrollment key, the database password) in any encoding', () => {
  expect(seen.length).toBeGreaterThan(10);
  for (const secret of SECRETS) {
    for (const form of secretForms(secret)) for (const text of seen) expect(text).not.toContain(form);
  }
});

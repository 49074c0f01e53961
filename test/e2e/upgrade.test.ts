// Day 2: `upgrade` takes what examples/sim.yaml installed (control plane
// 0.13.0, workspaces 0.93.0) to what examples/sim-upgrade.yaml names (0.14.0,
// 0.93.2): refused before any change when it would downgrade or when the
// databases are not said to be backed up; otherwise the control plane first,
// then one workspace at a time, each backed up, with helm's rollback on
// failure. Encryption keys and JWT secrets stay byte-identical, values set by
// hand on a release survive, a failing migration rolls that release back and
// stops before the next one, and a re-run after the fix finishes. Real helm
// (4 and 3) and kubectl against the simulated cluster.
import { existsSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Simulation } from '../../src/sim/simulation.js';
import { liveSecrets } from '../../src/plan/carry-forward.js';
import {
  HELMS, InstallProcess, KUBECTL, REPO_ROOT, Scratch, eventsOf, finished, helmReleases, installArgs, installedSim, lastSeq, mutationsAfter, releaseLines, runInstall, runTool, startSim, untilPendingRevision, waitForNoTools,
} from '../helpers/install-sim.js';
import type { EngineEvent } from '../../src/engine/events.js';

const UPGRADE = join(REPO_ROOT, 'examples', 'sim-upgrade.yaml');

/** The upgrade command line, as an operator in CI runs it. */
function upgradeArgs(o: { kubeconfig: string; dir: string; helm: string; answers?: string; extra?: readonly string[] }): string[] {
  return ['upgrade', '--answers', o.answers ?? UPGRADE, '--kubeconfig', o.kubeconfig, '--dir', o.dir, '--helm', o.helm, '--kubectl', KUBECTL, '--output', 'json', ...(o.extra ?? [])];
}

/** The secrets each workspace release runs with, by slot key. */
function workspaceSecrets(sim: Simulation): Record<string, string> {
  const latest = new Map<string, { config: Record<string, unknown> }>();
  for (const r of helmReleases(sim)) if (r.status === 'deployed') latest.set(r.namespace, r);
  const out: Record<string, string> = {};
  for (const name of ['ml', 'research']) {
    const r = latest.get(`zenml-workspace-${name}`);
    for (const [slot, value] of liveSecrets({ workspace: name }, r?.config ?? {})) if (!slot.includes('enrollment')) out[slot] = value;
  }
  return out;
}

describe.each(HELMS)('upgrade with $label', ({ label, helm }) => {
  let scratch: Scratch;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let before: Record<string, string>;

  installedSim(`upgrade-${label.replace(' ', '')}`, helm, async (s) => {
    ({ scratch, sim, env, dir } = s);
    // A value set by hand on the ml release, outside the answers (as `helm upgrade --reuse-values --set` does).
    const set = await runTool(helm, ['upgrade', 'zenml', join(REPO_ROOT, '.tools', 'charts', 'zenml-0.93.0.tgz'), '--namespace', 'zenml-workspace-ml', '--reuse-values', '--set', 'server.podAnnotations.team=ml', '--kube-context', 'zenml-sim', '--kubeconfig', sim.info.kubeconfig, '--wait'], env);
    expect(set.status, set.stderr).toBe(0);
    before = workspaceSecrets(sim);
  });

  test('a downgrade, and an upgrade without the databases said to be backed up, are refused before any change', async () => {
    const seq = lastSeq(sim);
    const downgrade = scratch.path('downgrade.yaml');
    writeFileSync(downgrade, readFileSync(UPGRADE, 'utf8').replaceAll('../.tools/charts/', `${join(REPO_ROOT, '.tools', 'charts')}/`).replaceAll('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`).replace('zenml-0.93.2.tgz', 'zenml-0.92.0.tgz').replaceAll('version: 0.93.2', 'version: 0.92.0'), { mode: 0o600 });
    const refused = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers: downgrade, extra: ['--yes', '--backup-confirmed'] }), env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('0.93.0');
    expect(refused.stderr).toContain('0.92.0');
    const noBackup = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, extra: ['--yes'] }), env);
    expect(noBackup.exitCode).toBe(2);
    expect(noBackup.stderr).toContain('--backup-confirmed');
    expect(noBackup.stderr).toMatch(/MYSQL_PWD=… mysqldump --host mysql\.sim\.example\.com/);
    expect(mutationsAfter(sim, seq)).toEqual([]);
  });

  test('a failing migration rolls that release back with its values and stops before the next release', async () => {
    sim.kube.faults.add({ type: 'jobFailure', match: { kind: 'Job', name: 'zenml-db-migration', namespace: 'zenml-workspace-ml' }, logLines: ['alembic: cannot upgrade'], exitCode: 1 });
    const mlBefore = helmReleases(sim).filter((r) => r.namespace === 'zenml-workspace-ml').at(-1);
    const failed = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, extra: ['--yes', '--backup-confirmed'] }), env);
    expect(failed.exitCode).toBe(1);
    const step = eventsOf(failed.events, 'step-failed');
    expect(step.map((e) => e.stepId)).toEqual(['release:workspace-ml']);
    expect(step[0]?.message).toContain('helm rolled zenml back');
    expect(step[0]?.next.join('\n')).toContain('a chart rollback does not undo a database migration');
    expect(step[0]?.next.join('\n')).toContain(join(dir, 'backups', 'workspace-ml-0.93.0'));
    const ml = helmReleases(sim).filter((r) => r.namespace === 'zenml-workspace-ml').at(-1);
    expect(ml).toMatchObject({ status: 'deployed', chartVersion: '0.93.0' });
    expect(ml?.config).toEqual(mlBefore?.config);
    // The control plane went first; research was not touched.
    expect(releaseLines(sim).filter((l) => l.includes('deployed'))).toEqual(expect.arrayContaining(['zenml-pro/zenml-pro r2 deployed 0.14.0', 'zenml-workspace-research/zenml r1 deployed 0.93.0']));
    sim.kube.faults.clear();
  });

  test('after the fix the same upgrade finishes: order, identical keys, hand-set value kept, backups 0600', async () => {
    const seq = lastSeq(sim);
    const done = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, extra: ['--yes', '--backup-confirmed'] }), env);
    // Shown before anything changed (on stderr: stdout is the NDJSON): each release's versions, what was set by hand, the values diff, secrets masked.
    expect(done.stderr).toContain('zenml-workspace-ml/zenml: 0.93.0 → 0.93.2');
    expect(done.stderr).toContain('kept, set by hand on the running release: server.podAnnotations.team');
    expect(done.stderr).toMatch(/^ {4}[-+] .*0\.93\.2/m);
    for (const secret of Object.values(before)) expect(done.stderr + done.stdout).not.toContain(secret);
    expect(done.exitCode).toBe(0);
    expect(finished(done)?.outcome).toBe('done');
    // Revisions advance in order: the control plane was already upgraded; ml before research.
    const firstWrite = (ns: string): number => sim.kube.requestLog.list().findIndex((e) => e.seq > seq && e.mutating && e.path.startsWith(`/api/v1/namespaces/${ns}/secrets`));
    expect(firstWrite('zenml-workspace-ml')).toBeGreaterThan(-1);
    expect(firstWrite('zenml-workspace-ml')).toBeLessThan(firstWrite('zenml-workspace-research'));
    const deployed = releaseLines(sim).filter((l) => l.includes(' deployed '));
    expect(deployed.map((l) => l.replace(/ r\d+ /, ' '))).toEqual(['zenml-pro/zenml-pro deployed 0.14.0', 'zenml-workspace-ml/zenml deployed 0.93.2', 'zenml-workspace-research/zenml deployed 0.93.2']);
    expect(workspaceSecrets(sim)).toEqual(before);
    expect(Object.keys(before)).toHaveLength(4);
    const ml = helmReleases(sim).filter((r) => r.namespace === 'zenml-workspace-ml').at(-1);
    expect((ml?.config as { server?: { podAnnotations?: Record<string, string> } }).server?.podAnnotations?.team).toBe('ml');
    for (const folder of readdirSync(join(dir, 'backups'))) {
      expect(statSync(join(dir, 'backups', folder)).mode & 0o777).toBe(0o700);
      for (const file of ['values.yaml', 'manifest.yaml']) expect(statSync(join(dir, 'backups', folder, file)).mode & 0o777).toBe(0o600);
    }
    // Again: nothing left to do.
    const again = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, extra: ['--yes', '--backup-confirmed'] }), env);
    expect(again.exitCode).toBe(0);
    expect(finished(again)?.outcome).toBe('up-to-date');
    // The answers the deployment was installed from are stale now: install refuses to downgrade with them.
    const mark = lastSeq(sim);
    const stale = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm }), env);
    expect(stale.exitCode).toBe(3);
    expect(eventsOf(stale.events, 'step-failed')[0]?.message).toContain('release zenml-pro in zenml-pro runs chart 0.14.0, and the answers name 0.13.0: that would be a downgrade');
    expect(mutationsAfter(sim, mark).filter((m) => m.path.includes('/secrets'))).toEqual([]);
  });

  test('a deployment installed with plain helm (no install directory) is discovered and upgraded, keeping its keys', async () => {
    const sim2 = await startSim(scratch, 'plain');
    try {
      const rendered = scratch.path('rendered');
      const render = await runInstall(['render', '--answers', join(REPO_ROOT, 'examples', 'sim.yaml'), '--dir', rendered], env);
      expect(render.exitCode, render.stderr).toBe(0);
      const charts = join(REPO_ROOT, '.tools', 'charts');
      for (const [name, ns, chart, values] of [['zenml-pro', 'zenml-pro', 'zenml-pro-0.13.0.tgz', 'control-plane.yaml'], ['zenml', 'zenml-workspace-ml', 'zenml-0.93.0.tgz', 'workspace-ml.yaml'], ['zenml', 'zenml-workspace-research', 'zenml-0.93.0.tgz', 'workspace-research.yaml']] as const) {
        const r = await runTool(helm, ['install', name, join(charts, chart), '--namespace', ns, '--create-namespace', '--values', join(rendered, 'values', values), '--wait', '--kube-context', 'zenml-sim', '--kubeconfig', sim2.info.kubeconfig], env);
        expect(r.status, r.stderr).toBe(0);
      }
      const keys = workspaceSecrets(sim2);
      const seq = lastSeq(sim2);
      const fresh = scratch.path('adopted');
      expect(existsSync(fresh)).toBe(false);
      const up = await runInstall(upgradeArgs({ kubeconfig: sim2.info.kubeconfig, dir: fresh, helm, extra: ['--yes', '--backup-confirmed'] }), env);
      expect(up.stderr).toContain('zenml-pro/zenml-pro: 0.13.0 → 0.14.0');
      expect(up.exitCode).toBe(0);
      expect(releaseLines(sim2).filter((l) => l.includes(' deployed ')).map((l) => l.replace(/ r\d+ /, ' '))).toEqual(['zenml-pro/zenml-pro deployed 0.14.0', 'zenml-workspace-ml/zenml deployed 0.93.2', 'zenml-workspace-research/zenml deployed 0.93.2']);
      expect(workspaceSecrets(sim2)).toEqual(keys);
      // Revisions advance in order: the control plane, then ml, then research (the request log).
      const firstWrite = (ns: string): number => sim2.kube.requestLog.list().findIndex((e) => e.seq > seq && e.mutating && e.path.startsWith(`/api/v1/namespaces/${ns}/secrets`));
      expect(firstWrite('zenml-pro')).toBeGreaterThan(-1);
      expect(firstWrite('zenml-pro')).toBeLessThan(firstWrite('zenml-workspace-ml'));
      expect(firstWrite('zenml-workspace-ml')).toBeLessThan(firstWrite('zenml-workspace-research'));
    } finally {
      await waitForNoTools(sim2.info.kubeconfig, 10_000);
      await sim2.close();
    }
  });
});

test('a deployment installed with helm 3 is upgraded with helm 4 (server-side apply) without a field-ownership conflict', async () => {
  const scratch = new Scratch('upgrade-helm3-to-4');
  const [helm4, helm3] = [HELMS[0]?.helm ?? '', HELMS[1]?.helm ?? ''];
  const sim = await startSim(scratch, 'cluster');
  try {
    const env = scratch.env();
    const dir = scratch.path('install');
    const installed = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm: helm3 }), env);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const up = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm: helm4, extra: ['--yes', '--backup-confirmed'] }), env);
    expect(up.exitCode, up.stdout.slice(-2000)).toBe(0);
    expect(releaseLines(sim).filter((l) => l.includes(' deployed ')).map((l) => l.replace(/ r\d+ /, ' '))).toEqual(['zenml-pro/zenml-pro deployed 0.14.0', 'zenml-workspace-ml/zenml deployed 0.93.2', 'zenml-workspace-research/zenml deployed 0.93.2']);
  } finally {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  }
});

test.each(HELMS)('an upgrade killed while helm upgrades a workspace resumes and ends as an uninterrupted one ($label)', async ({ label, helm }) => {
  const scratch = new Scratch(`upgrade-kill-${label.replace(' ', '')}`);
  const sim = await startSim(scratch, 'cluster');
  try {
    const env = scratch.env();
    const dir = scratch.path('install');
    const installed = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm }), env);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const before = workspaceSecrets(sim);
    const first = new InstallProcess(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, extra: ['--yes', '--backup-confirmed'] }), env);
    await first.until((e: EngineEvent) => e.type === 'step-started' && e.stepId === 'release:workspace-ml');
    expect(await untilPendingRevision(sim, { namespace: 'zenml-workspace-ml', name: 'zenml' }, first), 'helm created its pending revision').toBe(true);
    expect((await first.kill()).signal).toBe('SIGKILL');
    const resumed = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, extra: ['--yes', '--backup-confirmed'] }), env);
    expect(resumed.exitCode, resumed.stdout.slice(-2000)).toBe(0);
    expect(releaseLines(sim).filter((l) => l.includes(' deployed ')).map((l) => l.replace(/ r\d+ /, ' '))).toEqual(['zenml-pro/zenml-pro deployed 0.14.0', 'zenml-workspace-ml/zenml deployed 0.93.2', 'zenml-workspace-research/zenml deployed 0.93.2']);
    expect(helmReleases(sim).filter((r) => r.status.startsWith('pending'))).toEqual([]);
    expect(workspaceSecrets(sim)).toEqual(before);
  } finally {
    await waitForNoTools(sim.info.kubeconfig, 30_000);
    await sim.close();
    scratch.cleanup();
  }
});

test.each(HELMS)('an OSS workspace release becomes a Pro workspace, enrolled, keeping its encryption key and JWT secret ($label)', async ({ label, helm }) => {
  const scratch = new Scratch(`upgrade-oss-${label.replace(' ', '')}`);
  const sim = await startSim(scratch, 'cluster');
  try {
    const env = scratch.env();
    // The self-hosted example with only its ml workspace: the control plane is installed, ml is migrated.
    const text = readFileSync(join(REPO_ROOT, 'examples', 'sim-self-hosted.yaml'), 'utf8')
      .replaceAll('../.tools/charts/', `${join(REPO_ROOT, '.tools', 'charts')}/`)
      .replaceAll('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`);
    const answers = scratch.path('pro.yaml');
    writeFileSync(answers, text.slice(0, text.indexOf('  - name: research')), { mode: 0o600 });
    // The OSS server as the zenml chart runs it without the installer: no Pro settings, the OSS image, its own keys.
    const rendered = scratch.path('rendered');
    const render = await runInstall(['render', '--answers', answers, '--dir', rendered], env);
    expect(render.exitCode, render.stderr).toBe(0);
    const values = parse(readFileSync(join(rendered, 'values', 'workspace-ml.yaml'), 'utf8')) as { server: Record<string, unknown> };
    delete values.server.pro;
    values.server.image = { repository: 'zenmldocker/zenml-server', tag: '0.93.0' };
    const oss = scratch.path('oss-values.yaml');
    writeFileSync(oss, stringify(values), { mode: 0o600 });
    const installed = await runTool(helm, ['install', 'zenml', join(REPO_ROOT, '.tools', 'charts', 'zenml-0.93.0.tgz'), '--namespace', 'zenml-workspace-ml', '--create-namespace', '--values', oss, '--wait', '--kube-context', 'zenml-sim', '--kubeconfig', sim.info.kubeconfig], env);
    expect(installed.status, installed.stderr).toBe(0);
    const keys = liveSecrets({ workspace: 'ml' }, helmReleases(sim).at(-1)?.config ?? {});
    expect([...keys.keys()].sort()).toEqual(['workspaces.ml.encryptionKey', 'workspaces.ml.jwtSecretKey']);

    const dir = scratch.path('install');
    const up = await runInstall(upgradeArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers, extra: ['--yes', '--backup-confirmed', '--ca-file', sim.info.caFile] }), env);
    expect(up.exitCode, up.stdout.slice(-2000)).toBe(0);
    // Shown as a change of the workspace release, with the Pro settings added.
    expect(up.stderr).toContain('zenml-workspace-ml/zenml: 0.93.0, values change only');
    expect(up.stderr).toMatch(/^ {4}\+ {2}pro:/m);
    const ml = helmReleases(sim).filter((r) => r.namespace === 'zenml-workspace-ml').at(-1);
    expect(ml?.status).toBe('deployed');
    const server = (ml?.config as { server: { pro?: { enabled?: boolean; workspaceID?: string }; image?: { repository?: string } } }).server;
    expect(server.pro?.enabled).toBe(true);
    expect(server.pro?.workspaceID).toBe(sim.controlPlane.state.workspaces.find((w) => w.name === 'ml')?.id);
    expect(server.image?.repository).toContain('zenml-pro-server');
    const after = liveSecrets({ workspace: 'ml' }, ml?.config ?? {});
    expect(after.get('workspaces.ml.encryptionKey')).toBe(keys.get('workspaces.ml.encryptionKey'));
    expect(after.get('workspaces.ml.jwtSecretKey')).toBe(keys.get('workspaces.ml.jwtSecretKey'));
  } finally {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  }
});

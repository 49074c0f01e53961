// Day 2, going back: after examples/sim.yaml is installed and upgraded with
// examples/sim-upgrade.yaml, `rollback ml` puts the ml workspace back on
// chart 0.93.0 with exactly the values it ran before the upgrade, after
// showing the revisions, the values diff (secrets masked) and the database
// migration the rollback does not undo. Every refusal (no component, a
// revision that does not exist, no terminal and no --yes) changes nothing in
// the cluster; a helm failure exits 1 with helm's own words. Real helm (4 and
// 3) and kubectl against the simulated cluster.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { liveSecrets } from '../../src/plan/carry-forward.js';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  HELMS, KUBECTL, REPO_ROOT, helmReleases, installedSim, lastSeq, mutationsAfter, releaseLines, runInstall, type HelmRelease,
} from '../helpers/install-sim.js';

const UPGRADE = join(REPO_ROOT, 'examples', 'sim-upgrade.yaml');

function rollbackArgs(o: { kubeconfig: string; dir: string; helm: string; component?: string; extra?: readonly string[] }): string[] {
  return ['rollback', ...(o.component ? [o.component] : []), '--dir', o.dir, '--kubeconfig', o.kubeconfig, '--helm', o.helm, '--kubectl', KUBECTL, ...(o.extra ?? [])];
}

const latest = (sim: Simulation, namespace: string): HelmRelease | undefined => helmReleases(sim).filter((r) => r.namespace === namespace).at(-1);

/** Every secret value any revision of any release holds, and the database password the answers give. */
function secretValues(sim: Simulation): string[] {
  const values = new Set<string>([readFileSync(join(REPO_ROOT, 'examples', 'secrets', 'sim-db-password'), 'utf8').trim()]);
  for (const r of helmReleases(sim)) {
    const component = r.namespace === 'zenml-pro' ? 'control-plane' : { workspace: r.namespace.replace('zenml-workspace-', '') };
    for (const [slot, value] of liveSecrets(component, r.config)) if (/(Key|Password)$/.test(slot)) values.add(value);
  }
  return [...values];
}

describe.each(HELMS)('rollback with $label', ({ label, helm }) => {
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let mlBefore: HelmRelease | undefined;

  installedSim(`rollback-${label.replace(' ', '')}`, helm, async (s) => {
    ({ sim, env, dir } = s);
    mlBefore = latest(sim, 'zenml-workspace-ml');
    const upgraded = await runInstall(['upgrade', '--answers', UPGRADE, '--kubeconfig', sim.info.kubeconfig, '--dir', dir, '--helm', helm, '--kubectl', KUBECTL, '--output', 'json', '--yes', '--backup-confirmed'], env);
    expect(upgraded.exitCode, upgraded.stderr).toBe(0);
    expect(latest(sim, 'zenml-workspace-ml')).toMatchObject({ status: 'deployed', chartVersion: '0.93.2' });
  });

  test('refusals change nothing: no COMPONENT lists the components, --revision 99, an unknown component, no terminal without --yes', async () => {
    const seq = lastSeq(sim);
    const kubeconfig = sim.info.kubeconfig;

    const none = await runInstall(rollbackArgs({ kubeconfig, dir, helm }), env);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('name the component to roll back');
    expect(none.stderr).toMatch(/control-plane +zenml-pro\/zenml-pro: now revision 2 \(chart 0\.14\.0, deployed\); previous: revision 1 \(chart 0\.13\.0, superseded\)/);
    expect(none.stderr).toMatch(/ml +zenml-workspace-ml\/zenml: now revision 2 \(chart 0\.93\.2, deployed\); previous: revision 1 \(chart 0\.93\.0, superseded\)/);
    expect(none.stderr).toMatch(/research +zenml-workspace-research\/zenml: now revision 2/);

    const missing = await runInstall(rollbackArgs({ kubeconfig, dir, helm, component: 'ml', extra: ['--revision', '99', '--yes'] }), env);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--revision 99: release zenml-workspace-ml/zenml has no such revision');
    expect(missing.stderr).toContain('pass one it has: 1 (0.93.0, superseded)');

    const current = await runInstall(rollbackArgs({ kubeconfig, dir, helm, component: 'ml', extra: ['--revision', '2', '--yes'] }), env);
    expect(current.exitCode).toBe(2);
    expect(current.stderr).toContain('--revision 2 is the revision zenml-workspace-ml/zenml runs now');

    const notANumber = await runInstall(rollbackArgs({ kubeconfig, dir, helm, component: 'ml', extra: ['--revision', 'last'] }), env);
    expect(notANumber.exitCode).toBe(2);
    expect(notANumber.stderr).toContain('--revision takes a revision number');

    const unknown = await runInstall(rollbackArgs({ kubeconfig, dir, helm, component: 'nlp' }), env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('COMPONENT "nlp" is not in');
    expect(unknown.stderr).toContain('name one of: control-plane, ml, research');

    // Stdin is not a terminal here: everything is shown, then it refuses to go on without --yes.
    const unconfirmed = await runInstall(rollbackArgs({ kubeconfig, dir, helm, component: 'ml' }), env);
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stdout).toContain('zenml-workspace-ml/zenml: revision 2 (chart 0.93.2, deployed) → revision 1 (chart 0.93.0, superseded)');
    expect(unconfirmed.stderr).toContain('refusing to roll back without confirmation; nothing was changed');
    expect(unconfirmed.stderr).toContain('pass --yes');

    expect(mutationsAfter(sim, seq)).toEqual([]);
    expect(latest(sim, 'zenml-workspace-ml')).toMatchObject({ revision: 2, status: 'deployed', chartVersion: '0.93.2' });
  });

  test('rollback ml --yes: back on 0.93.0 with the values from before the upgrade, after the diff and the migration warning; no secret shown', async () => {
    const seq = lastSeq(sim);
    const secrets = secretValues(sim);
    const done = await runInstall(rollbackArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, component: 'ml', extra: ['--yes'] }), env);
    expect(done.exitCode, done.stderr).toBe(0);

    // Shown before the change: the revisions, the values diff with secrets masked, the migration it leaves in place and where the export is.
    expect(done.stdout).toContain('zenml-workspace-ml/zenml: revision 2 (chart 0.93.2, deployed) → revision 1 (chart 0.93.0, superseded)');
    expect(done.stdout).toContain('values, from revision 2 to revision 1 (secrets as ***):');
    expect(done.stdout).toMatch(/^ {4}-\s+tag: 0\.93\.2$/m);
    expect(done.stdout).toMatch(/^ {4}\+\s+tag: 0\.93\.0$/m);
    expect(done.stdout).toContain('***');
    expect(done.stderr).toContain('a chart rollback does not undo the database migration that chart 0.93.2 ran on database zenml_ml on mysql.sim.example.com; if the newer version migrated the schema, restore the database from the backup taken before the upgrade');
    expect(done.stderr).toContain(join(dir, 'backups', 'workspace-ml-0.93.0'));
    expect(done.stdout).toContain(`running: ${helm} rollback zenml 1 --namespace zenml-workspace-ml --wait --timeout 600s --kube-context zenml-sim --kubeconfig ${sim.info.kubeconfig}`);
    expect(done.stdout).toContain('rolled back zenml-workspace-ml/zenml: now revision 3 (chart 0.93.0, deployed), with the values of revision 1');
    expect(done.stdout).toMatch(/^ {2}zenml +1\/1 ready$/m);
    // The answers copy still names the upgrade's version: said, so a later upgrade is no surprise.
    expect(done.stderr).toContain('still names version 0.93.2 for ml');
    for (const secret of secrets) expect(done.stdout + done.stderr).not.toContain(secret);

    const ml = latest(sim, 'zenml-workspace-ml');
    expect(ml).toMatchObject({ revision: 3, status: 'deployed', chartVersion: '0.93.0' });
    expect(ml?.config).toEqual(mlBefore?.config);
    // Only the ml release changed.
    expect(releaseLines(sim).filter((l) => l.includes(' deployed '))).toEqual([
      'zenml-pro/zenml-pro r2 deployed 0.14.0', 'zenml-workspace-ml/zenml r3 deployed 0.93.0', 'zenml-workspace-research/zenml r2 deployed 0.93.2',
    ]);
    const touched = new Set(mutationsAfter(sim, seq).map((m) => /\/namespaces\/([^/]+)\//.exec(m.path)?.[1]));
    expect([...touched]).toEqual(['zenml-workspace-ml']);
  });

  test('a helm failure exits 1 with helm\'s error tail', async () => {
    sim.kube.faults.add({ type: 'rbacDeny', verbs: ['create', 'update', 'patch', 'delete'], resources: ['deployments'], namespaces: ['zenml-workspace-research'] });
    try {
      const failed = await runInstall(rollbackArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, component: 'research', extra: ['--yes'] }), env);
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain('rolling release zenml back to revision 1 failed');
      expect(failed.stderr).toMatch(/ran: .*rollback zenml 1 --namespace zenml-workspace-research/);
      expect(failed.stderr).toMatch(/forbidden/i);
      expect(failed.stdout).not.toContain('rolled back');
    } finally {
      sim.kube.faults.clear();
    }
  });
});

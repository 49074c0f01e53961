// `upgrade --rehearse`: what runs is copied into the in-process simulation and
// upgraded there first. A value set by hand that the new workspace chart
// refuses would fail the real upgrade half-way (after the control plane moved);
// the rehearsal finds it with the real cluster untouched, and its report says
// where. Without the value the rehearsal passes and the real upgrade follows.
// Real helm 4 and kubectl; the "real" cluster is a simulation too.
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { liveSecrets } from '../../src/plan/carry-forward.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { HELMS, KUBECTL, REPO_ROOT, helmReleases, installedSim, lastSeq, mutationsAfter, releaseLines, runInstall, runTool } from '../helpers/install-sim.js';

const helm = HELMS[0]?.helm ?? '';
const UPGRADE = join(REPO_ROOT, 'examples', 'sim-upgrade.yaml');

describe('upgrade --rehearse', () => {
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let tmp: string;
  const upgrade = (): string[] => ['upgrade', '--answers', UPGRADE, '--kubeconfig', sim.info.kubeconfig, '--dir', dir, '--helm', helm, '--kubectl', KUBECTL, '--output', 'json', '--yes', '--backup-confirmed', '--rehearse'];
  const reports = (): string[] => readdirSync(join(dir, 'rehearsals')).filter((f) => f.endsWith('.md')).sort();

  // The rehearsal's own files go under TMPDIR: this test's, to see that none are left.
  installedSim('upgrade-rehearse', helm, async (s) => {
    ({ sim, env, dir } = s);
    tmp = env.TMPDIR ?? '';
    const set = await runTool(helm, ['upgrade', 'zenml', join(REPO_ROOT, '.tools', 'charts', 'zenml-0.93.0.tgz'), '--namespace', 'zenml-workspace-ml', '--reuse-values', '--set', 'server.standInRemoved=true', '--kube-context', 'zenml-sim', '--kubeconfig', sim.info.kubeconfig, '--wait'], env);
    expect(set.status, set.stderr).toBe(0);
  }, {
    env: (scratch) => {
      const dir = scratch.path('tmp');
      mkdirSync(dir);
      return { ...scratch.env(), TMPDIR: dir };
    },
  });

  test('a change that would fail half-way is found in the simulation, the real cluster untouched', async () => {
    const seq = lastSeq(sim);
    const before = releaseLines(sim);
    const refused = await runInstall(upgrade(), env);
    expect(refused.exitCode, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('the rehearsal on the simulated cluster failed at "Upgrade release zenml in zenml-workspace-ml');
    expect(refused.stderr).toContain('server.standInRemoved is no longer read from chart 0.93.2 on');
    expect(refused.stderr).toContain('nothing was changed on zenml-sim');
    // In the rehearsal the control plane went first and passed: for real, it would have been upgraded before ml failed.
    expect(refused.stderr).toMatch(/rehearsal ✓ Upgrade release zenml-pro in zenml-pro: 0\.13\.0 → 0\.14\.0/);
    expect(mutationsAfter(sim, seq)).toEqual([]);
    expect(releaseLines(sim)).toEqual(before);
    const [report] = reports();
    const file = join(dir, 'rehearsals', report ?? '');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Upgrade rehearsal: FAILED');
    expect(text).toContain('copied zenml-workspace-ml/zenml revision 2 (chart 0.93.0)');
    expect(text).toContain('standInRemoved');
    expect(text).toContain('## What a rehearsal cannot tell');
    // No secret of the running releases in the report.
    const secrets = helmReleases(sim).flatMap((r) => [...liveSecrets({ workspace: r.namespace.replace('zenml-workspace-', '') }, r.config)].filter(([slot]) => /encryptionKey|jwtSecretKey|enrollmentKey/.test(slot)).map(([, value]) => value));
    expect(secrets.length).toBeGreaterThan(0);
    for (const value of secrets) expect(text).not.toContain(value);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test('without that value the rehearsal passes and the real upgrade follows', async () => {
    const reset = await runTool(helm, ['rollback', 'zenml', '1', '--namespace', 'zenml-workspace-ml', '--kube-context', 'zenml-sim', '--kubeconfig', sim.info.kubeconfig, '--wait'], env);
    expect(reset.status, reset.stderr).toBe(0);
    const done = await runInstall(upgrade(), env);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stderr).toContain('Rehearsal passed on the simulated cluster');
    expect(releaseLines(sim).filter((l) => l.includes(' deployed ')).map((l) => l.replace(/ r\d+ /, ' '))).toEqual(['zenml-pro/zenml-pro deployed 0.14.0', 'zenml-workspace-ml/zenml deployed 0.93.2', 'zenml-workspace-research/zenml deployed 0.93.2']);
    expect(readFileSync(join(dir, 'rehearsals', reports().at(-1) ?? ''), 'utf8')).toContain('# Upgrade rehearsal: passed');
    expect(readdirSync(tmp)).toEqual([]);
  });
});

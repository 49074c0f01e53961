// kill -9 of the installer at every step boundary and in the middle of every
// helm release, each time on a fresh simulated cluster: the next `install`
// finishes, and the cluster ends exactly as after an uninterrupted run
// (releases and their revisions, every object, pods per owner), with the
// install directory's generated secrets untouched.
//
// To compare whole clusters, every scenario starts from the baseline's
// generated-secrets.yaml (as a user re-using an install directory would), so
// the same answers render the same values.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import {
  HELMS, InstallProcess, Scratch, clusterFingerprint, eventsOf, finished, helmReleases, installArgs, releaseLines, runInstall, startSim, toolProcesses, untilPendingRevision, waitForNoTools,
} from '../helpers/install-sim.js';

const NAMESPACES = ['zenml-pro', 'zenml-workspace-ml', 'zenml-workspace-research'];
/** The steps of examples/sim.yaml that end with step-done (the enrollments are skipped: manual). */
const DONE_STEPS = [
  'target', 'namespace:control-plane', 'namespace:ml', 'namespace:research', 'release:control-plane', 'ready:control-plane',
  'release:workspace-ml', 'release:workspace-research', 'ready:ml', 'ready:research', 'report',
];
const RELEASES: Record<string, { namespace: string; name: string }> = {
  'release:control-plane': { namespace: 'zenml-pro', name: 'zenml-pro' },
  'release:workspace-ml': { namespace: 'zenml-workspace-ml', name: 'zenml' },
  'release:workspace-research': { namespace: 'zenml-workspace-research', name: 'zenml' },
};

/**
 * after: kill -9 of the installer when the step's step-done event shows.
 * mid-helm: kill -9 of the installer while its helm has a pending revision;
 *   helm lives on (orphaned), slowed by late pod readiness so that the next
 *   run finds it still working and must wait for it.
 * mid-helm-group: kill -9 of the whole process group at the same moment; helm
 *   dies too and leaves the pending revision behind for the next run to clear.
 */
type Scenario = { readonly kind: 'after' | 'mid-helm' | 'mid-helm-group'; readonly step: string };
const everyBoundary: Scenario[] = [
  ...DONE_STEPS.map((step): Scenario => ({ kind: 'after', step })),
  ...Object.keys(RELEASES).map((step): Scenario => ({ kind: 'mid-helm', step })),
  // Both workspace releases run at once: the group kill leaves two dead helms behind.
  { kind: 'mid-helm-group', step: 'release:workspace-ml' },
];
// helm 3 runs a representative subset to keep the file's time reasonable: every
// release's middle, a group kill, and the boundary between the control plane and the workspaces.
const representative: Scenario[] = [
  ...Object.keys(RELEASES).map((step): Scenario => ({ kind: 'mid-helm', step })),
  { kind: 'mid-helm-group', step: 'release:control-plane' },
  { kind: 'after', step: 'release:control-plane' },
];
/** How much later than usual the pods of an orphaned helm's release become ready. */
const ORPHAN_SLOW_READY_MS = 4000;
/**
 * Only a guard against a hang: every wait below ends with the work it waits
 * for (an event, a pending revision, the installer's exit), so a loaded
 * machine makes a scenario slower, never failed.
 */
const SCENARIO_GUARD_MS = 300_000;

const stats: string[] = [];

describe.each(HELMS)('kill -9 and resume with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-kill-${label.replace(' ', '')}`);
  const baseline: { releases: string[]; fingerprint: Record<string, string>; generated: string } = { releases: [], fingerprint: {}, generated: '' };
  const baselineDir = (): string => scratch.path('baseline');

  beforeAll(async () => {
    const sim = await startSim(scratch, 'baseline');
    try {
      const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir: baselineDir(), helm }), scratch.env(), SCENARIO_GUARD_MS);
      expect(result.exitCode).toBe(0);
      // The scenarios below are named after these steps: fail loudly if the plan changed.
      expect(eventsOf(result.events, 'step-done').map((e) => e.stepId).sort()).toEqual([...DONE_STEPS].sort());
      baseline.releases = releaseLines(sim);
      baseline.fingerprint = clusterFingerprint(sim, NAMESPACES);
      baseline.generated = readFileSync(join(baselineDir(), 'generated-secrets.yaml'), 'utf8');
    } finally {
      await sim.close();
    }
  }, SCENARIO_GUARD_MS);
  afterAll(() => scratch.cleanup());

  const scenarios = label === 'helm 4' ? everyBoundary : representative;
  test.each(scenarios)('killed $kind $step: the next install finishes, the cluster equals an uninterrupted run', async (scenario) => {
    const name = `${scenario.kind}-${scenario.step.replace(':', '-')}`;
    const release = RELEASES[scenario.step];
    const slow = scenario.kind === 'mid-helm' && release ? [{ type: 'slowReadiness' as const, match: { namespace: release.namespace }, extraMs: ORPHAN_SLOW_READY_MS }] : [];
    const sim = await startSim(scratch, name, { faults: slow });
    const dir = scratch.path(name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    copyFileSync(join(baselineDir(), 'generated-secrets.yaml'), join(dir, 'generated-secrets.yaml'));
    const env = scratch.env(name);
    try {
      const args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm });
      const first = new InstallProcess(args, env, { timeoutMs: SCENARIO_GUARD_MS, ownGroup: scenario.kind === 'mid-helm-group' });
      let killed;
      if (scenario.kind === 'after') {
        await first.until((e: EngineEvent) => e.type === 'step-done' && e.stepId === scenario.step);
        killed = await first.kill();
      } else {
        if (!release) throw new Error(`no release for ${scenario.step}`);
        await first.until((e: EngineEvent) => e.type === 'step-started' && e.stepId === scenario.step);
        expect(await untilPendingRevision(sim, release, first), 'helm created its pending revision').toBe(true);
        const helmUpgrade = (): number => toolProcesses(sim.info.kubeconfig).filter((p) => p.argv.includes('upgrade') && p.argv.includes(release.namespace)).length;
        // helm must be mid-operation when the installer dies, or this scenario tests nothing.
        expect(helmUpgrade(), 'helm upgrade running when the installer is killed').toBe(1);
        killed = scenario.kind === 'mid-helm' ? await first.kill() : await first.killGroup();
        if (scenario.kind === 'mid-helm-group') {
          expect(await waitForNoTools(sim.info.kubeconfig, SCENARIO_GUARD_MS), 'helm died with its group').toBe(true);
          expect(helmReleases(sim).filter((r) => r.namespace === release.namespace).map((r) => r.status)).toEqual(['pending-install']);
        } else {
          expect(helmUpgrade(), 'helm outlives the installer').toBe(1);
        }
      }
      // The report is the last step: the run may have finished in the instant before the kill landed.
      if (scenario.step === 'report' && killed.signal === null) expect(killed.exitCode).toBe(0);
      else expect(killed.signal).toBe('SIGKILL');

      // After the report the run may have released its lock in the instant before the kill landed.
      const lockLeft = existsSync(join(dir, '.lock'));
      const resumed = await runInstall(args, env, SCENARIO_GUARD_MS);
      // The killed run's lock is stale (its process is gone) and is taken over, with a word about it.
      expect(resumed.stderr).toMatch(lockLeft ? /^warning: took over a stale lock: process \d+ that took it at \S+ for "install" is no longer running\n$/ : /^$/);
      if (scenario.step !== 'report') expect(lockLeft, 'a run killed before its end leaves its lock').toBe(true);
      expect(resumed.exitCode).toBe(0);
      expect(['done', 'up-to-date']).toContain(finished(resumed)?.outcome);
      expect(eventsOf(resumed.events, 'run-started')[0]?.resumed).toBe(true);
      expect(await waitForNoTools(sim.info.kubeconfig, SCENARIO_GUARD_MS), 'no helm or kubectl left running').toBe(true);

      expect(releaseLines(sim)).toEqual(baseline.releases);
      expect(clusterFingerprint(sim, NAMESPACES)).toEqual(baseline.fingerprint);
      expect(readFileSync(join(dir, 'generated-secrets.yaml'), 'utf8')).toBe(baseline.generated);
      const journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')) as { steps: Record<string, { state: string }>; interrupted?: unknown };
      expect(Object.entries(journal.steps).filter(([, s]) => s.state !== 'done')).toEqual([]);
      expect(journal.interrupted).toBeUndefined();
      const waited = eventsOf(resumed.events, 'notice').some((n) => n.message.includes('from an interrupted run is still working'));
      const cleared = eventsOf(resumed.events, 'notice').some((n) => n.message.includes('clearing that revision'));
      if (scenario.kind === 'mid-helm') expect(waited, 'the next run waited for the orphaned helm').toBe(true);
      if (scenario.kind === 'mid-helm-group') expect(cleared, 'the next run cleared the dead helm\'s pending revision').toBe(true);
      stats.push(`${label} ${name}: killed after ${killed.durationMs} ms, resume took ${resumed.durationMs} ms${waited ? ', waited for the orphaned helm' : ''}${cleared ? ', cleared the pending revision' : ''}`);
    } finally {
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
  }, SCENARIO_GUARD_MS);
});

afterAll(() => {
  if (process.env.INSTALL_KILL_STATS) console.log(stats.join('\n'));
});

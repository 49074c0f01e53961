// Upgrade paths from the operator's release data (`--upgrade-data`): a
// version skew the data forbids and a stop whose chart is missing are refused
// before any change; a workspace upgrade past a required stop goes through it,
// each stop a full upgrade (backed up, ready and healthy) before the target.
// Real helm (4 and 3) and kubectl against the simulated cluster, from what
// examples/sim.yaml installed to what examples/sim-upgrade.yaml names.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Simulation } from '../../src/sim/simulation.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { HELMS, InstallProcess, KUBECTL, REPO_ROOT, type Scratch, eventsOf, finished, helmReleases, installedSim, lastSeq, mutationsAfter, runInstall, untilPendingRevision } from '../helpers/install-sim.js';

const CHARTS = join(REPO_ROOT, '.tools', 'charts');
const PATH_DATA = join(REPO_ROOT, 'examples', 'sim-upgrade-data.yaml');

/** examples/sim-upgrade.yaml with its charts taken from `charts` and its secrets from examples/. */
function upgradeAnswers(path: string, charts = CHARTS): string {
  const text = readFileSync(join(REPO_ROOT, 'examples', 'sim-upgrade.yaml'), 'utf8').replaceAll('../.tools/charts/', `${charts}/`).replaceAll('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe.each(HELMS)('upgrade paths with $label', ({ label, helm }) => {
  let scratch: Scratch;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  const upgrade = (answers: string, extra: readonly string[]): string[] => ['upgrade', '--answers', answers, '--kubeconfig', sim.info.kubeconfig, '--dir', dir, '--helm', helm, '--kubectl', KUBECTL, '--output', 'json', '--yes', '--backup-confirmed', ...extra];

  installedSim(`upgrade-path-${label.replace(' ', '')}`, helm, (s) => {
    ({ scratch, sim, env, dir } = s);
  });

  test('a version skew the release data forbids is refused before any change, naming the way out', async () => {
    const seq = lastSeq(sim);
    const skew = scratch.path('skew.yaml');
    writeFileSync(skew, 'compatibility:\n  - controlPlane: 0.14.0\n    newestWorkspace: 0.93.1\n    complete: true\n    source: "a release note"\n');
    const refused = await runInstall(upgrade(upgradeAnswers(scratch.path('answers.yaml')), ['--upgrade-data', skew]), env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('workspace server 0.93.2 is newer than control plane 0.14.0 supports (up to 0.93.1, per a release note)');
    expect(refused.stderr).toContain('nothing was changed');
    expect(mutationsAfter(sim, seq)).toEqual([]);
    // Nor does the install directory record targets that were never applied.
    expect(readFileSync(join(dir, 'answers.yaml'), 'utf8')).toContain('version: 0.13.0');
  });

  test("a required stop whose chart is not beside the target's is refused before any change", async () => {
    const seq = lastSeq(sim);
    const bundle = scratch.path('bundle-without-stop');
    mkdirSync(bundle, { recursive: true });
    for (const chart of ['zenml-pro-0.14.0.tgz', 'zenml-0.93.2.tgz']) copyFileSync(join(CHARTS, chart), join(bundle, chart));
    const refused = await runInstall(upgrade(upgradeAnswers(scratch.path('answers-bundle.yaml'), bundle), ['--upgrade-data', PATH_DATA]), env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${join(bundle, 'zenml-0.93.1.tgz')} does not exist`);
    expect(refused.stderr).toContain("put each stop's chart .tgz");
    expect(mutationsAfter(sim, seq)).toEqual([]);
  });

  test('past a required stop, each workspace goes through it: the stop upgraded, ready and healthy, then the target; the control plane first', async () => {
    const seq = lastSeq(sim);
    const done = await runInstall(upgrade(upgradeAnswers(scratch.path('answers.yaml')), ['--upgrade-data', PATH_DATA]), env);
    expect(done.stderr).toContain('zenml-workspace-ml/zenml: 0.93.0 → 0.93.1 (required stop: stand-in: its database migration must run before 0.93.2\'s');
    expect(done.stderr).toContain('then 0.93.1 → 0.93.2');
    expect(done.exitCode, done.stderr).toBe(0);
    expect(finished(done)?.outcome).toBe('done');
    const versions = (ns: string): string[] => helmReleases(sim).filter((r) => r.namespace === ns).map((r) => r.chartVersion);
    expect(versions('zenml-pro')).toEqual(['0.13.0', '0.14.0']);
    expect(versions('zenml-workspace-ml')).toEqual(['0.93.0', '0.93.1', '0.93.2']);
    expect(versions('zenml-workspace-research')).toEqual(['0.93.0', '0.93.1', '0.93.2']);
    // Each stop was backed up, upgraded, and found ready and healthy before the target's backup began.
    const finishedIds = eventsOf(done.events, 'step-done').map((e) => e.stepId);
    for (const ws of ['workspace-ml', 'workspace-research']) {
      const at = (id: string): number => finishedIds.indexOf(id);
      expect(at(`backup:${ws}@0.93.1`)).toBeGreaterThan(-1);
      expect(at(`release:${ws}@0.93.1`)).toBeGreaterThan(at(`backup:${ws}@0.93.1`));
      const stopReady = finishedIds.find((id) => id.startsWith('ready:') && id.endsWith('@0.93.1') && id.includes(ws.replace('workspace-', '')));
      expect(stopReady).toBeDefined();
      expect(at(stopReady ?? '')).toBeGreaterThan(at(`release:${ws}@0.93.1`));
      expect(at(`backup:${ws}`)).toBeGreaterThan(at(stopReady ?? ''));
      expect(at(`release:${ws}`)).toBeGreaterThan(at(`backup:${ws}`));
    }
    // Helm writes in order: the control plane before any workspace, ml's two upgrades before research's first.
    const writes = sim.kube.requestLog.list().filter((e) => e.seq > seq && e.mutating && e.path.includes('/secrets')).map((e) => /namespaces\/([^/]+)/.exec(e.path)?.[1]);
    const first = (ns: string): number => writes.indexOf(ns);
    expect(first('zenml-pro')).toBeLessThan(first('zenml-workspace-ml'));
    expect(writes.lastIndexOf('zenml-workspace-ml')).toBeLessThan(first('zenml-workspace-research'));

    const again = await runInstall(upgrade(upgradeAnswers(scratch.path('answers.yaml')), ['--upgrade-data', PATH_DATA]), env);
    expect(again.exitCode).toBe(0);
    expect(finished(again)?.outcome).toBe('up-to-date');
  });
});

describe('--bundle DIR', () => {
  const helm = HELMS[0]?.helm ?? '';
  let scratch: Scratch;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  installedSim('upgrade-bundle', helm, (s) => {
    ({ scratch, sim, env, dir } = s);
  });

  test('the newest charts in an offline bundle are the targets, its upgrade-data.yaml names the stop, the install directory records the targets', async () => {
    const bundle = scratch.path('bundle');
    mkdirSync(join(bundle, 'charts'), { recursive: true });
    for (const chart of ['zenml-pro-0.13.0.tgz', 'zenml-pro-0.14.0.tgz', 'zenml-0.93.1.tgz', 'zenml-0.93.2.tgz']) copyFileSync(join(CHARTS, chart), join(bundle, 'charts', chart));
    copyFileSync(PATH_DATA, join(bundle, 'upgrade-data.yaml'));
    // The answers the deployment was installed from, unchanged: the bundle alone says where to go.
    const answers = scratch.path('answers.yaml');
    // Where the backups are is said in the answers, instead of --backup-confirmed.
    const text = readFileSync(join(REPO_ROOT, 'examples', 'sim.yaml'), 'utf8').replaceAll('../.tools/charts/', `${CHARTS}/`).replaceAll('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`);
    writeFileSync(answers, `${text}\nupgrades:\n  databaseBackups: nightly snapshots, kept 7 days\n`, { mode: 0o600 });
    const before = readFileSync(answers, 'utf8');
    const done = await runInstall(['upgrade', '--answers', answers, '--bundle', bundle, '--kubeconfig', sim.info.kubeconfig, '--dir', dir, '--helm', helm, '--kubectl', KUBECTL, '--output', 'json', '--yes'], env);
    expect(done.stderr).toContain('Database backups, as the answers say (upgrades.databaseBackups): nightly snapshots, kept 7 days');
    expect(done.stderr).toContain(`target: control plane → 0.14.0 (${join(bundle, 'charts', 'zenml-pro-0.14.0.tgz')})`);
    expect(done.stderr).toContain('0.93.0 → 0.93.1 (required stop');
    expect(done.exitCode, done.stderr).toBe(0);
    expect(helmReleases(sim).filter((r) => r.namespace === 'zenml-workspace-ml').map((r) => r.chartVersion)).toEqual(['0.93.0', '0.93.1', '0.93.2']);
    expect(helmReleases(sim).filter((r) => r.namespace === 'zenml-pro').map((r) => r.chartVersion)).toEqual(['0.13.0', '0.14.0']);
    expect(readFileSync(answers, 'utf8')).toBe(before);
    const copy = readFileSync(join(dir, 'answers.yaml'), 'utf8');
    expect(copy).toMatch(/version: 0\.14\.0/);
    expect(copy).toContain(join(bundle, 'charts', 'zenml-0.93.2.tgz'));
  });
});

describe('a kill during a required stop', () => {
  const helm = HELMS[0]?.helm ?? '';
  let scratch: Scratch;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  installedSim('upgrade-stop-kill', helm, (s) => {
    ({ scratch, sim, env, dir } = s);
  });

  test('the resumed upgrade still goes through the stop: what runs is the last deployed revision, not the killed one', async () => {
    const args = upgradeAnswers(scratch.path('answers.yaml'));
    const line = ['upgrade', '--answers', args, '--kubeconfig', sim.info.kubeconfig, '--dir', dir, '--helm', helm, '--kubectl', KUBECTL, '--output', 'json', '--yes', '--backup-confirmed', '--upgrade-data', PATH_DATA];
    const first = new InstallProcess(line, env);
    await first.until((e: EngineEvent) => e.type === 'step-started' && e.stepId === 'release:workspace-ml@0.93.1');
    expect(await untilPendingRevision(sim, { namespace: 'zenml-workspace-ml', name: 'zenml' }, first), 'helm created its pending revision').toBe(true);
    expect((await first.kill()).signal).toBe('SIGKILL');
    const resumed = await runInstall(line, env);
    expect(resumed.stderr).toContain('zenml-workspace-ml/zenml: 0.93.0 → 0.93.1 (required stop');
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    // The killed revision's record was cleared; the stop was upgraded to again, then the target.
    expect(helmReleases(sim).filter((r) => r.namespace === 'zenml-workspace-ml').map((r) => `${r.chartVersion} ${r.status}`)).toEqual(['0.93.0 superseded', '0.93.1 superseded', '0.93.2 deployed']);
  });
});

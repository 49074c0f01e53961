// `adopt` against a deployment installed with plain `helm install` (the
// values examples/sim.yaml renders, no install directory, no answers file):
// the answers it writes validate, its secrets are 0600 files and appear
// nowhere in its output, and `upgrade` with them and version flags takes the
// deployment to the next versions with every workspace's encryption key and
// JWT secret byte-identical. Real helm and kubectl against the simulated cluster.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkAnswersText } from '../../src/commands/answers-file.js';
import { liveSecrets } from '../../src/plan/carry-forward.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { HELMS, KUBECTL, REPO_ROOT, Scratch, helmReleases, releaseLines, runInstall, runTool, startSim, waitForNoTools } from '../helpers/install-sim.js';

const HELM = HELMS[0]?.helm ?? '';
const CHARTS = join(REPO_ROOT, '.tools', 'charts');

/** The secrets each workspace release runs with, by slot key. */
function workspaceSecrets(sim: Simulation): Record<string, string> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const r of helmReleases(sim)) if (r.status === 'deployed') latest.set(r.namespace, r.config);
  const out: Record<string, string> = {};
  for (const name of ['ml', 'research']) {
    for (const [slot, value] of liveSecrets({ workspace: name }, latest.get(`zenml-workspace-${name}`) ?? {})) if (!slot.includes('enrollment')) out[slot] = value;
  }
  return out;
}

describe('adopt a deployment installed with plain helm', () => {
  const scratch = new Scratch('adopt');
  let sim: Simulation;
  let env: Record<string, string>;
  let keys: Record<string, string>;
  const answers = (): string => scratch.path('adopted', 'answers.yaml');
  const adopt = (extra: readonly string[] = [], out = answers()) =>
    runInstall(['adopt', '--out', out, '--kubeconfig', sim.info.kubeconfig, '--context', 'zenml-sim', ...extra], env);

  beforeAll(async () => {
    sim = await startSim(scratch, 'plain');
    env = scratch.env();
    const rendered = scratch.path('rendered');
    const render = await runInstall(['render', '--answers', join(REPO_ROOT, 'examples', 'sim.yaml'), '--dir', rendered], env);
    expect(render.exitCode, render.stderr).toBe(0);
    for (const [name, ns, chart, values] of [['zenml-pro', 'zenml-pro', 'zenml-pro-0.13.0.tgz', 'control-plane.yaml'], ['zenml', 'zenml-workspace-ml', 'zenml-0.93.0.tgz', 'workspace-ml.yaml'], ['zenml', 'zenml-workspace-research', 'zenml-0.93.0.tgz', 'workspace-research.yaml']] as const) {
      const r = await runTool(HELM, ['install', name, join(CHARTS, chart), '--namespace', ns, '--create-namespace', '--values', join(rendered, 'values', values), '--wait', '--kube-context', 'zenml-sim', '--kubeconfig', sim.info.kubeconfig], env);
      expect(r.status, r.stderr).toBe(0);
    }
    keys = workspaceSecrets(sim);
  }, 240_000);
  afterAll(async () => {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  });

  test('writes answers that validate, each secret in a 0600 file, none of them in its output or the answers', async () => {
    const run = await adopt();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Adopted from context "zenml-sim": zenml-pro/zenml-pro (zenml-pro 0.13.0), zenml-workspace-ml/zenml (zenml 0.93.0), zenml-workspace-research/zenml (zenml 0.93.0)');
    const text = readFileSync(answers(), 'utf8');
    expect(statSync(answers()).mode & 0o777).toBe(0o600);
    expect(text).toMatch(/^# Answers adopted by zenml-pro-installer .* from what runs in context "zenml-sim"/);
    const checked = checkAnswersText(text, answers());
    expect(checked.ok, JSON.stringify(checked.ok ? [] : checked.problems)).toBe(true);
    const folder = scratch.path('adopted', 'secrets');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder).sort();
    expect(files).toEqual([
      'controlPlane.adminPassword', 'controlPlane.database.password',
      'workspaces.ml.database.password', 'workspaces.ml.encryptionKey', 'workspaces.ml.enrollment.enrollmentKey', 'workspaces.ml.jwtSecretKey',
      'workspaces.research.database.password', 'workspaces.research.encryptionKey', 'workspaces.research.enrollment.enrollmentKey', 'workspaces.research.jwtSecretKey',
    ]);
    for (const f of files) {
      expect(statSync(join(folder, f)).mode & 0o777).toBe(0o600);
      const secret = readFileSync(join(folder, f), 'utf8').replace(/\n$/, '');
      expect(secret.length).toBeGreaterThan(3);
      for (const shown of [run.stdout, run.stderr, text]) expect(shown).not.toContain(secret);
    }
    expect(readFileSync(join(folder, 'workspaces.ml.encryptionKey'), 'utf8')).toBe(`${keys['workspaces.ml.encryptionKey'] ?? ''}\n`);
  });

  test('refuses to overwrite what it wrote without --force; with --namespace it reads only those namespaces', async () => {
    const before = readFileSync(answers(), 'utf8');
    const again = await adopt();
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(readFileSync(answers(), 'utf8')).toBe(before);
    const one = scratch.path('one', 'answers.yaml');
    const narrow = await adopt(['--namespace', 'zenml-pro', '--namespace', 'zenml-workspace-ml'], one);
    expect(narrow.exitCode, narrow.stdout + narrow.stderr).toBe(0);
    expect(readFileSync(one, 'utf8')).toContain('name: ml');
    expect(readFileSync(one, 'utf8')).not.toContain('name: research');
    // Someone's file in the way of a secret is not replaced either.
    const blocked = scratch.path('blocked', 'answers.yaml');
    const secrets = scratch.path('blocked', 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'controlPlane.adminPassword'), 'theirs\n', { mode: 0o600 });
    const refused = await adopt([], blocked);
    expect(refused.exitCode).toBe(2);
    expect(readFileSync(join(secrets, 'controlPlane.adminPassword'), 'utf8')).toBe('theirs\n');
  });

  test('credentials that may not list Secrets cluster-wide are told to name the namespaces; nothing is written', async () => {
    sim.kube.faults.add({ type: 'rbacDeny', verbs: ['list'], resources: ['secrets'] });
    try {
      const out = scratch.path('denied', 'answers.yaml');
      const denied = await adopt([], out);
      expect(denied.exitCode).toBe(3);
      expect(denied.stderr).toContain('may not list Secrets in all namespaces');
      expect(denied.stderr).toContain('--namespace');
      expect(existsSync(out)).toBe(false);
    } finally {
      sim.kube.faults.clear();
    }
  });

  test('upgrade with the adopted answers and version flags upgrades every release, keeping encryption keys and JWT secrets', async () => {
    const up = await runInstall([
      'upgrade', '--answers', answers(), '--control-plane-version', '0.14.0', '--workspace-version', '0.93.2', '--bundle', CHARTS,
      '--kubeconfig', sim.info.kubeconfig, '--dir', scratch.path('install'), '--helm', HELM, '--kubectl', KUBECTL, '--output', 'json', '--yes', '--backup-confirmed',
    ], env, 240_000);
    expect(up.exitCode, up.stderr.slice(-3000)).toBe(0);
    expect(up.stderr).toContain('zenml-pro/zenml-pro: 0.13.0 → 0.14.0');
    expect(releaseLines(sim).filter((l) => l.includes(' deployed ')).map((l) => l.replace(/ r\d+ /, ' '))).toEqual(['zenml-pro/zenml-pro deployed 0.14.0', 'zenml-workspace-ml/zenml deployed 0.93.2', 'zenml-workspace-research/zenml deployed 0.93.2']);
    expect(Object.keys(keys)).toHaveLength(4);
    expect(workspaceSecrets(sim)).toEqual(keys);
  });
});

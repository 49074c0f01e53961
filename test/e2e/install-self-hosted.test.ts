// Self-hosted in one command: from examples/sim-self-hosted.yaml the
// installer deploys the control plane, finds or creates the organization,
// creates two users and enrolls three workspaces through the (simulated)
// control-plane API, with no value copied by hand. A kill right after an
// enrollment loses nothing (the key is kept before the step counts as done);
// one workspace whose image cannot be pulled ends diagnosed while the other
// two end healthy, and once the image is there a re-run finishes only that
// one. Health and the API are reached through the address the simulated
// ingress publishes: the simulated host names have no DNS. Real helm (4 and
// 3) and kubectl against the simulated cluster.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  HELMS, InstallProcess, REPO_ROOT, Scratch, eventsOf, finished, installArgs, lastSeq, mutationsAfter, releaseLines, runInstall, startSim, waitForNoTools,
} from '../helpers/install-sim.js';

const ANSWERS = join(REPO_ROOT, 'examples', 'sim-self-hosted.yaml');
const WORKSPACES = ['ml', 'research', 'analytics'];

describe.each(HELMS)('self-hosted in one command with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-self-hosted-${label.replace(' ', '')}`);
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let args: string[];

  /** POST /workspaces?…enroll=true calls the simulated control plane answered, per workspace name. */
  const enrollments = (): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const r of sim.controlPlane.state.requests) {
      if (r.method !== 'POST' || r.path !== '/api/v1/workspaces' || r.status >= 300) continue;
      const name = r.query?.name ?? '?';
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    // The analytics workspace's server image is missing from the registry until the test "pushes" it.
    sim = await startSim(scratch, 'cluster', { faults: [{ type: 'imagePull', match: { namespace: 'zenml-workspace-analytics', image: 'zenml-pro-server' }, message: 'manifest unknown' }] });
    env = scratch.env();
    dir = scratch.path('install');
    args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers: ANSWERS, extra: ['--ca-file', sim.info.caFile] });
  });
  afterAll(async () => {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  });

  test('killed right after the first enrollment, the next run reuses the kept key: one enrollment per workspace', async () => {
    // One step at a time: after ml's enrollment come ml's own steps, so no other enrollment is in flight when the kill lands.
    const first = new InstallProcess([...args, '--parallel', '1'], env);
    await first.until((e: EngineEvent) => e.type === 'step-done' && e.stepId === 'enroll:ml');
    const killed = await first.kill();
    expect(killed.signal).toBe('SIGKILL');
    expect(enrollments().ml).toBe(1);
    const kept = join(dir, 'generated-secrets.yaml');
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    const key = sim.controlPlane.state.workspaces.find((w) => w.name === 'ml')?.enrollmentKey ?? '';
    expect(key.length).toBeGreaterThan(20);
    expect(readFileSync(kept, 'utf8')).toContain(key);
    // Kept nowhere else: not in the journal, the debug log or the events.
    expect(readFileSync(join(dir, 'journal.json'), 'utf8')).not.toContain(key);
    expect(JSON.stringify(killed.events)).not.toContain(key);

    const second = await runInstall(args, env);
    // The killed run's lock is taken over, with a word about it; nothing else goes to stderr.
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringContaining('took over a stale lock')]);
    const skipped = eventsOf(second.events, 'step-skipped').map((e) => e.stepId);
    expect(skipped).toContain('enroll:ml');
    expect(enrollments()).toEqual({ ml: 1, research: 1, analytics: 1 });
    expect(sim.controlPlane.state.workspaces.map((w) => w.name).sort()).toEqual([...WORKSPACES].sort());
    expect(new Set(sim.controlPlane.state.workspaces.map((w) => w.organization.name))).toEqual(new Set(['acme']));
    expect(sim.controlPlane.state.users.filter((u) => u.username !== 'admin').map((u) => `${u.username}:${u.isSuperuser}`).sort()).toEqual(['alice:true', 'bob:false']);
    for (const secret of [key, ...sim.controlPlane.state.workspaces.map((w) => w.enrollmentKey)]) {
      expect(second.stdout).not.toContain(secret);
      for (const log of readdirSync(join(dir, 'logs'))) expect(readFileSync(join(dir, 'logs', log), 'utf8')).not.toContain(secret);
    }

    // The workspace whose image cannot be pulled is diagnosed; the two others end healthy.
    expect(second.exitCode).toBe(1);
    const failed = eventsOf(second.events, 'step-failed');
    expect(failed.map((e) => e.stepId)).toEqual(['release:workspace-analytics']);
    expect(failed[0]?.diagnoses[0]?.kind).toBe('image-pull');
    const done = eventsOf(second.events, 'step-done').map((e) => e.stepId);
    expect(done).toEqual(expect.arrayContaining(['ready:control-plane', 'ready:ml', 'ready:research']));
    // Reached through the published ingress address: no DNS record exists for *.sim.example.com.
    const through = eventsOf(second.events, 'notice').filter((n) => n.message.includes('through the ingress address 127.0.0.1:'));
    expect(through.map((n) => n.stepId).sort()).toEqual(['ready:control-plane', 'ready:ml', 'ready:research']);
  });

  test('with the image in the registry, a re-run finishes only the workspace that failed', async () => {
    sim.kube.faults.clear();
    const before = lastSeq(sim);
    const third = await runInstall(args, env);
    expect(third.stderr).toBe('');
    expect(third.exitCode).toBe(0);
    expect(finished(third)?.outcome).toBe('done');
    const touched = new Set(mutationsAfter(sim, before).map((m) => /\/namespaces\/([^/]+)/.exec(m.path)?.[1] ?? m.path));
    expect([...touched]).toEqual(['zenml-workspace-analytics']);
    expect(enrollments()).toEqual({ ml: 1, research: 1, analytics: 1 });
    expect(releaseLines(sim)).toEqual([
      'zenml-pro/zenml-pro r1 deployed 0.13.0',
      // The first revision failed on the missing image and is superseded by the one that finished.
      'zenml-workspace-analytics/zenml r1 superseded 0.93.2',
      'zenml-workspace-analytics/zenml r2 deployed 0.93.2',
      'zenml-workspace-ml/zenml r1 deployed 0.93.0',
      'zenml-workspace-research/zenml r1 deployed 0.93.0',
    ]);
  });

  test('REPORT.md lists the DNS records with the address the ingress reports, the login commands and the users', () => {
    const report = readFileSync(join(dir, 'REPORT.md'), 'utf8');
    const port = sim.controlPlane.port;
    for (const host of ['zenml-pro.sim.example.com', ...WORKSPACES.map((w) => `${w}.sim.example.com`)]) {
      expect(report).toMatch(new RegExp(`${host.replace(/\./g, '\\.')}.*127\\.0\\.0\\.1.*${port}`));
    }
    expect(report).toContain('zenml login --pro-api-url https://zenml-pro.sim.example.com/api/v1');
    for (const w of WORKSPACES) expect(report).toContain(`zenml login ${w}`);
    expect(report).toContain('`alice` (superuser): password in');
    expect(report).toContain('`bob`: password in');
    for (const w of sim.controlPlane.state.workspaces) expect(report).not.toContain(w.enrollmentKey);
  });

  test('a further run changes nothing and makes no call to the control plane that changes it', async () => {
    const before = lastSeq(sim);
    const cpRequests = sim.controlPlane.state.requests.length;
    const again = await runInstall(args, env);
    expect(again.exitCode).toBe(0);
    expect(finished(again)?.outcome).toBe('up-to-date');
    expect(mutationsAfter(sim, before)).toEqual([]);
    expect(sim.controlPlane.state.requests.slice(cpRequests).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  test('status shows every component healthy and enrolled, from the install directory', async () => {
    // runInstall runs any command of the built CLI (asynchronously: the simulation answers in this process).
    const status = await runInstall(['status', '--dir', dir, '--kubeconfig', sim.info.kubeconfig, '--ca-file', sim.info.caFile, '--output', 'json'], env);
    expect(status.stderr).toBe('');
    expect(status.exitCode).toBe(0);
    const report = JSON.parse(status.stdout) as { healthy: boolean; controlPlane: { healthy: boolean }; workspaces: { name: string; healthy: boolean; enrollment: { state: string; organizationName?: string } }[] };
    expect(report.healthy).toBe(true);
    expect(report.controlPlane.healthy).toBe(true);
    expect(report.workspaces.map((w) => `${w.name} ${w.healthy} ${w.enrollment.state} ${w.enrollment.organizationName ?? ''}`).sort()).toEqual(WORKSPACES.map((w) => `${w} true enrolled acme`).sort());
  });

  test('a workspace added to the answers is enrolled and installed by the next run; nothing else changes', async () => {
    const answers = scratch.path('answers-plus.yaml');
    const text = readFileSync(ANSWERS, 'utf8').replaceAll('../.tools/charts/', `${join(REPO_ROOT, '.tools', 'charts')}/`).replaceAll('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`);
    writeFileSync(answers, `${text}  - name: vision
    version: 0.93.0
    hostname: vision.sim.example.com
    database:
      host: mysql.sim.example.com
      name: zenml_vision
      username: zenml_vision
      password: { fromFile: ${join(REPO_ROOT, 'examples', 'secrets', 'sim-db-password')} }
`, { mode: 0o600 });
    const before = lastSeq(sim);
    const cpRequests = sim.controlPlane.state.requests.length;
    const added = await runInstall([...args.map((a) => (a === ANSWERS ? answers : a))], env);
    expect(added.stderr).toBe('');
    expect(added.exitCode).toBe(0);
    const touched = new Set(mutationsAfter(sim, before).map((m) => /\/namespaces\/([^/]+)/.exec(m.path)?.[1] ?? m.path));
    expect([...touched]).toEqual(['zenml-workspace-vision']);
    expect(enrollments()).toEqual({ ml: 1, research: 1, analytics: 1, vision: 1 });
    expect(sim.controlPlane.state.requests.slice(cpRequests).filter((r) => r.method === 'POST' && r.path !== '/api/v1/auth/login').map((r) => r.query?.name)).toEqual(['vision']);
  });

  test('a lost enrollment key is explained and nothing is done to the workspace; --re-enroll enrolls it anew', async () => {
    const kept = join(dir, 'generated-secrets.yaml');
    const text = readFileSync(kept, 'utf8');
    writeFileSync(kept, text.split('\n').filter((l) => !l.startsWith('workspaces.ml.enrollment.')).join('\n'), { mode: 0o600 });
    const idBefore = sim.controlPlane.state.workspaces.find((w) => w.name === 'ml')?.id;
    const cpRequests = sim.controlPlane.state.requests.length;
    const blocked = await runInstall(args, env);
    expect(blocked.exitCode).toBe(3);
    const failed = eventsOf(blocked.events, 'step-failed');
    expect(failed.map((e) => e.stepId)).toEqual(['enroll:ml']);
    expect(failed[0]?.message).toContain(`workspace ml is already on the control plane (id ${idBefore}`);
    expect(failed[0]?.next.join('\n')).toContain('--re-enroll ml');
    // It logged in and looked; it changed nothing.
    expect(sim.controlPlane.state.requests.slice(cpRequests).filter((r) => r.method !== 'GET' && r.path !== '/api/v1/auth/login')).toEqual([]);

    const reEnrolled = await runInstall([...args, '--re-enroll', 'ml'], env);
    expect(reEnrolled.exitCode).toBe(0);
    const ml = sim.controlPlane.state.workspaces.filter((w) => w.name === 'ml');
    expect(ml).toHaveLength(1);
    expect(ml[0]?.id).not.toBe(idBefore);
    expect(readFileSync(kept, 'utf8')).toContain(ml[0]?.enrollmentKey);
    expect(releaseLines(sim)).toContain('zenml-workspace-ml/zenml r2 deployed 0.93.0');
  });
});

// A canary secret in the answers (the database password, also printed by a
// crash-looping server in its logs) and a second one (the enrollment key)
// reach the cluster, yet never show in stdout, stderr, the debug logs, the
// journal, the support bundle, or the argv/environment of any helm or kubectl
// process, sampled every 20 ms while the installer runs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  HELMS, Scratch, eventsOf, finished, helmReleases, installArgs, runInstall, sampleToolProcesses, startSim, waitForNoTools, writeAnswersCopy, type ToolProcess,
} from '../helpers/install-sim.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => join(dir, p)).filter((p) => statSync(p).isFile());
}

describe.each(HELMS)('secrets stay out of sight with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-secrets-${label.replace(' ', '')}`);
  afterAll(() => scratch.cleanup());

  test('canaries never appear in output, logs, journal, support bundle or child argv/environment', async () => {
    const dbPassword = `canary-${randomBytes(8).toString('hex')}`;
    const enrollmentKey = `canary-key-${randomBytes(12).toString('hex')}`;
    const forms = [dbPassword, enrollmentKey, Buffer.from(dbPassword).toString('base64'), Buffer.from(enrollmentKey).toString('base64')];
    const leaks = (text: string): string[] => forms.filter((f) => text.includes(f));

    const answers = writeAnswersCopy(scratch.path('answers', 'sim.yaml'), { secrets: { 'sim-db-password': dbPassword, 'sim-enrollment-key': enrollmentKey } });
    // The API server logs its database URL, password included, then exits: the diagnosis quotes those lines.
    const sim = await startSim(scratch, 'cluster', {
      faults: [{ type: 'crashLoop', match: { image: 'zenml-pro-api' }, logLines: [`connecting to mysql://zenml_pro:${dbPassword}@mysql.sim.example.com:3306/zenml_pro`, 'access denied'] }],
    });
    const dir = scratch.path('install');
    const env = scratch.env();
    const sampler = sampleToolProcesses(sim.info.kubeconfig, 20);
    let seen: ToolProcess[] = [];
    try {
      const failed = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, answers, helm }), env);
      expect(failed.exitCode).toBe(1);
      const bundle = finished(failed)?.supportBundle ?? '';
      expect(statSync(bundle).mode & 0o777).toBe(0o600);
      // The log line is shown, with the password scrubbed out of it.
      const diagnosis = eventsOf(failed.events, 'step-failed')[0]?.diagnoses[0];
      expect(diagnosis?.kind).toBe('crash-loop');
      expect(diagnosis?.details.some((l) => l.includes('connecting to mysql://zenml_pro:') && !l.includes(dbPassword))).toBe(true);

      sim.kube.faults.clear();
      const done = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, answers, helm, output: 'text' }), env);
      expect(done.exitCode, done.stderr || done.stdout.slice(-3000)).toBe(0);
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      seen = sampler.stop();

      // The canaries were really used: in the 0600 values files and in the releases on the cluster.
      const cpValues = join(dir, 'values', 'control-plane.yaml');
      expect(readFileSync(cpValues, 'utf8')).toContain(dbPassword);
      expect(statSync(cpValues).mode & 0o777).toBe(0o600);
      expect(JSON.stringify(helmReleases(sim).map((r) => r.config))).toContain(enrollmentKey);

      for (const run of [failed, done]) {
        expect(leaks(run.stdout), 'stdout').toEqual([]);
        expect(leaks(run.stderr), 'stderr').toEqual([]);
      }
      const logs = filesUnder(join(dir, 'logs'));
      expect(logs.length).toBeGreaterThanOrEqual(2);
      for (const file of logs) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);
      expect(leaks(readFileSync(join(dir, 'journal.json'), 'utf8')), 'journal').toEqual([]);

      const extracted = scratch.path('bundle');
      mkdirSync(extracted);
      execFileSync('tar', ['-xzf', bundle, '-C', extracted]);
      const bundleFiles = filesUnder(extracted);
      expect(bundleFiles.length).toBeGreaterThan(10);
      for (const file of bundleFiles) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);

      // The sampler saw the installer's children at work (so the argv check below means something).
      const names = new Set(seen.map((p) => p.argv[0]?.split('/').pop()));
      expect(names).toEqual(new Set([helm.split('/').pop(), 'kubectl']));
      expect(seen.some((p) => p.argv.includes('upgrade'))).toBe(true);
      expect(seen.some((p) => p.argv.includes('apply'))).toBe(true);
      expect(seen.length).toBeGreaterThan(20);
      for (const p of seen) {
        expect(leaks(p.argv.join(' ')), `argv of ${p.argv.join(' ')}`).toEqual([]);
        expect(leaks(p.environ), `environment of ${p.argv.join(' ')}`).toEqual([]);
      }
    } finally {
      sampler.stop();
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
  }, 120_000);

  test('a literal secret in the answers is not copied into the install directory: the copy holds a reference to a 0600 file', async () => {
    const literal = `canary-literal-${randomBytes(8).toString('hex')}`;
    const answers = writeAnswersCopy(scratch.path('literal', 'sim.yaml'), {
      edit: (text) => text.replace(/(controlPlane:\n(?:.*\n)*? {4}password: )\{ fromFile: [^}]+\}/, `$1"${literal}"`),
    });
    expect(readFileSync(answers, 'utf8')).toContain(literal);
    const sim = await startSim(scratch, 'literal-cluster');
    const dir = scratch.path('literal-install');
    try {
      const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, answers, helm }), scratch.env());
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toContain('controlPlane.database.password: is a literal secret');
      const copy = readFileSync(join(dir, 'answers.yaml'), 'utf8');
      expect(copy).not.toContain(literal);
      const secretFiles = filesUnder(join(dir, 'secrets'));
      expect(secretFiles.length).toBeGreaterThan(0);
      for (const f of secretFiles) expect(statSync(f).mode & 0o777, f).toBe(0o600);
      expect(secretFiles.some((f) => readFileSync(f, 'utf8').includes(literal))).toBe(true);
      // The copy repeats the install: a second run from it changes nothing.
      const again = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, answers: join(dir, 'answers.yaml'), helm }), scratch.env());
      expect(again.exitCode, again.stderr).toBe(0);
      expect(finished(again)?.outcome).toBe('up-to-date');
    } finally {
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
  }, 120_000);
});

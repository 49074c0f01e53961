// `plan`: the ordered steps and exact commands, as text and JSON, changing
// nothing and showing no secret.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-plan-'));

test('plan --output json lists the self-hosted steps in order, pinned to the context', () => {
  const r = runCli(['plan', '--answers', 'examples/self-hosted.yaml', '--dir', join(tmp, 'd1'), '--output', 'json']);
  expect(r.status).toBe(0);
  const plan = JSON.parse(r.stdout);
  const ids: string[] = plan.steps.map((s: { id: string }) => s.id);
  expect(ids[0]).toBe('target');
  expect(ids.indexOf('release:control-plane')).toBeLessThan(ids.indexOf('ready:control-plane'));
  expect(ids.indexOf('ready:control-plane')).toBeLessThan(ids.indexOf('organization'));
  expect(ids.indexOf('organization')).toBeLessThan(ids.indexOf('enroll:ml-prod'));
  expect(ids.indexOf('enroll:ml-prod')).toBeLessThan(ids.indexOf('release:workspace-ml-prod'));
  expect(ids.at(-1)).toBe('report');
  const commands: string[] = plan.steps.flatMap((s: { commands: string[] }) => s.commands);
  expect(commands.length).toBeGreaterThan(5);
  // helm and kubectl get the context as a flag; Kubernetes API reads name it; control-plane API calls name that API.
  for (const c of commands) expect(c).toMatch(/--(kube-)?context prod-eu|^# Kubernetes API \(context prod-eu\)|^# https:\/\/zenml-pro\.zenml\.example\.com\/api\/v1: /);
  expect(commands.filter((c) => c.startsWith('helm ') || c.startsWith('kubectl ')).length).toBeGreaterThan(5);
  expect(commands.find((c) => c.startsWith('helm upgrade --install zenml-pro'))).toContain('--version 0.13.0');
  expect(commands.find((c) => c.startsWith('helm upgrade --install zenml ') && c.includes('zenml-workspace-ml-prod'))).toContain('--version 0.93.2');
  // ml-prod has no enrollment values: it is enrolled through the control-plane API once the control plane is ready.
  expect(plan.steps.find((s: { id: string }) => s.id === 'enroll:ml-prod').title).toBe('Enrollment of ml-prod through the control-plane API');
  expect(plan.steps.find((s: { id: string }) => s.id === 'disruption-budget:workspace-research').commands.join('\n')).toContain('poddisruptionbudget/zenml-pdb -n zenml-workspace-research');
  // plan keeps nothing: no generated secrets written
  expect(existsSync(join(tmp, 'd1', 'generated-secrets.yaml'))).toBe(false);
});

test('plan never shows a secret, in text or JSON', () => {
  const canary = `canary-${Date.now()}-secret`;
  const secrets = join(tmp, 'secrets');
  const answers = readFileSync(join(REPO, 'examples', 'self-hosted.yaml'), 'utf8')
    .replaceAll('./secrets/', `${join(REPO, 'examples', 'secrets')}/`)
    .replace(`${join(REPO, 'examples', 'secrets')}/control-plane-db-password`, `${secrets}`)
    .replace('method: iam-role', `method: docker-credentials\n    username: robot\n    password: ${canary}-registry`);
  writeFileSync(secrets, `${canary}\n`);
  const file = join(tmp, 'canary.yaml');
  writeFileSync(file, answers);
  for (const output of ['text', 'json']) {
    const r = runCli(['plan', '--answers', file, '--dir', join(tmp, 'd2'), '--output', output]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('pull-secret');
    expect(`${r.stdout}${r.stderr}`).not.toContain(canary);
  }
});

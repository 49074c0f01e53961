// The enrollment step kind against the simulated control plane (in process,
// over real HTTPS): what it keeps, what it records, and what it does when the
// control plane already has the workspace — its own cut-off enrollment is
// made again, anybody else's is explained and left alone.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { StepContext } from '../../src/engine/step-kind.js';
import type { ActionOf, Step } from '../../src/plan/steps.js';
import { makeCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { enrollWorkspaceKind, keptEnrollment } from '../../src/steps/enroll-workspace.js';

const certs = makeCertificates(['*.sim.example.com']);
let cp: ControlPlaneApi;
let orgId: string;

beforeAll(async () => {
  cp = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'admin-pw-123456' });
  orgId = cp.state.organizations[0]?.id ?? '';
});
afterAll(() => cp.close());

function setup(workspace: string, options: { prior?: string; reEnroll?: boolean } = {}) {
  const action: ActionOf<'enroll-workspace'> = {
    type: 'enroll-workspace',
    access: { apiUrl: cp.apiUrl, credential: { kind: 'password', username: 'admin', passwordKey: 'controlPlane.adminPassword' } },
    workspace,
    organizationStep: 'organization',
  };
  const step: Step = { id: `enroll:${workspace}`, title: 'enroll', needs: ['organization'], mutates: true, commands: [], inputsDigest: 'd', action, workspace };
  const kept = new Map<string, string>();
  const events: EngineEvent[] = [];
  const ctx = {
    step,
    prior: options.prior,
    hooks: {},
    emit: (e: EngineEvent) => events.push(e),
    signal: new AbortController().signal,
    settings: { failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 50, readyTimeoutMs: 1000, health: { ca: certs.caCert }, reEnroll: new Set(options.reEnroll ? [workspace] : []) },
    secret: (key: string) => (key === 'controlPlane.adminPassword' ? 'admin-pw-123456' : ''),
    outputsOf: (id: string) => (id === 'organization' ? { organizationId: orgId, organizationName: 'default' } : undefined),
    kept: { get: (key: string) => kept.get(key), put: (values: Record<string, string>) => { for (const [k, v] of Object.entries(values)) kept.set(k, v); return Promise.resolve(); } },
  } as unknown as StepContext;
  return { action, ctx, kept, events };
}

const enrollPosts = (name: string): number => cp.state.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/workspaces' && r.query?.name === name && r.status < 300).length;

describe('enroll-workspace', () => {
  test('enrolls, keeps the key with the ids before it returns, and records no secret', async () => {
    const { action, ctx, kept } = setup('alpha');
    expect(await enrollWorkspaceKind.probe?.(action, ctx)).toBeUndefined();
    const outputs = await enrollWorkspaceKind.run(action, ctx);
    const onCp = cp.state.workspaces.find((w) => w.name === 'alpha');
    expect(outputs).toEqual({ workspaceId: onCp?.id, workspaceName: 'alpha', organizationId: orgId, organizationName: 'default' });
    expect(keptEnrollment({ get: (k) => kept.get(k) }, 'alpha')).toEqual({ workspaceId: onCp?.id, workspaceName: 'alpha', organizationId: orgId, organizationName: 'default', enrollmentKey: onCp?.enrollmentKey });
    expect(JSON.stringify(outputs)).not.toContain(onCp?.enrollmentKey);
    // Kept: the next run's probe verifies it without a call.
    const requests = cp.state.requests.length;
    expect(await enrollWorkspaceKind.probe?.(action, ctx)).toContain(`enrolled as workspace ${onCp?.id}`);
    expect(cp.state.requests.length).toBe(requests);
  });

  test("someone else's workspace of that name is explained, with the ways out, and left alone", async () => {
    await enrollWorkspaceKind.run(setup('beta').action, setup('beta').ctx);
    const { action, ctx } = setup('beta');
    const id = cp.state.workspaces.find((w) => w.name === 'beta')?.id;
    await expect(enrollWorkspaceKind.run(action, ctx)).rejects.toMatchObject({
      message: expect.stringContaining(`workspace beta is already on the control plane (id ${id}`),
      next: expect.arrayContaining([expect.stringContaining('--re-enroll beta')]),
      blocked: true,
    });
    expect(cp.state.workspaces.find((w) => w.name === 'beta')?.id).toBe(id);
    expect(enrollPosts('beta')).toBe(1);
  });

  test('its own enrollment cut off before the key was kept (the step was running) is made again, with a notice', async () => {
    await enrollWorkspaceKind.run(setup('gamma').action, setup('gamma').ctx);
    const lost = cp.state.workspaces.find((w) => w.name === 'gamma')?.id;
    const { action, ctx, kept, events } = setup('gamma', { prior: 'running' });
    const outputs = await enrollWorkspaceKind.run(action, ctx);
    const now = cp.state.workspaces.filter((w) => w.name === 'gamma');
    expect(now).toHaveLength(1);
    expect(now[0]?.id).not.toBe(lost);
    expect(outputs.workspaceId).toBe(now[0]?.id);
    expect(keptEnrollment({ get: (k) => kept.get(k) }, 'gamma')?.enrollmentKey).toBe(now[0]?.enrollmentKey);
    expect(events.some((e) => e.type === 'notice' && e.message.includes('stopped before keeping its key'))).toBe(true);
  });

  test('a workspace a server already uses is never made again on its own, even after an interrupted run', async () => {
    await enrollWorkspaceKind.run(setup('delta').action, setup('delta').ctx);
    const id = cp.state.workspaces.find((w) => w.name === 'delta')?.id ?? '';
    cp.markWorkspaceConnected(id, 'https://delta.sim.example.com', '0.93.0');
    const { action, ctx } = setup('delta', { prior: 'interrupted' });
    await expect(enrollWorkspaceKind.run(action, ctx)).rejects.toMatchObject({ blocked: true });
    expect(cp.state.workspaces.find((w) => w.name === 'delta')?.id).toBe(id);
  });

  test('--re-enroll deletes it and enrolls anew', async () => {
    await enrollWorkspaceKind.run(setup('epsilon').action, setup('epsilon').ctx);
    const old = cp.state.workspaces.find((w) => w.name === 'epsilon')?.id;
    const { action, ctx } = setup('epsilon', { reEnroll: true });
    expect(await enrollWorkspaceKind.probe?.(action, ctx)).toBeUndefined();
    await enrollWorkspaceKind.run(action, ctx);
    const now = cp.state.workspaces.filter((w) => w.name === 'epsilon');
    expect(now).toHaveLength(1);
    expect(now[0]?.id).not.toBe(old);
  });
});

// Host routing (control plane vs workspace health), fault switches, the
// request log and close() of the simulated control plane, over real HTTPS.
import { Agent, request as httpsRequest } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type SimCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { call, login } from './control-plane-request.js';

const CP_HOST = 'zenml-pro.example.com';

let certs: SimCertificates;
let cp: ControlPlaneApi;
let token: string;
// What the simulated cluster would say about each workspace host.
const workspaceHealth = new Map<string, { ok: boolean; detail?: string }>();

beforeAll(async () => {
  certs = makeCertificates([CP_HOST, '*.example.com']);
  cp = await startControlPlaneApi({
    cert: certs.cert,
    key: certs.key,
    adminPassword: 'pw',
    hostnames: [CP_HOST],
    healthOf: (host) => workspaceHealth.get(host),
  });
  token = await login(cp.apiUrl, certs.caCert, 'admin', 'pw');
});

afterAll(async () => {
  await cp?.close();
});

afterEach(() => {
  cp.faults.reset();
});

describe('routing by host name', () => {
  it('answers /health as the control plane on 127.0.0.1 and on its configured host name', async () => {
    const direct = await call(`${cp.url}/health`, { ca: certs.caCert });
    expect(direct.status).toBe(200);
    expect(direct.body).toEqual({ status: 'ok' });
    const named = await call(`${cp.url}/health`, { ca: certs.caCert, host: CP_HOST });
    expect(named.status).toBe(200);
    const api = await call(`${cp.apiUrl}/users/me`, { ca: certs.caCert, host: `${CP_HOST}:443`, token });
    expect(api.status).toBe(200);
  });

  it('answers 404 for a host nobody serves', async () => {
    const reply = await call(`${cp.url}/health`, { ca: certs.caCert, host: 'nobody.example.com' });
    expect(reply.status).toBe(404);
    expect((reply.body as { detail: string }).detail).toContain('nobody.example.com');
  });

  it('answers a workspace host from healthOf, following its changes', async () => {
    workspaceHealth.set('ws1.example.com', { ok: false, detail: 'deployment zenml: 0/1 replicas ready' });
    const down = await call(`${cp.url}/health`, { ca: certs.caCert, host: 'ws1.example.com' });
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ detail: 'deployment zenml: 0/1 replicas ready' });
    expect((await call(`${cp.url}/ready`, { ca: certs.caCert, host: 'ws1.example.com' })).status).toBe(503);

    workspaceHealth.set('ws1.example.com', { ok: true });
    const up = await call(`${cp.url}/health`, { ca: certs.caCert, host: 'WS1.example.com' });
    expect(up.status).toBe(200);
    expect(up.body).toBe('OK');
    expect((await call(`${cp.url}/api/v1/current-user`, { ca: certs.caCert, host: 'ws1.example.com' })).status).toBe(404);
    // The workspace host does not expose the control-plane API.
    expect((await call(`${cp.url}/api/v1/organizations`, { ca: certs.caCert, host: 'ws1.example.com', token })).status).toBe(404);
  });
});

describe('fault switches', () => {
  it('fails the next N enrollments without creating anything, then enrolls', async () => {
    cp.faults.failEnrollments(2);
    const before = cp.state.workspaces.length;
    for (let i = 0; i < 2; i++) {
      const failed = await call(`${cp.apiUrl}/workspaces?name=flaky&enroll=true`, { ca: certs.caCert, token, method: 'POST' });
      expect(failed.status).toBe(500);
    }
    expect(cp.state.workspaces).toHaveLength(before);
    const ok = await call(`${cp.apiUrl}/workspaces?name=flaky&enroll=true`, { ca: certs.caCert, token, method: 'POST' });
    expect(ok.status).toBe(200);
    expect(cp.state.workspaces).toHaveLength(before + 1);
  });

  it('can lose the reply after creating the workspace, so the retry meets a 409', async () => {
    cp.faults.failEnrollments(1, { status: 502, afterCreate: true });
    const lost = await call(`${cp.apiUrl}/workspaces?name=lost-reply&enroll=true`, { ca: certs.caCert, token, method: 'POST' });
    expect(lost.status).toBe(502);
    expect(lost.text).not.toContain(cp.state.workspaces.find((w) => w.name === 'lost-reply')!.enrollmentKey);
    const retry = await call(`${cp.apiUrl}/workspaces?name=lost-reply&enroll=true`, { ca: certs.caCert, token, method: 'POST' });
    expect(retry.status).toBe(409);
  });

  it('fails the next N API requests with the given status, then recovers', async () => {
    cp.faults.failRequests(1, 503);
    expect((await call(`${cp.apiUrl}/users/me`, { ca: certs.caCert, token })).status).toBe(503);
    expect((await call(`${cp.apiUrl}/users/me`, { ca: certs.caCert, token })).status).toBe(200);
  });

  it('delays answers, so a client with a short timeout gives up', async () => {
    cp.faults.delayResponses(300);
    const started = Date.now();
    expect((await call(`${cp.url}/health`, { ca: certs.caCert })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect(call(`${cp.url}/health`, { ca: certs.caCert, timeoutMs: 100 })).rejects.toThrow(/timed out/);
    cp.faults.reset();
    const fast = Date.now();
    await call(`${cp.url}/health`, { ca: certs.caCert });
    expect(Date.now() - fast).toBeLessThan(250);
    expect(() => cp.faults.delayResponses(-1)).toThrow(RangeError);
  });
});

describe('request log and shutdown', () => {
  it('records each answered request with its host and status', async () => {
    await call(`${cp.url}/health`, { ca: certs.caCert, host: 'nobody.example.com' });
    const last = cp.state.requests.at(-1);
    expect(last).toEqual({ method: 'GET', host: 'nobody.example.com', path: '/health', status: 404 });
  });

  it('closes promptly even with a keep-alive connection open', async () => {
    const other = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'pw' });
    const agent = new Agent({ keepAlive: true, ca: certs.caCert });
    try {
      await new Promise<void>((resolve, reject) => {
        httpsRequest(`${other.url}/health`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject).end();
      });
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(1000);
      await expect(call(`${other.url}/health`, { ca: certs.caCert, timeoutMs: 1000 })).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });
});

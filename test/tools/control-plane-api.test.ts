// The control-plane API client against the simulated control plane over real
// HTTPS: the API URL names the control plane's host, mapped to the simulation
// with `resolve`, and its CA is trusted with `ca`, as an install against a
// private CA would do.
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import {
  ControlPlaneApiError,
  ControlPlaneClient,
  type ControlPlaneClientOptions,
  type ControlPlaneCredentials,
} from '../../src/tools/control-plane-api.js';
import { ExternalError } from '../../src/tools/external-error.js';

const HOST = 'zenml-pro.sim.example.com';
const ADMIN_PASSWORD = 'admin-pw-4f9c2b7e1d';
const certs = makeCertificates([HOST]);
const admin: ControlPlaneCredentials = { kind: 'password', username: 'admin', password: ADMIN_PASSWORD };

let cp: ControlPlaneApi;
let adminPassword: string | undefined = ADMIN_PASSWORD;
/** Every secret the tests handled; no error message may hold one. */
const secrets = new Set<string>([ADMIN_PASSWORD]);
const messages: string[] = [];

function optionsFor(api: ControlPlaneApi, extra: Partial<ControlPlaneClientOptions> = {}): ControlPlaneClientOptions {
  return { apiUrl: `https://${HOST}/api/v1`, ca: certs.caCert, resolve: new Map([[HOST, `127.0.0.1:${api.port}`]]), retryForMs: 5000, ...extra };
}

/** The error a call failed with, kept for the check that no message holds a secret. */
async function failure(promise: Promise<unknown>): Promise<ControlPlaneApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ControlPlaneApiError);
  // The engine turns any ExternalError into a message, hints and an exit code.
  expect(error).toBeInstanceOf(ExternalError);
  const apiError = error as ControlPlaneApiError;
  messages.push(apiError.message, ...apiError.hints);
  return apiError;
}

const requestsTo = (api: ControlPlaneApi, method: string, path: string) => api.state.requests.filter((r) => r.method === method && r.path === path);

beforeAll(async () => {
  cp = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: () => adminPassword, hostnames: [HOST], now: () => Date.now() });
});

afterAll(async () => {
  await cp?.close();
});

afterEach(() => {
  cp.faults.reset();
  adminPassword = ADMIN_PASSWORD;
  vi.useRealTimers();
});

describe('signing in', () => {
  it('logs in with the admin password (form-encoded) and checks the session with GET /users/me', async () => {
    const before = requestsTo(cp, 'POST', '/api/v1/auth/login').length;
    const client = await ControlPlaneClient.connect(optionsFor(cp), admin);
    expect(await client.me()).toEqual({ id: expect.any(String), username: 'admin', isSuperuser: true });
    expect(requestsTo(cp, 'POST', '/api/v1/auth/login')).toHaveLength(before + 1);
    expect(cp.state.requests.filter((r) => r.path === '/api/v1/users/me').at(-1)).toMatchObject({ host: HOST, status: 200 });
  });

  it('exchanges a personal access token at /auth/login and works with the session', async () => {
    const pat = cp.issuePersonalAccessToken('admin');
    secrets.add(pat);
    const before = requestsTo(cp, 'POST', '/api/v1/auth/login').length;
    const client = await ControlPlaneClient.connect(optionsFor(cp), { kind: 'token', token: pat });
    expect(requestsTo(cp, 'POST', '/api/v1/auth/login').at(-1)?.status).toBe(200);
    expect(requestsTo(cp, 'POST', '/api/v1/auth/login')).toHaveLength(before + 1);
    expect((await client.organizations()).map((o) => o.name)).toContain('default');
  });

  it('names the admin password and where to read it on a 401, without the password', async () => {
    const wrong = 'not-the-admin-pw-83hd';
    secrets.add(wrong);
    const error = await failure(ControlPlaneClient.connect(optionsFor(cp), { kind: 'password', username: 'admin', password: wrong }));
    expect(error.status).toBe(401);
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/^POST \/api\/v1\/auth\/login: the control plane refused the admin password \(HTTP 401: Invalid username or password\)$/);
    expect(error.hints.join('\n')).toContain('ZENML_CLOUD_ADMIN_PASSWORD');
  });

  it('names the API token on a 401, without the token', async () => {
    const bad = 'zenpat_revoked-or-never-issued-token';
    secrets.add(bad);
    const error = await failure(ControlPlaneClient.connect(optionsFor(cp), { kind: 'token', token: bad }));
    expect(error.status).toBe(401);
    expect(error.message).toContain('the API token (personal access token or service-account API key)');
    expect(error.hints.join('\n')).toMatch(/Access Tokens/);
  });

  it('says why password login fails while the control plane has no admin password', async () => {
    adminPassword = undefined;
    const error = await failure(ControlPlaneClient.connect(optionsFor(cp), admin));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/ZENML_CLOUD_ADMIN_PASSWORD is not set/);
  });

  it('signs in again once when the session has outlived its lifetime', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = await ControlPlaneClient.connect(optionsFor(cp), admin);
    const logins = requestsTo(cp, 'POST', '/api/v1/auth/login').length;
    vi.setSystemTime(Date.now() + 3601 * 1000);
    expect((await client.organizations()).length).toBeGreaterThan(0);
    expect(requestsTo(cp, 'POST', '/api/v1/auth/login')).toHaveLength(logins + 1);
    // The new session lasts: no further sign-in.
    await client.me();
    expect(requestsTo(cp, 'POST', '/api/v1/auth/login')).toHaveLength(logins + 1);

    // Expired again, and the password was changed meanwhile: one attempt, then the credential is named.
    vi.setSystemTime(Date.now() + 3601 * 1000);
    adminPassword = 'rotated-admin-pw-77aa';
    secrets.add(adminPassword);
    const error = await failure(client.me());
    expect(error.status).toBe(401);
    expect(error.message).toContain('refused the admin password');
    expect(requestsTo(cp, 'POST', '/api/v1/auth/login')).toHaveLength(logins + 2);
  });

  it('tells a wrong API URL apart: not the API (404), unresolvable host, untrusted certificate', async () => {
    const notApi = await failure(ControlPlaneClient.connect(optionsFor(cp, { apiUrl: `https://${HOST}/zenml` }), admin));
    expect(notApi.status).toBe(404);
    expect(notApi.message).toContain(`https://${HOST}/zenml does not look like a ZenML Pro API`);
    expect(notApi.hints.join('\n')).toContain('/api/v1');

    const dns = await failure(ControlPlaneClient.connect({ apiUrl: 'https://no-such-host.invalid/api/v1', retryForMs: 0 }, admin));
    expect(dns.message).toContain('no-such-host.invalid does not resolve');

    const { ca: _ca, ...untrusting } = optionsFor(cp);
    const tls = await failure(ControlPlaneClient.connect(untrusting, admin));
    expect(tls.message).toMatch(/TLS certificate of zenml-pro\.sim\.example\.com is not trusted/);
    expect(tls.transient).toBe(false);
    expect(tls.hints.join('\n')).toMatch(/CA/);

    const withCredentials = await failure(ControlPlaneClient.connect({ apiUrl: `https://admin:${ADMIN_PASSWORD}@${HOST}/api/v1` }, admin));
    expect(withCredentials.message).toBe('the control-plane API URL must not hold credentials');
  });
});

describe('organizations and users', () => {
  let client: ControlPlaneClient;
  beforeAll(async () => {
    client = await ControlPlaneClient.connect(optionsFor(cp), admin);
  });

  it('lists organizations, creates one, and answers a duplicate with a 409 naming it', async () => {
    const created = await client.createOrganization('platform');
    expect(created).toEqual({ id: expect.any(String), name: 'platform' });
    expect(await client.organizations()).toContainEqual(created);
    const dup = await failure(client.createOrganization('platform'));
    expect(dup.status).toBe(409);
    expect(dup.message).toContain("POST /api/v1/organizations: an organization named 'platform' already exists");
  });

  it('creates a user, finds it, refuses a duplicate, and keeps the password out of the log and of errors', async () => {
    const password = 'ivy-password-1b8e0c';
    secrets.add(password);
    const ivy = await client.createUser({ username: 'ivy', password, isSuperuser: false, email: 'ivy@example.com' });
    expect(ivy).toEqual({ id: expect.any(String), username: 'ivy', isSuperuser: false });
    expect(await client.findUser('ivy')).toEqual(ivy);
    expect(await client.findUser('nobody')).toBeUndefined();
    const dup = await failure(client.createUser({ username: 'ivy', password, isSuperuser: false }));
    expect(dup.status).toBe(409);
    expect(dup.message).toContain("a user named 'ivy' already exists");
    // The documented call takes the password in the query: the simulation logs it masked.
    expect(requestsTo(cp, 'POST', '/api/v1/users').at(-1)?.query).toMatchObject({ username: 'ivy', password: '***' });
  });

  it('answers 403 with the identity when a user who is not a superuser creates organizations or users', async () => {
    const password = 'jack-password-93kd0a';
    secrets.add(password);
    await client.createUser({ username: 'jack', password, isSuperuser: false });
    const jack = await ControlPlaneClient.connect(optionsFor(cp), { kind: 'password', username: 'jack', password });
    const org = await failure(jack.createOrganization('jacks'));
    expect(org.status).toBe(403);
    expect(org.message).toBe("POST /api/v1/organizations: user 'jack' is not allowed to do this (HTTP 403: Only superusers can create organizations)");
    expect(org.hints.join('\n')).toMatch(/superuser/);
    expect((await failure(jack.createUser({ username: 'kim', password: 'kim-pw-000', isSuperuser: true }))).status).toBe(403);
  });
});

describe('workspace enrollment', () => {
  let client: ControlPlaneClient;
  let orgId: string;
  beforeAll(async () => {
    client = await ControlPlaneClient.connect(optionsFor(cp), admin);
    orgId = (await client.organizations()).find((o) => o.name === 'default')!.id;
  });

  it('returns the enrollment key once; findWorkspace afterwards has none', async () => {
    const enrolled = await client.enrollWorkspace('ml-prod', orgId);
    secrets.add(enrolled.enrollmentKey);
    expect(enrolled).toMatchObject({ name: 'ml-prod', organization: { id: orgId, name: 'default' }, status: 'not_initialized' });
    expect(enrolled.enrollmentKey).toBe(cp.state.workspaces.find((w) => w.id === enrolled.id)?.enrollmentKey);
    // The sim's document declares organization_id in the query.
    expect(requestsTo(cp, 'POST', '/api/v1/workspaces').at(-1)?.query).toEqual({ name: 'ml-prod', organization_id: orgId, enroll: 'true' });

    const found = await client.findWorkspace('ml-prod', orgId);
    expect(found).toEqual({ id: enrolled.id, name: 'ml-prod', organization: { id: orgId, name: 'default' }, status: 'not_initialized' });
    expect(found).not.toHaveProperty('enrollmentKey');
    expect(await client.findWorkspace('ml-prod')).toEqual(found);
    expect(await client.findWorkspace('ml-none')).toBeUndefined();
  });

  it('answers a duplicate enrollment with a 409 naming the workspace and saying the key is shown once', async () => {
    const dup = await failure(client.enrollWorkspace('ml-prod', orgId));
    expect(dup.status).toBe(409);
    expect(dup.message).toContain(`POST /api/v1/workspaces: a workspace named 'ml-prod' in organization ${orgId} already exists`);
    expect(dup.hints.join('\n')).toMatch(/shown only once/);
    expect(cp.state.workspaces.filter((w) => w.name === 'ml-prod')).toHaveLength(1);
  });

  it('names the organization when it does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await failure(client.enrollWorkspace('ml-x', missing));
    expect(error.status).toBe(404);
    expect(error.message).toContain(`organization ${missing} was not found`);
  });

  it('says which organizations share a name when none is given', async () => {
    const other = await client.createOrganization('second');
    const again = await client.enrollWorkspace('shared-name', other.id);
    secrets.add(again.enrollmentKey);
    const first = await client.enrollWorkspace('shared-name', orgId);
    secrets.add(first.enrollmentKey);
    const error = await failure(client.findWorkspace('shared-name'));
    expect(error.message).toMatch(/2 workspaces are named 'shared-name', in organizations '(second|default)', '(second|default)'/);
    expect((await client.findWorkspace('shared-name', other.id))?.id).toBe(again.id);
  });

  it('takes a 404 on a retried delete as done: the lost attempt deleted it', async () => {
    const ws = await client.enrollWorkspace('delete-lost', orgId);
    secrets.add(ws.enrollmentKey);
    // Attempts 1 and 2 time out, though the first still deletes (after 600 ms); attempt 3 starts after that and meets a 404.
    const slow = await ControlPlaneClient.connect(optionsFor(cp, { timeoutMs: 150, onRetry: (attempt) => attempt === 2 && cp.faults.delayResponses(0) }), admin);
    cp.faults.delayResponses(600);
    await slow.deleteWorkspace(ws.id);
    expect(requestsTo(cp, 'DELETE', `/api/v1/workspaces/${ws.id}`).map((r) => r.status).sort()).toEqual([200, 404, 404]);
  });

  it('deletes a workspace, after which it is gone; deleting it again names it', async () => {
    const ws = await client.enrollWorkspace('to-delete', orgId);
    secrets.add(ws.enrollmentKey);
    await client.deleteWorkspace(ws.id);
    expect(await client.findWorkspace('to-delete', orgId)).toBeUndefined();
    const error = await failure(client.deleteWorkspace(ws.id));
    expect(error.status).toBe(404);
    expect(error.message).toContain(`DELETE /api/v1/workspaces/${ws.id}: workspace ${ws.id} was not found`);
  });
});

describe('passing failures', () => {
  let client: ControlPlaneClient;
  let orgId: string;
  const retries: [number, string, number][] = [];
  beforeAll(async () => {
    client = await ControlPlaneClient.connect(optionsFor(cp, { onRetry: (...r) => retries.push(r) }), admin);
    orgId = (await client.organizations()).find((o) => o.name === 'default')!.id;
  });
  afterEach(() => {
    retries.length = 0;
  });

  it('retries through 503s and reports each retry', async () => {
    cp.faults.failRequests(2, 503);
    expect((await client.me()).username).toBe('admin');
    expect(retries.map(([attempt, reason]) => [attempt, reason])).toEqual([[1, 'service-unavailable'], [2, 'service-unavailable']]);
    expect(retries.every(([, , delay]) => delay > 0 && delay <= 1000)).toBe(true);
  });

  it('gives up when the budget is spent, with a transient error', async () => {
    const impatient = await ControlPlaneClient.connect(optionsFor(cp, { retryForMs: 0 }), admin);
    cp.faults.failRequests(1, 504);
    const error = await failure(impatient.organizations());
    expect(error).toMatchObject({ status: 504, transient: true });
    expect(error.message).toBe('GET /api/v1/organizations: the control plane is not available (HTTP 504: Service Unavailable (simulated))');
  });

  it('does not retry a 500', async () => {
    cp.faults.failEnrollments(1, { status: 500 });
    const error = await failure(client.enrollWorkspace('boom', orgId));
    expect(error).toMatchObject({ status: 500, transient: false });
    expect(retries).toEqual([]);
    expect(cp.state.workspaces.some((w) => w.name === 'boom')).toBe(false);
  });

  it('says an earlier attempt probably created the workspace when its answer was lost', async () => {
    cp.faults.failEnrollments(1, { status: 502, afterCreate: true });
    const error = await failure(client.enrollWorkspace('lost-answer', orgId));
    secrets.add(cp.state.workspaces.find((w) => w.name === 'lost-answer')!.enrollmentKey);
    expect(error.status).toBe(409);
    expect(retries.map(([, reason]) => reason)).toEqual(['server-timeout']);
    expect(error.hints.join('\n')).toMatch(/earlier attempt of this call got no answer and probably created it/);
  });

  it('times out a slow answer, then retries it within the budget', async () => {
    const slow = await ControlPlaneClient.connect(optionsFor(cp, { timeoutMs: 150, retryForMs: 0 }), admin);
    cp.faults.delayResponses(600);
    const error = await failure(slow.me());
    expect(error).toMatchObject({ transient: true });
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(`GET /api/v1/users/me: ${HOST} sent no answer in time (no answer within 150 ms)`);

    const patient = await ControlPlaneClient.connect(optionsFor(cp, { timeoutMs: 150, onRetry: () => cp.faults.delayResponses(0) }), admin);
    cp.faults.delayResponses(600);
    expect((await patient.me()).username).toBe('admin');
  });

  it('retries a refused connection, then reports it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const seen: string[] = [];
    const options = { ...optionsFor(cp), resolve: new Map([[HOST, `127.0.0.1:${port}`]]), retryForMs: 700, onRetry: (_a: number, reason: string) => seen.push(reason) };
    const error = await failure(ControlPlaneClient.connect(options, admin));
    expect(error).toMatchObject({ transient: true });
    expect(error.message).toMatch(new RegExp(`^POST /api/v1/auth/login: cannot reach ${HOST.replaceAll('.', '\\.')} \\(ECONNREFUSED`));
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['connection-refused']));
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    const cancellable = await ControlPlaneClient.connect(optionsFor(cp, { signal: controller.signal }), admin);
    cp.faults.delayResponses(5000);
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(cancellable.me());
    expect(error.message).toBe('GET /api/v1/users/me: cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('where create calls put their fields', () => {
  it('follows an OpenAPI document that declares JSON bodies: no password in the URL', async () => {
    const bodies = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: ADMIN_PASSWORD, hostnames: [HOST], parametersIn: 'body' });
    try {
      const client = await ControlPlaneClient.connect(optionsFor(bodies), admin);
      const org = await client.createOrganization('bodies');
      const enrolled = await client.enrollWorkspace('ws-body', org.id);
      secrets.add(enrolled.enrollmentKey);
      expect(enrolled.organization).toEqual(org);
      const password = 'lee-password-5c1a9d';
      secrets.add(password);
      expect(await client.createUser({ username: 'lee', password, isSuperuser: true })).toMatchObject({ username: 'lee', isSuperuser: true });
      expect(requestsTo(bodies, 'GET', '/api/v1/openapi.json')).toHaveLength(1);
      expect(requestsTo(bodies, 'POST', '/api/v1/users').at(-1)).not.toHaveProperty('query');
      expect(requestsTo(bodies, 'POST', '/api/v1/workspaces').at(-1)?.query).toEqual({ enroll: 'true' });
    } finally {
      await bodies.close();
    }
  });

  it('falls back to the documented query call on a control plane without a document', async () => {
    const hidden = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: ADMIN_PASSWORD, hostnames: [HOST], openApi: false });
    try {
      const client = await ControlPlaneClient.connect(optionsFor(hidden), admin);
      const org = await client.createOrganization('second');
      const enrolled = await client.enrollWorkspace('ws-query', org.id);
      secrets.add(enrolled.enrollmentKey);
      expect(enrolled.organization.name).toBe('second');
      expect(requestsTo(hidden, 'GET', '/api/v1/openapi.json').map((r) => r.status)).toEqual([404]);
      expect(requestsTo(hidden, 'POST', '/api/v1/workspaces').at(-1)?.query).toEqual({ name: 'ws-query', organization_id: org.id, enroll: 'true' });
    } finally {
      await hidden.close();
    }
  });
});

describe('secrets', () => {
  it('appear in no error message or hint of this file', () => {
    expect(messages.length).toBeGreaterThan(20);
    for (const message of messages) {
      for (const secret of secrets) expect(message).not.toContain(secret);
    }
  });
});

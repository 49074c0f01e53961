// The simulated control-plane API over real HTTPS: login, token checks,
// organizations, users and workspace enrollment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type SimCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { call, login } from './control-plane-request.js';

const ADMIN_PASSWORD = 'admin-pw-for-tests';

interface WorkspaceBody {
  id: string;
  name: string;
  organization: { id: string; name: string };
  is_managed: boolean;
  status: string;
  enrollment_key: string | null;
  zenml_service: { status: { server_url: string; version: string } | null };
}
interface OrganizationBody { id: string; name: string }

let certs: SimCertificates;
let cp: ControlPlaneApi;
let clock = Date.now();
let adminToken: string;

beforeAll(async () => {
  certs = makeCertificates();
  cp = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: ADMIN_PASSWORD, now: () => clock });
  adminToken = await login(cp.apiUrl, certs.caCert, 'admin', ADMIN_PASSWORD);
});

afterAll(async () => {
  await cp?.close();
});

const get = (path: string, token?: string) => call(`${cp.apiUrl}${path}`, { ca: certs.caCert, token });
const post = (path: string, token?: string) => call(`${cp.apiUrl}${path}`, { ca: certs.caCert, token, method: 'POST' });
const del = (path: string, token?: string) => call(`${cp.apiUrl}${path}`, { ca: certs.caCert, token, method: 'DELETE' });

describe('login and tokens', () => {
  it('exchanges the admin password for a bearer token that /users/me accepts', async () => {
    const reply = await call(`${cp.apiUrl}/auth/login`, { ca: certs.caCert, method: 'POST', form: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, device_id: null, device_metadata: null });
    const token = (reply.body as { access_token: string }).access_token;
    expect(token.length).toBeGreaterThan(20);
    const me = await get('/users/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: 'admin', is_superuser: true });
  });

  it('refuses a wrong password or an unknown user with 401 and a detail', async () => {
    for (const form of [{ username: 'admin', password: 'wrong' }, { username: 'nobody', password: ADMIN_PASSWORD }]) {
      const reply = await call(`${cp.apiUrl}/auth/login`, { ca: certs.caCert, method: 'POST', form });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ detail: 'Invalid username or password' });
    }
  });

  it('answers 422 when the login form has no password', async () => {
    const reply = await call(`${cp.apiUrl}/auth/login`, { ca: certs.caCert, method: 'POST', form: { username: 'admin' } });
    expect(reply.status).toBe(422);
    expect(JSON.stringify(reply.body)).toContain('password');
  });

  it('accepts a personal access token alone at login and directly as a bearer token', async () => {
    const pat = cp.issuePersonalAccessToken();
    const reply = await call(`${cp.apiUrl}/auth/login`, { ca: certs.caCert, method: 'POST', form: { password: pat } });
    expect(reply.status).toBe(200);
    const token = (reply.body as { access_token: string }).access_token;
    expect(token).not.toBe(pat);
    expect((await get('/users/me', token)).status).toBe(200);
    expect((await get('/users/me', pat)).status).toBe(200);
    const bad = await call(`${cp.apiUrl}/auth/login`, { ca: certs.caCert, method: 'POST', form: { password: 'zenpat_nope' } });
    expect(bad.status).toBe(401);
  });

  it('answers 401 with WWW-Authenticate without a token, with a bad one and with an expired one', async () => {
    const none = await get('/organizations');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.body).toEqual({ detail: 'Not authenticated' });
    expect((await get('/organizations', 'not-a-token')).status).toBe(401);

    const token = await login(cp.apiUrl, certs.caCert, 'admin', ADMIN_PASSWORD);
    expect((await get('/users/me', token)).status).toBe(200);
    clock += 3601 * 1000;
    try {
      const expired = await get('/users/me', token);
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ detail: 'Invalid or expired token' });
    } finally {
      clock -= 3601 * 1000;
    }
  });

  it('answers 404 for an unknown path and 405 for a known path with the wrong method', async () => {
    expect((await get('/nothing-here', adminToken)).status).toBe(404);
    const wrong = await del('/organizations', adminToken);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
  });
});

describe('organizations and users', () => {
  it('lists the default organization, creates another and refuses a duplicate or a bad name', async () => {
    const first = await get('/organizations', adminToken);
    expect(first.status).toBe(200);
    expect((first.body as OrganizationBody[]).map((o) => o.name)).toEqual(['default']);

    const created = await post('/organizations?name=research', adminToken);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'research' });
    const names = ((await get('/organizations', adminToken)).body as OrganizationBody[]).map((o) => o.name);
    expect(names).toEqual(['default', 'research']);

    expect((await post('/organizations?name=research', adminToken)).status).toBe(409);
    expect((await post(`/organizations?name=${'o'.repeat(51)}`, adminToken)).status).toBe(422);
    expect((await post('/organizations', adminToken)).status).toBe(422);
  });

  it('lets the admin create a user who can log in but cannot create users or see organizations', async () => {
    const created = await post('/users?username=alice&password=alice-pw&is_superuser=false', adminToken);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'alice', is_superuser: false });
    expect((await post('/users?username=alice&password=x', adminToken)).status).toBe(409);
    expect((await post('/users?username=bob&password=x&is_superuser=maybe', adminToken)).status).toBe(422);

    const alice = await login(cp.apiUrl, certs.caCert, 'alice', 'alice-pw');
    expect((await post('/users?username=mallory&password=x', alice)).status).toBe(403);
    expect((await get('/organizations', alice)).body).toEqual([]);
    expect(cp.state.users.map((u) => u.username)).toEqual(['admin', 'alice']);
  });
});

describe('workspaces', () => {
  let defaultOrg: OrganizationBody;
  let researchOrg: OrganizationBody;

  beforeAll(async () => {
    const orgs = (await get('/organizations', adminToken)).body as OrganizationBody[];
    defaultOrg = orgs.find((o) => o.name === 'default')!;
    researchOrg = orgs.find((o) => o.name === 'research') ?? ((await post('/organizations?name=research', adminToken)).body as OrganizationBody);
  });

  it('enrolls a workspace and shows its enrollment key in that response only', async () => {
    const reply = await post(`/workspaces?name=ws-one&enroll=true&organization_id=${defaultOrg.id}`, adminToken);
    expect(reply.status).toBe(200);
    const ws = reply.body as WorkspaceBody;
    expect(ws).toMatchObject({ name: 'ws-one', organization: { id: defaultOrg.id, name: 'default' }, is_managed: false, status: 'not_initialized' });
    expect(ws.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof ws.enrollment_key).toBe('string');
    expect(ws.enrollment_key!.length).toBeGreaterThanOrEqual(32);
    expect(cp.state.workspaces.find((w) => w.id === ws.id)?.enrollmentKey).toBe(ws.enrollment_key);

    const again = await get(`/workspaces/${ws.id}`, adminToken);
    expect(again.status).toBe(200);
    expect((again.body as WorkspaceBody).enrollment_key).toBeNull();
    expect(again.text).not.toContain(ws.enrollment_key!);
    const listed = await get('/workspaces?workspace_name=ws-one', adminToken);
    expect(listed.text).not.toContain(ws.enrollment_key!);
  });

  it('refuses a duplicate name in the same organization with 409 but allows it in another', async () => {
    const dup = await post(`/workspaces?name=ws-one&enroll=true&organization_id=${defaultOrg.id}`, adminToken);
    expect(dup.status).toBe(409);
    expect((dup.body as { detail: string }).detail).toContain('ws-one');
    const other = await post(`/workspaces?name=ws-one&enroll=true&organization_id=${researchOrg.id}`, adminToken);
    expect(other.status).toBe(200);
    expect((other.body as WorkspaceBody).organization.name).toBe('research');
  });

  it('needs organization_id when the caller has several organizations, and validates names and flags', async () => {
    const noOrg = await post('/workspaces?name=ws-x&enroll=true', adminToken);
    expect(noOrg.status).toBe(422);
    expect(JSON.stringify(noOrg.body)).toContain('organization_id');
    expect((await post(`/workspaces?name=${'w'.repeat(51)}&enroll=true&organization_id=${defaultOrg.id}`, adminToken)).status).toBe(422);
    expect((await post(`/workspaces?name=&enroll=true&organization_id=${defaultOrg.id}`, adminToken)).status).toBe(422);
    expect((await post(`/workspaces?name=ws-x&organization_id=${defaultOrg.id}`, adminToken)).status).toBe(400);
    expect((await post('/workspaces?name=ws-x&enroll=true&organization_id=not-a-uuid', adminToken)).status).toBe(422);
    expect((await post('/workspaces?name=ws-x&enroll=true&organization_id=00000000-0000-4000-8000-000000000000', adminToken)).status).toBe(404);
    const fifty = await post(`/workspaces?name=${'w'.repeat(50)}&enroll=true&organization_id=${defaultOrg.id}`, adminToken);
    expect(fifty.status).toBe(200);
    expect((await del(`/workspaces/${(fifty.body as WorkspaceBody).id}`, adminToken)).status).toBe(200);
  });

  it('finds workspaces by name, organization and status, as a JSON array with limit ≤ 100', async () => {
    const byName = await get('/workspaces?workspace_name=ws-one', adminToken);
    expect(byName.status).toBe(200);
    expect(Array.isArray(byName.body)).toBe(true);
    expect((byName.body as WorkspaceBody[]).map((w) => w.organization.name).sort()).toEqual(['default', 'research']);
    const inDefault = (await get(`/workspaces?workspace_name=ws-one&organization_id=${defaultOrg.id}`, adminToken)).body as WorkspaceBody[];
    expect(inDefault).toHaveLength(1);
    expect((await get('/workspaces?status=available', adminToken)).body).toEqual([]);
    expect(((await get('/workspaces?status=not_initialized&limit=1', adminToken)).body as unknown[])).toHaveLength(1);
    expect(((await get('/workspaces?offset=1&limit=100', adminToken)).body as unknown[])).toHaveLength(1);
    expect((await get('/workspaces?limit=101', adminToken)).status).toBe(422);
    expect((await get('/workspaces?offset=-1', adminToken)).status).toBe(422);
    expect((await get('/workspaces?workspace_name=nope', adminToken)).body).toEqual([]);
  });

  it('reports a connected workspace as available with its server URL', async () => {
    const [ws] = (await get(`/workspaces?workspace_name=ws-one&organization_id=${defaultOrg.id}`, adminToken)).body as WorkspaceBody[];
    cp.markWorkspaceConnected(ws!.id, 'https://ws-one.example.com', '0.93.0');
    const after = (await get(`/workspaces/${ws!.id}`, adminToken)).body as WorkspaceBody;
    expect(after.status).toBe('available');
    expect(after.zenml_service.status).toEqual({ server_url: 'https://ws-one.example.com', version: '0.93.0' });
  });

  it('deletes a workspace, after which it is gone and its name is free again', async () => {
    const [ws] = (await get(`/workspaces?workspace_name=ws-one&organization_id=${researchOrg.id}`, adminToken)).body as WorkspaceBody[];
    const deleted = await del(`/workspaces/${ws!.id}`, adminToken);
    expect(deleted.status).toBe(200);
    expect((deleted.body as WorkspaceBody).id).toBe(ws!.id);
    expect((await get(`/workspaces/${ws!.id}`, adminToken)).status).toBe(404);
    expect((await del(`/workspaces/${ws!.id}`, adminToken)).status).toBe(404);
    expect((await get('/workspaces/not-a-uuid', adminToken)).status).toBe(422);
    const reenrolled = await post(`/workspaces?name=ws-one&enroll=true&organization_id=${researchOrg.id}`, adminToken);
    expect(reenrolled.status).toBe(200);
    expect((reenrolled.body as WorkspaceBody).enrollment_key).not.toBe(cp.state.workspaces.find((w) => w.id === ws!.id)?.enrollmentKey);
  });

  it('hides workspaces of organizations the caller does not belong to', async () => {
    expect((await post('/users?username=carol&password=carol-pw', adminToken)).status).toBe(200);
    const carol = await login(cp.apiUrl, certs.caCert, 'carol', 'carol-pw');
    expect(cp.state.workspaces.length).toBeGreaterThan(0);
    expect((await get('/workspaces', carol)).body).toEqual([]);
    expect((await get(`/workspaces/${cp.state.workspaces[0]!.id}`, carol)).status).toBe(404);
    expect((await post('/workspaces?name=mine&enroll=true', carol)).status).toBe(422);
  });
});

describe('a control plane that starts without an organization', () => {
  it('enrolls into the only organization once one is created, without organization_id', async () => {
    const empty = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'pw', organizationName: null });
    try {
      const token = await login(empty.apiUrl, certs.caCert, 'admin', 'pw');
      const ca = certs.caCert;
      expect((await call(`${empty.apiUrl}/organizations`, { ca, token })).body).toEqual([]);
      expect((await call(`${empty.apiUrl}/workspaces?name=w&enroll=true`, { ca, token, method: 'POST' })).status).toBe(422);
      await call(`${empty.apiUrl}/organizations?name=acme`, { ca, token, method: 'POST' });
      const ws = await call(`${empty.apiUrl}/workspaces?name=w&enroll=true`, { ca, token, method: 'POST' });
      expect(ws.status).toBe(200);
      expect((ws.body as WorkspaceBody).organization.name).toBe('acme');
    } finally {
      await empty.close();
    }
  });
});

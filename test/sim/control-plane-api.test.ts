// The simulated control-plane API over real HTTPS: login, token checks,
// organizations, users and workspace enrollment, the OpenAPI document, rights,
// the request log and the control-plane host name.
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type SimCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { call, login, type Reply } from './control-plane-request.js';

const ADMIN_PASSWORD = 'admin-pw-for-tests';
/** The control plane's own host name, served once its backend is ready. */
const CP_HOST = 'zenml-pro.cp.example.com';

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
  certs = makeCertificates([CP_HOST]);
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

/** POST with a JSON body, which the shared helper does not send. */
function postJson(url: string, token: string, body: unknown): Promise<Reply> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: 'POST',
      ca: certs.caCert,
      agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: raw, body: JSON.parse(raw) as unknown });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

interface OpenApiDocument {
  servers: { url: string }[];
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe('the OpenAPI document', () => {
  it('is served without a token at /api/v1/openapi.json and describes the enroll call', async () => {
    const reply = await get('/openapi.json');
    expect(reply.status).toBe(200);
    const doc = reply.body as OpenApiDocument;
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    const enroll = doc.paths['/workspaces']!.post!;
    expect(enroll.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:enroll', 'query:name', 'query:organization_id']);
    expect(enroll.requestBody).toBeUndefined();
  });

  it('lists only calls the simulation answers', async () => {
    const doc = (await get('/openapi.json')).body as OpenApiDocument;
    const sample = '00000000-0000-4000-8000-000000000000';
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const reply = await call(`${cp.apiUrl}${path.replace('{workspace_id}', sample)}`, { ca: certs.caCert, token: adminToken, method: method.toUpperCase() });
        // 404 only as the store's own answer about the sample id, never "no such route".
        expect(reply.status, `${method} ${path}`).not.toBe(405);
        expect((reply.body as { detail?: unknown }).detail, `${method} ${path}`).not.toBe('Not Found');
      }
    }
  });

  it('is absent (404) on a control plane started with openApi: false', async () => {
    const hidden = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'pw', openApi: false });
    try {
      expect((await call(`${hidden.apiUrl}/openapi.json`, { ca: certs.caCert })).status).toBe(404);
    } finally {
      await hidden.close();
    }
  });
});

describe('a control plane whose create calls take JSON bodies', () => {
  let bodies: ControlPlaneApi;
  let token: string;

  beforeAll(async () => {
    bodies = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'pw', parametersIn: 'body' });
    token = await login(bodies.apiUrl, certs.caCert, 'admin', 'pw');
  });
  afterAll(async () => {
    await bodies?.close();
  });

  it('declares the fields in request bodies and takes them there, not in the query', async () => {
    const doc = (await call(`${bodies.apiUrl}/openapi.json`, { ca: certs.caCert })).body as OpenApiDocument;
    expect(doc.paths['/workspaces']!.post!.parameters!.map((p) => p.name)).toEqual(['enroll']);
    expect(Object.keys(doc.components.schemas.WorkspaceCreate!.properties!)).toEqual(['name', 'organization_id']);
    expect(Object.keys(doc.components.schemas.UserCreate!.properties!)).toEqual(['username', 'password', 'is_superuser', 'email']);

    expect((await call(`${bodies.apiUrl}/organizations?name=by-query`, { ca: certs.caCert, token, method: 'POST' })).status).toBe(422);
    const org = await postJson(`${bodies.apiUrl}/organizations`, token, { name: 'by-body' });
    expect(org.status).toBe(200);
    const orgId = (org.body as OrganizationBody).id;
    const ws = await postJson(`${bodies.apiUrl}/workspaces?enroll=true`, token, { name: 'ws-body', organization_id: orgId });
    expect(ws.status).toBe(200);
    expect(ws.body).toMatchObject({ name: 'ws-body', organization: { id: orgId } });
    const user = await postJson(`${bodies.apiUrl}/users`, token, { username: 'dana', password: 'dana-pw', is_superuser: false, email: 'dana@example.com' });
    expect(user.body).toMatchObject({ name: 'dana', email: 'dana@example.com', is_superuser: false });
    expect((await postJson(`${bodies.apiUrl}/users`, token, { username: 'erin' })).body).toEqual({ detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }] });
  });
});

describe('rights and the admin password', () => {
  it('answers 403 to a user who is not a superuser creating organizations or users, or listing users', async () => {
    const exists = cp.state.users.some((u) => u.username === 'frank');
    if (!exists) expect((await post('/users?username=frank&password=frank-pw', adminToken)).status).toBe(200);
    const frank = await login(cp.apiUrl, certs.caCert, 'frank', 'frank-pw');
    const org = await post('/organizations?name=franks-org', frank);
    expect(org.status).toBe(403);
    expect(org.body).toEqual({ detail: 'Only superusers can create organizations' });
    expect((await post('/users?username=gina&password=x', frank)).status).toBe(403);
    expect((await get('/users', frank)).status).toBe(403);
    expect(cp.state.organizations.map((o) => o.name)).not.toContain('franks-org');
  });

  it('lists users to a superuser, filtered by username', async () => {
    const all = (await get('/users', adminToken)).body as { name: string }[];
    expect(all.map((u) => u.name)).toContain('admin');
    expect(((await get('/users?username=admin', adminToken)).body as { name: string }[]).map((u) => u.name)).toEqual(['admin']);
    expect((await get('/users?username=nobody', adminToken)).body).toEqual([]);
  });

  it('reads the admin password at each login, and refuses password login while there is none', async () => {
    let secretValue: string | undefined;
    const live = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: () => secretValue });
    try {
      const form = (password: string) => call(`${live.apiUrl}/auth/login`, { ca: certs.caCert, method: 'POST', form: { username: 'admin', password } });
      const missing = await form('anything');
      expect(missing.status).toBe(401);
      expect((missing.body as { detail: string }).detail).toMatch(/no admin password.*ZENML_CLOUD_ADMIN_PASSWORD/);
      secretValue = 'first-pw';
      expect((await form('first-pw')).status).toBe(200);
      secretValue = 'rotated-pw';
      expect((await form('first-pw')).status).toBe(401);
      expect((await form('rotated-pw')).status).toBe(200);
    } finally {
      await live.close();
    }
  });
});

describe('the request log', () => {
  it('keeps each call\'s query, with a password shown as ***, so enrollments can be counted per workspace', async () => {
    const [org] = (await get('/organizations', adminToken)).body as OrganizationBody[];
    expect((await post('/users?username=hank&password=hank-secret-pw&is_superuser=false', adminToken)).status).toBe(200);
    expect((await post(`/workspaces?name=counted&enroll=true&organization_id=${org!.id}`, adminToken)).status).toBe(200);
    expect((await post(`/workspaces?name=counted&enroll=true&organization_id=${org!.id}`, adminToken)).status).toBe(409);

    const log = cp.state.requests;
    expect(JSON.stringify(log)).not.toContain('hank-secret-pw');
    expect(log.find((r) => r.path === '/api/v1/users' && r.query?.username === 'hank')?.query).toEqual({ username: 'hank', password: '***', is_superuser: 'false' });
    const enrollments = log.filter((r) => r.method === 'POST' && r.path === '/api/v1/workspaces' && r.query?.name === 'counted');
    expect(enrollments.map((r) => r.status)).toEqual([200, 409]);
    expect(cp.state.workspaces.filter((w) => w.name === 'counted')).toHaveLength(1);
    expect(log.find((r) => r.path === '/api/v1/users/me')).not.toHaveProperty('query');
  });

  it('never shows the enrollment key again, not even in the answer to its deletion', async () => {
    const [org] = (await get('/organizations', adminToken)).body as OrganizationBody[];
    const ws = (await post(`/workspaces?name=short-lived&enroll=true&organization_id=${org!.id}`, adminToken)).body as WorkspaceBody;
    const deleted = await del(`/workspaces/${ws.id}`, adminToken);
    expect(deleted.status).toBe(200);
    expect(deleted.text).not.toContain(ws.enrollment_key!);
    expect((deleted.body as WorkspaceBody).enrollment_key).toBeNull();
  });
});

describe('the control-plane host name', () => {
  let backend: { ok: boolean; detail?: string } | undefined;
  let named: ControlPlaneApi;

  beforeAll(async () => {
    named = await startControlPlaneApi({
      cert: certs.cert,
      key: certs.key,
      adminPassword: 'pw',
      isControlPlaneHost: (host) => host === CP_HOST,
      healthOf: (host) => (host === CP_HOST ? backend : undefined),
    });
  });
  afterAll(async () => {
    await named?.close();
  });

  const at = (path: string, token?: string) => call(`${named.url}${path}`, { ca: certs.caCert, host: CP_HOST, ...(token ? { token } : {}) });

  it('answers 404 while nothing routes the host, 503 while its deployment is not ready, then the API', async () => {
    backend = undefined;
    expect((await at('/api/v1/openapi.json')).status).toBe(404);
    backend = { ok: false, detail: 'zenml-pro is not ready' };
    const unready = await at('/api/v1/users/me');
    expect(unready.status).toBe(503);
    expect(unready.body).toEqual({ detail: 'zenml-pro is not ready' });
    expect((await at('/health')).status).toBe(503);

    backend = { ok: true };
    expect((await at('/health')).body).toEqual({ status: 'ok' });
    const token = await login(named.apiUrl, certs.caCert, 'admin', 'pw');
    expect((await at('/api/v1/users/me', token)).body).toMatchObject({ name: 'admin' });
    expect(named.state.requests.filter((r) => r.host === CP_HOST).map((r) => r.status)).toEqual([404, 503, 503, 200, 200]);
  });

  it('still answers the API at 127.0.0.1 whatever the host name\'s state', async () => {
    backend = { ok: false };
    expect((await call(`${named.apiUrl}/openapi.json`, { ca: certs.caCert })).status).toBe(200);
  });
});

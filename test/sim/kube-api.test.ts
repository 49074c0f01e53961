// The simulated API at the HTTP level: auth, discovery, OpenAPI, Status errors,
// selectors, pagination, watches (replay, 410, WatchList, selector transitions),
// apply patches, the admin endpoints and the request log.
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupKubeSim } from '../helpers/kube-sim.js';

const kube = setupKubeSim();
let session: http2.ClientHttp2Session;

beforeAll(() => {
  session = http2.connect(kube.sim.url, { ca: kube.sim.caCert });
  session.on('error', () => undefined);
});

afterAll(() => {
  session.close();
});

interface Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

function call(method: string, path: string, options: { body?: unknown; contentType?: string; accept?: string; token?: string | null } = {}): Promise<Answer> {
  const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path };
  const token = options.token === undefined ? kube.sim.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.accept) headers.accept = options.accept;
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let responseHeaders: http2.IncomingHttpHeaders = {};
    stream.setTimeout(5000, () => stream.close());
    stream.on('response', (h) => {
      responseHeaders = h;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, text, json: <T>() => JSON.parse(text) as T });
    });
    if (body !== undefined) stream.end(body);
  });
}

interface WatchEvent { type: string; object: { kind?: string; metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string } }

/** Reads watch events until `enough` holds (then closes the stream) or 5 s pass. */
function watch(path: string, enough: (events: WatchEvent[]) => boolean, afterOpen?: () => Promise<unknown>): Promise<WatchEvent[]> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ':path': path, authorization: `Bearer ${kube.sim.token}` });
    const events: WatchEvent[] = [];
    let buffer = '';
    const done = (): void => {
      clearTimeout(timer);
      stream.close();
      resolve(events);
    };
    const timer = setTimeout(done, 5000);
    stream.on('response', () => {
      void afterOpen?.();
    });
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
      if (enough(events)) done();
    });
    stream.on('end', done);
    stream.on('error', reject);
    stream.end();
  });
}

const configMap = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data,
});

describe('the simulated API over HTTP', () => {
  it('requires the bearer token', async () => {
    for (const token of [null, 'wrong']) {
      const answer = await call('GET', '/api/v1/namespaces', { token });
      expect(answer.status).toBe(401);
      expect(answer.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    expect((await call('GET', '/_sim/requests', { token: null })).status).toBe(401);
  });

  it('serves aggregated discovery only when asked, legacy otherwise', async () => {
    const aggregated = await call('GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(aggregated.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const groups = aggregated.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'authorization.k8s.io']));
    const legacy = await call('GET', '/apis', { accept: 'application/json' });
    expect(legacy.headers['content-type']).toBe('application/json');
    expect(legacy.json()).toMatchObject({ kind: 'APIGroupList' });
    const core = await call('GET', '/api/v1');
    const names = core.json<{ resources: { name: string }[] }>().resources.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/status', 'secrets', 'events']));
  });

  it('serves /version, the OpenAPI v3 stub and no OpenAPI v2', async () => {
    expect((await call('GET', '/version')).json()).toMatchObject({ major: '1', minor: '34', gitVersion: 'v1.34.2' });
    const index = (await call('GET', '/openapi/v3')).json<{ paths: Record<string, { serverRelativeURL: string }> }>();
    const appsUrl = index.paths['apis/apps/v1']?.serverRelativeURL ?? '';
    expect(appsUrl).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call('GET', appsUrl)).json<{ paths: Record<string, { patch: { parameters: { name: string }[] } }> }>();
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect((await call('GET', '/openapi/v2')).status).toBe(404);
  });

  it('answers errors as kind: Status with reason, code and details', async () => {
    const missing = await call('GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404,
    });
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('dup') })).status).toBe(201);
    const dup = await call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('dup') });
    expect(dup.json()).toMatchObject({ reason: 'AlreadyExists', code: 409, message: 'configmaps "dup" already exists' });
    const bad = await call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('Bad_Name') });
    expect(bad.json()).toMatchObject({ reason: 'Invalid', code: 422, details: { kind: 'ConfigMap', causes: [{ field: 'metadata.name' }] } });
    const noNs = await call('POST', '/api/v1/namespaces/ghost/configmaps', { body: configMap('x') });
    expect(noNs.json()).toMatchObject({ reason: 'NotFound', code: 404, message: 'namespaces "ghost" not found' });
    const selector = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    expect(selector.json()).toMatchObject({ reason: 'Invalid', code: 422 });
  });

  it('forbids creating in a terminating namespace', async () => {
    expect((await call('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } })).status).toBe(201);
    const deleted = await call('DELETE', '/api/v1/namespaces/doomed', { body: { propagationPolicy: 'Background' } });
    expect(deleted.json()).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
    const create = await call('POST', '/api/v1/namespaces/doomed/configmaps', { body: configMap('late') });
    expect(create.status).toBe(403);
    expect(create.json()).toMatchObject({
      reason: 'Forbidden', message: 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      details: { causes: [{ reason: 'NamespaceTerminating' }] },
    });
  });

  it('filters lists by label and field selectors and pages them', async () => {
    for (const [name, tier] of [['cm-a', 'front'], ['cm-b', 'back'], ['cm-c', 'db']] as const) {
      await call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap(name, { tier, group: 'sel' }) });
    }
    const names = async (query: string): Promise<string[]> => (await call('GET', `/api/v1/namespaces/default/configmaps?${query}`)).json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name);
    expect(await names(`labelSelector=${encodeURIComponent('group=sel,tier in (front,back)')}`)).toEqual(['cm-a', 'cm-b']);
    expect(await names(`labelSelector=group%3Dsel&fieldSelector=${encodeURIComponent('metadata.name!=cm-b')}`)).toEqual(['cm-a', 'cm-c']);
    const page = (await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=group%3Dsel&limit=2')).json<{ items: unknown[]; metadata: { continue: string; remainingItemCount: number } }>();
    expect(page.items).toHaveLength(2);
    expect(page.metadata.remainingItemCount).toBe(1);
    expect(await names(`labelSelector=group%3Dsel&limit=2&continue=${encodeURIComponent(page.metadata.continue)}`)).toEqual(['cm-c']);
  });

  it('replays watch events after a resourceVersion and answers 410 for a compacted one', async () => {
    const list = (await call('GET', '/api/v1/namespaces/default/configmaps')).json<{ metadata: { resourceVersion: string } }>();
    await call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('later') });
    const events = await watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (e) => e.length >= 1);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'later']]);
    const expired = await watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1', (e) => e.length >= 1);
    expect(expired[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('serves WatchList: initial events, then the initial-events-end bookmark, then live events', async () => {
    const invalidWatchList = await call('GET', '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true');
    expect(invalidWatchList.status).toBe(422);
    const events = await watch(
      '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=group%3Dsel',
      (e) => e.some((x) => x.type === 'ADDED' && x.object.metadata.name === 'cm-live'),
      () => call('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('cm-live', { group: 'sel' }) }),
    );
    const bookmark = events.findIndex((e) => e.type === 'BOOKMARK');
    expect(events.slice(0, bookmark).map((e) => e.object.metadata.name)).toEqual(['cm-a', 'cm-b', 'cm-c']);
    expect(events[bookmark]?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(events[bookmark]?.object.kind).toBe('ConfigMap');
    expect(events.slice(bookmark + 1).map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'cm-live']]);
  });

  it('sends DELETED when an object stops matching the watch selector', async () => {
    const events = await watch(
      '/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Dfront',
      (e) => e.some((x) => x.type === 'DELETED'),
      () => call('PATCH', '/api/v1/namespaces/default/configmaps/cm-a', { body: { metadata: { labels: { tier: 'moved' } } }, contentType: 'application/merge-patch+json' }),
    );
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'cm-a'], ['DELETED', 'cm-a']]);
  });

  it('creates and updates with apply patches, dropping fields the manager stopped applying', async () => {
    const apply = (data: Record<string, string>, manager: string): Promise<Answer> => call('PATCH', `/api/v1/namespaces/default/configmaps/applied?fieldManager=${manager}&force=true`, {
      body: configMap('applied', {}, data), contentType: 'application/apply-patch+yaml',
    });
    expect((await apply({ a: '1', b: '2' }, 'helm')).status).toBe(201);
    await call('PATCH', '/api/v1/namespaces/default/configmaps/applied', { body: { data: { other: 'x' } }, contentType: 'application/strategic-merge-patch+json' });
    const second = await apply({ a: '3' }, 'helm');
    expect(second.status).toBe(200);
    expect(second.json<{ data: Record<string, string> }>().data).toEqual({ a: '3', other: 'x' });
  });

  it('bumps generation on spec changes only and keeps status on main-resource writes', async () => {
    const body = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'gen' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } } } };
    const created = (await call('POST', '/apis/batch/v1/namespaces/default/jobs', { body })).json<{ metadata: { generation: number }; spec: { selector: { matchLabels: Record<string, string> } } }>();
    expect(created.metadata.generation).toBe(1);
    expect(Object.keys(created.spec.selector.matchLabels)).toEqual(['batch.kubernetes.io/controller-uid']);
    const labelled = await call('PATCH', '/apis/batch/v1/namespaces/default/jobs/gen', { body: { metadata: { labels: { x: 'y' } }, status: { succeeded: 99 } }, contentType: 'application/merge-patch+json' });
    expect(labelled.json<{ metadata: { generation: number } }>().metadata.generation).toBe(1);
    expect(labelled.json<{ status?: { succeeded?: number } }>().status?.succeeded).not.toBe(99);
    const immutable = await call('PATCH', '/apis/batch/v1/namespaces/default/jobs/gen', { body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    expect(immutable.json()).toMatchObject({ reason: 'Invalid', code: 422 });
  });

  it('takes faults and serves the request log over the admin endpoints', async () => {
    const invalid = await call('POST', '/_sim/faults', { body: { type: 'apiError', status: 200, count: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.json<{ error: string }>().error).toMatch(/status/);
    const added = await call('POST', '/_sim/faults', { body: [{ type: 'apiError', status: 503, count: 1, match: { pathIncludes: '/configmaps/cm-b' } }] });
    expect(added.status).toBe(201);
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/cm-b')).json()).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/cm-b')).status).toBe(200);

    const log = (await call('GET', '/_sim/requests')).json<{ requests: { method: string; path: string; status: number; mutating: boolean; fault?: string }[] }>().requests;
    expect(log.some((e) => e.path.startsWith('/_sim'))).toBe(false);
    const faulted = log.filter((e) => e.fault !== undefined && e.path === '/api/v1/namespaces/default/configmaps/cm-b');
    expect(faulted.map((e) => e.status)).toEqual([503]);
    expect(log.find((e) => e.method === 'PATCH' && e.path.endsWith('/applied'))?.mutating).toBe(true);
    expect(log.find((e) => e.method === 'GET')?.mutating).toBe(false);

    expect((await call('DELETE', '/_sim/requests')).status).toBe(200);
    expect((await call('GET', '/_sim/requests')).json<{ requests: unknown[] }>().requests).toEqual([]);
    await call('POST', '/_sim/faults', { body: { type: 'rbacDeny' } });
    expect((await call('GET', '/api/v1/namespaces')).status).toBe(403);
    expect((await call('DELETE', '/_sim/faults')).status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces')).status).toBe(200);
  });
});

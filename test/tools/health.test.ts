// The external health check against the simulated control plane's HTTPS
// server, which answers /health for workspace hosts by their name (TLS server
// name and Host header), and the way to a host before DNS exists: an explicit
// override, the address the ingress published (the simulated ingress
// controller points at that server), or the API server's service proxy. The
// simulated host names (*.sim.example.com) do not resolve in DNS.
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { makeCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { checkHealth, describeHealthPath, type ClusterRoute } from '../../src/tools/health.js';
import { IngressRoutes } from '../../src/tools/ingress-address.js';
import { setupKubeSim } from '../helpers/kube-sim.js';

const certs = makeCertificates(['*.sim.example.com']);
const kube = setupKubeSim();
const healthy = new Set<string>();
let cp: ControlPlaneApi;
let closedPort: number;

beforeAll(async () => {
  cp = await startControlPlaneApi({
    cert: certs.cert, key: certs.key, adminPassword: 'pw-123456',
    healthOf: (host) => (host.endsWith('.sim.example.com') ? { ok: healthy.has(host), detail: 'zenml is not ready' } : undefined),
  });
  // A port nothing listens on: connections to it are refused.
  const server = createServer();
  closedPort = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  await new Promise((resolve) => server.close(resolve));
});
afterAll(async () => {
  await cp.close();
});

describe('checkHealth at a given address', () => {
  const resolve = (): Map<string, string> => new Map([['ml.sim.example.com', `127.0.0.1:${cp.port}`]]);
  const path = { via: 'override', address: '' } as const;

  test('reports 503 from a server that is not ready, then healthy once it is', async () => {
    const before = await checkHealth('https://ml.sim.example.com/health', { resolve: resolve(), ca: certs.caCert });
    expect(before).toMatchObject({ state: 'unhealthy', status: 503 });
    healthy.add('ml.sim.example.com');
    expect(await checkHealth('https://ml.sim.example.com/health', { resolve: resolve(), ca: certs.caCert })).toEqual({ state: 'healthy', status: 200, path: { ...path, address: `127.0.0.1:${cp.port}` } });
  });

  test('an untrusted CA is unreachable with the TLS reason', async () => {
    const r = await checkHealth('https://ml.sim.example.com/health', { resolve: resolve() });
    expect(r.state).toBe('unreachable');
    if (r.state === 'unreachable') expect(r.error).toMatch(/certificate/i);
  });

  test('a host without DNS is reported as unresolved, not as a failure', async () => {
    expect(await checkHealth('https://no-such-host.invalid/health')).toEqual({ state: 'unresolved', host: 'no-such-host.invalid' });
  });
});

describe('the way to a host before its DNS record exists', () => {
  const opened: IngressRoutes[] = [];
  let namespaces = 0;

  afterEach(() => {
    for (const r of opened.splice(0)) r.close();
    kube.sim.setIngressAddress({ ip: '192.0.2.10' });
    kube.sim.setServiceProxy(undefined);
    kube.sim.faults.clear();
    kube.sim.requestLog.clear();
  });

  /** A namespace with an ingress for `host` (its backend: service `web`, port `http`, for `path`), and the route to read it. */
  function setup(host: string, className = 'nginx', path = '/'): ClusterRoute {
    const namespace = `health-${++namespaces}`;
    kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    kube.sim.create({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace },
      spec: { ingressClassName: className, rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] },
    });
    const routes = IngressRoutes.open({ context: 'zenml-sim', kubeconfig: kube.kubeconfigPath }, { scrub: (t) => t });
    opened.push(routes);
    return { routes, namespace };
  }

  /** The service `web` with one ready endpoint, as a Deployment's ready pod would give it. */
  function readyService(namespace: string): void {
    kube.sim.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    kube.sim.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace }, subsets: [{ addresses: [{ ip: '10.244.0.7' }], ports: [{ name: 'http', port: 8080 }] }] });
  }

  async function published(route: ClusterRoute, host: string, address: string): Promise<void> {
    const until = Date.now() + 5000;
    while ((await route.routes.hosts(route.namespace)).get(host)?.address !== address) {
      if (Date.now() > until) throw new Error(`the ingress of ${host} never published ${address}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const proxied = (): string[] => kube.sim.requestLog.list().filter((e) => e.path.includes('/proxy/')).map((e) => `${e.method} ${e.path} ${e.status}`);

  test('the simulated host names do not resolve in DNS here', async () => {
    await expect(lookup('ingress.sim.example.com')).rejects.toThrow();
  });

  test('reaches the server through the ingress address, with the hostname as TLS server name and Host, while DNS knows nothing of it', async () => {
    const host = 'ingress.sim.example.com';
    const route = setup(host);
    kube.sim.setIngressAddress({ ip: '127.0.0.1', port: cp.port });
    await published(route, host, '127.0.0.1');
    const url = `https://${host}/health`;
    const via = { via: 'ingress', address: `127.0.0.1:${cp.port}` } as const;

    expect(await checkHealth(url, { ca: certs.caCert }, route)).toMatchObject({ state: 'unhealthy', status: 503, path: via });
    healthy.add(host);
    const r = await checkHealth(url, { ca: certs.caCert }, route);
    expect(r).toEqual({ state: 'healthy', status: 200, path: via });
    expect(describeHealthPath(via)).toBe(`the ingress address 127.0.0.1:${cp.port}`);
    expect(cp.state.requests.at(-1)).toEqual({ method: 'GET', host, path: '/health', status: 200 });
    expect(proxied()).toEqual([]);
  });

  test('an explicit override wins over the ingress address', async () => {
    const host = 'override.sim.example.com';
    const route = setup(host);
    healthy.add(host);
    // The ingress points where nothing listens: only the override can answer.
    kube.sim.setIngressAddress({ ip: '127.0.0.1', port: closedPort });
    await published(route, host, '127.0.0.1');
    const r = await checkHealth(`https://${host}/health`, { ca: certs.caCert, resolve: new Map([[host, `127.0.0.1:${cp.port}`]]) }, route);
    expect(r).toEqual({ state: 'healthy', status: 200, path: { via: 'override', address: `127.0.0.1:${cp.port}` } });
  });

  test('while the ingress has no address, the service behind it answers through the API server proxy: 503 until a pod is ready, then the pod', async () => {
    const host = 'pending.sim.example.com';
    const route = setup(host, 'no-such-class');
    const url = `https://${host}/health`;
    const via = { via: 'service-proxy', service: `${route.namespace}/http:web:http` } as const;

    kube.sim.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: route.namespace }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    const noPod = await checkHealth(url, { ca: certs.caCert }, route);
    expect(noPod).toMatchObject({ state: 'unhealthy', status: 503, path: via });
    if (noPod.state === 'unhealthy') expect(noPod.body).toContain('no endpoints available for service \\"web\\"');

    kube.sim.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: route.namespace }, subsets: [{ addresses: [{ ip: '10.244.0.7' }], ports: [{ name: 'http', port: 8080 }] }] });
    const nothingListens = await checkHealth(url, { ca: certs.caCert }, route);
    expect(nothingListens).toMatchObject({ state: 'unhealthy', status: 503 });
    if (nothingListens.state === 'unhealthy') expect(nothingListens.body).toContain('dial tcp 10.244.0.7:8080: connect: connection refused');

    kube.sim.setServiceProxy((req) => (req.service === 'web' && req.path === '/health' ? { status: 200, body: 'OK' } : undefined));
    expect(await checkHealth(url, { ca: certs.caCert }, route)).toEqual({ state: 'healthy', status: 200, path: via });
    expect(proxied().at(-1)).toBe(`GET /api/v1/namespaces/${route.namespace}/services/http%3Aweb%3Ahttp/proxy/health 200`);
  });

  test('an ingress address this machine cannot connect to is bypassed, and the result says so', async () => {
    const host = 'private-lb.sim.example.com';
    const route = setup(host);
    readyService(route.namespace);
    kube.sim.setServiceProxy(() => ({ status: 200, body: 'OK' }));
    kube.sim.setIngressAddress({ ip: '127.0.0.1', port: closedPort });
    await published(route, host, '127.0.0.1');
    const r = await checkHealth(`https://${host}/health`, { ca: certs.caCert }, route);
    expect(r).toMatchObject({ state: 'healthy', status: 200, path: { via: 'service-proxy', service: `${route.namespace}/http:web:http` } });
    expect(r.bypassed).toMatch(new RegExp(`^the ingress address 127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED`));
  });

  test('a certificate not trusted here (e.g. one issued only once DNS points at the ingress) is bypassed too', async () => {
    const host = 'untrusted.sim.example.com';
    const route = setup(host);
    readyService(route.namespace);
    kube.sim.setServiceProxy(() => ({ status: 200, body: 'OK' }));
    kube.sim.setIngressAddress({ ip: '127.0.0.1', port: cp.port });
    await published(route, host, '127.0.0.1');
    // No CA given: the simulation's certificate is not trusted.
    const r = await checkHealth(`https://${host}/health`, {}, route);
    expect(r).toMatchObject({ state: 'healthy', path: { via: 'service-proxy' } });
    expect(r.bypassed).toMatch(/^the ingress address 127\.0\.0\.1:\d+: .*certificate/i);
  });

  test('with no other way (no service behind /health), an ingress address that does not connect is the answer: unreachable, and why', async () => {
    const host = 'api-only.sim.example.com';
    const route = setup(host, 'nginx', '/api');
    kube.sim.setIngressAddress({ ip: '127.0.0.1', port: cp.port });
    await published(route, host, '127.0.0.1');
    const r = await checkHealth(`https://${host}/health`, {}, route);
    expect(r).toMatchObject({ state: 'unreachable', path: { via: 'ingress', address: `127.0.0.1:${cp.port}` } });
    if (r.state === 'unreachable') expect(r.error).toMatch(/certificate/i);
    expect(r.bypassed).toBeUndefined();
  });

  test('without the right to list ingresses, and without DNS, the host is unresolved: reported, not failed', async () => {
    const host = 'denied.sim.example.com';
    const route = setup(host);
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['list'], resources: ['ingresses.networking.k8s.io'], namespaces: [route.namespace] });
    expect(await checkHealth(`https://${host}/health`, { ca: certs.caCert }, route)).toEqual({ state: 'unresolved', host });
  });

  test('a host no ingress of the namespace serves, without DNS, is unresolved', async () => {
    const route = setup('served.sim.example.com');
    expect(await checkHealth('https://elsewhere.sim.example.com/health', { ca: certs.caCert }, route)).toEqual({ state: 'unresolved', host: 'elsewhere.sim.example.com' });
  });
});

// Ingress addresses as the installer reads them, against the simulated API
// server (whose ingress controller publishes status.loadBalancer), checked
// against what the real kubectl shows for the same objects; and which Service
// a request path reaches, by the Ingress path rules.
import type { V1Ingress } from '@kubernetes/client-node';
import { afterEach, describe, expect, test } from 'vitest';
import { backendFor, ingressHosts, IngressRoutes, type IngressHost } from '../../src/tools/ingress-address.js';
import { KubeApiError } from '../../src/tools/kube-errors.js';
import type { KubeObject } from '../../src/sim/kube/index.js';
import { setupKubeSim } from '../helpers/kube-sim.js';

const kube = setupKubeSim();
const opened: IngressRoutes[] = [];

function routes(): IngressRoutes {
  const r = IngressRoutes.open({ context: 'zenml-sim', kubeconfig: kube.kubeconfigPath }, { scrub: (t) => t });
  opened.push(r);
  return r;
}

afterEach(() => {
  for (const r of opened.splice(0)) r.close();
  kube.sim.faults.clear();
});

let namespaces = 0;
function namespace(): string {
  const name = `ingress-${++namespaces}`;
  kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

function ingress(ns: string, name: string, hosts: readonly string[], className = 'nginx'): KubeObject {
  return kube.sim.create({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: ns },
    spec: {
      ingressClassName: className,
      rules: hosts.map((host) => ({
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${name}-svc`, port: { name: 'http' } } } }] },
      })),
    },
  });
}

/** The ingress's status.loadBalancer once the simulated controller has written it (it settles after a short delay). */
async function published(ns: string, name: string, expected: unknown): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const status = (kube.sim.get('networking.k8s.io/v1', 'Ingress', ns, name) as { status?: { loadBalancer?: unknown } } | undefined)?.status?.loadBalancer;
    if (JSON.stringify(status) === JSON.stringify(expected)) return;
    if (Date.now() > until) throw new Error(`ingress ${ns}/${name} status is ${JSON.stringify(status)}, not ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function kubectlAddress(ns: string, name: string): Promise<string> {
  const r = await kube.kubectl(['-n', ns, 'get', 'ingress', name, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip} {.status.loadBalancer.ingress[0].ports[0].port}']);
  expect(r.exitCode).toBe(0);
  return r.stdout.trim();
}

describe('reading ingress addresses from the cluster', () => {
  test("each host of a namespace's ingresses gets the published IP and port 443 when the status lists no port", async () => {
    const ns = namespace();
    ingress(ns, 'web', ['a.sim.example.com', 'b.sim.example.com']);
    ingress(ns, 'other', ['c.sim.example.com']);
    await published(ns, 'web', { ingress: [{ ip: '192.0.2.10' }] });
    await published(ns, 'other', { ingress: [{ ip: '192.0.2.10' }] });
    expect(await kubectlAddress(ns, 'web')).toBe('192.0.2.10');

    const hosts = await routes().hosts(ns);
    expect([...hosts.keys()].sort()).toEqual(['a.sim.example.com', 'b.sim.example.com', 'c.sim.example.com']);
    expect(hosts.get('a.sim.example.com')).toMatchObject({ host: 'a.sim.example.com', namespace: ns, ingress: 'web', address: '192.0.2.10', port: 443 });
    expect(hosts.get('c.sim.example.com')).toMatchObject({ ingress: 'other', address: '192.0.2.10', port: 443 });
    expect(backendFor(hosts.get('a.sim.example.com')!, '/health')).toEqual({ service: 'web-svc', port: 'http', scheme: 'http' });
  });

  test('setIngressAddress points every claimed ingress, present and future, at an address and port (PortStatus), which the reader takes', async () => {
    const ns = namespace();
    ingress(ns, 'before', ['before.sim.example.com']);
    await published(ns, 'before', { ingress: [{ ip: '192.0.2.10' }] });
    try {
      kube.sim.setIngressAddress({ ip: '127.0.0.1', port: 8443 });
      const expected = { ingress: [{ ip: '127.0.0.1', ports: [{ port: 8443, protocol: 'TCP' }] }] };
      await published(ns, 'before', expected);
      ingress(ns, 'after', ['after.sim.example.com']);
      await published(ns, 'after', expected);
      expect(await kubectlAddress(ns, 'after')).toBe('127.0.0.1 8443');

      const hosts = await routes().hosts(ns);
      expect(hosts.get('before.sim.example.com')).toMatchObject({ address: '127.0.0.1', port: 8443 });
      expect(hosts.get('after.sim.example.com')).toMatchObject({ address: '127.0.0.1', port: 8443 });
    } finally {
      kube.sim.setIngressAddress({ ip: '192.0.2.10' });
    }
    await published(ns, 'after', { ingress: [{ ip: '192.0.2.10' }] });
  });

  test('an ingress no controller claims has no address yet: its host is listed without one, with the service behind it', async () => {
    const ns = namespace();
    ingress(ns, 'unclaimed', ['u.sim.example.com'], 'no-such-class');
    ingress(ns, 'claimed', ['k.sim.example.com']);
    await published(ns, 'claimed', { ingress: [{ ip: '192.0.2.10' }] });
    // The claimed one settled after the unclaimed one was created: by now it would have an address too.
    expect(await kubectlAddress(ns, 'unclaimed')).toBe('');
    const host = (await routes().hosts(ns)).get('u.sim.example.com');
    expect(host).toBeDefined();
    expect(host?.address).toBeUndefined();
    expect(backendFor(host!, '/health')).toEqual({ service: 'unclaimed-svc', port: 'http', scheme: 'http' });
  });

  test('a user who may not list ingresses gets a denial (not a passing problem), so health checks go on without them', async () => {
    const ns = namespace();
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['list'], resources: ['ingresses.networking.k8s.io'], namespaces: [ns] });
    const error = await routes().hosts(ns).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 403, transient: false });
  });
});

describe('ingress objects → hosts (pure)', () => {
  const lb = (entry: Record<string, unknown>): V1Ingress['status'] => ({ loadBalancer: { ingress: [entry] } });

  test("a load balancer known by host name (AWS ELB style) is the address; a listed 443 is preferred, else the first port", () => {
    const ing = (name: string, host: string, status: V1Ingress['status']): V1Ingress => ({ metadata: { name }, spec: { rules: [{ host }] }, status });
    const hosts = ingressHosts([
      ing('elb', 'elb.example.com', lb({ hostname: 'k8s-ingress-1234.elb.amazonaws.com' })),
      ing('both', 'both.example.com', lb({ ip: '203.0.113.5', ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] })),
      ing('node-port', 'np.example.com', lb({ ip: '203.0.113.6', ports: [{ port: 30443, protocol: 'TCP' }] })),
      ing('pending', 'pending.example.com', {}),
    ], 'ns');
    expect(hosts.get('elb.example.com')).toMatchObject({ address: 'k8s-ingress-1234.elb.amazonaws.com', port: 443 });
    expect(hosts.get('both.example.com')).toMatchObject({ address: '203.0.113.5', port: 443 });
    expect(hosts.get('np.example.com')).toMatchObject({ address: '203.0.113.6', port: 30443 });
    expect(hosts.get('pending.example.com')?.address).toBeUndefined();
  });

  test('a catch-all rule (no host) names no host; two ingresses of one host add up their paths, the first published address counts', () => {
    const svc = (name: string, port: { name?: string; number?: number }) => ({ service: { name, port } });
    const hosts = ingressHosts([
      { metadata: { name: 'catch-all' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('x', { number: 80 }) }] } }] } },
      { metadata: { name: 'api' }, spec: { rules: [{ host: 'cp.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: svc('cp', { name: 'http' }) }] } }] } },
      {
        metadata: { name: 'ui' },
        spec: { rules: [{ host: 'cp.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('cp-dashboard', { number: 80 }) }] } }] },
        status: lb({ ip: '203.0.113.9' }),
      },
    ], 'zenml-pro');
    expect([...hosts.keys()]).toEqual(['cp.example.com']);
    const cp = hosts.get('cp.example.com')!;
    expect(cp).toMatchObject({ ingress: 'ui', address: '203.0.113.9', port: 443 });
    expect(cp.paths.map((p) => p.path)).toEqual(['/api', '/']);
  });

  describe('which service a path reaches', () => {
    const host = (paths: IngressHost['paths'], defaultBackend?: IngressHost['defaultBackend']): IngressHost => ({
      host: 'h', namespace: 'ns', ingress: 'i', port: 443, paths, ...(defaultBackend ? { defaultBackend } : {}),
    });
    const api = { service: 'api', port: 'http', scheme: 'http' } as const;
    const ui = { service: 'ui', port: '80', scheme: 'http' } as const;

    test("Prefix matches whole path segments, the longest prefix wins (the control plane's /api and / split)", () => {
      const cp = host([{ path: '/api', pathType: 'Prefix', backend: api }, { path: '/', pathType: 'Prefix', backend: ui }]);
      expect(backendFor(cp, '/health')).toEqual(ui);
      expect(backendFor(cp, '/api')).toEqual(api);
      expect(backendFor(cp, '/api/v1/health')).toEqual(api);
      expect(backendFor(cp, '/apix')).toEqual(ui);
    });

    test('an Exact path takes only itself; without a match the default backend answers, else nothing', () => {
      const exact = host([{ path: '/health', pathType: 'Exact', backend: api }], ui);
      expect(backendFor(exact, '/health')).toEqual(api);
      expect(backendFor(exact, '/health/x')).toEqual(ui);
      expect(backendFor(host([{ path: '/api', pathType: 'Prefix', backend: api }]), '/health')).toBeUndefined();
    });

    test('a backend that speaks TLS is proxied as https (ingress-nginx backend-protocol, or an https port)', () => {
      const rule = (port: { name?: string; number?: number }) => ({ host: 'h', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port } } }] } });
      const annotated = ingressHosts([{ metadata: { name: 'i', annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' } }, spec: { rules: [rule({ number: 8443 })] } }], 'ns');
      expect(backendFor(annotated.get('h')!, '/health')).toEqual({ service: 's', port: '8443', scheme: 'https' });
      const named = ingressHosts([{ metadata: { name: 'i' }, spec: { rules: [rule({ name: 'https' })] } }], 'ns');
      expect(backendFor(named.get('h')!, '/health')?.scheme).toBe('https');
    });
  });
});

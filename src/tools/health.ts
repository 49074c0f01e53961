// The external health check of a server: GET https://<host>/health as a user's
// browser or CLI will reach it. DNS records are often created after the
// install (the report lists them), so the host is first reached the way
// `curl --resolve host:port:address` would (TLS server name and Host header
// stay the hostname): at an explicit override (`resolve`, for rehearsals),
// else at the address its ingress published, else through DNS. While the
// ingress has no address and DNS has no answer, the API server's service
// proxy reaches the service behind the ingress: the installer's stand-in for
// `kubectl port-forward`, which needs streaming upgrades (SPDY/WebSocket) it
// uses nowhere else. Every result says which way answered; a host that can be
// reached no way at all is reported, not failed.
import { lookup } from 'node:dns/promises';
import { request } from 'node:https';
import { backendFor, type IngressHost, type IngressRoutes } from './ingress-address.js';
import { KubeApiError } from './kube-errors.js';

/** Which way a health check reached the server. */
export type HealthPath =
  | { readonly via: 'override'; readonly address: string }
  | { readonly via: 'ingress'; readonly address: string }
  | { readonly via: 'dns'; readonly address: string }
  | { readonly via: 'service-proxy'; readonly service: string };

interface Attempt {
  /** The ingress address, when it was tried first and did not connect (not reachable from here, an untrusted certificate), with why. */
  readonly bypassed?: string;
}

export type HealthResult = Attempt & (
  | { readonly state: 'healthy'; readonly status: number; readonly path: HealthPath }
  | { readonly state: 'unhealthy'; readonly status: number; readonly body: string; readonly path: HealthPath }
  | { readonly state: 'unresolved'; readonly host: string }
  | { readonly state: 'unreachable'; readonly error: string; readonly path?: HealthPath }
);

export interface HealthOptions {
  /** host → "address:port" overrides. */
  readonly resolve?: ReadonlyMap<string, string>;
  /** Extra CA certificates (PEM) to trust, e.g. a private CA. */
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ClusterRoute {
  /** Reads the ingresses and calls the service proxy. */
  readonly routes: Pick<IngressRoutes, 'hosts' | 'proxyGet'>;
  /** The namespace whose ingresses serve the host. */
  readonly namespace: string;
}

export function describeHealthPath(path: HealthPath): string {
  switch (path.via) {
    case 'override':
      return `the --resolve override ${path.address}`;
    case 'ingress':
      return `the ingress address ${path.address}`;
    case 'dns':
      return `DNS (${path.address})`;
    case 'service-proxy':
      return `the API server's service proxy (${path.service})`;
  }
}

/** address:port, with an IPv6 address in brackets as in a URL. */
export function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

type Answer =
  | { readonly state: 'healthy'; readonly status: number }
  | { readonly state: 'unhealthy'; readonly status: number; readonly body: string }
  | { readonly state: 'unreachable'; readonly error: string };

const answerOf = (status: number, body: string): Answer =>
  status >= 200 && status < 300 ? { state: 'healthy', status } : { state: 'unhealthy', status, body: body.trim() };

/** GET the URL from `address:port`, with the URL's host as TLS server name and Host header. */
function getAt(target: URL, address: string, port: number, options: HealthOptions): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        servername: target.hostname,
        headers: { host: target.hostname, accept: 'application/json' },
        timeout: options.timeoutMs ?? 5000,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 2000) body += chunk;
        });
        res.on('end', () => resolve(answerOf(res.statusCode ?? 0, body)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', (error) => resolve({ state: 'unreachable', error: error.message }));
    req.end();
  });
}

/** A jump host without a reachable DNS server can hang in lookup for many seconds: bound it. */
function lookupBounded(host: string, options: HealthOptions): Promise<string | undefined> {
  return Promise.race([
    lookup(host).then((r) => r.address, () => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), options.timeoutMs ?? 5000).unref()),
  ]);
}

export async function checkHealth(url: string, options: HealthOptions = {}, cluster?: ClusterRoute): Promise<HealthResult> {
  const target = new URL(url);
  const host = target.hostname;
  const port = Number(target.port || 443);

  const override = options.resolve?.get(host);
  if (override) {
    const [address = host, p] = override.split(':');
    const path: HealthPath = { via: 'override', address: override };
    return { ...(await getAt(target, address, Number(p ?? port), options)), path };
  }

  let ingress: IngressHost | undefined;
  if (cluster) {
    try {
      ingress = (await cluster.routes.hosts(cluster.namespace)).get(host);
    } catch (error) {
      // A denial (no right to list ingresses) leaves DNS; a cluster that does not answer is worth another look.
      if (!(error instanceof KubeApiError) || error.transient) return { state: 'unreachable', error: error instanceof Error ? error.message : String(error) };
    }
  }

  let missed: { readonly path: HealthPath; readonly error: string } | undefined;
  if (ingress?.address !== undefined) {
    const path: HealthPath = { via: 'ingress', address: hostPort(ingress.address, ingress.port) };
    const answer = await getAt(target, ingress.address, ingress.port, options);
    if (answer.state !== 'unreachable') return { ...answer, path };
    // A load balancer this machine cannot reach, or a certificate issued only once DNS
    // points at it: the server may still run, and the ways below can tell.
    missed = { path, error: answer.error };
  }
  const bypassed = missed ? { bypassed: `${describeHealthPath(missed.path)}: ${missed.error}` } : {};

  const resolved = await lookupBounded(host, options);
  if (resolved !== undefined) {
    const path: HealthPath = { via: 'dns', address: hostPort(resolved, port) };
    return { ...(await getAt(target, resolved, port, options)), path, ...bypassed };
  }

  const backend = cluster && ingress ? backendFor(ingress, target.pathname) : undefined;
  if (cluster && backend) {
    const path: HealthPath = { via: 'service-proxy', service: `${cluster.namespace}/${backend.scheme}:${backend.service}:${backend.port}` };
    try {
      const answer = await cluster.routes.proxyGet(cluster.namespace, backend, `${target.pathname}${target.search}`);
      return { ...answerOf(answer.status, answer.body), path, ...bypassed };
    } catch (error) {
      return { state: 'unreachable', error: error instanceof Error ? error.message : String(error), path, ...bypassed };
    }
  }
  if (missed) return { state: 'unreachable', ...missed };
  return { state: 'unresolved', host };
}

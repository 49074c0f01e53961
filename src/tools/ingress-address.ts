// Where a host's traffic enters the cluster, as its Ingress objects say: the
// address the ingress controller published (status.loadBalancer), which
// answers before any DNS record points at it, and the Service behind each
// path, so a host can still be reached through the API server's service
// proxy while the controller has published no address yet.
import http from 'node:http';
import https from 'node:https';
import { NetworkingV1Api, type V1Ingress, type V1IngressBackend } from '@kubernetes/client-node';
import type { Target } from './argv.js';
import { apiConfiguration, loadPinnedKubeConfig, type PinnedKubeConfig } from './kube-config.js';
import { DEFAULT_READ_RETRY, KubeApiError, readThroughClient, toKubeApiError } from './kube-errors.js';

/** The Service an ingress path sends requests to. */
export interface ServiceBackend {
  readonly service: string;
  /** The service port by name or number, as the ingress names it. */
  readonly port: string;
  /** How the ingress talks to it (TLS usually ends at the ingress). */
  readonly scheme: 'http' | 'https';
}

export interface IngressPathRule {
  readonly path: string;
  readonly pathType: string;
  readonly backend: ServiceBackend;
}

/** One host of the ingresses of a namespace. */
export interface IngressHost {
  readonly host: string;
  readonly namespace: string;
  /** The Ingress object that serves the host. */
  readonly ingress: string;
  /** ip or hostname of status.loadBalancer.ingress[0]; undefined until the controller publishes it. */
  readonly address?: string;
  /** The port the address listens on for HTTPS: from its PortStatus list when it has one, else 443. */
  readonly port: number;
  readonly paths: readonly IngressPathRule[];
  readonly defaultBackend?: ServiceBackend;
}

const HTTPS_PORT = 443;

function serviceBackend(backend: V1IngressBackend | undefined, httpsBackend: boolean): ServiceBackend | undefined {
  const service = backend?.service;
  if (!service?.name) return undefined;
  const port = service.port?.name ?? (service.port?.number !== undefined ? String(service.port.number) : '');
  const scheme = httpsBackend || port === 'https' || port === String(HTTPS_PORT) ? 'https' : 'http';
  return { service: service.name, port, scheme };
}

/** The ports a load balancer lists are what it listens on: 443 when among them (HTTPS), else the first one. */
function addressPort(ports: readonly { port: number }[] | undefined): number {
  if (!ports || ports.length === 0) return HTTPS_PORT;
  return ports.some((p) => p.port === HTTPS_PORT) ? HTTPS_PORT : (ports[0]?.port ?? HTTPS_PORT);
}

/**
 * Each host named in `spec.rules[].host` of the given ingresses. A rule
 * without a host (a catch-all) names none. When several ingresses serve one
 * host, their paths add up and the first published address counts.
 */
export function ingressHosts(ingresses: readonly V1Ingress[], namespace: string): Map<string, IngressHost> {
  const hosts = new Map<string, IngressHost>();
  for (const ing of ingresses) {
    // ingress-nginx's way of saying the services speak TLS themselves.
    const httpsBackend = /^https$/i.test(ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/backend-protocol'] ?? '');
    const lb = ing.status?.loadBalancer?.ingress?.[0];
    const address = lb?.ip || lb?.hostname || undefined;
    const defaultBackend = serviceBackend(ing.spec?.defaultBackend, httpsBackend);
    for (const rule of ing.spec?.rules ?? []) {
      if (!rule.host) continue;
      const paths = (rule.http?.paths ?? []).flatMap((p) => {
        const backend = serviceBackend(p.backend, httpsBackend);
        return backend ? [{ path: p.path || '/', pathType: p.pathType, backend }] : [];
      });
      const known = hosts.get(rule.host);
      const own = { ingress: ing.metadata?.name ?? '', address, port: addressPort(lb?.ports) };
      // The first ingress that published an address is where the host is reached.
      const front = known && (known.address !== undefined || address === undefined) ? known : own;
      const fallback = known?.defaultBackend ?? defaultBackend;
      hosts.set(rule.host, {
        host: rule.host,
        namespace,
        ingress: front.ingress,
        ...(front.address !== undefined ? { address: front.address } : {}),
        port: front.port,
        paths: [...(known?.paths ?? []), ...paths],
        ...(fallback ? { defaultBackend: fallback } : {}),
      });
    }
  }
  return hosts;
}

/** Whether an ingress path rule takes `path`: Exact as is, Prefix by whole path segments (ImplementationSpecific read as Prefix). */
function matches(rule: IngressPathRule, path: string): boolean {
  if (rule.pathType === 'Exact') return rule.path === path;
  const prefix = rule.path.replace(/\/+$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/** The Service a request for `path` on this host reaches: the longest matching path, else the default backend. */
export function backendFor(host: IngressHost, path: string): ServiceBackend | undefined {
  const exactFirst = (rule: IngressPathRule): number => (rule.pathType === 'Exact' ? 0 : 1);
  const best = host.paths.filter((rule) => matches(rule, path)).sort((a, b) => b.path.length - a.path.length || exactFirst(a) - exactFirst(b))[0];
  return best?.backend ?? host.defaultBackend;
}

export interface IngressRoutesOptions {
  /** Removes secret values from error messages. */
  readonly scrub: (text: string) => string;
  /** A request that has not finished after this long fails as a transient timeout. Default 10 s. */
  readonly requestTimeoutMs?: number;
}

/** A service proxy answer: the status and body of the server behind the service (or the API server's own 503). */
export interface ProxyAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Reads ingresses and calls the service proxy with the operator's pinned
 * kubeconfig and context, like every other read of the installer.
 */
export class IngressRoutes {
  private readonly networking: NetworkingV1Api;

  private constructor(
    private readonly kc: PinnedKubeConfig,
    private readonly options: IngressRoutesOptions,
  ) {
    this.networking = new NetworkingV1Api(apiConfiguration(kc, this.timeoutMs));
  }

  /** Loads the kubeconfig (throws KubeApiError for a missing file or context); no request is made yet. */
  static open(target: Target, options: IngressRoutesOptions): IngressRoutes {
    return new IngressRoutes(loadPinnedKubeConfig(target), options);
  }

  private get timeoutMs(): number {
    return this.options.requestTimeoutMs ?? 10_000;
  }

  /** Every host of the namespace's ingresses; a passing API problem is retried briefly, anything else throws KubeApiError. */
  async hosts(namespace: string): Promise<Map<string, IngressHost>> {
    const what = `reading the ingresses of namespace ${namespace}`;
    const list = await readThroughClient(what, () => this.networking.listNamespacedIngress({ namespace }), this.options.scrub, DEFAULT_READ_RETRY);
    return ingressHosts(list.items, namespace);
  }

  /**
   * GET `path` of a Service through the API server's service proxy
   * (/api/v1/namespaces/<ns>/services/<scheme>:<name>:<port>/proxy/<path>):
   * the answer of a pod behind it, or the API server's own (503 while no pod
   * is ready). A plain request, not the generated client: the pod's answer
   * may have any content type, which the client refuses to parse.
   */
  async proxyGet(namespace: string, backend: ServiceBackend, path: string): Promise<ProxyAnswer> {
    const server = this.kc.getCurrentCluster()?.server ?? '';
    const target = `${backend.scheme}:${backend.service}:${backend.port}`;
    const url = new URL(`${server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(target)}/proxy${path}`);
    const options: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json, */*' }, timeout: this.timeoutMs };
    await this.kc.applyToHTTPSOptions(options);
    const what = `GET ${path} of service ${namespace}/${backend.service} through the API server's service proxy`;
    return new Promise<ProxyAnswer>((resolve, reject) => {
      const request = (url.protocol === 'http:' ? http : https).request(url, options, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 2000) body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: this.options.scrub(body.trim()) }));
        res.on('error', (error) => reject(toKubeApiError(error, what, this.options.scrub)));
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
      request.on('error', (error) => reject(error instanceof KubeApiError ? error : toKubeApiError(error, what, this.options.scrub)));
      request.end();
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.kc.destroy();
  }
}

// The external health check of a server: GET https://<host>/health as a user's
// browser or CLI would reach it. DNS records are often created after the
// install (the report lists them), so a host that does not resolve yet is
// reported, not failed. `resolve` maps a host to another address (like curl
// --resolve), for rehearsals against the simulation.
import { lookup } from 'node:dns/promises';
import { request } from 'node:https';

export type HealthResult =
  | { readonly state: 'healthy'; readonly status: number }
  | { readonly state: 'unhealthy'; readonly status: number; readonly body: string }
  | { readonly state: 'unresolved'; readonly host: string }
  | { readonly state: 'unreachable'; readonly error: string };

export interface HealthOptions {
  /** host → "address:port" overrides. */
  readonly resolve?: ReadonlyMap<string, string>;
  /** Extra CA certificates (PEM) to trust, e.g. a private CA. */
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export async function checkHealth(url: string, options: HealthOptions = {}): Promise<HealthResult> {
  const target = new URL(url);
  const override = options.resolve?.get(target.hostname);
  let address = target.hostname;
  let port = Number(target.port || 443);
  if (override) {
    const [host, p] = override.split(':');
    address = host ?? address;
    port = Number(p ?? port);
  } else {
    // A jump host without a reachable DNS server can hang in lookup for many seconds: bound it.
    const found = await Promise.race([
      lookup(target.hostname).then((r) => r.address, () => undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), options.timeoutMs ?? 5000).unref()),
    ]);
    if (found === undefined) return { state: 'unresolved', host: target.hostname };
    address = found;
  }
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
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve(status >= 200 && status < 300 ? { state: 'healthy', status } : { state: 'unhealthy', status, body: body.trim() });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', (error) => resolve({ state: 'unreachable', error: error.message }));
    req.end();
  });
}

// A tiny HTTPS client for the control-plane tests: node:https with the
// simulation's CA (in-process fetch cannot take a CA), an optional Host header
// to reach workspace host names, and a hard timeout so nothing hangs.
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: unknown;
}

export interface RequestOptions {
  readonly ca: string;
  readonly method?: string;
  /** Sent as the Host header; the TLS name follows it, so the certificate must cover it. */
  readonly host?: string;
  readonly token?: string;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Record<string, string>;
  readonly timeoutMs?: number;
}

export function call(url: string, options: RequestOptions): Promise<Reply> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = {};
  if (options.host) headers.host = options.host;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: options.method ?? 'GET', ca: options.ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.setTimeout(options.timeoutMs ?? 5000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Logs in over the API and returns the access token. */
export async function login(apiUrl: string, ca: string, username: string, password: string): Promise<string> {
  const reply = await call(`${apiUrl}/auth/login`, { ca, method: 'POST', form: { username, password } });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}`);
  return (reply.body as { access_token: string }).access_token;
}

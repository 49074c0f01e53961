// One HTTPS exchange with the control-plane API: an extra CA to trust, a
// host → "address:port" override (like curl --resolve, as in health.ts), one
// deadline for the whole exchange (DNS, connect, TLS, answer), cancellation,
// and a bound on the answer's size. It neither retries nor reads statuses:
// control-plane-api.ts does both.
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/**
 * Trust for extra CAs on top of the public ones: Node's `ca` option alone
 * replaces the public roots, which would break a control plane behind a
 * public certificate (ZenML Pro SaaS) whenever a private CA is also given.
 * Built once per client: parsing the roots is not free.
 */
export function trusting(ca: string): SecureContext {
  return createSecureContext({ ca: [...rootCertificates, ca] });
}

export interface HttpsTarget {
  /** From trusting(); the public roots alone when absent. */
  readonly secureContext?: SecureContext;
  /** host → "address:port" overrides. */
  readonly resolve?: ReadonlyMap<string, string>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpsCall {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpsReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * No answer came. `code` is the socket or TLS error code (ECONNREFUSED,
 * CERT_HAS_EXPIRED…), or `timeout`, `cancelled`, `too-large`.
 */
export class NoAnswer extends Error {
  override readonly name = 'NoAnswer';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The OpenAPI document of a large API runs to a few MB; nothing else comes close. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** "address:port" or "[v6]:port"; the port may be left out. */
function overrideOf(value: string, fallbackPort: number): { address: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(value.trim());
  if (!match) throw new NoAnswer('EINVAL', `the resolve override "${value}" is not address:port`);
  return { address: match[1] ?? match[2] ?? '', port: match[3] === undefined ? fallbackPort : Number(match[3]) };
}

function asNoAnswer(error: unknown): NoAnswer {
  if (error instanceof NoAnswer) return error;
  const e = error as { code?: unknown; message?: unknown };
  return new NoAnswer(typeof e.code === 'string' ? e.code : 'ERROR', typeof e.message === 'string' ? e.message : String(error));
}

export function exchange(call: HttpsCall, target: HttpsTarget): Promise<HttpsReply> {
  const { url } = call;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const defaultPort = Number(url.port || 443);
  let destination: { address: string; port: number };
  try {
    const override = target.resolve?.get(hostname);
    destination = override === undefined ? { address: hostname, port: defaultPort } : overrideOf(override, defaultPort);
  } catch (error) {
    return Promise.reject(asNoAnswer(error));
  }
  if (target.signal?.aborted) return Promise.reject(new NoAnswer('cancelled', 'cancelled'));

  return new Promise<HttpsReply>((resolve, reject) => {
    // Why we ended the exchange ourselves; it wins over the socket error it causes.
    let ended: NoAnswer | undefined;
    let settled = false;
    const finish = (outcome: { reply: HttpsReply } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      target.signal?.removeEventListener('abort', onAbort);
      if ('reply' in outcome) resolve(outcome.reply);
      else reject(ended ?? asNoAnswer(outcome.error));
    };
    const end = (reason: NoAnswer): void => {
      ended ??= reason;
      req.destroy(reason);
    };
    const onAbort = (): void => end(new NoAnswer('cancelled', 'cancelled'));

    const req = request(
      {
        host: destination.address,
        port: destination.port,
        method: call.method,
        path: `${url.pathname}${url.search}`,
        // SNI takes a name, never an address (RFC 6066).
        ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
        headers: { ...call.headers, host: url.host },
        // One connection per exchange: the installer makes a handful of calls,
        // and no pooled socket outlives the client.
        agent: false,
        ...(target.secureContext ? { secureContext: target.secureContext } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) end(new NoAnswer('too-large', `the answer is larger than ${MAX_ANSWER_BYTES / (1024 * 1024)} MB`));
          else chunks.push(chunk);
        });
        res.on('error', (error) => finish({ error }));
        res.on('close', () => {
          if (!res.complete) finish({ error: new NoAnswer('ECONNRESET', 'the connection closed mid-answer') });
        });
        res.on('end', () => finish({ reply: { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') } }));
      },
    );
    const timer = setTimeout(() => end(new NoAnswer('timeout', `no answer within ${target.timeoutMs} ms`)), target.timeoutMs);
    target.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => finish({ error }));
    req.end(call.body);
  });
}

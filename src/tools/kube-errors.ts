// Failures of reads through the Kubernetes API, typed so callers can tell a
// passing problem (retry it) from a real answer (denied, not found, invalid),
// the same split src/tools/exec.ts makes for helm and kubectl processes.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException } from '@kubernetes/client-node';
import { ExternalError } from './external-error.js';

/** Socket-level failures that say nothing about the request itself. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
]);

export class KubeApiError extends ExternalError {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | undefined,
    /** Connection refused or reset, timeouts, 5xx, 429: the same request may succeed later. */
    readonly transient: boolean,
    /** The Kubernetes Status reason (NotFound, Forbidden…) or the socket error code (ECONNREFUSED…). */
    readonly reason: string | undefined,
    /** Seconds the server asked to wait (429, 503 with Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/**
 * The same short names exec.ts gives transient failures of helm and kubectl
 * (TRANSIENT_FAILURE_PATTERNS), so a retry reads the same whichever way the
 * call went.
 */
export function transientReasonId(error: KubeApiError): string {
  const byStatus: Record<number, string> = { 429: 'too-many-requests', 500: 'server-error', 502: 'server-timeout', 503: 'service-unavailable', 504: 'server-timeout' };
  if (error.status !== undefined) return byStatus[error.status] ?? 'server-error';
  switch (error.reason) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'Timeout':
    case 'ETIMEDOUT':
      return 'network-timeout';
    default:
      // Reset, aborted, broken pipe, a socket hung up mid-answer.
      return 'connection-reset';
  }
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body) as unknown);
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? body : {};
}

const transientStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * Any error a client call or a watch threw, as a KubeApiError whose message
 * says what was being read. `scrub` removes secret values (an API message may
 * quote what it was sent).
 */
export function toKubeApiError(error: unknown, what: string, scrub: (text: string) => string): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const body = statusBody(error.body);
    const retryAfter = Number(error.headers['retry-after']);
    const detail = body.message ?? `HTTP ${status}`;
    return new KubeApiError(scrub(`${what}: ${detail}`), status, transientStatus(status), body.reason,
      Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  const e = error as { code?: unknown; errno?: unknown; statusCode?: unknown; name?: unknown; message?: unknown };
  // Watches report a non-200 answer as a plain Error with statusCode.
  if (typeof e.statusCode === 'number') {
    const text = typeof e.message === 'string' ? e.message : '';
    return new KubeApiError(scrub(`${what}: HTTP ${e.statusCode} ${text}`.trim()), e.statusCode, transientStatus(e.statusCode), undefined);
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : undefined;
  const message = String(e.message ?? error);
  // node-fetch names its abort error AbortError; only our request timeout aborts reads.
  const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError';
  const transient = timedOut || (code !== undefined && TRANSIENT_SOCKET_CODES.has(code)) || /socket hang up/i.test(message);
  return new KubeApiError(scrub(`${what}: ${timedOut ? 'the API server did not answer in time' : message}`), undefined, transient, timedOut ? 'Timeout' : code);
}

export interface RetryPolicy {
  /** No retry starts later than this many ms after the first attempt began; 0 disables retries. */
  readonly budgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: KubeApiError }) => void;
}

/** Reads are cheap and idempotent: a short retry rides out a blip without the caller's help. */
export const DEFAULT_READ_RETRY: RetryPolicy = { budgetMs: 5000, baseDelayMs: 250, maxDelayMs: 2000 };

/** Runs `fn`, retrying transient KubeApiErrors with doubling delays (or the server's Retry-After) within the budget. */
export async function retryTransientReads<T>(fn: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof KubeApiError) || !error.transient || signal?.aborted) throw error;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = error.retryAfterSeconds !== undefined ? Math.max(backoff, error.retryAfterSeconds * 1000) : backoff;
      if (Date.now() + delayMs - started > policy.budgetMs) throw error;
      policy.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, undefined, signal ? { signal } : {}).catch(() => undefined);
      if (signal?.aborted) throw error;
    }
  }
}

/** One read through the client: its failure as a KubeApiError (scrubbed, naming `what`), a passing one retried within `policy`. */
export function readThroughClient<T>(what: string, fn: () => Promise<T>, scrub: (text: string) => string, policy: RetryPolicy): Promise<T> {
  return retryTransientReads(async () => {
    try {
      return await fn();
    } catch (error) {
      throw toKubeApiError(error, what, scrub);
    }
  }, policy);
}

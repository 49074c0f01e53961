// What a failed control-plane call means, in words a platform engineer can act
// on: each message names the call (method and path, never the query: POST
// /users carries a password there) and says what to do next. Passing failures
// get the same short reason ids exec.ts and kube-errors.ts give theirs, so a
// retry reads the same whichever way the call went. Callers scrub the final
// text (control-plane-api.ts knows every secret in play).
import type { HttpsReply, NoAnswer } from './control-plane-http.js';
import { ExternalError } from './external-error.js';

export class ControlPlaneApiError extends ExternalError {
  override readonly name = 'ControlPlaneApiError';
  /** The HTTP status, when the control plane answered. */
  readonly status?: number;
  /** Connection refused or reset, timeouts, 502/503/504, 429: the same call may succeed later. */
  readonly transient: boolean;
  /** What to check or do, one sentence each. */
  override readonly hints: readonly string[];

  constructor(message: string, details: { status?: number; transient?: boolean; hints?: readonly string[] } = {}) {
    super(message);
    if (details.status !== undefined) this.status = details.status;
    this.transient = details.transient ?? false;
    this.hints = details.hints ?? [];
  }
}

const TRANSIENT_STATUS: Readonly<Record<number, string>> = {
  429: 'too-many-requests',
  502: 'server-timeout',
  503: 'service-unavailable',
  504: 'server-timeout',
};

/** The reason id of a status worth another attempt, or undefined. */
export function transientStatusReason(status: number): string | undefined {
  return TRANSIENT_STATUS[status];
}

const SOCKET_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection-refused',
  ECONNRESET: 'connection-reset',
  ECONNABORTED: 'connection-reset',
  EPIPE: 'connection-reset',
  EHOSTUNREACH: 'connection-refused',
  ENETUNREACH: 'connection-refused',
  EAI_AGAIN: 'network-timeout',
  ETIMEDOUT: 'network-timeout',
  timeout: 'network-timeout',
};

/** The reason id of a socket failure worth another attempt, or undefined (TLS, DNS, cancellation are final). */
export function transientSocketReason(code: string): string | undefined {
  return SOCKET_REASONS[code];
}

const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_CERT|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** Where the call went, for messages about reaching it. */
export interface CallTarget {
  /** e.g. `POST /api/v1/workspaces`. */
  readonly label: string;
  readonly apiUrl: string;
  readonly host: string;
}

export function noAnswerError(call: CallTarget, failure: NoAnswer): ControlPlaneApiError {
  const reason = transientSocketReason(failure.code);
  if (failure.code === 'cancelled') return new ControlPlaneApiError(`${call.label}: cancelled`);
  if (failure.code === 'timeout') {
    return new ControlPlaneApiError(`${call.label}: ${call.host} sent no answer in time (${failure.message})`, {
      transient: true,
      hints: ['The control plane may be overloaded or still starting; check its pods, then run the same command again.'],
    });
  }
  if (failure.code === 'ENOTFOUND' || failure.code === 'EAI_AGAIN') {
    // EAI_AGAIN: the DNS server did not answer, which may pass.
    return new ControlPlaneApiError(`${call.label}: the host name ${call.host} does not resolve (${failure.code})`, {
      transient: reason !== undefined,
      hints: [`Check the API URL (${call.apiUrl}) and that a DNS record for ${call.host} exists where the installer runs, or map the host to an address (resolve).`],
    });
  }
  if (TLS_CODE.test(failure.code)) {
    return new ControlPlaneApiError(`${call.label}: the TLS certificate of ${call.host} is not trusted (${failure.code}: ${failure.message})`, {
      hints: ['Trust the CA that signed the control plane\'s certificate (ca), and check that the certificate names this host.'],
    });
  }
  return new ControlPlaneApiError(`${call.label}: cannot reach ${call.host} (${failure.code}: ${failure.message})`, {
    transient: reason !== undefined,
    hints: [`Check the API URL (${call.apiUrl}), that the control plane's ingress answers for ${call.host}, and any proxy or firewall on the way.`],
  });
}

/** FastAPI's `{"detail": ...}`: a sentence, or a list of validation issues given by place and message (never their `input`, which may echo a password). */
export function detailOf(reply: HttpsReply): string {
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return reply.text.trim().slice(0, 200) || 'no detail';
  }
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((issue: { loc?: unknown; msg?: unknown }) => {
        const loc = Array.isArray(issue.loc) ? issue.loc.join('.') : '';
        return `${loc}${loc ? ': ' : ''}${typeof issue.msg === 'string' ? issue.msg : 'invalid'}`;
      })
      .join('; ');
  }
  return 'no detail';
}

/** What an error answer is about, supplied by the call that got it. */
export interface AnswerContext extends CallTarget {
  /** The credential this client signs in with, e.g. "the admin password". */
  readonly credential: string;
  /** How to fix that credential. */
  readonly credentialHints: readonly string[];
  /** Who the calls run as, e.g. "user 'alice'". */
  readonly identity: string;
  /** Whether this call signs in (a 401 then means the credential itself was refused). */
  readonly isLogin: boolean;
  /** What a 404 with a specific detail refers to, e.g. "workspace 1234…". */
  readonly object?: string;
  /** What a 409 says exists already, e.g. "a workspace named 'ml' in organization …". */
  readonly conflict?: string;
  /** Extra advice for a 409 (e.g. that an enrollment key is shown only once). */
  readonly conflictHints?: readonly string[];
  /** An earlier attempt of this call got no usable answer, so it may have taken effect. */
  readonly retried: boolean;
}

export function answerError(ctx: AnswerContext, reply: HttpsReply): ControlPlaneApiError {
  const { status } = reply;
  const said = `(HTTP ${status}: ${detailOf(reply)})`;
  const fail = (what: string, hints: readonly string[], transient = false): ControlPlaneApiError =>
    new ControlPlaneApiError(`${ctx.label}: ${what} ${said}`, { status, transient, hints });

  switch (status) {
    case 401:
      return ctx.isLogin
        ? fail(`the control plane refused ${ctx.credential}`, ctx.credentialHints)
        : fail(`the control plane refused the session signed in with ${ctx.credential}`, [
          'Sessions can be revoked, or invalidated by a control plane that changed its signing key: run the same command again to sign in anew.',
          ...ctx.credentialHints,
        ]);
    case 403:
      return fail(`${ctx.identity} is not allowed to do this`, [
        'Sign in as a superuser (on a self-hosted control plane, the admin account), or give this identity the rights it needs.',
      ]);
    case 404:
      // FastAPI's own "Not Found" means no such route: the URL is not this API.
      if (ctx.object !== undefined && detailOf(reply) !== 'Not Found') return fail(`${ctx.object} was not found`, []);
      return fail(`${ctx.apiUrl} does not look like a ZenML Pro API`, [
        'Check the API URL: https://<control-plane-host>/api/v1 for a self-hosted control plane, https://cloudapi.zenml.io for ZenML Pro SaaS.',
      ]);
    case 409:
      return fail(`${ctx.conflict ?? 'the object'} already exists`, [
        ...(ctx.retried ? ['An earlier attempt of this call got no answer and probably created it.'] : []),
        ...(ctx.conflictHints ?? []),
      ]);
    case 422:
      return fail('the control plane rejected the request', [
        `This control plane may expect other parameters; its OpenAPI document is at ${ctx.apiUrl}/openapi.json.`,
      ]);
    default:
      if (transientStatusReason(status) !== undefined) {
        return fail('the control plane is not available', ['It may still be starting or overloaded; check its pods and ingress, then run the same command again.'], true);
      }
      return fail(status >= 500 ? 'the control plane failed' : 'unexpected answer', status >= 500 ? ['Its logs say why: kubectl logs on the control-plane deployment.'] : []);
  }
}

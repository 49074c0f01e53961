// A client of the ZenML Pro control-plane API (self-hosted https://<host>/api/v1,
// SaaS https://cloudapi.zenml.io): sign in, organizations, users, and workspace
// enrollment, whose answer holds the one copy of the enrollment key.
//
// - Signing in: POST /auth/login, form-encoded. A password credential sends
//   username and password. A token credential (personal access token or
//   service-account API key) is exchanged the same way, as `password` alone,
//   for a session token: the docs allow using it directly as the Bearer token
//   too, but recommend the exchange, which keeps the long-lived token off every
//   other request. Sessions expire (expires_in, 3600 s); a 401 after that is
//   answered by signing in again, once.
// - Passing failures (connection refused or reset, timeouts, 429, 502/503/504)
//   are retried with exec.ts's loop, 0.5 s doubling to 8 s like every other
//   call of the installer, within retryForMs. POSTs too: a 503 from an ingress
//   means the call never arrived; when an answer was lost after the control
//   plane acted, the retry meets a 409 (a 404 for a DELETE, taken as done)
//   and the error says so.
// - Secrets (the password or token, session tokens, enrollment keys) are
//   known to a Redactor that scrubs every message; messages name the call by
//   method and path only, never its query.
import { z } from 'zod';
import { answerError, ControlPlaneApiError, noAnswerError, transientSocketReason, transientStatusReason, type AnswerContext, type CallTarget } from './control-plane-errors.js';
import { exchange, NoAnswer, trusting, type HttpsReply, type HttpsTarget } from './control-plane-http.js';
import { operationFields, placeFields, type OperationFields } from './control-plane-openapi.js';
import { retryTransient, type FailureSignals } from './exec.js';
import { Redactor } from './redact.js';

export { ControlPlaneApiError } from './control-plane-errors.js';

export interface ControlPlaneClientOptions {
  /** e.g. https://zenml-pro.example.com/api/v1 (SaaS: https://cloudapi.zenml.io, no /api/v1). */
  readonly apiUrl: string;
  /** Extra PEM CA(s) to trust. */
  readonly ca?: string;
  /** host → "address:port", like curl --resolve. */
  readonly resolve?: ReadonlyMap<string, string>;
  /** Per request; default 15000. */
  readonly timeoutMs?: number;
  /** Total budget for retrying passing failures; default 60000. */
  readonly retryForMs?: number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export type ControlPlaneCredentials =
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  /** A personal access token or a service-account API key. */
  | { readonly kind: 'token'; readonly token: string };

export interface OrganizationInfo { readonly id: string; readonly name: string }
export interface WorkspaceInfo { readonly id: string; readonly name: string; readonly organization: OrganizationInfo; readonly status: string }
export interface EnrolledWorkspace extends WorkspaceInfo { readonly enrollmentKey: string }
export interface UserInfo { readonly id: string; readonly username: string; readonly isSuperuser: boolean }

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_RETRY_FOR_MS = 60_000;
/** The same backoff as cluster.ts's RETRY_BUDGET. */
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;
/** Clocks differ: a 401 this close to the session's end counts as expiry. */
const EXPIRY_SKEW_MS = 60_000;
/** GET /workspaces takes limit ≤ 100; the page cap guards against a server that ignores offset. */
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

const organizationShape = z.object({ id: z.string().min(1), name: z.string() });
const workspaceShape = z.object({
  id: z.string().min(1),
  name: z.string(),
  organization: organizationShape,
  status: z.string().nullish(),
  enrollment_key: z.string().nullish(),
});
const userShape = z.object({
  id: z.string().min(1),
  username: z.string().nullish(),
  name: z.string().nullish(),
  is_superuser: z.boolean().nullish(),
});
const loginShape = z.object({ access_token: z.string().min(1), expires_in: z.number().nullish() });

interface Session {
  readonly token: string;
  /** Date.now() after which a 401 means the session ran out. */
  readonly expiresAt: number;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Below the API root, e.g. /workspaces. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly form?: Readonly<Record<string, string>>;
  readonly json?: Readonly<Record<string, unknown>>;
  /** POST /auth/login: sent without a session; a 401 refuses the credential itself. */
  readonly signIn?: boolean;
  readonly object?: string;
  readonly conflict?: string;
  readonly conflictHints?: readonly string[];
  /** A 404 after a lost answer means the earlier attempt did it (DELETE). */
  readonly goneIsDone?: boolean;
}

/** One attempt, shaped for exec.ts's retry loop. */
interface Attempt extends FailureSignals {
  readonly reply?: HttpsReply;
  readonly failure?: NoAnswer;
  readonly reason: string | undefined;
}

function attempt(outcome: { reply: HttpsReply } | { failure: NoAnswer }, reason: string | undefined): Attempt {
  const failed = 'failure' in outcome;
  return { ...outcome, reason, exitCode: failed ? 1 : 0, stdout: '', stderr: '', canceled: failed && outcome.failure.code === 'cancelled' };
}

function credentialWords(credentials: ControlPlaneCredentials): { credential: string; hints: string[] } {
  if (credentials.kind === 'token') {
    return {
      credential: 'the API token (personal access token or service-account API key)',
      hints: ['The token may have expired, been revoked or belong to another control plane: create a new one (profile → Settings → Access Tokens for a personal access token, Organization Settings → Service Accounts for an API key).'],
    };
  }
  if (credentials.username === 'admin') {
    return {
      credential: 'the admin password',
      hints: [
        "The admin password is the ZENML_CLOUD_ADMIN_PASSWORD key of the control-plane release's Secret (named after the release, zenml-pro by default): kubectl -n <namespace> get secret zenml-pro -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}' | base64 -d",
        'If it was changed in the control-plane UI since the install, use the new one.',
      ],
    };
  }
  return {
    credential: `the password of user '${credentials.username}'`,
    hints: ['Check the username and password; a superuser can reset them in the control-plane UI.'],
  };
}

function checkedApiUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ControlPlaneApiError('the control-plane API URL is not a URL', { hints: ['Use https://<control-plane-host>/api/v1, or https://cloudapi.zenml.io for ZenML Pro SaaS.'] });
  }
  if (url.username !== '' || url.password !== '') {
    throw new ControlPlaneApiError('the control-plane API URL must not hold credentials', { hints: ['Pass the password or token as a credential, never in the URL.'] });
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
    throw new ControlPlaneApiError(`the control-plane API URL must be https:// without a query or fragment (got ${url.origin}${url.pathname})`, {
      hints: ['Use https://<control-plane-host>/api/v1, or https://cloudapi.zenml.io for ZenML Pro SaaS.'],
    });
  }
  return url;
}

export class ControlPlaneClient {
  readonly #options: ControlPlaneClientOptions;
  readonly #credentials: ControlPlaneCredentials;
  readonly #apiUrl: URL;
  /** The API root's path: /api/v1, or empty for SaaS. */
  readonly #rootPath: string;
  readonly #redactor = new Redactor();
  readonly #https: HttpsTarget;
  #session: Session | undefined;
  #signingIn: Promise<Session> | undefined;
  #document: Promise<unknown> | undefined;
  #identity: string;

  private constructor(options: ControlPlaneClientOptions, credentials: ControlPlaneCredentials) {
    this.#options = options;
    this.#credentials = credentials;
    this.#apiUrl = checkedApiUrl(options.apiUrl);
    this.#rootPath = this.#apiUrl.pathname.replace(/\/+$/, '');
    this.#https = {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.ca === undefined ? {} : { secureContext: trusting(options.ca) }),
      ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    if (credentials.kind === 'password') this.#redactor.add(credentials.password, 'control-plane password');
    else this.#redactor.add(credentials.token, 'control-plane API token');
    this.#identity = credentials.kind === 'password' ? `user '${credentials.username}'` : 'the identity of the API token';
  }

  /** Signs in and checks the session with GET /users/me. */
  static async connect(options: ControlPlaneClientOptions, credentials: ControlPlaneCredentials): Promise<ControlPlaneClient> {
    const client = new ControlPlaneClient(options, credentials);
    await client.#signIn();
    const me = await client.me();
    client.#identity = `user '${me.username}'`;
    return client;
  }

  async me(): Promise<UserInfo> {
    return this.#user(await this.#call({ method: 'GET', path: '/users/me' }), this.#label('GET', '/users/me'));
  }

  async organizations(): Promise<OrganizationInfo[]> {
    const list = this.#shape(z.array(organizationShape), await this.#call({ method: 'GET', path: '/organizations' }), this.#label('GET', '/organizations'));
    return list.map((o) => ({ id: o.id, name: o.name }));
  }

  async createOrganization(name: string): Promise<OrganizationInfo> {
    const placed = placeFields({ name }, await this.#declared('POST', '/organizations'));
    const body = await this.#call({ method: 'POST', path: '/organizations', ...placed, conflict: `an organization named '${name}'` });
    const org = this.#shape(organizationShape, body, this.#label('POST', '/organizations'));
    return { id: org.id, name: org.name };
  }

  /** The workspace with exactly this name (in this organization); an error when several organizations have one. */
  async findWorkspace(name: string, organizationId?: string): Promise<WorkspaceInfo | undefined> {
    const found = new Map<string, WorkspaceInfo>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = {
        workspace_name: name,
        ...(organizationId === undefined ? {} : { organization_id: organizationId }),
        offset: String(page * PAGE_SIZE),
        limit: String(PAGE_SIZE),
      };
      const body = await this.#call({ method: 'GET', path: '/workspaces', query });
      const list = this.#shape(z.array(workspaceShape), body, this.#label('GET', '/workspaces'));
      for (const w of list) {
        if (w.name === name && (organizationId === undefined || w.organization.id === organizationId)) found.set(w.id, this.#workspace(w));
      }
      if (list.length < PAGE_SIZE) break;
    }
    const matches = [...found.values()];
    if (matches.length > 1) {
      throw this.#fail(`${this.#label('GET', '/workspaces')}: ${matches.length} workspaces are named '${name}', in organizations ${matches.map((w) => `'${w.organization.name}'`).join(', ')}`, {
        hints: ['Say which organization the workspace belongs to.'],
      });
    }
    return matches[0];
  }

  /**
   * Enrolls a workspace and returns its enrollment key, which the control
   * plane shows in this answer only: keep it before doing anything else.
   * Where organization_id goes (query or JSON body) comes from the control
   * plane's OpenAPI document; without one, the documented call
   * POST /workspaces?name=…&enroll=true, with organization_id in the query too.
   */
  async enrollWorkspace(name: string, organizationId: string): Promise<EnrolledWorkspace> {
    const label = this.#label('POST', '/workspaces');
    const placed = placeFields({ name, organization_id: organizationId, enroll: true }, await this.#declared('POST', '/workspaces'));
    const body = await this.#call({
      method: 'POST',
      path: '/workspaces',
      ...placed,
      object: `organization ${organizationId}`,
      conflict: `a workspace named '${name}' in organization ${organizationId}`,
      conflictHints: ['Its enrollment key was shown only once, in the answer to the enrollment: use the values kept from then, or delete the workspace in the control plane and enroll it again.'],
    });
    // Known to the redactor before anything can quote it.
    const key = (body as { enrollment_key?: unknown } | null)?.enrollment_key;
    if (typeof key === 'string') this.#redactor.add(key, 'enrollment key');
    const ws = this.#shape(workspaceShape, body, label);
    const enrolled = this.#workspace(ws);
    if (typeof ws.enrollment_key !== 'string' || ws.enrollment_key === '') {
      throw this.#fail(`${label}: the control plane created workspace '${name}' (${ws.id}) but sent no enrollment key`, {
        hints: ['This control plane may not enroll through its API: delete the workspace and enroll it in the UI (Organization → New Workspace → Enroll Workspace, on control planes after 0.13.1).'],
      });
    }
    if (ws.organization.id.toLowerCase() !== organizationId.toLowerCase()) {
      throw this.#fail(`${label}: the control plane put workspace '${name}' (${ws.id}) in organization '${ws.organization.name}' (${ws.organization.id}), not in ${organizationId}`, {
        hints: [`It ignored organization_id: delete workspace ${ws.id} in the control plane and enroll it in the UI, or use credentials that belong to that organization only.`],
      });
    }
    return { ...enrolled, enrollmentKey: ws.enrollment_key };
  }

  async deleteWorkspace(id: string): Promise<void> {
    await this.#call({ method: 'DELETE', path: `/workspaces/${encodeURIComponent(id)}`, object: `workspace ${id}`, goneIsDone: true });
  }

  /** Needs a superuser. Filters by name on this side too: the query filter is an assumption. */
  async findUser(username: string): Promise<UserInfo | undefined> {
    const body = await this.#call({ method: 'GET', path: '/users', query: { username } });
    const label = this.#label('GET', '/users');
    const users = this.#shape(z.array(z.unknown()), body, label).map((u) => this.#user(u, label));
    return users.find((u) => u.username === username);
  }

  /**
   * The documented call is POST /users?username=…&password=…&is_superuser=true:
   * the password in the URL, where the control plane's ingress may log it.
   * A JSON body keeps it out of those logs, but a version that takes query
   * parameters answers a body with 422; so the fields go in a body only when the
   * control plane's OpenAPI document declares them there. Either way this side
   * never shows the URL's query, and the password is scrubbed from every message.
   */
  async createUser(user: { username: string; password: string; isSuperuser: boolean; email?: string }): Promise<UserInfo> {
    this.#redactor.add(user.password, `password of ${user.username}`);
    const fields = { username: user.username, password: user.password, is_superuser: user.isSuperuser, ...(user.email === undefined ? {} : { email: user.email }) };
    const placed = placeFields(fields, await this.#declared('POST', '/users'));
    const body = await this.#call({ method: 'POST', path: '/users', ...placed, conflict: `a user named '${user.username}'` });
    return this.#user(body, this.#label('POST', '/users'));
  }

  // --- shapes ---

  #shape<T>(schema: z.ZodType<T>, body: unknown, label: string): T {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    // Paths only: zod messages stay clear of values, and so must this one.
    const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw this.#fail(`${label}: the answer is not what a ZenML Pro API sends (unexpected: ${where})`, {
      hints: [`Check the API URL (${this.#apiUrl.href}) and that the control plane's version is supported.`],
    });
  }

  #user(body: unknown, label: string): UserInfo {
    const u = this.#shape(userShape, body, label);
    return { id: u.id, username: u.username ?? u.name ?? '', isSuperuser: u.is_superuser ?? false };
  }

  #workspace(w: z.infer<typeof workspaceShape>): WorkspaceInfo {
    return { id: w.id, name: w.name, organization: { id: w.organization.id, name: w.organization.name }, status: w.status ?? 'unknown' };
  }

  // --- OpenAPI ---

  /** The fields an operation declares, from the document read once (undefined when the control plane has none). */
  async #declared(method: string, path: string): Promise<OperationFields | undefined> {
    this.#document ??= this.#readDocument().catch((error: unknown) => {
      this.#document = undefined;
      throw error;
    });
    return operationFields(await this.#document, method, path, this.#rootPath);
  }

  /** FastAPI serves the document at <root>/openapi.json; a version that hides it gets the documented calls. */
  async #readDocument(): Promise<unknown> {
    try {
      return await this.#call({ method: 'GET', path: '/openapi.json' });
    } catch (error) {
      if (error instanceof ControlPlaneApiError && !error.transient && !this.#options.signal?.aborted) return undefined;
      throw error;
    }
  }

  // --- sessions ---

  #signIn(): Promise<Session> {
    this.#signingIn ??= this.#login().finally(() => {
      this.#signingIn = undefined;
    });
    return this.#signingIn;
  }

  async #login(): Promise<Session> {
    const form: Record<string, string> = this.#credentials.kind === 'password'
      ? { username: this.#credentials.username, password: this.#credentials.password }
      : { password: this.#credentials.token };
    const startedAt = Date.now();
    const body = await this.#call({ method: 'POST', path: '/auth/login', form, signIn: true });
    const token = (body as { access_token?: unknown } | null)?.access_token;
    if (typeof token === 'string') this.#redactor.add(token, 'control-plane session token');
    const login = this.#shape(loginShape, body, this.#label('POST', '/auth/login'));
    // Without expires_in any 401 may be the session's end.
    const lifetimeMs = (login.expires_in ?? 0) * 1000;
    this.#session = { token: login.access_token, expiresAt: startedAt + Math.max(0, lifetimeMs - EXPIRY_SKEW_MS) };
    return this.#session;
  }

  // --- calls ---

  /** One API call: sign in if needed, retry passing failures, sign in again once on an expired session, read JSON. */
  async #call(call: Call): Promise<unknown> {
    let signedInAgain = false;
    for (;;) {
      const session = call.signIn ? undefined : (this.#session ?? (await this.#signIn()));
      const { reply, retried } = await this.#send(call, session?.token);
      if (reply.status === 401 && session && !signedInAgain) {
        const replaced = this.#session !== session;
        if (replaced || Date.now() >= session.expiresAt) {
          signedInAgain = true;
          if (!replaced) await this.#signIn();
          continue;
        }
      }
      if (reply.status === 404 && call.goneIsDone && retried) return undefined;
      if (reply.status < 200 || reply.status >= 300) throw this.#scrubbed(answerError(this.#context(call, retried), reply));
      if (reply.text.trim() === '') return undefined;
      try {
        return JSON.parse(reply.text) as unknown;
      } catch {
        throw this.#fail(`${this.#target(call).label}: the answer is not JSON`, {
          status: reply.status,
          hints: [`Check the API URL (${this.#apiUrl.href}): https://<control-plane-host>/api/v1 for a self-hosted control plane, https://cloudapi.zenml.io for ZenML Pro SaaS.`],
        });
      }
    }
  }

  /** Sends a call, retrying passing failures within the budget; the last answer, or an error when none came. */
  async #send(call: Call, token: string | undefined): Promise<{ reply: HttpsReply; retried: boolean }> {
    const { signal, onRetry } = this.#options;
    const url = this.#url(call);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (call.form) {
      body = new URLSearchParams(call.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (call.json) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

    let attempts = 0;
    const last = await retryTransient(async () => {
      attempts++;
      try {
        const reply = await exchange({ method: call.method, url, headers, ...(body === undefined ? {} : { body }) }, this.#https);
        return attempt({ reply }, transientStatusReason(reply.status));
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
        return attempt({ failure: error }, transientSocketReason(error.code));
      }
    }, {
      budgetMs: this.#options.retryForMs ?? DEFAULT_RETRY_FOR_MS,
      baseDelayMs: BASE_DELAY_MS,
      maxDelayMs: MAX_DELAY_MS,
      retryReason: (a) => a.reason,
      ...(signal === undefined ? {} : { signal }),
      ...(onRetry === undefined ? {} : { onRetry: (r: { attempt: number; reason: string; delayMs: number }) => onRetry(r.attempt, r.reason, r.delayMs) }),
    });
    if (signal?.aborted) throw this.#fail(`${this.#target(call).label}: cancelled`);
    if (last.failure) throw this.#scrubbed(noAnswerError(this.#target(call), last.failure));
    // An attempt carries a reply or a failure; the failure was handled above.
    return { reply: last.reply as HttpsReply, retried: attempts > 1 };
  }

  #url(call: Call): URL {
    const url = new URL(this.#apiUrl.href);
    url.pathname = `${this.#rootPath}${call.path}`;
    url.search = call.query ? new URLSearchParams(call.query).toString() : '';
    return url;
  }

  /** How messages name a call: method and path, never the query. */
  #label(method: Call['method'], path: string): string {
    return `${method} ${this.#rootPath}${path}`;
  }

  #target(call: Call): CallTarget {
    return { label: this.#label(call.method, call.path), apiUrl: this.#apiUrl.href.replace(/\/$/, ''), host: this.#apiUrl.host };
  }

  #context(call: Call, retried: boolean): AnswerContext {
    const words = credentialWords(this.#credentials);
    return {
      ...this.#target(call),
      credential: words.credential,
      credentialHints: words.hints,
      identity: this.#identity,
      isLogin: call.signIn === true,
      retried,
      ...(call.object === undefined ? {} : { object: call.object }),
      ...(call.conflict === undefined ? {} : { conflict: call.conflict }),
      ...(call.conflictHints === undefined ? {} : { conflictHints: call.conflictHints }),
    };
  }

  /** An error with every known secret scrubbed from its message and hints. */
  #fail(message: string, details: ConstructorParameters<typeof ControlPlaneApiError>[1] = {}): ControlPlaneApiError {
    return new ControlPlaneApiError(this.#redactor.scrub(message), { ...details, hints: (details.hints ?? []).map((h) => this.#redactor.scrub(h)) });
  }

  #scrubbed(error: ControlPlaneApiError): ControlPlaneApiError {
    return this.#fail(error.message, { ...(error.status === undefined ? {} : { status: error.status }), transient: error.transient, hints: error.hints });
  }
}

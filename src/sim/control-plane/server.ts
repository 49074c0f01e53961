// The simulated ZenML Pro control plane: one HTTPS server on 127.0.0.1 that
// routes by host name. Its own names (127.0.0.1, localhost, `hostnames`) get
// the API; a name `isControlPlaneHost` claims gets it once `healthOf` says its
// backend is ready (503 before, as from an ingress without a ready backend);
// any other name is a workspace server whose /health and /ready answers come
// from `healthOf` (the simulated cluster's state).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlPlaneFaults, type ControlPlaneFaultSwitches } from './faults.js';
import { ApiError, readBody, sendJson } from './http.js';
import { createApiRoutes } from './routes.js';
import type { ParametersIn } from './openapi.js';
import { ControlPlaneStore, type WorkspaceSnapshot } from './store.js';

/** Health of the workspace server behind a host name; undefined for a host nobody serves. */
export type HealthOf = (host: string) => { ok: boolean; detail?: string } | undefined;

export interface ControlPlaneApiOptions {
  /** PEM server certificate and key (see makeCertificates in ../certs.ts). */
  readonly cert: string;
  readonly key: string;
  /**
   * The admin's password, or where to read it at each login (the simulation
   * reads ZENML_CLOUD_ADMIN_PASSWORD from the release's Secret, as the real
   * control plane takes it from its release); undefined makes password login
   * for the admin fail with 401.
   */
  readonly adminPassword: string | (() => string | undefined);
  /** Default `admin`, the reserved account of a self-hosted control plane. */
  readonly adminUsername?: string;
  /** The organization that exists from the start (default `default`); null for none. */
  readonly organizationName?: string | null;
  /** Extra host names answered as the control plane, e.g. zenml-pro.example.com. */
  readonly hostnames?: readonly string[];
  /** Host names that serve the API only while `healthOf` reports them ready, e.g. the release's ingress host. */
  readonly isControlPlaneHost?: (host: string) => boolean;
  readonly healthOf?: HealthOf;
  /** Where create calls take their fields: `query` as the docs show (default), or a JSON `body`. */
  readonly parametersIn?: ParametersIn;
  /** Serve the OpenAPI document at /api/v1/openapi.json (default true). */
  readonly openApi?: boolean;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Clock for token expiry, in ms; default Date.now. */
  readonly now?: () => number;
}

export interface RequestRecord {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** The query parameters, when there were any; a `password` is shown as ***. */
  readonly query?: Readonly<Record<string, string>>;
  readonly status: number;
}

/** Read-only view of the control plane's state, for tests; every read is a fresh copy. */
export interface ControlPlaneStateView {
  readonly workspaces: readonly WorkspaceSnapshot[];
  readonly organizations: readonly { id: string; name: string }[];
  readonly users: readonly { id: string; username: string; isSuperuser: boolean }[];
  /** The last requests answered, oldest first (at most 1000). */
  readonly requests: readonly RequestRecord[];
}

export interface ControlPlaneApi {
  /** https://127.0.0.1:<port>: the UI root; the API is under `${url}/api/v1`. */
  readonly url: string;
  readonly apiUrl: string;
  readonly port: number;
  readonly state: ControlPlaneStateView;
  readonly faults: ControlPlaneFaultSwitches;
  /** A personal access token, as a user would create in the UI. */
  issuePersonalAccessToken(username?: string): string;
  /** Marks an enrolled workspace as connected (status `available`), as when its server first calls in. */
  markWorkspaceConnected(workspaceId: string, serverUrl: string, version: string): void;
  close(): Promise<void>;
}

const REQUEST_LOG_SIZE = 1000;

/** `Host` or `:authority` without the port, lower-cased. */
function hostOf(req: IncomingMessage): string {
  const raw = (req.headers[':authority'] ?? req.headers.host ?? '') as string;
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(raw.trim().toLowerCase());
  return match?.[1] ?? '';
}

function pathOf(req: IncomingMessage): { path: string; query: URLSearchParams } {
  const url = new URL(req.url ?? '/', 'https://sim.invalid');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  return { path, query: url.searchParams };
}

/** POST /users takes the password in the query: the log must not keep it. */
const SECRET_QUERY_PARAMETERS = new Set(['password']);

function loggedQuery(query: URLSearchParams): Record<string, string> | undefined {
  const entries = [...query.entries()].map(([k, v]): [string, string] => [k, SECRET_QUERY_PARAMETERS.has(k) ? '***' : v]);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

export async function startControlPlaneApi(options: ControlPlaneApiOptions): Promise<ControlPlaneApi> {
  const adminUsername = options.adminUsername ?? 'admin';
  const { adminPassword } = options;
  const store = new ControlPlaneStore({
    adminUsername,
    adminPassword: typeof adminPassword === 'function' ? adminPassword : () => adminPassword,
    organizationName: options.organizationName === undefined ? 'default' : options.organizationName,
    now: options.now ?? Date.now,
  });
  const faults = new ControlPlaneFaults();
  const api = createApiRoutes(store, faults, { parametersIn: options.parametersIn ?? 'query', openApi: options.openApi ?? true });
  const ownHosts = new Set(['127.0.0.1', 'localhost', ...(options.hostnames ?? []).map((h) => h.toLowerCase())]);
  const requests: RequestRecord[] = [];

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const host = hostOf(req);
    const { path, query } = pathOf(req);
    const method = req.method ?? 'GET';
    if (faults.delayMs > 0) await sleep(faults.delayMs, undefined, { ref: false });

    const serveApi = async (): Promise<number> => {
      if (path === '/health') {
        sendJson(res, 200, { status: 'ok' });
        return 200;
      }
      const reply = await api({ method, path, query, headers: req.headers, readBody: () => readBody(req) });
      sendJson(res, reply.status, reply.body, reply.headers);
      return reply.status;
    };
    if (ownHosts.has(host)) return serveApi();

    const health = options.healthOf?.(host);
    if (options.isControlPlaneHost?.(host) && (health?.ok ?? !options.healthOf)) return serveApi();
    if (!health) {
      sendJson(res, 404, { detail: `No service for host '${host}'` });
      return 404;
    }
    if (path === '/health' || path === '/ready') {
      const status = health.ok ? 200 : 503;
      // ZenML's server answers its health checks with the JSON string "OK".
      sendJson(res, status, health.ok ? 'OK' : { detail: health.detail ?? 'workspace server not ready' });
      return status;
    }
    // Only the health endpoints of a workspace server are simulated; an unready
    // control-plane host lands here too and answers 503 on every path.
    const status = health.ok ? 404 : 503;
    sendJson(res, status, { detail: health.ok ? 'Not Found' : (health.detail ?? 'workspace server not ready') });
    return status;
  }

  const server = createServer({ cert: options.cert, key: options.key, requestTimeout: 30_000 }, (req, res) => {
    answer(req, res)
      .catch((error: unknown) => {
        const status = error instanceof ApiError ? error.status : 500;
        const detail = error instanceof ApiError ? error.detail : `Internal Server Error: ${String(error)}`;
        sendJson(res, status, { detail }, { connection: 'close' });
        return status;
      })
      .then((status) => {
        const { path, query } = pathOf(req);
        const logged = loggedQuery(query);
        requests.push({ method: req.method ?? 'GET', host: hostOf(req), path, ...(logged ? { query: logged } : {}), status });
        if (requests.length > REQUEST_LOG_SIZE) requests.shift();
      })
      .catch(() => undefined);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/v1`,
    port,
    faults,
    state: {
      get workspaces() {
        return store.workspaceSnapshots();
      },
      get organizations() {
        return store.organizationSnapshots();
      },
      get users() {
        return store.userSnapshots();
      },
      get requests() {
        return [...requests];
      },
    },
    issuePersonalAccessToken: (username = adminUsername) => store.issuePersonalAccessToken(username),
    markWorkspaceConnected: (workspaceId, serverUrl, version) => store.markWorkspaceConnected(workspaceId, serverUrl, version),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

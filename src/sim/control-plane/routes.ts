// The /api/v1 routes of the simulated control plane: parse and check the
// request the way the real FastAPI service does (404/405, 401, 422 in that
// order), then call the store. List endpoints answer a plain JSON array, which
// is what ZenML's own Pro client expects (it rejects anything but a list).
import type { IncomingHttpHeaders } from 'node:http';
import type { ControlPlaneFaults } from './faults.js';
import { ApiError, invalidQuery } from './http.js';
import type { ControlPlaneStore, User, WorkspaceFilter } from './store.js';

export interface ApiRequest {
  readonly method: string;
  /** Path without the query string and without a trailing slash. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly readBody: () => Promise<string>;
}

export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

interface RouteContext {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly request: ApiRequest;
  readonly user: User;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Reachable without a bearer token. */
  readonly open?: boolean;
  readonly handle: (ctx: RouteContext) => unknown;
}

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f', 'n']);

function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null) throw invalidQuery(name, 'missing', 'Field required');
  return value;
}

function optionalParam(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

function uuidValue(name: string, value: string): string {
  if (!UUID.test(value)) throw invalidQuery(name, 'uuid_parsing', 'Input should be a valid UUID');
  return value.toLowerCase();
}

function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (TRUE_WORDS.has(value.toLowerCase())) return true;
  if (FALSE_WORDS.has(value.toLowerCase())) return false;
  throw invalidQuery(name, 'bool_parsing', 'Input should be a valid boolean');
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!/^-?\d+$/.test(value)) throw invalidQuery(name, 'int_parsing', 'Input should be a valid integer');
  const n = Number(value);
  if (n < min) throw invalidQuery(name, 'greater_than_equal', `Input should be greater than or equal to ${min}`);
  if (n > max) throw invalidQuery(name, 'less_than_equal', `Input should be less than or equal to ${max}`);
  return n;
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function unauthorized(detail: string): ApiError {
  return new ApiError(401, detail);
}

export function createApiRoutes(store: ControlPlaneStore, faults: ControlPlaneFaults): (req: ApiRequest) => Promise<ApiReply> {
  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/api\/v1\/auth\/login$/,
      open: true,
      handle: async ({ request }) => {
        const form = /application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')
          ? new URLSearchParams(await request.readBody())
          : new URLSearchParams();
        const password = form.get('password');
        if (password === null) throw new ApiError(422, [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }]);
        const username = form.get('username') || undefined;
        const session = store.login(username, password);
        if (!session) {
          throw unauthorized(username === undefined ? 'Invalid personal access token' : 'Invalid username or password');
        }
        return { access_token: session.token, token_type: 'bearer', expires_in: session.expiresIn, device_id: null, device_metadata: null };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/users\/me$/,
      handle: ({ user }) => store.userJson(user),
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/users$/,
      handle: ({ user, query }) => {
        const username = requiredParam(query, 'username');
        const password = requiredParam(query, 'password');
        const isSuperuser = boolParam(query, 'is_superuser') ?? false;
        if (!user.isSuperuser) throw new ApiError(403, 'Only superusers can create users');
        if (username.length === 0) throw invalidQuery('username', 'string_too_short', 'String should have at least 1 character');
        return store.userJson(store.createUser(username, password, isSuperuser));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/organizations$/,
      handle: ({ user }) => store.organizationsOf(user).map((o) => store.organizationJson(o)),
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/organizations$/,
      handle: ({ user, query }) => store.organizationJson(store.createOrganization(user, requiredParam(query, 'name'))),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/workspaces$/,
      handle: ({ user, query }) => {
        const organizationId = optionalParam(query, 'organization_id');
        const filter: WorkspaceFilter = {
          workspaceName: optionalParam(query, 'workspace_name'),
          organizationId: organizationId === undefined ? undefined : uuidValue('organization_id', organizationId),
          status: optionalParam(query, 'status'),
          isManaged: boolParam(query, 'is_managed'),
          offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
          limit: intParam(query, 'limit', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        };
        return store.listWorkspaces(user, filter).map((w) => store.workspaceJson(w));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/workspaces$/,
      handle: ({ user, query }) => {
        const name = requiredParam(query, 'name');
        const organizationId = optionalParam(query, 'organization_id');
        const orgId = organizationId === undefined ? undefined : uuidValue('organization_id', organizationId);
        if (boolParam(query, 'enroll') !== true) {
          throw new ApiError(400, 'This control plane cannot deploy workspaces itself: pass enroll=true and run the workspace server yourself');
        }
        const failure = faults.takeEnrollmentFailure();
        if (failure && !failure.afterCreate) throw new ApiError(failure.status, 'Internal Server Error (simulated)');
        const workspace = store.enrollWorkspace(user, name, orgId);
        if (failure) throw new ApiError(failure.status, 'Internal Server Error (simulated, after the workspace was created)');
        return store.workspaceJson(workspace, true);
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/workspaces\/([^/]+)$/,
      handle: ({ user, params }) => store.workspaceJson(store.getWorkspace(user, uuidValue('workspace_id', params[0] ?? ''))),
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/v1\/workspaces\/([^/]+)$/,
      handle: ({ user, params }) => store.workspaceJson(store.deleteWorkspace(user, uuidValue('workspace_id', params[0] ?? ''))),
    },
  ];

  return async (request) => {
    try {
      const failure = faults.takeRequestFailure();
      if (failure !== undefined) throw new ApiError(failure, 'Service Unavailable (simulated)');
      const matching = routes
        .map((route) => ({ route, match: route.pattern.exec(request.path) }))
        .filter((m): m is { route: Route; match: RegExpExecArray } => m.match !== null);
      if (matching.length === 0) throw new ApiError(404, 'Not Found');
      const hit = matching.find((m) => m.route.method === request.method);
      if (!hit) {
        return { status: 405, body: { detail: 'Method Not Allowed' }, headers: { allow: matching.map((m) => m.route.method).join(', ') } };
      }
      let user: User | undefined;
      if (!hit.route.open) {
        const token = bearerToken(request.headers);
        if (token === undefined) throw unauthorized('Not authenticated');
        user = store.authenticate(token);
        if (!user) throw unauthorized('Invalid or expired token');
      }
      const body: unknown = await hit.route.handle({
        params: hit.match.slice(1),
        query: request.query,
        request,
        // Open routes never read the user.
        user: user as User,
      });
      return { status: 200, body };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const headers: Record<string, string> = error.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      return { status: error.status, body: { detail: error.detail }, headers };
    }
  };
}

// The /api/v1 routes of the simulated control plane: parse and check the
// request the way the real FastAPI service does (404/405, 401, 422 in that
// order), then call the store. List endpoints answer a plain JSON array, which
// is what ZenML's own Pro client expects (it rejects anything but a list).
// The create calls take their fields in the query, as the docs show, or in a
// JSON body (`parametersIn: 'body'`); openapi.ts describes whichever is served.
import type { IncomingHttpHeaders } from 'node:http';
import type { ControlPlaneFaults } from './faults.js';
import { ApiError, invalidParameter, type ParameterLocation } from './http.js';
import { openApiDocument, type ParametersIn } from './openapi.js';
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

/** The named fields of one request, from its query string or its JSON body. */
interface Fields {
  readonly where: ParameterLocation;
  string(name: string): string | undefined;
  bool(name: string): boolean | undefined;
}

function parseBool(where: ParameterLocation, name: string, value: string): boolean {
  if (TRUE_WORDS.has(value.toLowerCase())) return true;
  if (FALSE_WORDS.has(value.toLowerCase())) return false;
  throw invalidParameter(where, name, 'bool_parsing', 'Input should be a valid boolean');
}

function queryFields(query: URLSearchParams): Fields {
  return {
    where: 'query',
    string: (name) => query.get(name) ?? undefined,
    bool: (name) => {
      const value = query.get(name);
      return value === null ? undefined : parseBool('query', name, value);
    },
  };
}

async function bodyFields(request: ApiRequest): Promise<Fields> {
  if (!/application\/json/i.test(request.headers['content-type'] ?? '')) {
    throw new ApiError(422, [{ type: 'missing', loc: ['body'], msg: 'Field required' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await request.readBody());
  } catch {
    throw new ApiError(422, [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(422, [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object' }]);
  }
  const body = parsed as Record<string, unknown>;
  return {
    where: 'body',
    string: (name) => {
      const value = body[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') throw invalidParameter('body', name, 'string_type', 'Input should be a valid string');
      return value;
    },
    bool: (name) => {
      const value = body[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') return parseBool('body', name, value);
      throw invalidParameter('body', name, 'bool_type', 'Input should be a valid boolean');
    },
  };
}

function required(fields: Fields, name: string): string {
  const value = fields.string(name);
  if (value === undefined) throw invalidParameter(fields.where, name, 'missing', 'Field required');
  return value;
}

function uuidValue(where: ParameterLocation, name: string, value: string): string {
  if (!UUID.test(value)) throw invalidParameter(where, name, 'uuid_parsing', 'Input should be a valid UUID');
  return value.toLowerCase();
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!/^-?\d+$/.test(value)) throw invalidParameter('query', name, 'int_parsing', 'Input should be a valid integer');
  const n = Number(value);
  if (n < min) throw invalidParameter('query', name, 'greater_than_equal', `Input should be greater than or equal to ${min}`);
  if (n > max) throw invalidParameter('query', name, 'less_than_equal', `Input should be less than or equal to ${max}`);
  return n;
}

function requireSuperuser(user: User, what: string): void {
  if (!user.isSuperuser) throw new ApiError(403, `Only superusers can ${what}`);
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function unauthorized(detail: string): ApiError {
  return new ApiError(401, detail);
}

export interface RouteOptions {
  readonly parametersIn: ParametersIn;
  /** Serve the OpenAPI document; a control plane that hides it answers 404. */
  readonly openApi: boolean;
}

export function createApiRoutes(store: ControlPlaneStore, faults: ControlPlaneFaults, options: RouteOptions): (req: ApiRequest) => Promise<ApiReply> {
  // The fields of a create call, where this control plane takes them.
  const createFields = (request: ApiRequest): Promise<Fields> | Fields =>
    options.parametersIn === 'body' ? bodyFields(request) : queryFields(request.query);
  const document = openApiDocument(options.parametersIn);
  const routes: Route[] = [
    ...(options.openApi ? [{ method: 'GET', pattern: /^\/api\/v1\/openapi\.json$/, open: true, handle: () => document }] : []),
    {
      method: 'POST',
      pattern: /^\/api\/v1\/auth\/login$/,
      open: true,
      handle: async ({ request }) => {
        const form = /application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')
          ? new URLSearchParams(await request.readBody())
          : new URLSearchParams();
        const password = form.get('password');
        if (password === null) throw invalidParameter('body', 'password', 'missing', 'Field required');
        const session = store.login(form.get('username') || undefined, password);
        return { access_token: session.token, token_type: 'bearer', expires_in: session.expiresIn, device_id: null, device_metadata: null };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/users\/me$/,
      handle: ({ user }) => store.userJson(user),
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/users$/,
      handle: ({ user, query }) => {
        requireSuperuser(user, 'list users');
        return store.findUsers(query.get('username') ?? undefined).map((u) => store.userJson(u));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/users$/,
      handle: async ({ user, request }) => {
        const fields = await createFields(request);
        const username = required(fields, 'username');
        const password = required(fields, 'password');
        const isSuperuser = fields.bool('is_superuser') ?? false;
        const email = fields.string('email');
        requireSuperuser(user, 'create users');
        if (username.length === 0) throw invalidParameter(fields.where, 'username', 'string_too_short', 'String should have at least 1 character');
        return store.userJson(store.createUser(username, password, isSuperuser, email));
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
      handle: async ({ user, request }) => {
        const name = required(await createFields(request), 'name');
        requireSuperuser(user, 'create organizations');
        return store.organizationJson(store.createOrganization(user, name));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/workspaces$/,
      handle: ({ user, query }) => {
        const fields = queryFields(query);
        const organizationId = fields.string('organization_id');
        const filter: WorkspaceFilter = {
          workspaceName: fields.string('workspace_name'),
          organizationId: organizationId === undefined ? undefined : uuidValue('query', 'organization_id', organizationId),
          status: fields.string('status'),
          isManaged: fields.bool('is_managed'),
          offset: intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
          limit: intParam(query, 'limit', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        };
        return store.listWorkspaces(user, filter).map((w) => store.workspaceJson(w));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/v1\/workspaces$/,
      handle: async ({ user, query, request }) => {
        const fields = await createFields(request);
        const name = required(fields, 'name');
        const organizationId = fields.string('organization_id');
        const orgId = organizationId === undefined ? undefined : uuidValue(fields.where, 'organization_id', organizationId);
        // `enroll` stays in the query in both forms, as in the legacy tenants API.
        if (queryFields(query).bool('enroll') !== true) {
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
      handle: ({ user, params }) => store.workspaceJson(store.getWorkspace(user, uuidValue('path', 'workspace_id', params[0] ?? ''))),
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/v1\/workspaces\/([^/]+)$/,
      handle: ({ user, params }) => store.workspaceJson(store.deleteWorkspace(user, uuidValue('path', 'workspace_id', params[0] ?? ''))),
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

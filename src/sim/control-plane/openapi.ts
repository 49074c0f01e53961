// The OpenAPI document of the simulated control plane, so a client can read
// where each create call takes its fields, as it would from the real one.
//
// Where it is served: known (docs) is that the interactive OpenAPI UI is at
// https://<cp-host>/api/v1, and the SaaS one at https://cloudapi.zenml.io.
// Assumed: the API is a FastAPI app whose root is /api/v1 (SaaS: /) with its
// docs UI at that root, so the document is at FastAPI's default openapi_url
// relative to the root: <cp-host>/api/v1/openapi.json. FastAPI serves it
// without authentication, and so does the simulation. Paths are listed
// relative to the root with `servers` naming it, as FastAPI does behind a
// root_path.
//
// Describes what routes.ts serves, no more; the fields of each create call
// follow `parametersIn`.

/** Where the create calls (users, organizations, workspaces) take their fields. */
export type ParametersIn = 'query' | 'body';

type Json = Record<string, unknown>;

const uuid: Json = { type: 'string', format: 'uuid' };
const text: Json = { type: 'string' };
const bool: Json = { type: 'boolean' };
const ok: Json = { 200: { description: 'Successful Response' }, 422: { description: 'Validation Error' } };
const bearer = [{ HTTPBearer: [] }];

function parameter(where: 'query' | 'path', name: string, schema: Json, required = false): Json {
  return { name, in: where, required, schema };
}

function jsonBody(schemaName: string): Json {
  return { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } };
}

interface CreateCall {
  readonly schemaName: string;
  readonly fields: Record<string, { readonly schema: Json; readonly required: boolean }>;
  /** Query parameters in either form. */
  readonly alwaysQuery?: readonly Json[];
}

function createOperation(call: CreateCall, parametersIn: ParametersIn, summary: string): Json {
  const inQuery = parametersIn === 'query'
    ? Object.entries(call.fields).map(([name, f]) => parameter('query', name, f.schema, f.required))
    : [];
  return {
    summary,
    security: bearer,
    parameters: [...inQuery, ...(call.alwaysQuery ?? [])],
    ...(parametersIn === 'body' ? { requestBody: jsonBody(call.schemaName) } : {}),
    responses: ok,
  };
}

function bodySchema(call: CreateCall): Json {
  return {
    type: 'object',
    title: call.schemaName,
    properties: Object.fromEntries(Object.entries(call.fields).map(([name, f]) => [name, f.schema])),
    required: Object.entries(call.fields).filter(([, f]) => f.required).map(([name]) => name),
  };
}

const USER_CREATE: CreateCall = {
  schemaName: 'UserCreate',
  fields: {
    username: { schema: text, required: true },
    password: { schema: text, required: true },
    is_superuser: { schema: bool, required: false },
    email: { schema: text, required: false },
  },
};
const ORGANIZATION_CREATE: CreateCall = { schemaName: 'OrganizationCreate', fields: { name: { schema: text, required: true } } };
const WORKSPACE_CREATE: CreateCall = {
  schemaName: 'WorkspaceCreate',
  fields: { name: { schema: text, required: true }, organization_id: { schema: uuid, required: false } },
  alwaysQuery: [parameter('query', 'enroll', bool)],
};

export function openApiDocument(parametersIn: ParametersIn): Json {
  const workspaceId = parameter('path', 'workspace_id', uuid, true);
  return {
    openapi: '3.1.0',
    info: { title: 'ZenML Pro API (simulated)', version: '0.0.0-sim' },
    servers: [{ url: '/api/v1' }],
    paths: {
      '/auth/login': {
        post: {
          summary: 'Login',
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Body_login' } } } },
          responses: ok,
        },
      },
      '/users/me': { get: { summary: 'Current user', security: bearer, responses: ok } },
      '/users': {
        get: { summary: 'List users', security: bearer, parameters: [parameter('query', 'username', text)], responses: ok },
        post: createOperation(USER_CREATE, parametersIn, 'Create user'),
      },
      '/organizations': {
        get: { summary: 'List organizations', security: bearer, responses: ok },
        post: createOperation(ORGANIZATION_CREATE, parametersIn, 'Create organization'),
      },
      '/workspaces': {
        get: {
          summary: 'List workspaces',
          security: bearer,
          parameters: [
            parameter('query', 'workspace_name', text),
            parameter('query', 'organization_id', uuid),
            parameter('query', 'status', text),
            parameter('query', 'is_managed', bool),
            parameter('query', 'offset', { type: 'integer', minimum: 0, default: 0 }),
            parameter('query', 'limit', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
          ],
          responses: ok,
        },
        post: createOperation(WORKSPACE_CREATE, parametersIn, 'Create or enroll workspace'),
      },
      '/workspaces/{workspace_id}': {
        get: { summary: 'Get workspace', security: bearer, parameters: [workspaceId], responses: ok },
        delete: { summary: 'Delete workspace', security: bearer, parameters: [workspaceId], responses: ok },
      },
    },
    components: {
      schemas: {
        Body_login: { type: 'object', title: 'Body_login', properties: { username: text, password: text }, required: ['password'] },
        ...(parametersIn === 'body'
          ? Object.fromEntries([USER_CREATE, ORGANIZATION_CREATE, WORKSPACE_CREATE].map((c) => [c.schemaName, bodySchema(c)]))
          : {}),
      },
      securitySchemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

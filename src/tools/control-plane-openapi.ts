// Reads the control plane's OpenAPI document to learn where a create call
// takes its fields. The docs show query parameters (POST /workspaces?name=…
// &enroll=true, POST /users?username=…&password=…), say nothing of
// organization_id, and the legacy API took a JSON body: the version at hand
// decides, and its document says which.
//
// The rule: a field goes in the JSON body when the document declares it
// there, otherwise in the query, as the docs show. FastAPI ignores query
// parameters an operation does not declare, so a field sent there that the
// version does not know costs nothing.

type Json = Record<string, unknown>;

/** The fields one operation declares in its query and in its JSON body. */
export interface OperationFields {
  readonly query: ReadonlySet<string>;
  readonly body: ReadonlySet<string>;
}

const MAX_REF_DEPTH = 16;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows local `$ref`s (#/components/...); anything else is left as it is. */
function deref(document: Json, node: unknown, depth = 0): unknown {
  if (!isObject(node) || typeof node.$ref !== 'string' || depth > MAX_REF_DEPTH) return node;
  if (!node.$ref.startsWith('#/')) return undefined;
  let target: unknown = document;
  for (const raw of node.$ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    target = isObject(target) ? target[key] : undefined;
  }
  return deref(document, target, depth + 1);
}

/** Property names of a schema, through $ref and allOf/anyOf/oneOf. */
function propertiesOf(document: Json, schema: unknown, depth = 0): string[] {
  const node = deref(document, schema);
  if (!isObject(node) || depth > MAX_REF_DEPTH) return [];
  const own = isObject(node.properties) ? Object.keys(node.properties) : [];
  const parts = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (Array.isArray(node[k]) ? (node[k] as unknown[]) : []));
  return [...own, ...parts.flatMap((part) => propertiesOf(document, part, depth + 1))];
}

/**
 * What the document says of `method` on the API path `path` (e.g. `/workspaces`),
 * or undefined when it does not describe it. `rootPath` is the API root's path
 * (`/api/v1`, or empty for SaaS): documents list paths with or without it.
 */
export function operationFields(document: unknown, method: string, path: string, rootPath: string): OperationFields | undefined {
  if (!isObject(document) || !isObject(document.paths)) return undefined;
  const paths = document.paths;
  const candidates = [path, `${path}/`, `${rootPath}${path}`, `${rootPath}${path}/`];
  const item = deref(document, candidates.map((p) => paths[p]).find(isObject));
  if (!isObject(item)) return undefined;
  const operation = deref(document, item[method.toLowerCase()]);
  if (!isObject(operation)) return undefined;

  const query = new Set<string>();
  for (const raw of [item.parameters, operation.parameters].flatMap((list) => (Array.isArray(list) ? (list as unknown[]) : []))) {
    const parameter = deref(document, raw);
    if (isObject(parameter) && parameter.in === 'query' && typeof parameter.name === 'string') query.add(parameter.name);
  }
  const requestBody = deref(document, operation.requestBody);
  const content = isObject(requestBody) && isObject(requestBody.content) ? requestBody.content : {};
  const json = Object.entries(content).find(([type]) => /^application\/([\w.+-]+\+)?json\b/i.test(type))?.[1];
  const body = new Set(isObject(json) ? propertiesOf(document, json.schema) : []);
  return { query, body };
}

/** A create call's fields split between the query and a JSON body (see the rule above). */
export function placeFields(
  fields: Readonly<Record<string, string | boolean>>,
  declared: OperationFields | undefined,
): { query: Record<string, string>; json?: Record<string, string | boolean> } {
  const query: Record<string, string> = {};
  const json: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (declared?.body.has(name) && !declared.query.has(name)) json[name] = value;
    else query[name] = String(value);
  }
  return Object.keys(json).length === 0 ? { query } : { query, json };
}

// Reading a release's helm values back into answers fields: the small
// inverses of src/render/values.ts and src/answers/derived.ts that `adopt`
// needs (the database URL, image repositories, the workload manager's
// environment). Pure; a value of an unexpected kind reads as absent.
import { DEFAULT_WORKLOAD_NAMESPACE, imageRepositories, type ImageRepositories } from '../answers/derived.js';
import { resources } from '../answers/fields.js';
import type { Answers } from '../answers/schema.js';

export type Values = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Values {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function at(values: unknown, path: readonly string[]): unknown {
  let node = values;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

export function objectAt(values: unknown, ...path: string[]): Values | undefined {
  const v = at(values, path);
  return isPlainObject(v) ? v : undefined;
}

/** A non-empty string. */
export function stringAt(values: unknown, ...path: string[]): string | undefined {
  const v = at(values, path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function boolAt(values: unknown, ...path: string[]): boolean | undefined {
  const v = at(values, path);
  return typeof v === 'boolean' ? v : undefined;
}

/** A whole number, written as a number or (as the guide writes pool sizes) a string. */
export function intOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

export function intAt(values: unknown, ...path: string[]): number | undefined {
  return intOf(at(values, path));
}

/** Sets a value at a path of maps, creating the maps on the way. */
export function setIn(root: Values, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = isPlainObject(next) ? next : (node[key] = {});
  }
  node[path[path.length - 1] ?? ''] = value;
}

/** `top` over `base`, recursively: how the workspace chart lets `zenml:` win over `server:`. */
export function overlay(base: Values, top: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? overlay(current, value) : value;
  }
  return out;
}

/** Every value under `values` with its path: maps are walked, anything else (arrays, empty maps) is one value. */
export function leaves(values: unknown, path: readonly string[] = []): [string[], unknown][] {
  if (!isPlainObject(values) || (Object.keys(values).length === 0 && path.length > 0)) return [[[...path], values]];
  return Object.entries(values).flatMap(([k, v]) => (v === undefined || v === null ? [] : leaves(v, [...path, k])));
}

export interface DatabaseUrl {
  readonly username: string;
  readonly password: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  readonly name: string;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `mysql://user[:password]@host[:port]/db`, user and password URL-encoded (as
 * mysqlUrl writes it). Undefined for any other form: a query string, another
 * scheme, no database name. The password may hold `@`, so the last one ends it.
 */
export function parseDatabaseUrl(url: string): DatabaseUrl | undefined {
  const m = /^mysql:\/\/(.+)@([^@/?#]+)\/([^/?#]+)$/.exec(url);
  if (!m) return undefined;
  const [, credentials = '', hostPort = '', name = ''] = m;
  const colon = credentials.indexOf(':');
  const username = decoded(colon < 0 ? credentials : credentials.slice(0, colon));
  const password = colon < 0 ? undefined : decoded(credentials.slice(colon + 1));
  const hp = /^([^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!hp || username === '') return undefined;
  return { username, password: password === '' ? undefined : password, host: hp[1] ?? '', port: hp[2] === undefined ? undefined : Number(hp[2]), name: decoded(name) };
}

type Source = Answers['images']['source'];
const KINDS = ['api', 'dashboard', 'server'] as const;
type Kind = (typeof KINDS)[number];

/** What `images` reproduces the repositories the releases run (those they name; a release without one uses its chart's default). */
export function imagesOf(found: Partial<ImageRepositories>): { source: Source; registry?: string; repositories?: Partial<Record<Kind, string>> } | undefined {
  const named = KINDS.filter((k) => found[k] !== undefined);
  if (named.length === 0) return undefined;
  for (const source of ['zenml-ecr', 'zenml-gar'] as const) {
    const vendor = imageRepositories({ source, repositories: {} } as unknown as Answers['images']);
    if (named.every((k) => found[k] === vendor[k])) return { source };
  }
  // A private registry: the folder of the first repository with the standard name; the others it does not explain are overrides.
  const standard = named.find((k) => found[k]?.endsWith(`/zenml-pro-${k}`));
  const first = found[standard ?? named[0] ?? 'server'] ?? '';
  const slash = first.lastIndexOf('/');
  const registry = slash > 0 ? first.slice(0, slash) : undefined;
  const repositories: Partial<Record<Kind, string>> = {};
  for (const k of named) {
    if (registry === undefined || found[k] !== `${registry}/zenml-pro-${k}`) repositories[k] = found[k];
  }
  return { source: 'private', ...(registry ? { registry } : {}), ...(Object.keys(repositories).length > 0 ? { repositories } : {}) };
}

const WORKLOAD_SOURCES: Record<string, 'kubernetes' | 'aws' | 'gcp'> = {
  'zenml_cloud_plugins.kubernetes_workload_manager.KubernetesWorkloadManager': 'kubernetes',
  'zenml_cloud_plugins.aws_kubernetes_workload_manager.AWSKubernetesWorkloadManager': 'aws',
  'zenml_cloud_plugins.gcp_kubernetes_workload_manager.GCPKubernetesWorkloadManager': 'gcp',
};

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The workload manager settings the server's plain environment holds, or
 * undefined when it names no known implementation. Only what the render would
 * write back is read: anything else stays in the environment as set by hand.
 */
export function workloadManagerOf(env: Values | undefined): Values | undefined {
  const str = (key: string): string | undefined => (typeof env?.[key] === 'string' && env[key] !== '' ? env[key] : undefined);
  const implementation = WORKLOAD_SOURCES[str('ZENML_SERVER_WORKLOAD_MANAGER_IMPLEMENTATION_SOURCE') ?? ''];
  if (!implementation) return undefined;
  const wm: Values = { enabled: true, implementation };
  const namespace = str('ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE');
  if (namespace && namespace !== DEFAULT_WORKLOAD_NAMESPACE) wm.namespace = namespace;
  const serviceAccount = str('ZENML_KUBERNETES_WORKLOAD_MANAGER_SERVICE_ACCOUNT');
  if (serviceAccount) wm.serviceAccount = serviceAccount;
  const build = str('ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE') === 'true';
  if (build) wm.buildRunnerImage = true;
  // The render writes the registry only when building and the pre-built image only when not.
  const registry = str('ZENML_KUBERNETES_WORKLOAD_MANAGER_DOCKER_REGISTRY');
  const runnerImage = str('ZENML_KUBERNETES_WORKLOAD_MANAGER_RUNNER_IMAGE');
  if (build && registry) wm.registry = registry;
  if (!build && runnerImage) wm.runnerImage = runnerImage;
  if (implementation === 'aws') {
    const bucket = str('ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_BUCKET');
    if (bucket && str('ZENML_KUBERNETES_WORKLOAD_MANAGER_ENABLE_EXTERNAL_LOGS') === 'true') wm.awsBucket = bucket;
    const region = str('ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_REGION');
    if (region) wm.awsRegion = region;
  }
  const podResources = resources.safeParse(json(str('ZENML_KUBERNETES_WORKLOAD_MANAGER_POD_RESOURCES')));
  if (podResources.success && podResources.data) wm.podResources = podResources.data;
  const nodeSelector = json(str('ZENML_KUBERNETES_WORKLOAD_MANAGER_NODE_SELECTOR'));
  if (isPlainObject(nodeSelector) && Object.values(nodeSelector).every((v) => typeof v === 'string')) wm.nodeSelector = nodeSelector;
  const tolerations = json(str('ZENML_KUBERNETES_WORKLOAD_MANAGER_TOLERATIONS'));
  if (Array.isArray(tolerations) && tolerations.every(isPlainObject)) wm.tolerations = tolerations;
  const counts: [string, string, number][] = [
    ['ttlSecondsAfterFinished', 'ZENML_KUBERNETES_WORKLOAD_MANAGER_TTL_SECONDS_AFTER_FINISHED', 0],
    ['jobBackoffLimit', 'ZENML_KUBERNETES_WORKLOAD_MANAGER_JOB_BACKOFF_LIMIT', 0],
    ['maxConcurrentRuns', 'ZENML_SERVER_MAX_CONCURRENT_TEMPLATE_RUNS', 1],
  ];
  for (const [field, key, min] of counts) {
    const n = intOf(str(key));
    if (n !== undefined && n >= min) wm[field] = n;
  }
  return wm;
}

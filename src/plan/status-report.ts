// What `status` found, as the stable JSON of `--output json` and the verdict
// behind the exit code. Pure: the command reads the cluster and hands the
// findings over; src/plan/status-table.ts draws the same report as text.
//
// JSON shape (`--output json`; fields marked ? may be absent):
//   { context, server,
//     source: { kind: 'install-dir' | 'answers' | 'cluster', path? },
//     healthy,                         every component below is healthy
//     controlPlane?: Component,        absent when there is none (hybrid, or none found)
//     workspaces: Component[],
//     notes: string[] }                what limited the look (permissions, skipped namespaces)
//   Component = { name, release, namespace,
//     status,                          helm's status of the latest revision, 'missing', or 'unknown' (unreadable)
//     revision?, chart?, chartVersion?, appVersion?,
//     deployments: [{ name, desired, ready, found }],
//     ready,                           every deployment exists and has all its replicas ready
//     health: { state: 'healthy' | 'unhealthy' | 'unreachable' | 'unresolved' | 'unknown',
//               url?, status?, via?: 'override' | 'ingress' | 'dns' | 'service-proxy', path?, detail? },
//     enrollment?: { state: 'enrolled', workspaceId, organizationId, organizationName? }   (workspaces only)
//                | { state: 'not-enrolled' | 'unknown', reason },
//     healthy, problems: string[] }

/** Which way a health check reached the server, as tools/health.ts names them. */
export type HealthVia = 'override' | 'ingress' | 'dns' | 'service-proxy';

export type HealthCheck =
  | {
      readonly state: 'healthy' | 'unhealthy';
      readonly url: string;
      readonly status: number;
      readonly via: HealthVia;
      /** The way that answered, in words. */
      readonly path: string;
      /** The start of an unhealthy answer's body. */
      readonly detail?: string;
    }
  | { readonly state: 'unreachable'; readonly url: string; readonly via?: HealthVia; readonly path?: string; readonly detail: string }
  /** Neither an ingress address, DNS nor the service proxy leads to the host. */
  | { readonly state: 'unresolved'; readonly url: string }
  /** No URL to check: the release values name no server URL (or there is no release). */
  | { readonly state: 'unknown'; readonly detail: string };

export type Enrollment =
  | { readonly state: 'enrolled'; readonly workspaceId: string; readonly organizationId: string; readonly organizationName?: string }
  | { readonly state: 'not-enrolled' | 'unknown'; readonly reason: string };

export interface DeploymentStatus {
  readonly name: string;
  readonly desired: number;
  readonly ready: number;
  /** False when the release declares it but the cluster has no such Deployment. */
  readonly found: boolean;
}

/** The latest revision of a release as read from its record. */
export interface ReleaseFacts {
  readonly status: string;
  readonly revision: number;
  readonly chart?: string | undefined;
  readonly chartVersion?: string | undefined;
  readonly appVersion?: string | undefined;
}

export interface ComponentFinding {
  readonly kind: 'control-plane' | 'workspace';
  readonly name: string;
  readonly release: string;
  readonly namespace: string;
  /** Undefined when the namespace holds no such release. */
  readonly found?: ReleaseFacts;
  /** Why the release records could not be read (its status is then 'unknown'). */
  readonly readError?: string;
  readonly deployments: readonly DeploymentStatus[];
  readonly health: HealthCheck;
  readonly enrollment?: Enrollment;
  /** Problems met while looking (a denied read), said as they are. */
  readonly problems: readonly string[];
}

export interface StatusSource {
  readonly kind: 'install-dir' | 'answers' | 'cluster';
  readonly path?: string;
}

export interface ComponentStatus {
  readonly name: string;
  readonly release: string;
  readonly namespace: string;
  readonly status: string;
  readonly revision?: number;
  readonly chart?: string;
  readonly chartVersion?: string;
  readonly appVersion?: string;
  readonly deployments: readonly DeploymentStatus[];
  readonly ready: boolean;
  readonly health: HealthCheck;
  readonly enrollment?: Enrollment;
  readonly healthy: boolean;
  readonly problems: readonly string[];
}

export interface StatusReport {
  readonly context: string;
  readonly server: string;
  readonly source: StatusSource;
  readonly healthy: boolean;
  readonly controlPlane?: ComponentStatus;
  readonly workspaces: readonly ComponentStatus[];
  readonly notes: readonly string[];
}

/** The status of a release the namespace does not hold, and of one that could not be read. */
const MISSING = 'missing';
const UNKNOWN = 'unknown';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * A workspace release's server settings and the root they were read under.
 * The chart renamed its root from `zenml:` to `server:`; newer charts still
 * take `zenml:` and let it win where both set a key, so it is laid over `server:`.
 */
export function workspaceServerValues(values: Readonly<Record<string, unknown>>): { root: 'server' | 'zenml'; settings: Record<string, unknown> } {
  const server = isRecord(values.server) ? values.server : {};
  const zenml = isRecord(values.zenml) ? values.zenml : {};
  const pro = { ...(isRecord(server.pro) ? server.pro : {}), ...(isRecord(zenml.pro) ? zenml.pro : {}) };
  return { root: Object.keys(zenml).length > 0 ? 'zenml' : 'server', settings: { ...server, ...zenml, pro } };
}

/** `<root>.serverURL` of a release's values (the control plane's root is always `zenml:`). */
export function serverUrlOf(kind: ComponentFinding['kind'], values: Readonly<Record<string, unknown>>): string | undefined {
  const settings = kind === 'workspace' ? workspaceServerValues(values).settings : isRecord(values.zenml) ? values.zenml : {};
  return text(settings.serverURL);
}

/** The workspace name the release was enrolled under, when its values say. */
export function workspaceNameOf(values: Readonly<Record<string, unknown>>): string | undefined {
  const pro = workspaceServerValues(values).settings.pro;
  return isRecord(pro) ? text(pro.workspaceName) : undefined;
}

/**
 * Whether a workspace release is enrolled, from its own values: Pro switched
 * on, with a workspace ID, an organization ID and an enrollment key. The key
 * is only looked at, never returned.
 */
export function enrollmentOf(values: Readonly<Record<string, unknown>>): Enrollment {
  const { root, settings } = workspaceServerValues(values);
  const pro = isRecord(settings.pro) ? settings.pro : {};
  if (pro.enabled !== true) return { state: 'not-enrolled', reason: `${root}.pro.enabled is not true` };
  const workspaceId = text(pro.workspaceID);
  const organizationId = text(pro.organizationID);
  const unset = [
    ...(workspaceId ? [] : ['workspaceID']),
    ...(organizationId ? [] : ['organizationID']),
    ...(text(pro.enrollmentKey) ? [] : ['enrollmentKey']),
  ].map((key) => `${root}.pro.${key}`);
  if (!workspaceId || !organizationId || unset.length > 0) return { state: 'not-enrolled', reason: `${unset.join(', ')} not set` };
  const organizationName = text(pro.organizationName);
  return { state: 'enrolled', workspaceId, organizationId, ...(organizationName ? { organizationName } : {}) };
}

export function describeEnrollment(e: Enrollment): string {
  if (e.state === 'enrolled') return `enrolled (workspace ${e.workspaceId}, organization ${e.organizationName ?? e.organizationId})`;
  return `${e.state === 'unknown' ? 'unknown' : 'not enrolled'}: ${e.reason}`;
}

function deploymentProblems(found: ReleaseFacts | undefined, deployments: readonly DeploymentStatus[]): string[] {
  if (!found) return [];
  if (deployments.length === 0) return ['the release declares no deployment'];
  return deployments.flatMap((d) => {
    if (!d.found) return [`deployment ${d.name} does not exist`];
    if (d.desired === 0) return [`deployment ${d.name} is scaled to 0`];
    return d.ready < d.desired ? [`deployment ${d.name} has ${d.ready} of ${d.desired} replicas ready`] : [];
  });
}

function healthProblem(h: HealthCheck): string | undefined {
  switch (h.state) {
    case 'healthy':
      return undefined;
    case 'unhealthy':
      return `${h.url} answered ${h.status} through ${h.path}${h.detail ? `: ${h.detail}` : ''}`;
    case 'unreachable':
      return `${h.url} is unreachable${h.path ? ` through ${h.path}` : ''}: ${h.detail}`;
    case 'unresolved':
      return `${new URL(h.url).hostname} does not resolve here and no ingress address or service leads to it`;
    case 'unknown':
      return `health not checked: ${h.detail}`;
  }
}

export function componentStatus(f: ComponentFinding): ComponentStatus {
  const releaseProblems = f.readError !== undefined
    ? [f.readError]
    : !f.found
      ? [`no release ${f.release} in namespace ${f.namespace}`]
      : f.found.status === 'deployed' ? [] : [`release ${f.release} is ${f.found.status} (revision ${f.found.revision})`];
  const deploymentIssues = deploymentProblems(f.found, f.deployments);
  const health = healthProblem(f.health);
  const problems = [...releaseProblems, ...deploymentIssues, ...(health && f.found ? [health] : []), ...f.problems];
  const ready = f.found !== undefined && f.deployments.length > 0 && deploymentIssues.length === 0;
  const facts = f.found;
  return {
    name: f.name,
    release: f.release,
    namespace: f.namespace,
    status: facts?.status ?? (f.readError !== undefined ? UNKNOWN : MISSING),
    ...(facts ? { revision: facts.revision } : {}),
    ...(facts?.chart ? { chart: facts.chart } : {}),
    ...(facts?.chartVersion ? { chartVersion: facts.chartVersion } : {}),
    ...(facts?.appVersion ? { appVersion: facts.appVersion } : {}),
    deployments: f.deployments,
    ready,
    health: f.health,
    ...(f.enrollment ? { enrollment: f.enrollment } : {}),
    healthy: problems.length === 0 && f.health.state === 'healthy',
    problems,
  };
}

export interface StatusInput {
  readonly context: string;
  readonly server: string;
  readonly source: StatusSource;
  readonly controlPlane?: ComponentFinding;
  readonly workspaces: readonly ComponentFinding[];
  readonly notes: readonly string[];
}

/** The report; healthy only when there is something to report on and all of it is healthy. */
export function statusReport(input: StatusInput): StatusReport {
  const controlPlane = input.controlPlane ? componentStatus(input.controlPlane) : undefined;
  const workspaces = input.workspaces.map(componentStatus);
  const all = [...(controlPlane ? [controlPlane] : []), ...workspaces];
  return {
    context: input.context,
    server: input.server,
    source: input.source,
    healthy: all.length > 0 && all.every((c) => c.healthy),
    ...(controlPlane ? { controlPlane } : {}),
    workspaces,
    notes: input.notes,
  };
}

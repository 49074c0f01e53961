// Answers → Helm values for the control plane (zenml-pro chart) and for each
// workspace server (zenml chart). Pure: secrets and file contents come in.
import type { Answers, Workspace } from '../answers/schema.js';
import {
  DEFAULT_WORKLOAD_NAMESPACE,
  controlPlaneDbPort,
  imageRepositories,
  needsPullSecret,
  proUrls,
  tlsSecretName,
} from '../answers/derived.js';

type Values = Record<string, unknown>;

/** What a workspace server needs from its enrollment in the control plane. */
export interface Enrollment {
  readonly organizationId: string;
  readonly organizationName?: string | undefined;
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly enrollmentKey: string;
}

/** The guide's "minimum resources required" for a workspace server. */
export const WORKSPACE_MINIMUM_RESOURCES = { requests: { cpu: '100m', memory: '450Mi' }, limits: { memory: '800Mi' } } as const;

/** Where the chart at hand declares podDisruptionBudget: `top` level, under the values `root`, or nowhere. */
export type BudgetPlace = 'top' | 'root' | undefined;

export interface ValuesInputs {
  readonly answers: Answers;
  /** Secret values by slot key (see secretSlots). */
  readonly secrets: ReadonlyMap<string, string>;
  /** Reads a referenced file (CA bundles) as text. */
  readonly readFile: (path: string) => string;
}

function secret(inputs: ValuesInputs, key: string): string {
  const value = inputs.secrets.get(key);
  if (value === undefined) throw new Error(`internal: secret ${key} was not resolved before rendering`);
  return value;
}

function pullSecrets(a: Answers): Values[] | undefined {
  return needsPullSecret(a.images) ? [{ name: a.images.pullSecretName }] : undefined;
}

function ingress(a: Answers, host: string): Values {
  const tls = a.cluster.tls;
  const annotations: Record<string, string> = { ...a.cluster.ingress.annotations };
  if (tls.provisioning === 'cert-manager' && tls.certManager) {
    annotations[tls.certManager.kind === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer'] = tls.certManager.issuer;
  }
  const terminates = tls.provisioning !== 'cloud-managed';
  return {
    enabled: true,
    className: a.cluster.ingress.className,
    annotations,
    host,
    tls: terminates ? { enabled: true, secretName: tlsSecretName(a, host) } : { enabled: false },
  };
}

function certificates(inputs: ValuesInputs): Values | undefined {
  const tls = inputs.answers.cluster.tls;
  if (tls.ca === 'public' || !tls.caFile) return undefined;
  return { customCAs: [{ name: 'zenml-ca', certificate: inputs.readFile(tls.caFile) }] };
}

function proxy(a: Answers): Values | undefined {
  const p = a.cluster.proxy;
  if (!p) return undefined;
  return { enabled: true, httpProxy: p.httpProxy, httpsProxy: p.httpsProxy, additionalNoProxy: p.noProxy };
}

/** The release's disruption budget, where the chart declares one; otherwise the installer applies its own. */
function budget(owner: Pick<Workspace, 'podDisruptionBudget'>, place: BudgetPlace): { top?: Values; root?: Values } {
  const pdb = owner.podDisruptionBudget;
  if (!pdb?.enabled || !place) return {};
  const values = { enabled: true, minAvailable: pdb.minAvailable };
  return place === 'top' ? { top: values } : { root: values };
}

export function controlPlaneValues(inputs: ValuesInputs, budgetPlace?: BudgetPlace): Values {
  const a = inputs.answers;
  const cp = a.controlPlane;
  if (!cp) throw new Error('internal: control plane values requested for a scenario without a control plane');
  const repos = imageRepositories(a.images);
  const sso = cp.sso.enabled
    ? { enabled: true, oidcConfigurationEndpoint: cp.sso.discoveryUrl, clientID: cp.sso.clientId, clientSecret: secret(inputs, 'controlPlane.sso.clientSecret') }
    : { enabled: false };
  const pdb = budget(cp, budgetPlace);
  return {
    imagePullSecrets: pullSecrets(a),
    zenml: {
      image: { api: { repository: repos.api, tag: cp.version }, dashboard: { repository: repos.dashboard, tag: cp.version } },
      replicaCount: cp.replicas,
      podDisruptionBudget: pdb.root,
      serverURL: `https://${cp.hostname}`,
      database: {
        external: {
          type: cp.database.type,
          host: cp.database.host,
          port: controlPlaneDbPort(cp.database),
          username: cp.database.username,
          password: secret(inputs, 'controlPlane.database.password'),
          database: cp.database.name,
        },
      },
      auth: {
        password: { enabled: cp.passwordAuth, adminPassword: secret(inputs, 'controlPlane.adminPassword') },
        sso,
        authCookieDomain: cp.authCookieDomain,
      },
      ingress: ingress(a, cp.hostname),
      certificates: certificates(inputs),
      proxy: proxy(a),
    },
    podDisruptionBudget: pdb.top,
    resources: cp.resources ?? {},
  };
}

/** mysql://user:password@host:port/db with user and password URL-encoded. */
export function mysqlUrl(w: Workspace, password: string): string {
  const db = w.database;
  return `mysql://${encodeURIComponent(db.username)}:${encodeURIComponent(password)}@${db.host}:${db.port}/${db.name}`;
}

function workloadManagerEnv(w: Workspace): Record<string, string> | undefined {
  const wm = w.workloadManager;
  if (!wm.enabled) return undefined;
  const source = {
    kubernetes: 'zenml_cloud_plugins.kubernetes_workload_manager.KubernetesWorkloadManager',
    aws: 'zenml_cloud_plugins.aws_kubernetes_workload_manager.AWSKubernetesWorkloadManager',
    gcp: 'zenml_cloud_plugins.gcp_kubernetes_workload_manager.GCPKubernetesWorkloadManager',
  }[wm.implementation];
  const env: Record<string, string> = {
    ZENML_SERVER_WORKLOAD_MANAGER_IMPLEMENTATION_SOURCE: source,
    ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE: wm.namespace ?? DEFAULT_WORKLOAD_NAMESPACE,
    ZENML_KUBERNETES_WORKLOAD_MANAGER_SERVICE_ACCOUNT: wm.serviceAccount,
    ZENML_KUBERNETES_WORKLOAD_MANAGER_BUILD_RUNNER_IMAGE: String(wm.buildRunnerImage),
  };
  // The guide reads the registry only when it builds runner images and the pre-built image only
  // when it does not, so only the chosen mode's setting is rendered (neither: each snapshot's own image).
  if (wm.buildRunnerImage) {
    if (wm.registry) env.ZENML_KUBERNETES_WORKLOAD_MANAGER_DOCKER_REGISTRY = wm.registry;
  } else if (wm.runnerImage) {
    env.ZENML_KUBERNETES_WORKLOAD_MANAGER_RUNNER_IMAGE = wm.runnerImage;
  }
  // Only the AWS implementation reads the ZENML_AWS_* settings and external logs.
  if (wm.implementation === 'aws') {
    if (wm.awsBucket) {
      // The bucket only takes effect with the switch (the guide sets both).
      env.ZENML_KUBERNETES_WORKLOAD_MANAGER_ENABLE_EXTERNAL_LOGS = 'true';
      env.ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_BUCKET = wm.awsBucket;
    }
    if (wm.awsRegion) env.ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_REGION = wm.awsRegion;
  }
  // The server reads these as JSON or numbers from plain environment strings.
  if (wm.podResources) env.ZENML_KUBERNETES_WORKLOAD_MANAGER_POD_RESOURCES = JSON.stringify(wm.podResources);
  if (wm.ttlSecondsAfterFinished !== undefined) env.ZENML_KUBERNETES_WORKLOAD_MANAGER_TTL_SECONDS_AFTER_FINISHED = String(wm.ttlSecondsAfterFinished);
  if (wm.nodeSelector) env.ZENML_KUBERNETES_WORKLOAD_MANAGER_NODE_SELECTOR = JSON.stringify(wm.nodeSelector);
  if (wm.tolerations) env.ZENML_KUBERNETES_WORKLOAD_MANAGER_TOLERATIONS = JSON.stringify(wm.tolerations);
  if (wm.jobBackoffLimit !== undefined) env.ZENML_KUBERNETES_WORKLOAD_MANAGER_JOB_BACKOFF_LIMIT = String(wm.jobBackoffLimit);
  if (wm.maxConcurrentRuns !== undefined) env.ZENML_SERVER_MAX_CONCURRENT_TEMPLATE_RUNS = String(wm.maxConcurrentRuns);
  return env;
}

export type ChartRoot = 'server' | 'zenml';

/**
 * Values for one workspace server under `root`. `enrollment` is undefined while
 * an automatic enrollment has not happened yet: the pro IDs are then left out.
 */
export function workspaceValues(inputs: ValuesInputs, w: Workspace, root: ChartRoot, enrollment: Enrollment | undefined, budgetPlace?: BudgetPlace): Values {
  const a = inputs.answers;
  const key = `workspaces.${w.name}`;
  const urls = proUrls(a);
  const db = w.database;
  const dbTls = db.tls?.enabled
    ? { ssl: true, sslCa: db.tls.caFile ? { value: inputs.readFile(db.tls.caFile) } : undefined, sslVerifyServerCert: db.tls.verifyServerCert }
    : {};
  const pdb = budget(w, budgetPlace);
  return {
    imagePullSecrets: pullSecrets(a),
    [root]: {
      image: { repository: imageRepositories(a.images).server, tag: w.version },
      replicaCount: w.replicas,
      podDisruptionBudget: pdb.root,
      serverURL: `https://${w.hostname}`,
      analyticsOptIn: false,
      threadPoolSize: w.threadPoolSize,
      auth: { jwtSecretKey: secret(inputs, `${key}.jwtSecretKey`) },
      // The guide writes the pool settings as strings ("-1": no overflow limit).
      database: { url: mysqlUrl(w, secret(inputs, `${key}.database.password`)), poolSize: String(db.poolSize), maxOverflow: String(db.maxOverflow), ...dbTls },
      secretsStore: { enabled: true, type: 'sql', sql: { encryptionKey: secret(inputs, `${key}.encryptionKey`) } },
      pro: {
        enabled: true,
        apiURL: urls.apiUrl,
        dashboardURL: urls.dashboardUrl,
        organizationID: enrollment?.organizationId,
        organizationName: enrollment?.organizationName,
        workspaceID: enrollment?.workspaceId,
        workspaceName: enrollment?.workspaceName ?? w.name,
        enrollmentKey: enrollment?.enrollmentKey,
      },
      ingress: ingress(a, w.hostname),
      certificates: certificates(inputs),
      proxy: proxy(a),
      environment: workloadManagerEnv(w),
    },
    podDisruptionBudget: pdb.top,
    resources: w.resources ?? WORKSPACE_MINIMUM_RESOURCES,
  };
}

/** Manual enrollment values straight from the answers. */
export function manualEnrollment(w: Workspace, secrets: ReadonlyMap<string, string>): Enrollment | undefined {
  const e = w.enrollment;
  const enrollmentKey = secrets.get(`workspaces.${w.name}.enrollment.enrollmentKey`);
  if (!e.organizationId || !e.workspaceId || enrollmentKey === undefined) return undefined;
  return { organizationId: e.organizationId, organizationName: e.organizationName, workspaceId: e.workspaceId, workspaceName: w.name, enrollmentKey };
}

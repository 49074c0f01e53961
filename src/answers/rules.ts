// Rules that compare fields with each other. They run on the raw input too
// (even when the schema found problems), so one load reports every problem.
import semver from 'semver';
import { isLiteralSecret, type SecretRef } from './secret-ref.js';
import type { Answers } from './schema.js';
import { fqdnProblem } from './fields.js';
import { AUTH_THREAD_POOL_SIZE, SNAPSHOTS_MIN_WORKSPACE_VERSION, isPublicChartRef, workspaceNamespace } from './derived.js';
import { checkCompatibility } from './compatibility.js';

export interface Problem {
  /** Where in the answers, e.g. `workspaces[1].database.type`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type LooseAnswers = DeepPartial<Answers>;

const HEX64 = /^[0-9a-fA-F]{64}$/;

function dbKey(db: { host?: string; port?: number; name?: string } | undefined, defaultPort: number): string | undefined {
  if (!db?.host || !db.name) return undefined;
  return `${db.host.toLowerCase()}:${db.port ?? defaultPort}/${db.name}`;
}

function validVersion(v: unknown): string | undefined {
  return typeof v === 'string' && semver.valid(v) ? v : undefined;
}

/** Cross-field problems of answers that may be incomplete or invalid. */
export function crossFieldProblems(a: LooseAnswers): Problem[] {
  const out: Problem[] = [];
  const add = (path: string, message: string): void => {
    out.push({ path, message });
  };
  const workspaces = Array.isArray(a.workspaces) ? a.workspaces : [];
  const selfHosted = a.scenario === 'self-hosted';

  // Which control plane, per scenario.
  if (selfHosted) {
    if (!a.controlPlane) add('controlPlane', 'is required for the self-hosted scenario: the control plane this installer deploys (version, hostname, database)');
    if (a.existingControlPlane) add('existingControlPlane', 'is for hybrid and workspace-only; a self-hosted install deploys its own control plane (remove this block)');
  } else if (a.scenario) {
    if (a.controlPlane) add('controlPlane', `is only for the self-hosted scenario; for ${a.scenario} describe the control plane you enroll into under existingControlPlane`);
    if (a.scenario === 'workspace-only' && !a.existingControlPlane?.apiUrl) {
      add('existingControlPlane.apiUrl', 'is required for workspace-only: the API of your control plane, e.g. https://zenml-pro.example.com/api/v1');
    }
    if (a.airGapped) add('airGapped', `an air-gapped install cannot reach a control plane elsewhere; use scenario self-hosted (or set airGapped: false for ${a.scenario})`);
  }

  // Air gap: nothing may come from the internet.
  if (a.airGapped) {
    if (a.images?.source && a.images.source !== 'private') add('images.source', 'an air-gapped install pulls from your own registry: set source: private and registry: <your registry>/<prefix>');
    const offline = (path: string, example: string): void =>
      add(path, `an air-gapped install cannot pull charts from the internet: give the local .tgz from your offline bundle (e.g. ./charts/${example}) or an internal oci:// reference`);
    const cpChart = a.charts?.controlPlane;
    if (cpChart === undefined || isPublicChartRef(cpChart)) offline('charts.controlPlane', 'zenml-pro-0.13.0.tgz');
    // The shared workspace chart matters only to workspaces without a chart of their own.
    const wsChart = a.charts?.workspace;
    if (workspaces.some((w) => !w?.chart) && (wsChart === undefined || isPublicChartRef(wsChart))) offline('charts.workspace', 'zenml-0.93.2.tgz');
    workspaces.forEach((w, i) => {
      if (w?.chart && isPublicChartRef(w.chart)) offline(`workspaces[${i}].chart`, `zenml-${w.version ?? '0.93.2'}.tgz`);
    });
  }

  // Registry.
  const images = a.images;
  if (images?.source === 'private' && !images.registry) add('images.registry', 'is required when source is private, e.g. registry.internal.example.com/zenml');
  if (images?.auth?.method === 'docker-credentials') {
    if (!images.auth.username) add('images.auth.username', 'is required for docker-credentials (ECR: AWS; GAR with a key file: _json_key_base64)');
    if (!images.auth.password) add('images.auth.password', 'is required for docker-credentials: { fromEnv: REGISTRY_PASSWORD } or { fromFile: path }');
  }

  // TLS.
  const tls = a.cluster?.tls;
  const hosts = [a.controlPlane?.hostname, ...workspaces.map((w) => w?.hostname)].filter((h): h is string => typeof h === 'string' && fqdnProblem(h) === undefined);
  if (tls && (tls.ca === 'private' || tls.ca === 'self-signed') && !tls.caFile) {
    add('cluster.tls.caFile', `is required when the CA is ${tls.ca}: the servers must trust it to call each other over https`);
  }
  const provisioning = tls?.provisioning ?? 'manual';
  if (provisioning === 'manual') {
    if (tls?.wildcard) {
      if (!tls.certFile) add('cluster.tls.certFile', 'is required for a manual wildcard certificate: the PEM file of the certificate (with its chain)');
      if (!tls.keyFile) add('cluster.tls.keyFile', 'is required for a manual wildcard certificate: the PEM file of its private key');
    } else {
      const given = tls?.hosts ?? {};
      for (const host of hosts) {
        if (!(host in given)) add(`cluster.tls.hosts.${host}`, `needs certFile and keyFile for ${host} (or set wildcard: true with one certificate, or provisioning: cert-manager)`);
      }
      for (const host of Object.keys(given)) {
        if (!hosts.includes(host)) add(`cluster.tls.hosts.${host}`, `is not the host of the control plane or of any workspace (${hosts.join(', ') || 'none'}); remove it or fix the spelling`);
      }
    }
  }
  if (provisioning === 'cert-manager' && !tls?.certManager?.issuer) add('cluster.tls.certManager.issuer', 'is required with cert-manager: the (Cluster)Issuer that signs the certificates');

  // Control plane.
  const cp = a.controlPlane;
  if (selfHosted && cp) {
    const sso = cp.sso;
    if (sso?.enabled) {
      if (!sso.discoveryUrl) add('controlPlane.sso.discoveryUrl', 'is required when SSO is enabled: https://<idp>/.well-known/openid-configuration');
      else if (!sso.discoveryUrl.endsWith('/.well-known/openid-configuration')) add('controlPlane.sso.discoveryUrl', 'must end in /.well-known/openid-configuration (the OIDC discovery document)');
      if (!sso.clientId) add('controlPlane.sso.clientId', 'is required when SSO is enabled: the client ID registered in your identity provider');
      if (!sso.clientSecret) add('controlPlane.sso.clientSecret', 'is required when SSO is enabled: { fromEnv: OIDC_CLIENT_SECRET } or { fromFile: path }');
    }
    if (cp.passwordAuth === false && !sso?.enabled) add('controlPlane.passwordAuth', 'turning off password login without SSO leaves nobody able to log in; enable controlPlane.sso or keep passwordAuth: true');
    if (cp.database?.tls !== undefined) {
      add('controlPlane.database.tls', "the zenml-pro chart's documentation names no database TLS setting, so the installer cannot render one; remove it, and if your chart version has such a key (helm show values <chart>), set it under controlPlane.extraValues");
    }
    disruptionBudget('controlPlane', cp);
  }

  // Users are local accounts of a self-hosted control plane with password logins.
  const users = Array.isArray(a.users) ? a.users : [];
  if (users.length > 0) {
    if (!selfHosted) add('users', `are created on a control plane this installer deploys; for ${a.scenario ?? 'this scenario'} create them in your control plane's UI`);
    else if (cp?.passwordAuth === false) add('users', 'local accounts need password logins: set controlPlane.passwordAuth: true, or remove users (with SSO, people log in through your identity provider)');
    const names = new Map<string, number>();
    users.forEach((u, i) => {
      const first = u?.username === undefined ? undefined : names.get(u.username);
      if (first !== undefined) add(`users[${i}].username`, `repeats users[${first}].username; each account needs its own name`);
      else if (u?.username !== undefined) names.set(u.username, i);
    });
  }

  // Workspaces: unique names, hosts, namespaces and databases.
  const seen = { name: new Map<string, number>(), host: new Map<string, number>(), ns: new Map<string, number>(), db: new Map<string, number>() };
  const cpDb = dbKey(cp?.database, cp?.database?.type === 'postgres' ? 5432 : 3306);
  const cpVersion = validVersion(selfHosted ? cp?.version : a.existingControlPlane?.version);
  workspaces.forEach((w, i) => {
    if (!w) return;
    const at = `workspaces[${i}]`;
    const unique = (kind: keyof typeof seen, value: string | undefined, path: string, what: string): void => {
      if (!value) return;
      const first = seen[kind].get(value);
      if (first === undefined) seen[kind].set(value, i);
      else add(`${at}.${path}`, `${what} "${value}" is already used by workspaces[${first}]; ${kind === 'db' ? 'every workspace needs its own database' : 'each workspace needs its own'}`);
    };
    unique('name', w.name, 'name', 'name');
    unique('host', w.hostname, 'hostname', 'hostname');
    if (w.name) unique('ns', workspaceNamespace({ name: w.name, namespace: w.namespace }), 'namespace', 'namespace');
    const wsDb = dbKey(w.database, 3306);
    unique('db', wsDb, 'database', 'database');
    if (w.hostname && cp?.hostname === w.hostname) add(`${at}.hostname`, 'is the control plane hostname; a workspace server needs a host of its own');
    if (wsDb && cpDb && wsDb === cpDb) add(`${at}.database`, `is the control plane database (${cpDb}); a workspace needs a database of its own`);
    if (w.name && cp?.namespace && workspaceNamespace({ name: w.name, namespace: w.namespace }) === cp.namespace) {
      add(`${at}.namespace`, 'is the control plane namespace; put each workspace server in a namespace of its own');
    }
    const encryptionKey = w.encryptionKey as SecretRef | undefined;
    if (encryptionKey && isLiteralSecret(encryptionKey) && !HEX64.test(encryptionKey)) {
      add(`${at}.encryptionKey`, 'must be 64 hexadecimal characters (32 bytes): generate one with `openssl rand -hex 32`, or use { generate: true }');
    }
    const wsVersion = validVersion(w.version);
    if (cpVersion && wsVersion) {
      const compat = checkCompatibility(cpVersion, wsVersion);
      if (compat.verdict === 'incompatible') add(`${at}.version`, compat.message);
    }
    const db = w.database;
    if (db && typeof db.poolSize === 'number' && typeof db.maxOverflow === 'number' && db.maxOverflow !== -1) {
      const threads = (w.threadPoolSize ?? 10) + AUTH_THREAD_POOL_SIZE;
      if (db.poolSize + db.maxOverflow < threads) {
        add(`${at}.database.poolSize`, `poolSize + maxOverflow (${db.poolSize} + ${db.maxOverflow}) must be at least threadPoolSize + ${AUTH_THREAD_POOL_SIZE} auth threads (${threads}), or requests wait for a connection; raise them, or set maxOverflow: -1 (no limit)`);
      }
    }
    disruptionBudget(at, w);
    const wm = w.workloadManager;
    if (wm?.enabled) {
      if (wsVersion && semver.lt(wsVersion, SNAPSHOTS_MIN_WORKSPACE_VERSION)) add(`${at}.workloadManager.enabled`, `needs a workspace server ${SNAPSHOTS_MIN_WORKSPACE_VERSION} or newer (this one is ${wsVersion})`);
      if (wm.buildRunnerImage && !wm.registry) add(`${at}.workloadManager.registry`, 'is required when buildRunnerImage is true: the registry runner images are pushed to');
      if (wm.implementation === 'aws' && wm.buildRunnerImage && !wm.awsRegion) add(`${at}.workloadManager.awsRegion`, 'is required for the AWS workload manager when it builds runner images');
      if (wm.awsBucket && wm.implementation !== 'aws') add(`${at}.workloadManager.awsBucket`, `external runner logs are an AWS workload manager feature; set implementation: aws, or remove awsBucket (implementation is ${wm.implementation ?? 'kubernetes'})`);
    }
    const e = w.enrollment;
    const credential = selfHosted ? Boolean(cp && (cp.passwordAuth !== false || cp.apiToken)) : a.existingControlPlane?.apiToken !== undefined;
    const manualGiven = e?.enrollmentKey !== undefined || e?.workspaceId !== undefined || e?.organizationId !== undefined;
    if (e?.mode === 'automatic') {
      if (!credential) {
        add(`${at}.enrollment.mode`, selfHosted
          ? 'automatic enrollment logs in to the control plane: keep controlPlane.passwordAuth on (the admin account) or give controlPlane.apiToken (a superuser\'s access token)'
          : 'automatic enrollment needs existingControlPlane.apiToken (a personal access token or service-account API key); without one, use mode: manual with the values from the control-plane UI');
      }
      if (manualGiven) add(`${at}.enrollment.mode`, 'automatic enrollment gets the workspace ID and key from the control plane: remove organizationId, workspaceId and enrollmentKey, or set mode: manual');
    } else if (!selfHosted && (e?.mode === 'manual' || manualGiven || !credential)) {
      // A control plane elsewhere already runs: its enrollment values can be had before anything is installed.
      const fix = 'copy it from the control plane UI: Organization → New Workspace → Enroll Workspace';
      if (!e?.organizationId) add(`${at}.enrollment.organizationId`, `is required for manual enrollment: ${fix}`);
      if (!e?.workspaceId) add(`${at}.enrollment.workspaceId`, `is required for manual enrollment: ${fix}`);
      if (!e?.enrollmentKey) add(`${at}.enrollment.enrollmentKey`, `is required for manual enrollment (a secret; use { fromEnv: NAME }): ${fix}`);
    }
  });
  return out;

  function disruptionBudget(at: string, owner: { replicas?: number; podDisruptionBudget?: { enabled?: boolean; minAvailable?: number } | undefined }): void {
    const pdb = owner.podDisruptionBudget;
    if (!pdb || pdb.enabled === false || typeof pdb.minAvailable !== 'number') return;
    const replicas = typeof owner.replicas === 'number' ? owner.replicas : 1;
    if (pdb.minAvailable >= replicas) {
      add(`${at}.podDisruptionBudget.minAvailable`, `${pdb.minAvailable} of ${replicas} replica(s) must stay up, so no node could ever be drained; raise ${at}.replicas (2 or more for high availability) or lower minAvailable`);
    }
  }
}

/** Advice that does not block: the answers work, but an operator should know. */
export function warnings(a: Answers): Problem[] {
  const out: Problem[] = [];
  const cpVersion = a.controlPlane?.version ?? a.existingControlPlane?.version;
  a.workspaces.forEach((w, i) => {
    const compat = cpVersion ? checkCompatibility(cpVersion, w.version) : undefined;
    if (compat?.verdict === 'unknown') out.push({ path: `workspaces[${i}].version`, message: compat.message });
  });
  const literal = (path: string, ref: SecretRef | undefined): void => {
    if (ref !== undefined && isLiteralSecret(ref)) {
      out.push({ path, message: 'is a literal secret in the answers file; prefer { fromEnv: NAME } or { fromFile: PATH } so the file can be shared safely' });
    }
  };
  literal('images.auth.password', a.images.auth.password);
  if (a.controlPlane) {
    literal('controlPlane.database.password', a.controlPlane.database.password);
    literal('controlPlane.adminPassword', a.controlPlane.adminPassword);
    literal('controlPlane.sso.clientSecret', a.controlPlane.sso.clientSecret);
  }
  literal('existingControlPlane.apiToken', a.existingControlPlane?.apiToken);
  a.workspaces.forEach((w, i) => {
    literal(`workspaces[${i}].database.password`, w.database.password);
    literal(`workspaces[${i}].encryptionKey`, w.encryptionKey);
    literal(`workspaces[${i}].jwtSecretKey`, w.jwtSecretKey);
    literal(`workspaces[${i}].enrollment.enrollmentKey`, w.enrollment.enrollmentKey);
  });
  return out;
}

// The answers of one release: the control plane (zenml-pro chart, root
// `zenml:`) or a workspace server (zenml chart, root `server:` or `zenml:`),
// read back from its values as src/render/values.ts writes them.
import { workspaceFullname } from '../answers/derived.js';
import { resources } from '../answers/fields.js';
import type { ChartRoot } from '../render/values.js';
import { label, type Adoption, type AdoptRelease } from './adopt-state.js';
import { at, boolAt, intAt, intOf, objectAt, overlay, parseDatabaseUrl, setIn, stringAt, workloadManagerOf, type Values } from './adopt-values.js';

const WORKSPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The workspace values root as the chart reads it: `zenml:` over `server:` when both are set. */
export function workspaceRoot(values: Readonly<Values>): { root: ChartRoot; view: Values } {
  const server = objectAt(values, 'server');
  const zenml = objectAt(values, 'zenml');
  if (server) return { root: 'server', view: zenml ? overlay(server, zenml) : server };
  return { root: 'zenml', view: zenml ?? {} };
}

/** The host users reach a release at: its serverURL's, else its ingress host. */
export function hostOf(view: Values): string | undefined {
  const url = stringAt(view, 'serverURL');
  if (url) {
    try {
      return new URL(url).hostname;
    } catch {
      // Not a URL: the ingress host may still tell.
    }
  }
  return stringAt(view, 'ingress', 'host');
}

/** A disruption budget the chart renders (top level, or under the root) and the answers can say. */
function budgetOf(values: Readonly<Values>, view: Values): Values | undefined {
  const pdb = objectAt(values, 'podDisruptionBudget') ?? objectAt(view, 'podDisruptionBudget');
  const minAvailable = intOf(pdb?.minAvailable);
  return pdb?.enabled === true && minAvailable !== undefined && minAvailable >= 0 ? { minAvailable } : undefined;
}

function resourcesOf(values: Readonly<Values>): Values | undefined {
  const parsed = resources.safeParse(values.resources);
  return parsed.success && parsed.data ? parsed.data : undefined;
}

export function controlPlaneAnswers(r: AdoptRelease, ad: Adoption): Values {
  const z = objectAt(r.values, 'zenml') ?? {};
  const cp: Values = { namespace: r.namespace, releaseName: r.release, version: r.chartVersion };
  const host = hostOf(z);
  if (host) cp.hostname = host;
  else ad.problem('controlPlane.hostname', 'the release sets neither zenml.serverURL nor zenml.ingress.host: give the host of the control plane UI and API', (d) => setIn(d, ['controlPlane', 'hostname'], 'control-plane.fill-in.invalid'));

  const external = objectAt(z, 'database', 'external') ?? {};
  const type = stringAt(external, 'type');
  const db: Values = {};
  if (type === 'mysql' || type === 'postgres') db.type = type;
  else if (type !== undefined) ad.problem('controlPlane.database.type', `the release runs type "${type}"; the answers write mysql or postgres: set the one your database is`);
  const port = intAt(external, 'port');
  if (port !== undefined && port !== (type === 'postgres' ? 5432 : 3306)) db.port = port;
  for (const [field, key] of [['host', 'host'], ['name', 'database'], ['username', 'username']] as const) {
    const value = stringAt(external, key);
    if (value !== undefined) db[field] = value;
    else if (field !== 'name') ad.problem(`controlPlane.database.${field}`, `the release sets no zenml.database.external.${key}: give the control-plane database ${field}`, (d) => setIn(d, ['controlPlane', 'database', field], 'fill-in'));
  }
  db.password = ad.secret('controlPlane.database.password', stringAt(external, 'password'), 'controlPlane.database.password', 'the release sets no zenml.database.external.password: give the control-plane database password');
  cp.database = db;

  if (boolAt(z, 'auth', 'password', 'enabled') === false) cp.passwordAuth = false;
  cp.adminPassword = ad.secret('controlPlane.adminPassword', stringAt(z, 'auth', 'password', 'adminPassword'), 'controlPlane.adminPassword',
    `the release's values hold no admin password, so the chart generated one, and an upgrade would set a new one: read it with \`kubectl -n ${r.namespace} get secret ${r.release} -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}' | base64 -d\``);
  const sso = objectAt(z, 'auth', 'sso');
  if (sso?.enabled === true) {
    cp.sso = {
      enabled: true,
      ...(stringAt(sso, 'oidcConfigurationEndpoint') ? { discoveryUrl: stringAt(sso, 'oidcConfigurationEndpoint') } : {}),
      ...(stringAt(sso, 'clientID') ? { clientId: stringAt(sso, 'clientID') } : {}),
      clientSecret: ad.secret('controlPlane.sso.clientSecret', stringAt(sso, 'clientSecret'), 'controlPlane.sso.clientSecret', 'the release sets no zenml.auth.sso.clientSecret: give the OIDC client secret'),
    };
  }
  const cookieDomain = at(z, ['auth', 'authCookieDomain']);
  if (typeof cookieDomain === 'string') cp.authCookieDomain = cookieDomain;
  const replicas = intAt(z, 'replicaCount');
  if (replicas !== undefined && replicas >= 1) cp.replicas = replicas;
  const budget = budgetOf(r.values, z);
  if (budget) cp.podDisruptionBudget = budget;
  const res = resourcesOf(r.values);
  if (res && Object.keys(res).length > 0) cp.resources = res;
  return cp;
}

/** The draft's workspace at `index`, for a stand-in. */
function workspaceIn(draft: Values, index: number): Values {
  const w = (draft.workspaces as Values[] | undefined)?.[index];
  if (!w) throw new Error(`internal: no workspace ${index} in the adopted answers`);
  return w;
}

/** A workspace name: the enrolled name when the answers can hold it, else one from the namespace or release. */
export function nameFor(r: AdoptRelease, view: Values, used: ReadonlySet<string>): string {
  const fits = (n: string | undefined): n is string => n !== undefined && n.length <= 50 && WORKSPACE_NAME.test(n) && !used.has(n);
  const candidates = [stringAt(view, 'pro', 'workspaceName'), r.namespace.replace(/^zenml-(pro-)?workspace-/, ''), r.namespace, r.release];
  const found = candidates.find(fits);
  if (found) return found;
  const base = `${r.namespace}-${r.release}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 45).replace(/^-+|-+$/g, '') || 'workspace';
  for (let i = 2; ; i++) if (fits(`${base}-${i}`)) return `${base}-${i}`;
}

function databaseOf(view: Values, index: number, ad: Adoption, slot: string): Values {
  const at = `workspaces[${index}]`;
  const fill = (d: Values): void => {
    const database = objectAt(workspaceIn(d, index), 'database') ?? {};
    Object.assign(database, { host: 'db.fill-in.invalid', name: `fill_in_${index}`, username: 'fill-in', ...database });
  };
  const db: Values = {};
  const url = stringAt(view, 'database', 'url');
  const parsed = url === undefined ? undefined : parseDatabaseUrl(url);
  const secretRef = stringAt(view, 'database', 'passwordSecretRef', 'name');
  if (!parsed) {
    // The URL holds the password: it is never quoted.
    ad.problem(`${at}.database`, url === undefined
      ? 'the release sets no database.url (SQLite inside the pod, not for ZenML Pro): give host, name and username of its MySQL database'
      : 'its database.url is not of the form mysql://user:password@host:port/name, the only one the answers write: give host, port, name and username', fill);
  } else {
    Object.assign(db, { host: parsed.host, name: parsed.name, username: parsed.username, ...(parsed.port !== undefined && parsed.port !== 3306 ? { port: parsed.port } : {}) });
  }
  db.password = ad.secret(slot, parsed?.password, `${at}.database.password`, secretRef
    ? `the release reads the database password from Secret ${secretRef} (database.passwordSecretRef), not from its values: give the same password`
    : 'the database URL holds no password: give the database password');
  const poolSize = intAt(view, 'database', 'poolSize');
  if (poolSize !== undefined && poolSize >= 1) db.poolSize = poolSize;
  const maxOverflow = intAt(view, 'database', 'maxOverflow');
  if (maxOverflow !== undefined && maxOverflow >= -1) db.maxOverflow = maxOverflow;
  // The chart does not verify the server certificate unless told to; the answers' default would.
  if (boolAt(view, 'database', 'ssl') === true) db.tls = { enabled: true, verifyServerCert: boolAt(view, 'database', 'sslVerifyServerCert') ?? false };
  return db;
}

function enrollmentOf(r: AdoptRelease, view: Values, index: number, selfHosted: boolean, ad: Adoption, key: string): Values | undefined {
  const at = `workspaces[${index}]`;
  const pro = objectAt(view, 'pro') ?? {};
  if (pro.enabled === false) ad.notes.push(`${label(r)}: runs as an open-source server (pro.enabled: false), which ${at}.extraValues keep; remove that to make it a Pro workspace`);
  else if (pro.enabled !== true) ad.notes.push(`${label(r)}: runs as an open-source server (no pro.enabled); the answers make it a Pro workspace, enrolled, on upgrade`);
  const [organizationId, workspaceId, organizationName, enrollmentKey] = ['organizationID', 'workspaceID', 'organizationName', 'enrollmentKey'].map((k) => stringAt(pro, k));
  if (!organizationId && !workspaceId && !enrollmentKey) {
    const none = `its values carry no enrollment (pro.organizationID, pro.workspaceID, pro.enrollmentKey)`;
    if (selfHosted) ad.notes.push(`${label(r)}: ${none}: an upgrade enrolls it in the control plane`);
    else {
      // A control plane elsewhere gives them only through its UI, or to a credential the values cannot hold.
      ad.problem(`${at}.enrollment`, `${none}: copy them from the control plane UI (Organization → New Workspace → Enroll Workspace) as organizationId, workspaceId and enrollmentKey, or give existingControlPlane.apiToken to enroll it automatically`,
        (d) => (workspaceIn(d, index).enrollment = { mode: 'manual', organizationId: 'fill-in', workspaceId: 'fill-in', enrollmentKey: 'fill-in' }));
    }
    return undefined;
  }
  const fromUi = 'copy it from the control plane UI (the workspace\'s enrollment)';
  const e: Values = { mode: 'manual' };
  if (organizationId) e.organizationId = organizationId;
  else ad.problem(`${at}.enrollment.organizationId`, `the release sets no pro.organizationID: ${fromUi}`, (d) => setIn(workspaceIn(d, index), ['enrollment', 'organizationId'], 'fill-in'));
  if (organizationName) e.organizationName = organizationName;
  if (workspaceId) e.workspaceId = workspaceId;
  else ad.problem(`${at}.enrollment.workspaceId`, `the release sets no pro.workspaceID: ${fromUi}`, (d) => setIn(workspaceIn(d, index), ['enrollment', 'workspaceId'], 'fill-in'));
  e.enrollmentKey = ad.secret(`${key}.enrollment.enrollmentKey`, enrollmentKey, `${at}.enrollment.enrollmentKey`, 'the release sets no pro.enrollmentKey: give the key the control plane issued when the workspace was enrolled');
  return e;
}

export function workspaceAnswers(r: AdoptRelease, view: Values, index: number, name: string, selfHosted: boolean, ad: Adoption): Values {
  const at = `workspaces[${index}]`;
  const key = `workspaces.${name}`;
  const fullname = workspaceFullname({ releaseName: r.release });
  const w: Values = { name, namespace: r.namespace, releaseName: r.release, version: r.chartVersion };
  const host = hostOf(view);
  if (host) w.hostname = host;
  else ad.problem(`${at}.hostname`, 'the release sets neither serverURL nor ingress.host: give the host users reach this workspace at', (d) => (workspaceIn(d, index).hostname = `${name}.fill-in.invalid`));
  w.database = databaseOf(view, index, ad, `${key}.database.password`);
  const storeType = stringAt(view, 'secretsStore', 'type') ?? 'sql';
  w.encryptionKey = ad.secret(`${key}.encryptionKey`, storeType === 'sql' ? stringAt(view, 'secretsStore', 'sql', 'encryptionKey') : undefined, `${at}.encryptionKey`,
    storeType === 'sql'
      ? `the release sets no secretsStore.sql.encryptionKey, and the installer will not invent one (stored secrets would become unreadable): find the key the server uses (\`kubectl -n ${r.namespace} get secret ${fullname} -o jsonpath='{.data.ZENML_SECRETS_STORE_ENCRYPTION_KEY}' | base64 -d\`); if it has none, ask ZenML support before setting one`
      : `the release uses the ${storeType} secrets store (kept in extraValues), and the answers always write the sql one's key: generate one with \`openssl rand -hex 32\``);
  w.jwtSecretKey = ad.secret(`${key}.jwtSecretKey`, stringAt(view, 'auth', 'jwtSecretKey'), `${at}.jwtSecretKey`,
    `the release's values hold no JWT secret, so the chart generated one, and an upgrade would set a new one (logging everyone out): read it with \`kubectl -n ${r.namespace} get secret ${fullname} -o jsonpath='{.data.ZENML_SERVER_JWT_SECRET_KEY}' | base64 -d\``);
  const enrollment = enrollmentOf(r, view, index, selfHosted, ad, key);
  if (enrollment) w.enrollment = enrollment;
  const workloadManager = workloadManagerOf(objectAt(view, 'environment'));
  if (workloadManager) w.workloadManager = workloadManager;
  const replicas = intAt(view, 'replicaCount');
  if (replicas !== undefined && replicas >= 1) w.replicas = replicas;
  const budget = budgetOf(r.values, view);
  if (budget) w.podDisruptionBudget = budget;
  const threads = intAt(view, 'threadPoolSize');
  if (threads !== undefined && threads >= 1) w.threadPoolSize = threads;
  // Without resources the chart sets none; the answers' default (the guide's minimum, with a memory limit) would change what runs.
  w.resources = resourcesOf(r.values) ?? {};
  return w;
}

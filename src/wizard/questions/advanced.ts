// What operators most often change beyond the basics, behind one choice that
// keeps the defaults: replicas and disruption budgets, resources, an outbound
// proxy, the workspace database connections and their TLS.
import { getAt, type Path } from '../path.js';
import { fileCheck, flagBinding, select, text, yesNo, type Question, type WizardData } from '../question.js';
import { isSelfHosted } from './control-plane.js';
import { workspaceCount, workspaceGroup } from './workspaces.js';

const ADVANCED_FLAG = 'advanced';

/** The guide's minimum for a workspace server. */
const WORKSPACE_RESOURCES = { cpuRequest: '100m', memoryRequest: '450Mi', memoryLimit: '800Mi' } as const;

/** Every answer this section sets, per owner: one set makes "change them" the starting choice. */
function advancedPaths(d: WizardData): Path[] {
  const perOwner = (base: Path): Path[] => [[...base, 'replicas'], [...base, 'podDisruptionBudget'], [...base, 'resources']];
  const paths: Path[] = [['cluster', 'proxy'], ['controlPlane', 'apiUrl'], ...perOwner(['controlPlane'])];
  for (let i = 0; i < workspaceCount(d); i++) {
    const ws: Path = ['workspaces', i];
    paths.push(...perOwner(ws), [...ws, 'threadPoolSize'], [...ws, 'database', 'poolSize'], [...ws, 'database', 'maxOverflow'], [...ws, 'database', 'tls']);
  }
  return paths;
}

/** Replicas, a disruption budget when there is more than one, and resources, for one server. */
function scaling(d: WizardData, idPrefix: string, base: Path, group: string, resourceDefaults?: typeof WORKSPACE_RESOURCES): Question[] {
  const replicas = getAt(d.raw, [...base, 'replicas']);
  const pdb = [...base, 'podDisruptionBudget'];
  const qs: Question[] = [text('advanced', `${idPrefix}.replicas`, [...base, 'replicas'], 'Replicas', { group, numeric: true, defaultValue: '1' })];
  if (typeof replicas === 'number' && replicas > 1) {
    qs.push(select('advanced', `${idPrefix}.pdb.enabled`, [...pdb, 'enabled'], 'Pod disruption budget', yesNo('node drains may take every pod down at once', 'keep some pods up while nodes are drained'), { group, defaultValue: true }));
    if (getAt(d.raw, [...pdb, 'enabled']) === true) {
      qs.push(text('advanced', `${idPrefix}.pdb.minAvailable`, [...pdb, 'minAvailable'], 'Pods that must stay up', { group, numeric: true, defaultValue: String(replicas - 1) }));
    }
  }
  const resource = (key: 'cpuRequest' | 'memoryRequest' | 'memoryLimit', label: string, path: Path): Question =>
    text('advanced', `${idPrefix}.resources.${key}`, [...base, 'resources', ...path], label, { group, optional: true, placeholder: resourceDefaults?.[key] ?? "the chart's default" });
  qs.push(
    resource('cpuRequest', 'CPU request', ['requests', 'cpu']),
    resource('memoryRequest', 'Memory request', ['requests', 'memory']),
    resource('memoryLimit', 'Memory limit', ['limits', 'memory']),
  );
  return qs;
}

function workspaceAdvanced(d: WizardData, i: number): Question[] {
  const ws: Path = ['workspaces', i];
  const db: Path = [...ws, 'database'];
  const id = (rest: string): string => `ws${i}.adv.${rest}`;
  const group = workspaceGroup(d, i);
  const qs: Question[] = [
    ...scaling(d, `ws${i}.adv`, ws, group, WORKSPACE_RESOURCES),
    text('advanced', id('threadPoolSize'), [...ws, 'threadPoolSize'], 'Server threads', { group }),
    text('advanced', id('poolSize'), [...db, 'poolSize'], 'Database connection pool', { group }),
    text('advanced', id('maxOverflow'), [...db, 'maxOverflow'], 'Connections beyond the pool', { group, help: '-1: no limit (the guide).' }),
    select('advanced', id('dbTls'), [...db, 'tls', 'enabled'], 'Database TLS', yesNo('a plain connection', 'encrypt the connection to MySQL'), { group, defaultValue: false }),
  ];
  if (getAt(d.raw, [...db, 'tls', 'enabled']) === true) {
    qs.push(
      text('advanced', id('dbTls.caFile'), [...db, 'tls', 'caFile'], 'Database CA file', { group, optional: true, placeholder: 'the system trust store', check: fileCheck('Database CA file') }),
      select('advanced', id('dbTls.verify'), [...db, 'tls', 'verifyServerCert'], 'Verify the database certificate', yesNo('encrypt only', 'check it against the CA'), { group, defaultValue: true }),
    );
  }
  return qs;
}

export function advancedQuestions(d: WizardData): Question[] {
  const advanced = flagBinding(ADVANCED_FLAG, (x) => advancedPaths(x).some((p) => getAt(x.raw, p) !== undefined));
  const qs: Question[] = [
    select('advanced', ADVANCED_FLAG, [ADVANCED_FLAG], 'Advanced settings', [
      { value: false, label: 'keep the defaults', hint: 'one replica each, the guide\'s resources, no proxy, plain database connections' },
      { value: true, label: 'change them', hint: 'replicas and disruption budgets, resources, an HTTP proxy, database pools and TLS' },
    ], { flag: advanced, exact: true, inSummary: false }),
  ];
  if (advanced.read(d) !== true) return qs;
  const proxy: Path = ['cluster', 'proxy'];
  qs.push(
    text('advanced', 'proxy.http', [...proxy, 'httpProxy'], 'HTTP proxy', { group: 'Outbound proxy', optional: true, placeholder: 'none, e.g. http://proxy.example.com:3128' }),
    text('advanced', 'proxy.https', [...proxy, 'httpsProxy'], 'HTTPS proxy', { group: 'Outbound proxy', optional: true, placeholder: 'none' }),
    text('advanced', 'proxy.no', [...proxy, 'noProxy'], 'No proxy for', { group: 'Outbound proxy', optional: true, list: true, placeholder: 'none; comma-separated, e.g. .svc,.cluster.local,10.0.0.0/8' }),
  );
  if (isSelfHosted(d)) {
    qs.push(
      ...scaling(d, 'cp.adv', ['controlPlane'], 'Control plane'),
      text('advanced', 'cp.adv.apiUrl', ['controlPlane', 'apiUrl'], 'API URL', { group: 'Control plane', optional: true, placeholder: 'https://<hostname>/api/v1', help: 'Only when the API has a hostname of its own.' }),
    );
  }
  for (let i = 0; i < workspaceCount(d); i++) qs.push(...workspaceAdvanced(d, i));
  return qs;
}

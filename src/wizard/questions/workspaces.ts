// Questions per workspace server, repeated for as many as the user adds.
import { getAt } from '../path.js';
import { secret, select, text, type FlagBinding, type Question, type WizardData } from '../question.js';
import { isSelfHosted } from './control-plane.js';
import { enrollmentQuestions } from './enrollment.js';
import { hostCertificateQuestions } from './host-certificates.js';

export function workspaceCount(d: WizardData): number {
  const fromFlag = d.flags.workspaceCount;
  if (typeof fromFlag === 'number') return fromFlag;
  return Math.max(1, Array.isArray(d.raw.workspaces) ? d.raw.workspaces.length : 0);
}

export function workspaceGroup(d: WizardData, i: number): string {
  const name = getAt(d.raw, ['workspaces', i, 'name']);
  return `Workspace ${i + 1}${typeof name === 'string' && name !== '' ? ` · ${name}` : ''}`;
}

function stringAt(d: WizardData, ...path: (string | number)[]): string | undefined {
  const v = getAt(d.raw, path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function moreBinding(i: number): FlagBinding {
  return {
    read: (d) => workspaceCount(d) > i + 1,
    write: (d, value) => ({ ...d, flags: { ...d.flags, workspaceCount: value === true ? Math.max(workspaceCount(d), i + 2) : i + 1 } }),
  };
}

function oneWorkspace(d: WizardData, i: number): Question[] {
  const ws = (...rest: string[]): (string | number)[] => ['workspaces', i, ...rest];
  const id = (rest: string): string => `ws${i}.${rest}`;
  const group = workspaceGroup(d, i);
  const name = stringAt(d, ...ws('name'));
  const selfHosted = isSelfHosted(d);
  // Workspace servers have their own version line (0.9x), unrelated to the control plane's (0.13.x): only an earlier workspace is a hint.
  const version = i > 0 ? stringAt(d, 'workspaces', i - 1, 'version') : undefined;
  const dbHost = (i > 0 ? stringAt(d, 'workspaces', i - 1, 'database', 'host') : undefined) ?? (selfHosted ? stringAt(d, 'controlPlane', 'database', 'host') : undefined);
  return [
    text('workspaces', id('name'), ws('name'), 'Name', { group, placeholder: 'ml-prod', help: 'Lowercase letters, digits and hyphens; used in `zenml login <name>`.' }),
    text('workspaces', id('hostname'), ws('hostname'), 'Hostname', { group, placeholder: 'ml.zenml.example.com' }),
    ...hostCertificateQuestions(d, 'workspaces', `ws${i}`, getAt(d.raw, ws('hostname')), group),
    text('workspaces', id('namespace'), ws('namespace'), 'Namespace', { group, optional: true, placeholder: `zenml-workspace-${name ?? '<name>'}` }),
    text('workspaces', id('version'), ws('version'), 'Version', { group, defaultValue: version, placeholder: '0.93.2', help: 'zenml chart version of this workspace server; its own line (0.9x), not the control plane\'s.' }),
    text('workspaces', id('database.host'), ws('database', 'host'), 'MySQL host', { group, defaultValue: dbHost }),
    text('workspaces', id('database.port'), ws('database', 'port'), 'MySQL port', { group }),
    text('workspaces', id('database.name'), ws('database', 'name'), 'MySQL database', { group, defaultValue: name ? `zenml_${name.replace(/-/g, '_')}` : undefined, owns: [`workspaces[${i}].database`] }),
    text('workspaces', id('database.username'), ws('database', 'username'), 'MySQL user', { group }),
    secret('workspaces', id('database.password'), ws('database', 'password'), 'MySQL password', { group }),
    secret('workspaces', id('encryptionKey'), ws('encryptionKey'), 'Secrets-store encryption key', { group }),
    secret('workspaces', id('jwtSecretKey'), ws('jwtSecretKey'), 'Session signing key', { group }),
    ...enrollmentQuestions(d, i, workspaceCount(d), group),
    select('workspaces', id('more'), ['workspaces'], 'Add another workspace', [{ value: false, label: 'no' }, { value: true, label: 'yes' }], { group, flag: moreBinding(i), exact: true, defaultValue: false, inSummary: false }),
  ];
}

export function workspaceQuestions(d: WizardData): Question[] {
  return Array.from({ length: workspaceCount(d) }, (_, i) => oneWorkspace(d, i)).flat();
}

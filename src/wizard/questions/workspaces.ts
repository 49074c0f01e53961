// Questions per workspace server, repeated for as many as the user adds.
import { getAt } from '../path.js';
import { enumChoices, secret, select, text, type FlagBinding, type Question, type WizardData } from '../question.js';
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

const isSelfHosted = (d: WizardData): boolean => d.raw.scenario !== 'hybrid' && d.raw.scenario !== 'workspace-only';

export function enrollmentModeOf(d: WizardData, i: number): unknown {
  return getAt(d.raw, ['workspaces', i, 'enrollment', 'mode']) ?? (isSelfHosted(d) ? 'automatic' : 'manual');
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
  const previousVersion = i > 0 ? stringAt(d, 'workspaces', i - 1, 'version') : undefined;
  const version = previousVersion ?? (selfHosted ? stringAt(d, 'controlPlane', 'version') : stringAt(d, 'existingControlPlane', 'version'));
  const dbHost = (i > 0 ? stringAt(d, 'workspaces', i - 1, 'database', 'host') : undefined) ?? (selfHosted ? stringAt(d, 'controlPlane', 'database', 'host') : undefined);
  const mode = enrollmentModeOf(d, i);
  const qs: Question[] = [
    text('workspaces', id('name'), ws('name'), 'Name', { group, placeholder: 'ml-prod', help: 'Lowercase letters, digits and hyphens; used in `zenml login <name>`.' }),
    text('workspaces', id('hostname'), ws('hostname'), 'Hostname', { group, placeholder: 'ml.zenml.example.com' }),
    ...hostCertificateQuestions(d, 'workspaces', `ws${i}`, getAt(d.raw, ws('hostname')), group),
    text('workspaces', id('namespace'), ws('namespace'), 'Namespace', { group, optional: true, placeholder: `zenml-workspace-${name ?? '<name>'}` }),
    text('workspaces', id('version'), ws('version'), 'Version', { group, defaultValue: version, placeholder: '0.93.2' }),
    text('workspaces', id('database.host'), ws('database', 'host'), 'MySQL host', { group, defaultValue: dbHost }),
    text('workspaces', id('database.port'), ws('database', 'port'), 'MySQL port', { group }),
    text('workspaces', id('database.name'), ws('database', 'name'), 'MySQL database', { group, defaultValue: name ? `zenml_${name.replace(/-/g, '_')}` : undefined, owns: [`workspaces[${i}].database`] }),
    text('workspaces', id('database.username'), ws('database', 'username'), 'MySQL user', { group }),
    secret('workspaces', id('database.password'), ws('database', 'password'), 'MySQL password', { group }),
    secret('workspaces', id('encryptionKey'), ws('encryptionKey'), 'Secrets-store encryption key', { group }),
    secret('workspaces', id('jwtSecretKey'), ws('jwtSecretKey'), 'Session signing key', { group }),
    select(
      'workspaces',
      id('enrollment.mode'),
      ws('enrollment', 'mode'),
      'Enrollment',
      enumChoices(ws('enrollment', 'mode'), {
        automatic: 'the installer enrolls it through the control-plane API (not in this version yet)',
        manual: 'paste the values the control-plane UI shows',
      }),
      // Manual until automatic enrollment ships: accepting the default must lead to a plan that runs.
      { group, defaultValue: 'manual' },
    ),
  ];
  if (mode === 'automatic') {
    const firstAutomatic = Array.from({ length: i }, (_, j) => enrollmentModeOf(d, j)).every((m) => m !== 'automatic');
    if (!selfHosted && firstAutomatic) {
      qs.push(secret('workspaces', id('apiToken'), ['existingControlPlane', 'apiToken'], 'Control-plane API token', { group, help: 'A personal access token or service-account API key, used to enroll workspaces.' }));
    }
    qs.push(text('workspaces', id('enrollment.organization'), ws('enrollment', 'organization'), 'Organization', { group, optional: true, placeholder: 'the only organization' }));
  } else {
    const fromUi = 'From the control-plane UI: Organization → New Workspace → Enroll Workspace.';
    qs.push(
      text('workspaces', id('enrollment.organizationId'), ws('enrollment', 'organizationId'), 'Organization ID', { group, help: fromUi }),
      text('workspaces', id('enrollment.organizationName'), ws('enrollment', 'organizationName'), 'Organization name', { group, optional: true }),
      text('workspaces', id('enrollment.workspaceId'), ws('enrollment', 'workspaceId'), 'Workspace ID', { group, help: fromUi }),
      secret('workspaces', id('enrollment.enrollmentKey'), ws('enrollment', 'enrollmentKey'), 'Enrollment key', { group, help: fromUi }),
    );
  }
  qs.push(
    select('workspaces', id('more'), ['workspaces'], 'Add another workspace', [{ value: false, label: 'no' }, { value: true, label: 'yes' }], { group, flag: moreBinding(i), exact: true, defaultValue: false, inSummary: false }),
  );
  return qs;
}

export function workspaceQuestions(d: WizardData): Question[] {
  return Array.from({ length: workspaceCount(d) }, (_, i) => oneWorkspace(d, i)).flat();
}

// Questions about the control plane: the one this installer deploys
// (self-hosted) or the one workspaces enroll into (hybrid, workspace-only).
import { SAAS_API_URL } from '../../answers/schema.js';
import { getAt } from '../path.js';
import { enumChoices, secret, select, text, yesNo, type Question, type WizardData } from '../question.js';
import { hostCertificateQuestions } from './host-certificates.js';

export const isSelfHosted = (d: WizardData): boolean => d.raw.scenario !== 'hybrid' && d.raw.scenario !== 'workspace-only';

/** Whether the control plane keeps local accounts (and the admin account): the schema's default, unless SSO is on and they are turned off. */
export function passwordLogins(d: WizardData): boolean {
  return getAt(d.raw, ['controlPlane', 'sso', 'enabled']) !== true || getAt(d.raw, ['controlPlane', 'passwordAuth']) !== false;
}

export function controlPlaneQuestions(d: WizardData): Question[] {
  const cp = (...rest: string[]): string[] => ['controlPlane', ...rest];
  const dbType = getAt(d.raw, cp('database', 'type'));
  const ssoEnabled = getAt(d.raw, cp('sso', 'enabled')) === true;
  const qs: Question[] = [
    text('controlPlane', 'cp.hostname', cp('hostname'), 'Hostname', { placeholder: 'zenml-pro.example.com' }),
    ...hostCertificateQuestions(d, 'controlPlane', 'cp', getAt(d.raw, cp('hostname'))),
    text('controlPlane', 'cp.namespace', cp('namespace'), 'Namespace'),
    select('controlPlane', 'cp.database.type', cp('database', 'type'), 'Database engine', enumChoices(cp('database', 'type'), { mysql: 'MySQL 8.0+', postgres: 'PostgreSQL 12+' })),
    text('controlPlane', 'cp.database.host', cp('database', 'host'), 'Database host', { placeholder: 'mysql.db.example.com' }),
    text('controlPlane', 'cp.database.port', cp('database', 'port'), 'Database port', { optional: true, numeric: true, placeholder: dbType === 'postgres' ? '5432' : '3306' }),
    text('controlPlane', 'cp.database.name', cp('database', 'name'), 'Database name'),
    text('controlPlane', 'cp.database.username', cp('database', 'username'), 'Database user'),
    secret('controlPlane', 'cp.database.password', cp('database', 'password'), 'Database password'),
    select('controlPlane', 'cp.sso.enabled', cp('sso', 'enabled'), 'Single sign-on (OIDC)', yesNo('local accounts only', 'log in through your identity provider')),
  ];
  if (ssoEnabled) {
    qs.push(
      text('controlPlane', 'cp.sso.discoveryUrl', cp('sso', 'discoveryUrl'), 'OIDC discovery URL', { placeholder: 'https://idp.example.com/.well-known/openid-configuration' }),
      text('controlPlane', 'cp.sso.clientId', cp('sso', 'clientId'), 'OIDC client ID'),
      secret('controlPlane', 'cp.sso.clientSecret', cp('sso', 'clientSecret'), 'OIDC client secret'),
      select('controlPlane', 'cp.passwordAuth', cp('passwordAuth'), 'Password login too', [
        { value: true, label: 'yes', hint: 'keep local accounts and the admin account' },
        { value: false, label: 'no', hint: 'SSO only' },
      ]),
    );
  }
  if (passwordLogins(d)) {
    qs.push(secret('controlPlane', 'cp.adminPassword', cp('adminPassword'), 'Admin password', { help: 'Password of the reserved admin account.' }));
  }
  return qs;
}

export function existingControlPlaneQuestions(d: WizardData): Question[] {
  const ecp = (...rest: string[]): string[] => ['existingControlPlane', ...rest];
  const apiUrl = getAt(d.raw, ecp('apiUrl'));
  const hybrid = d.raw.scenario === 'hybrid';
  const derivedDashboard =
    typeof apiUrl === 'string' && apiUrl !== SAAS_API_URL ? apiUrl.replace(/\/api\/v1\/?$/, '') : hybrid || apiUrl === SAAS_API_URL ? 'https://cloud.zenml.io' : '';
  return [
    text('existingControlPlane', 'ecp.apiUrl', ecp('apiUrl'), 'Control-plane API URL', hybrid ? {} : { defaultValue: undefined, placeholder: 'https://zenml-pro.example.com/api/v1' }),
    text('existingControlPlane', 'ecp.dashboardUrl', ecp('dashboardUrl'), 'Control-plane UI URL', { optional: true, placeholder: derivedDashboard || 'derived from the API URL' }),
    text('existingControlPlane', 'ecp.version', ecp('version'), 'Control-plane version', { optional: true, placeholder: 'unknown (skips the version check)' }),
  ];
}

// How each workspace joins its control plane: automatic (the installer calls
// the control-plane API) or manual (values pasted from the control-plane UI).
// The mode is asked per workspace; what automatic enrollment needs once (the
// API token of a control plane elsewhere, the organization) is asked with the
// first workspace that enrolls automatically.
import { getAt, pathKey, type Path } from '../path.js';
import { enumChoices, flagBinding, secret, select, text, type Choice, type Question, type WizardData } from '../question.js';
import { isSelfHosted, passwordLogins } from './control-plane.js';

type Mode = 'automatic' | 'manual';

const ENROLLMENT_GROUP = 'Automatic enrollment';
const EXISTING_TOKEN: Path = ['existingControlPlane', 'apiToken'];
const MANUAL_VALUES = ['organizationId', 'workspaceId', 'enrollmentKey'] as const;

/**
 * Whether the installer can call the control-plane API without asking: the admin
 * account (self-hosted, password logins) or a token from the answers file.
 */
function hasCredential(d: WizardData): boolean {
  if (isSelfHosted(d)) return passwordLogins(d) || getAt(d.raw, ['controlPlane', 'apiToken']) !== undefined;
  return getAt(d.raw, EXISTING_TOKEN) !== undefined;
}

/**
 * The mode as answered, else the one the answers imply (as enrollmentMode in
 * answers/derived.ts does once validated; here schema defaults are not applied yet).
 */
export function enrollmentModeOf(d: WizardData, i: number): Mode {
  const e: Path = ['workspaces', i, 'enrollment'];
  const mode = getAt(d.raw, [...e, 'mode']);
  if (mode === 'automatic' || mode === 'manual') return mode;
  const manualGiven = MANUAL_VALUES.some((key) => getAt(d.raw, [...e, key]) !== undefined);
  return !manualGiven && hasCredential(d) ? 'automatic' : 'manual';
}

function modeChoices(d: WizardData, path: Path): Choice[] {
  const viaApi = 'the installer enrolls it through the control-plane API';
  const automatic =
    isSelfHosted(d) && !hasCredential(d)
      ? `${viaApi}; needs controlPlane.apiToken in the answers file (with SSO only there is no admin account)`
      : viaApi;
  return enumChoices(path, { automatic, manual: 'paste the values the control-plane UI shows' });
}

/** Asked once, with the first workspace enrolled automatically. */
function sharedQuestions(d: WizardData, count: number): Question[] {
  const qs: Question[] = [];
  if (!isSelfHosted(d)) {
    // The mode questions' "automatic needs a token" problems are this question's to answer.
    const automatic = Array.from({ length: count }, (_, i) => i).filter((i) => enrollmentModeOf(d, i) === 'automatic');
    qs.push(
      secret('workspaces', 'enrollment.apiToken', EXISTING_TOKEN, 'Control-plane API token', {
        group: ENROLLMENT_GROUP,
        owns: automatic.map((i) => pathKey(['workspaces', i, 'enrollment', 'mode'])),
        help: 'A personal access token or service-account API key for the control-plane API; the installer enrolls every automatic workspace with it.',
      }),
    );
  }
  qs.push(
    text('workspaces', 'organization.name', ['organization', 'name'], 'Organization', {
      group: ENROLLMENT_GROUP,
      optional: true,
      placeholder: "the control plane's only organization, or a new one named default",
      help: "Automatic workspaces enroll into it: found by name, or created. Empty: the control plane's only organization, or a new one named default.",
    }),
  );
  return qs;
}

function manualQuestions(d: WizardData, i: number, group: string): Question[] {
  const ws = (...rest: string[]): (string | number)[] => ['workspaces', i, ...rest];
  const id = (rest: string): string => `ws${i}.${rest}`;
  const qs: Question[] = [];
  // Self-hosted: the control plane is not up yet, so its values may come later (the install stops after it and says what to copy).
  const whenId = id('enrollment.when');
  const when = flagBinding(whenId, (x) => (getAt(x.raw, ws('enrollment', 'organizationId')) !== undefined ? 'now' : 'later'));
  const selfHosted = isSelfHosted(d);
  if (selfHosted) {
    qs.push(
      select('workspaces', whenId, ws('enrollment'), 'Enrollment values', [
        { value: 'later', label: 'later', hint: 'the install stops once the control plane is up and says what to copy' },
        { value: 'now', label: 'now', hint: 'paste them from the control-plane UI' },
      ], { group, flag: when, exact: true, inSummary: false }),
    );
  }
  if (!selfHosted || when.read(d) === 'now') {
    const fromUi = 'From the control-plane UI: Organization → New Workspace → Enroll Workspace.';
    qs.push(
      text('workspaces', id('enrollment.organizationId'), ws('enrollment', 'organizationId'), 'Organization ID', { group, help: fromUi }),
      text('workspaces', id('enrollment.organizationName'), ws('enrollment', 'organizationName'), 'Organization name', { group, optional: true }),
      text('workspaces', id('enrollment.workspaceId'), ws('enrollment', 'workspaceId'), 'Workspace ID', { group, help: fromUi }),
      secret('workspaces', id('enrollment.enrollmentKey'), ws('enrollment', 'enrollmentKey'), 'Enrollment key', { group, help: fromUi }),
    );
  }
  return qs;
}

/** Workspace i's enrollment questions, of `count` workspaces. */
export function enrollmentQuestions(d: WizardData, i: number, count: number, group: string): Question[] {
  const mode = enrollmentModeOf(d, i);
  const path: Path = ['workspaces', i, 'enrollment', 'mode'];
  const qs: Question[] = [select('workspaces', `ws${i}.enrollment.mode`, path, 'Enrollment', modeChoices(d, path), { group, defaultValue: mode })];
  if (mode === 'manual') return [...qs, ...manualQuestions(d, i, group)];
  const firstAutomatic = Array.from({ length: i }, (_, j) => j).every((j) => enrollmentModeOf(d, j) !== 'automatic');
  return firstAutomatic ? [...qs, ...sharedQuestions(d, count)] : qs;
}

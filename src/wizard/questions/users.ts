// Local accounts the installer creates on the control plane it deploys, once
// it is up: offered only where they can exist (self-hosted, password logins
// on). Skipping is the highlighted choice, so it takes one Enter.
import { getAt, scalarText, setAt } from '../path.js';
import { select, text, yesNo, type FlagBinding, type Question, type WizardData } from '../question.js';
import { describeSecret, methodOf } from '../secret-entry.js';
import type { SectionId } from '../sections.js';
import { isSelfHosted, passwordLogins } from './control-plane.js';

const USERS_FLAG = 'userCount';
/** Users are asked with the control plane that holds them. */
export const USERS_SECTION = 'controlPlane' satisfies SectionId;

export const usersOffered = (d: WizardData): boolean => isSelfHosted(d) && passwordLogins(d);

/** How many users the answers hold: the wizard's count once asked, else the file's; none where users cannot be. */
export function userCount(d: WizardData): number {
  if (!usersOffered(d)) return 0;
  const fromFlag = d.flags[USERS_FLAG];
  if (typeof fromFlag === 'number') return fromFlag;
  return Array.isArray(d.raw.users) ? d.raw.users.length : 0;
}

/** "Add a user" (i = 0) or "add another" (after user i - 1): yes keeps at least one more, no ends the list there. */
function countBinding(i: number): FlagBinding {
  return {
    read: (d) => userCount(d) > i,
    write: (d, value) => {
      const next = { ...d, flags: { ...d.flags, [USERS_FLAG]: value === true ? Math.max(userCount(d), i + 1) : i } };
      // The first account the wizard adds is usually the person installing, who manages the rest: it starts as a superuser.
      const fresh = value === true && i === 0 && getAt(d.raw, ['users', 0]) === undefined;
      return fresh ? { ...next, raw: setAt(next.raw, ['users', 0, 'superuser'], true) } : next;
    },
  };
}

function userGroup(d: WizardData, i: number): string {
  const name = scalarText(getAt(d.raw, ['users', i, 'username']));
  return `User ${i + 1}${name ? ` · ${name}` : ''}`;
}

/** Where the password comes from: generated unless the answers file names another source. */
function passwordNote(d: WizardData, i: number): string {
  const ref = getAt(d.raw, ['users', i, 'password']);
  if (ref === undefined || methodOf(ref) === 'generate') {
    return "Its password is generated and kept in the install directory's generated-secrets.yaml (0600); the report says how to log in.";
  }
  return `Its password: ${describeSecret(ref)} (from the answers file).`;
}

function oneUser(d: WizardData, i: number): Question[] {
  const user = (...rest: string[]): (string | number)[] => ['users', i, ...rest];
  const id = (rest: string): string => `user${i}.${rest}`;
  const group = userGroup(d, i);
  return [
    text(USERS_SECTION, id('username'), user('username'), 'Username', { group, placeholder: 'jane', help: `A local account, created once the control plane is up (admin is taken). ${passwordNote(d, i)}` }),
    text(USERS_SECTION, id('email'), user('email'), 'Email', { group, optional: true, placeholder: 'none' }),
    select(USERS_SECTION, id('superuser'), user('superuser'), 'Superuser', yesNo('a regular account', 'may manage organizations and users'), { group }),
    select(USERS_SECTION, id('more'), ['users'], 'Add another user', yesNo(), { group, flag: countBinding(i + 1), exact: true, inSummary: false }),
  ];
}

export function userQuestions(d: WizardData): Question[] {
  if (!usersOffered(d)) return [];
  const qs: Question[] = [
    select(USERS_SECTION, 'users.add', ['users'], 'Add a user', yesNo('log in as admin; add people in the UI later', 'a local account besides admin'), {
      flag: countBinding(0),
      exact: true,
      inSummary: false,
    }),
  ];
  for (let i = 0; i < userCount(d); i++) qs.push(...oneUser(d, i));
  return qs;
}

/** The users as the review shows them: names and roles, never emails or passwords. */
export function usersSummary(d: WizardData): string | undefined {
  if (!usersOffered(d)) return undefined;
  const names = Array.from({ length: userCount(d) }, (_, i) => {
    const name = scalarText(getAt(d.raw, ['users', i, 'username'])) ?? '(no name yet)';
    return `${name} (${getAt(d.raw, ['users', i, 'superuser']) === true ? 'superuser' : 'user'})`;
  });
  return names.length > 0 ? names.join(', ') : 'none';
}

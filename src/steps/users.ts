// Local accounts on a self-hosted control plane, created when missing (the
// guide's step 15). Passwords are generated into the install directory or
// given by reference; none is ever in an output, an event or the journal.
import type { StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';
import { connectControlPlane } from './control-plane.js';

type Action = ActionOf<'users'>;

/** What the report shows of each account: name and role, never the password. */
export function usersOf(outputs: Readonly<Record<string, string>> | undefined): { username: string; superuser: boolean }[] {
  return (outputs?.users ?? '').split(',').filter(Boolean).map((entry) => {
    const [username = '', role] = entry.split(':');
    return { username, superuser: role === 'superuser' };
  });
}

const recorded = (users: Action['users']): string => users.map((u) => `${u.username}:${u.superuser ? 'superuser' : 'user'}`).join(',');

export const usersKind: StepKind<Action> = {
  probe(a, ctx) {
    // Recorded by an earlier run of these very accounts: nothing to ask the control plane.
    return Promise.resolve(ctx.outputsOf(ctx.step.id)?.users === recorded(a.users) ? `${a.users.map((u) => u.username).join(', ')} created by an earlier run` : undefined);
  },
  async run(a, ctx) {
    const client = await connectControlPlane(a.access, ctx);
    for (const u of a.users) {
      if (await client.findUser(u.username)) continue;
      await client.createUser({ username: u.username, password: ctx.secret(u.passwordKey), isSuperuser: u.superuser, ...(u.email ? { email: u.email } : {}) });
    }
    return { users: recorded(a.users) };
  },
};

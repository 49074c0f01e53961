// A workspace enrolled by hand in the control plane's UI: its values come from
// the answers. Without them the step waits, saying where to get them; it
// says so from its probe, before the journal records it as started.
import { Waiting, type StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';

type Action = ActionOf<'manual-enrollment'>;

export const manualEnrollment: StepKind<Action> = {
  probe(a) {
    if (a.waiting) throw new Waiting(a.waiting.instructions);
    return Promise.resolve('manual enrollment: the values come from the answers file');
  },
  run: (a) => Promise.resolve({ workspaceId: a.workspaceId }),
};

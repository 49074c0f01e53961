// In a rehearsal (`upgrade --rehearse` runs the upgrade against the
// simulation), a control plane that runs outside it (hybrid, workspace-only)
// must not be called: the rehearsal's credentials are the real ones, and an
// organization or enrollment made there would be real. Its API steps are
// stood in for: an organization is not looked up; a workspace enrollment the
// install directory keeps is verified as usual; one that would need the API
// fails the rehearsal, saying so.
import { StepFailure, type StepKinds } from '../engine/step-kind.js';
import { enrollWorkspaceKind } from './enroll-workspace.js';

export const outsideControlPlaneKinds: StepKinds = {
  organization: {
    probe: () => Promise.resolve('not looked up: in a rehearsal, the control plane that runs outside the simulation is not called'),
    run: () => Promise.reject(new Error('internal: the rehearsal organization step has no run')),
  },
  'enroll-workspace': {
    probe: (a, ctx) => enrollWorkspaceKind.probe?.(a, ctx) ?? Promise.resolve(undefined),
    run: (a) =>
      Promise.reject(
        new StepFailure(`workspace ${a.workspace} is not enrolled yet, and a rehearsal does not enroll it into the control plane that runs outside the simulation`, [
          'run the upgrade without --rehearse to enroll it (or install it first), then rehearse later upgrades',
        ]),
      ),
  },
};

// The organization workspaces enroll into: found by name, or created. With no
// name in the answers, the control plane's only organization is used (a
// fresh one has none: then one named `default` is created); several without
// a name is a question only the operator can answer.
import { StepFailure, type StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';
import { connectControlPlane } from './control-plane.js';

type Action = ActionOf<'organization'>;

const DEFAULT_NAME = 'default';

export const organizationKind: StepKind<Action> = {
  probe(a, ctx) {
    // Found or made by an earlier run: the id it recorded is what the enrollments need.
    const earlier = ctx.outputsOf(ctx.step.id);
    const found = earlier?.organizationId && (a.name === undefined || earlier.organizationName === a.name);
    return Promise.resolve(found ? `organization ${earlier.organizationName ?? ''} (${earlier.organizationId}) found by an earlier run` : undefined);
  },
  async run(a, ctx) {
    const client = await connectControlPlane(a.access, ctx);
    const all = await client.organizations();
    const wanted = a.name ?? (all.length === 1 ? all[0]?.name : all.length === 0 ? DEFAULT_NAME : undefined);
    if (wanted === undefined) {
      throw new StepFailure(`the control plane has ${all.length} organizations (${all.map((o) => o.name).join(', ')}) and the answers name none`, [
        'set organization.name (or workspaces[].enrollment.organization) to the one the workspaces belong to, and run the installer again',
      ], [], true);
    }
    const existing = all.find((o) => o.name === wanted);
    const org = existing ?? (await client.createOrganization(wanted));
    return { organizationId: org.id, organizationName: org.name, created: existing ? 'no' : 'yes' };
  },
};

// The first preflight check: the cluster runs a Kubernetes ZenML Pro supports,
// and the operator's credentials may create what the install creates.
import { StepFailure, type StepKind } from '../engine/step-kind.js';
import { now } from '../engine/events.js';
import type { ActionOf } from '../plan/steps.js';

export const MIN_KUBERNETES_MINOR = 24;

export const checkTarget: StepKind<ActionOf<'check-target'>> = {
  async run(_action, ctx) {
    const id = ctx.identity;
    if (id.minor > 0 && id.minor < MIN_KUBERNETES_MINOR) {
      throw new StepFailure(`the cluster runs Kubernetes ${id.gitVersion}; ZenML Pro needs 1.${MIN_KUBERNETES_MINOR} or newer`, ['upgrade the cluster, or point the installer at another one'], [], true);
    }
    if (!(await ctx.cluster.canI('create', 'namespaces', ctx.hooks))) {
      throw new StepFailure(`your credentials (context ${ctx.cluster.target.context}) may not create namespaces`, [
        'run the installer with a cluster-admin context, or ask an administrator to grant create on namespaces, secrets, deployments, services, ingresses, jobs, roles and rolebindings',
      ], [], true);
    }
    ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `cluster ${id.server}, Kubernetes ${id.gitVersion}` });
    return { server: id.server, kubernetes: id.gitVersion };
  },
};

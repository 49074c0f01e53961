// The installer's own PodDisruptionBudgets, for releases whose chart has no
// such setting: each selects a deployment's pods by the deployment's own
// selector, read from the cluster, so no chart label is guessed.
import { disruptionBudgetManifest } from '../plan/manifests.js';
import type { ActionOf, Manifest } from '../plan/steps.js';
import { StepFailure, type StepContext, type StepKind } from '../engine/step-kind.js';
import { digested, probeApplied } from './apply.js';

type Action = ActionOf<'disruption-budget'>;

async function budgets(a: Action, ctx: StepContext): Promise<Manifest[]> {
  return Promise.all(
    a.deployments.map(async (d) => {
      const deployment = await ctx.cluster.kubectlJson<{ spec?: { selector?: { matchLabels?: Record<string, string> } } }>(
        ['get', 'deployment', d, '--namespace', a.namespace, '-o', 'json'],
        { ...ctx.hooks, onLine: undefined },
        `deployment ${d}`,
      );
      const labels = deployment.spec?.selector?.matchLabels;
      if (!labels || Object.keys(labels).length === 0) {
        throw new StepFailure(`deployment ${d} in ${a.namespace} has no matchLabels selector, so no disruption budget can select its pods`, ['remove podDisruptionBudget from the answers, or add one by hand that fits the chart']);
      }
      return disruptionBudgetManifest(a.namespace, d, labels, a.minAvailable);
    }),
  );
}

export const disruptionBudget: StepKind<Action> = {
  probe: async (a, ctx) => probeApplied(await budgets(a, ctx), ctx),
  async run(a, ctx) {
    await ctx.cluster.apply(digested(await budgets(a, ctx), ctx), ctx.hooks);
    return {};
  },
};

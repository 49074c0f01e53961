// An upgrade is the install plan of the new answers, reshaped: each release
// that moves to another version is backed up first and upgraded with helm's
// rollback on failure; the control plane goes first and the workspaces follow
// one at a time, so a failure stops before the next release. Steps of
// releases that stay where they are keep their probes: they change nothing.
// Pure.
import type { Plan, Step } from './steps.js';

export interface UpgradeHop {
  /** `control-plane` or `workspace-<name>` (the release spec's id). */
  readonly releaseId: string;
  readonly from: string;
  readonly to: string;
}

export interface UpgradePlanInputs {
  readonly install: Plan;
  readonly hops: readonly UpgradeHop[];
  /** The flag of the helm at hand: `--atomic` (helm 3) or `--rollback-on-failure` (helm 4). */
  readonly rollbackFlag: '--atomic' | '--rollback-on-failure';
}

export function buildUpgradePlan({ install, hops, rollbackFlag }: UpgradePlanInputs): Plan {
  const byRelease = new Map(hops.map((h) => [h.releaseId, h]));
  const steps: Step[] = [];
  let previousReady: string | undefined;
  const readyOf = (releaseStep: Step): string | undefined => install.steps.find((s) => s.action.type === 'wait-ready' && s.needs.some((n) => n === releaseStep.id || isAfter(install, n, releaseStep.id)))?.id;

  for (const step of install.steps) {
    if (step.action.type !== 'helm-release') {
      steps.push(step);
      continue;
    }
    const spec = step.action.spec;
    const hop = byRelease.get(spec.id);
    // Control plane first, then each workspace after the one before it is ready again.
    const order = previousReady && !step.needs.includes(previousReady) ? [previousReady] : [];
    if (!hop) {
      steps.push({ ...step, needs: [...step.needs, ...order] });
    } else {
      const backupId = `backup:${spec.id}`;
      steps.push({
        id: backupId,
        title: `Back up release ${spec.release} in ${spec.namespace} (values, manifests, kept secrets) before ${hop.from} → ${hop.to}`,
        needs: [...step.needs, ...order],
        mutates: false,
        commands: [`# Kubernetes API: read the latest record of release ${spec.release} in ${spec.namespace}; write <dir>/backups/${spec.id}-${hop.from}/ (0600)`],
        inputsDigest: step.inputsDigest,
        action: { type: 'backup', release: spec.release, namespace: spec.namespace, component: spec.id, from: hop.from, to: hop.to },
        ...(step.workspace ? { workspace: step.workspace } : {}),
      });
      const upgraded = { ...spec, rollbackOnFailure: rollbackFlag };
      steps.push({
        ...step,
        title: `Upgrade release ${spec.release} in ${spec.namespace}: ${hop.from} → ${hop.to} (rolled back by helm if it fails)`,
        needs: [backupId],
        commands: step.commands.map((c) => (c.startsWith('helm upgrade') ? `${c} ${rollbackFlag}` : c)),
        action: { type: 'helm-release', spec: upgraded },
      });
    }
    previousReady = readyOf(step) ?? previousReady;
  }
  return { ...install, steps };
}

/** Whether `later` depends, directly or through others, on `earlier`. */
function isAfter(plan: Plan, later: string, earlier: string): boolean {
  const seen = new Set<string>();
  const stack = [later];
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (id === earlier) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(plan.steps.find((s) => s.id === id)?.needs ?? []));
  }
  return false;
}

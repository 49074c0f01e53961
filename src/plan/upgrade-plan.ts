// An upgrade is the install plan of the new answers, reshaped: each release
// that moves to another version is backed up first and upgraded with helm's
// rollback on failure; a release whose path has required stops is upgraded
// to each stop in turn, each stop a full upgrade that must be ready and
// healthy before the next; the control plane goes first and the workspaces
// follow one at a time, so a failure stops before the next release. Steps of
// releases that stay where they are keep their probes: they change nothing.
// Pure.
import type { DatabaseAccess, Plan, Step } from './steps.js';

/** A stop's own release and readiness steps, from the plan of the answers at the stop's version. */
export interface StopSteps {
  readonly release: Step;
  readonly ready: Step | undefined;
}

export interface UpgradeHop {
  /** `control-plane` or `workspace-<name>` (the release spec's id). */
  readonly releaseId: string;
  readonly from: string;
  readonly to: string;
  /** Set on a required stop on the way: its steps run instead of the target's. */
  readonly via?: StopSteps;
}

export interface UpgradePlanInputs {
  readonly install: Plan;
  /** In order; several for one release when its path has stops. */
  readonly hops: readonly UpgradeHop[];
  /** The flag of the helm at hand: `--atomic` (helm 3) or `--rollback-on-failure` (helm 4). */
  readonly rollbackFlag: '--atomic' | '--rollback-on-failure';
  /** Databases to dump before their release's first upgrade, by release id, with the dump tool found. */
  readonly dumps?: ReadonlyMap<string, { readonly database: DatabaseAccess; readonly tool: string }>;
}

/** A release's helm step and the readiness step that follows it. */
export function releaseSteps(plan: Plan, releaseId: string): StopSteps {
  const release = plan.steps.find((s) => s.action.type === 'helm-release' && s.action.spec.id === releaseId);
  if (!release) throw new Error(`internal: no release ${releaseId} in the plan`);
  return { release, ready: readyOf(plan, release) };
}

function readyOf(plan: Plan, release: Step): Step | undefined {
  return plan.steps.find((s) => s.action.type === 'wait-ready' && s.needs.some((n) => n === release.id || isAfter(plan, n, release.id)));
}

/** A helm-release step made an upgrade that helm rolls back on failure. */
function upgradeStep(step: Step, o: { id: string; title: string; needs: readonly string[]; rollbackFlag: UpgradePlanInputs['rollbackFlag'] }): Step {
  if (step.action.type !== 'helm-release') throw new Error(`internal: ${step.id} is not a release`);
  return {
    ...step,
    id: o.id,
    title: o.title,
    needs: o.needs,
    commands: step.commands.map((c) => (c.startsWith('helm upgrade') ? `${c} ${o.rollbackFlag}` : c)),
    action: { type: 'helm-release', spec: { ...step.action.spec, rollbackOnFailure: o.rollbackFlag } },
  };
}

/** A stop's values are complete when planned (an upgraded workspace's enrollment is kept); only the target's step completes them at run time. */
function plannedValuesOnly(step: Step): Step {
  if (step.action.type !== 'helm-release') return step;
  const { enrolledWorkspace: _atRunTime, ...spec } = step.action.spec;
  return { ...step, action: { type: 'helm-release', spec } };
}

export function buildUpgradePlan({ install, hops, rollbackFlag, dumps }: UpgradePlanInputs): Plan {
  const steps: Step[] = [];
  let previousReady: string | undefined;
  // Every database is dumped before the first release changes: a dump that fails then stops an upgrade that has changed nothing.
  const dumpIds = dumpSteps(install, hops, dumps).map((d) => {
    steps.push(d);
    return d.id;
  });

  for (const step of install.steps) {
    if (step.action.type !== 'helm-release') {
      steps.push(step);
      continue;
    }
    const spec = step.action.spec;
    const path = hops.filter((h) => h.releaseId === spec.id);
    // Control plane first, then each workspace after the one before it is ready again.
    let needs = [...step.needs, ...(previousReady && !step.needs.includes(previousReady) ? [previousReady] : [])];
    if (path.length === 0) steps.push({ ...step, needs });
    else needs = [...needs, ...dumpIds];
    for (const hop of path) {
      const at = hop.via ? `@${hop.to}` : '';
      const backupId = `backup:${spec.id}${at}`;
      steps.push({
        id: backupId,
        title: `Back up release ${spec.release} in ${spec.namespace} (values, manifests, kept secrets) before ${hop.from} → ${hop.to}`,
        needs,
        mutates: false,
        commands: [`# Kubernetes API: read the latest record of release ${spec.release} in ${spec.namespace}; write <dir>/backups/${spec.id}-${hop.from}/ (0600)`],
        inputsDigest: step.inputsDigest,
        action: { type: 'backup', release: spec.release, namespace: spec.namespace, component: spec.id, from: hop.from, to: hop.to },
        ...(step.workspace ? { workspace: step.workspace } : {}),
      });
      if (!hop.via) {
        steps.push(upgradeStep(step, { id: step.id, title: `Upgrade release ${spec.release} in ${spec.namespace}: ${hop.from} → ${hop.to} (rolled back by helm if it fails)`, needs: [backupId], rollbackFlag }));
        continue;
      }
      const releaseId = `${hop.via.release.id}${at}`;
      steps.push(upgradeStep(plannedValuesOnly(hop.via.release), { id: releaseId, title: `Upgrade release ${spec.release} in ${spec.namespace}: ${hop.from} → ${hop.to}, a required stop (rolled back by helm if it fails)`, needs: [backupId], rollbackFlag }));
      needs = [releaseId];
      if (hop.via.ready) {
        const readyId = `${hop.via.ready.id}${at}`;
        steps.push({ ...hop.via.ready, id: readyId, title: `${hop.via.ready.title} at ${hop.to}, before going on`, needs });
        needs = [readyId];
      }
    }
    previousReady = readyOf(install, step)?.id ?? previousReady;
  }
  return { ...install, steps };
}

/** One dump step per database whose release moves, before anything changes (after the target check, when there is one). */
function dumpSteps(install: Plan, hops: readonly UpgradeHop[], dumps: UpgradePlanInputs['dumps']): Step[] {
  const target = install.steps.find((s) => s.action.type === 'check-target')?.id;
  return install.steps.flatMap((step): Step[] => {
    if (step.action.type !== 'helm-release') return [];
    const spec = step.action.spec;
    const path = hops.filter((h) => h.releaseId === spec.id);
    const dump = dumps?.get(spec.id);
    const first = path[0];
    const to = path.at(-1)?.to;
    if (!dump || !first || !to) return [];
    const { database, tool } = dump;
    return [{
      id: `dump:${spec.id}`,
      title: `Dump database ${database.name} (${database.type} at ${database.host}) with ${tool} before ${first.from} → ${to}`,
      needs: target ? [target] : [],
      mutates: false,
      commands: [`${tool} … ${database.name} > <dir>/backups/${spec.id}-${first.from}/database-${database.name}.${database.type === 'postgres' ? 'dump' : 'sql'}   # password from ${database.passwordKey}, given to the tool only (0600 option file or its environment)`],
      inputsDigest: step.inputsDigest,
      action: { type: 'dump-database', component: spec.id, from: first.from, to, database, tool },
      ...(step.workspace ? { workspace: step.workspace } : {}),
    }];
  });
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

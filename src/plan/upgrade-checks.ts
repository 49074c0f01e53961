// Whether an upgrade from what runs to what the answers ask for may go ahead,
// and the helm upgrades ("hops") it takes, in order. The control plane goes
// first (ZenML's upgrade guides: it must be at least as new, by release, as
// every workspace server it serves), and every state the cluster passes
// through on the way is checked against the compatibility table, not only the
// end state: a workspace runs against each intermediate control plane.
import semver from 'semver';
import { checkCompatibility, type CompatibilityEntry } from '../answers/compatibility.js';
import { KNOWN_UPGRADE_STOPS, type UpgradeStop } from '../answers/upgrade-paths.js';

type Chart = 'zenml-pro' | 'zenml';

export interface Running {
  /** 'control-plane' or 'workspace:<name>'. */
  readonly component: string;
  readonly chart: Chart;
  readonly version: string;
}

export interface Target {
  readonly component: string;
  readonly chart: Chart;
  readonly version: string;
}

export interface Hop {
  readonly component: string;
  readonly chart: Chart;
  readonly from: string;
  readonly to: string;
  /** A required stop on the way to the target. */
  readonly stop?: UpgradeStop;
}

export interface UpgradeProblem {
  readonly component: string;
  readonly message: string;
  readonly fix: string;
}

export interface UnverifiedPair {
  readonly controlPlane: string;
  readonly workspace: string;
  /** The workspace whose pairing with the control plane is unverified. */
  readonly component: string;
}

export interface UpgradeCheck {
  /** In the order they must run: every control-plane hop first, then each workspace's hops. */
  readonly hops: readonly Hop[];
  /** Refusals: a downgrade, a skew the table says is incompatible. */
  readonly problems: readonly UpgradeProblem[];
  /** Pairs the table cannot vouch for (need confirmation). */
  readonly unverified: readonly UnverifiedPair[];
}

export interface UpgradeCheckOptions {
  readonly table?: readonly CompatibilityEntry[];
  readonly stops?: readonly UpgradeStop[];
}

const CONTROL_PLANE_CHART: Chart = 'zenml-pro';

function versionField(t: Target): string {
  return t.chart === CONTROL_PLANE_CHART ? 'controlPlane.version' : `the version of ${t.component} (workspaces[].version)`;
}

function notAVersion(t: Target, version: string): UpgradeProblem {
  return { component: t.component, message: `${t.component}: "${version}" is not a chart version (x.y.z)`, fix: `set ${versionField(t)} to a released ${t.chart} chart version` };
}

/** Why a target cannot be reached from what runs, if it cannot. */
function refusal(r: Running, t: Target): UpgradeProblem | undefined {
  if (r.chart !== t.chart) {
    return { component: t.component, message: `${t.component} runs chart ${r.chart} but the answers give chart ${t.chart}`, fix: 'check which release the answers name for this component' };
  }
  if (semver.valid(r.version) === null) {
    return { component: t.component, message: `${t.component}: the running release reports chart version "${r.version}", which cannot be compared`, fix: 'check the release with helm list --all-namespaces; the installer upgrades only releases of published chart versions' };
  }
  if (semver.valid(t.version) === null) return notAVersion(t, t.version);
  if (semver.lt(t.version, r.version)) {
    return {
      component: t.component,
      message: `${t.component}: the answers give ${t.chart} ${t.version}, older than the running ${r.version}; downgrades are refused (database migrations do not run backwards)`,
      fix: `set ${versionField(t)} to ${r.version} or newer; to roll back on purpose, use helm rollback <release> <revision> --namespace <namespace>, and restore the database from its backup (a rollback does not undo migrations)`,
    };
  }
  return undefined;
}

/** from → stops → to, each required stop of the chart strictly between them. */
function hopsThrough(component: string, chart: Chart, from: string, to: string, stops: readonly UpgradeStop[]): Hop[] {
  const between = stops
    .filter((s) => s.chart === chart && semver.gt(s.version, from) && semver.lt(s.version, to))
    .sort((a, b) => semver.compare(a.version, b.version));
  const hops: Hop[] = [];
  let at = from;
  for (const stop of between) {
    hops.push({ component, chart, from: at, to: stop.version, stop });
    at = stop.version;
  }
  hops.push({ component, chart, from: at, to });
  return hops;
}

export function checkUpgrade(running: readonly Running[], targets: readonly Target[], o: UpgradeCheckOptions = {}): UpgradeCheck {
  const stops = o.stops ?? KNOWN_UPGRADE_STOPS;
  const problems: UpgradeProblem[] = [];
  const unverified = new Map<string, UnverifiedPair>();
  const runningOf = new Map(running.map((r) => [r.component, r]));

  /** The hops to a target (none when it is already there or refused), or `install` when nothing runs yet. */
  const plan = (t: Target): Hop[] | 'install' => {
    const r = runningOf.get(t.component);
    const problem = r ? refusal(r, t) : semver.valid(t.version) === null ? notAVersion(t, t.version) : undefined;
    if (problem) {
      problems.push(problem);
      return [];
    }
    if (!r) return 'install';
    return semver.eq(r.version, t.version) ? [] : hopsThrough(t.component, t.chart, r.version, t.version, stops);
  };

  const judge = (controlPlane: string, workspace: string, component: string, fix: string): void => {
    // A version helm reports that is not semver cannot be looked up: the operator has to vouch for it.
    const c = semver.valid(controlPlane) && semver.valid(workspace) ? checkCompatibility(controlPlane, workspace, o.table) : undefined;
    if (c?.verdict === 'incompatible') {
      if (!problems.some((p) => p.component === component && p.message === c.message)) problems.push({ component, message: c.message, fix });
    } else if (c?.verdict !== 'compatible') {
      unverified.set(`${controlPlane} ${workspace} ${component}`, { controlPlane, workspace, component });
    }
  };

  const cpTarget = targets.find((t) => t.chart === CONTROL_PLANE_CHART);
  const cpRunning = running.find((r) => r.chart === CONTROL_PLANE_CHART);
  const cpPlan = cpTarget ? plan(cpTarget) : [];
  const cpHops = cpPlan === 'install' ? [] : cpPlan;
  // Without a control plane here (hybrid: ZenML runs it), there is nothing to check workspaces against.
  const cpFinal = cpPlan === 'install' ? cpTarget?.version : (cpHops.at(-1)?.to ?? cpRunning?.version);

  // While the control plane moves, every running workspace still runs its old version.
  const runningWorkspaces = running.filter((r) => r.chart !== CONTROL_PLANE_CHART);
  for (const hop of cpHops) {
    for (const w of runningWorkspaces) judge(hop.to, w.version, w.component, `set controlPlane.version to a version that serves workspace server ${w.version}`);
  }

  const wsHops: Hop[] = [];
  for (const t of targets.filter((x) => x.chart !== CONTROL_PLANE_CHART)) {
    const p = plan(t);
    // A fresh install runs against the final control plane just as an upgraded workspace does.
    const versions = p === 'install' ? [t.version] : p.map((h) => h.to);
    if (p !== 'install') wsHops.push(...p);
    if (cpFinal === undefined) continue;
    for (const v of versions) {
      judge(cpFinal, v, t.component, `set ${versionField(t)} to a version control plane ${cpFinal} serves, or controlPlane.version to one that serves ${v}`);
    }
  }

  return { hops: [...cpHops, ...wsHops], problems, unverified: [...unverified.values()] };
}

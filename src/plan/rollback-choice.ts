// What a rollback goes back to, and what stops it. Pure: the command reads
// helm's release records and the other releases' chart versions; this picks
// the revision, names the database migrations a chart rollback leaves in
// place, and applies the control-plane/workspace order rule (the control
// plane must stay at least as recent as every workspace it serves).
import semver from 'semver';
import { checkCompatibility, KNOWN_COMPATIBILITY, type CompatibilityEntry } from '../answers/compatibility.js';

/** One revision as `helm history` lists it. */
export interface Revision {
  readonly revision: number;
  readonly status: string;
  readonly chartVersion: string | undefined;
}

export interface Refusal {
  readonly message: string;
  readonly fix: string;
  /** The cluster's state stops it, not the input (exit 3 rather than 2). */
  readonly blocked?: boolean;
}

export type Choice<R extends Revision> =
  | { readonly ok: true; readonly current: R; readonly target: R; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly refusal: Refusal };

/** Revisions that ran to the end: the only ones the default goes back to. */
const FINISHED = new Set(['superseded', 'deployed']);

/** The revision running now: the highest, as helm counts. */
export function currentRevision<R extends Revision>(history: readonly R[]): R | undefined {
  return history.reduce<R | undefined>((latest, r) => (!latest || r.revision > latest.revision ? r : latest), undefined);
}

/** The newest revision before `current` that finished (superseded or deployed): where a rollback goes by default. */
export function previousRevision<R extends Revision>(history: readonly R[], current: Revision): R | undefined {
  return currentRevision(history.filter((r) => r.revision < current.revision && FINISHED.has(r.status)));
}

const listed = (rs: readonly Revision[]): string => rs.map((r) => `${r.revision} (${r.chartVersion ?? 'chart ?'}, ${r.status})`).join(', ');

/**
 * The target of a rollback of release `where` (namespace/name): `requested`
 * (--revision) when it exists and is not the running revision, else the
 * newest earlier revision that finished.
 */
export function chooseRollback<R extends Revision>(where: string, history: readonly R[], requested?: number): Choice<R> {
  const current = currentRevision(history);
  if (!current) {
    return { ok: false, refusal: { message: `release ${where} is not in the cluster: nothing to roll back`, fix: 'check --context and --kubeconfig; `zenml-pro-installer status` shows what runs' } };
  }
  if (current.status.startsWith('pending-')) {
    return {
      ok: false,
      refusal: {
        message: `release ${where} is ${current.status} at revision ${current.revision}: a helm operation on it is running, or was interrupted`,
        fix: 'wait for it to finish; if it was interrupted, run the same install or upgrade again from the install directory to recover it, then roll back',
        blocked: true,
      },
    };
  }
  const earlier = history.filter((r) => r.revision !== current.revision);
  if (requested !== undefined) {
    if (requested === current.revision) {
      return { ok: false, refusal: { message: `--revision ${requested} is the revision ${where} runs now`, fix: earlier.length > 0 ? `pass an earlier one: ${listed(earlier)}` : 'it has no earlier revision' } };
    }
    const target = history.find((r) => r.revision === requested);
    if (!target) {
      return { ok: false, refusal: { message: `--revision ${requested}: release ${where} has no such revision`, fix: earlier.length > 0 ? `pass one it has: ${listed(earlier)}` : 'it has no earlier revision to go back to' } };
    }
    // Helm lets a rollback go back to any revision it keeps; one that never finished is worth a word.
    const warnings = FINISHED.has(target.status) ? [] : [`revision ${target.revision} ended ${target.status}: what it ran may never have become ready`];
    return { ok: true, current, target, warnings };
  }
  const target = previousRevision(history, current);
  if (!target) {
    return {
      ok: false,
      refusal: {
        message: `release ${where} has no earlier revision that deployed (revisions: ${listed(history)})`,
        fix: earlier.length > 0 ? `to go back to one that did not finish, pass --revision: ${listed(earlier)}` : 'there is nothing to roll back to',
      },
    };
  }
  return { ok: true, current, target, warnings: [] };
}

/**
 * The chart versions that ran after `target` and are newer than its own:
 * each ran its database migration, which a chart rollback leaves in place.
 * Without a version to compare (a chart without one), every other version counts.
 */
export function migrationsLeftInPlace(history: readonly Revision[], target: Revision): string[] {
  const from = semver.valid(target.chartVersion ?? '');
  const later = history.filter((r) => r.revision > target.revision && r.chartVersion !== undefined && r.chartVersion !== target.chartVersion);
  const newer = later.flatMap((r) => {
    const v = r.chartVersion ?? '';
    return !from || !semver.valid(v) || semver.gt(v, from) ? [v] : [];
  });
  return [...new Set(newer)].sort((a, b) => (semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : a.localeCompare(b)));
}

/** What runs now, by chart version (undefined: no release, or a chart without a version). */
export interface Running {
  readonly controlPlane: string | undefined;
  readonly workspaces: readonly { readonly name: string; readonly version: string | undefined }[];
}

export type Change = { readonly component: 'control-plane'; readonly to: string | undefined } | { readonly component: 'workspace'; readonly name: string; readonly to: string | undefined };

/**
 * The order rule for the pairs the rollback changes: a pair the table says is
 * incompatible refuses it (a control plane rolled back below a workspace it
 * serves); a pair it cannot vouch for is a warning. Pairs the rollback does
 * not touch are not this rollback's business.
 */
export function checkOrder(change: Change, running: Running, table: readonly CompatibilityEntry[] = KNOWN_COMPATIBILITY): { refusals: Refusal[]; warnings: string[] } {
  const pairs = change.component === 'control-plane'
    ? running.workspaces.map((w) => ({ controlPlane: change.to, workspace: w.version, name: w.name }))
    : [{ controlPlane: running.controlPlane, workspace: change.to, name: change.name }];
  const refusals: Refusal[] = [];
  const warnings: string[] = [];
  for (const p of pairs) {
    // A release that is not there, or a version that is no version, gives the table nothing to judge.
    if (!semver.valid(p.controlPlane ?? '') || !semver.valid(p.workspace ?? '')) continue;
    const verdict = checkCompatibility(p.controlPlane ?? '', p.workspace ?? '', table);
    if (verdict.verdict === 'unknown') warnings.push(verdict.message);
    if (verdict.verdict !== 'incompatible') continue;
    refusals.push(change.component === 'control-plane'
      ? {
        message: `rolling the control plane back to ${p.controlPlane ?? ''} would leave it older than workspace ${p.name} (${p.workspace ?? ''}), which it serves: ${verdict.message}`,
        fix: `roll workspace ${p.name} back first (zenml-pro-installer rollback ${p.name}), then the control plane`,
      }
      : {
        message: `rolling workspace ${p.name} back to ${p.workspace ?? ''} would leave it on a version control plane ${p.controlPlane ?? ''} does not serve: ${verdict.message}`,
        fix: 'pick another revision with --revision, or roll the control plane back first',
      });
  }
  return { refusals, warnings };
}

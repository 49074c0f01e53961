// A release installed or upgraded with `helm upgrade --install --wait`. While
// helm waits, the namespace is watched: readiness and warnings are reported,
// the migration job's log is shown as it runs, and a certain failure (image pull, crash loop, failed migration) stops helm
// early with a diagnosis. A release left pending by an interrupted run of this
// install directory is recovered; one left by someone else is never touched.
import semver from 'semver';
import { canonicalJson } from '../plan/install-plan.js';
import type { ActionOf, ReleaseSpec } from '../plan/steps.js';
import { diagnose, type Diagnosis } from '../engine/diagnose.js';
import { now } from '../engine/events.js';
import { runningHelmFor } from '../engine/helm-processes.js';
import { Interrupted, sleep, StepFailure, type StepContext, type StepKind } from '../engine/step-kind.js';
import type { HelmReleaseStatus } from '../tools/cluster.js';
import { transientFailureReason, type ToolResult } from '../tools/exec.js';
import { failedCommand } from '../tools/external-error.js';
import { followMigrationLog } from './migration-log.js';
import { watchForFailure } from './observe.js';

type Action = ActionOf<'helm-release'>;

/**
 * Answers older than what runs (a stale answers file after an upgrade) would
 * make helm downgrade the release, and a migrated database does not run
 * backwards: refused, with where the current versions are recorded.
 */
function refuseDowngrade(spec: ReleaseSpec, status: HelmReleaseStatus | undefined): void {
  // Only a deployed latest revision says what runs: a failed or pending one on top is not it (and recovery handles pending).
  const running = status?.status === 'deployed' ? status.chartVersion : undefined;
  if (!running || semver.valid(running) === null || semver.valid(spec.version) === null || !semver.lt(spec.version, running)) return;
  throw new StepFailure(
    `release ${spec.release} in ${spec.namespace} runs chart ${running}, and the answers name ${spec.version}: that would be a downgrade, and database migrations do not run backwards`,
    [
      `set the version to ${running} or newer in the answers (after an upgrade, the install directory's answers.yaml names the versions it upgraded to)`,
      'to go back on purpose, use `zenml-pro-installer rollback` and restore the database from its backup',
    ],
    [],
    true,
  );
}

/** A new kind per run: the release status a probe read is kept for the same step's recovery check. */
export function helmRelease(): StepKind<Action> {
  const probedStatus = new Map<string, HelmReleaseStatus | undefined>();

  const probe = async ({ spec }: Action, ctx: StepContext): Promise<string | undefined> => {
    const status = await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks);
    probedStatus.set(ctx.step.id, status);
    if (status?.status !== 'deployed' || status.chartVersion !== spec.version) return undefined;
    const live = await ctx.cluster.helmValues(spec.release, spec.namespace, ctx.hooks);
    return ctx.digest(canonicalJson(live)) === (await ctx.releaseValues(spec)) ? `revision ${status.revision} is deployed with these values (verified on the cluster)` : undefined;
  };

  /**
   * Clears what an interrupted run left pending. True when the release may
   * have been completed since the step's probe (a helm of that run finished,
   * waited for here or just before), so the caller probes again.
   */
  const recoverPending = async (spec: ReleaseSpec, ctx: StepContext): Promise<boolean> => {
    // Looked for whatever the release's status: a helm killed with its
    // installer may not have written its pending revision yet, and a second
    // helm started beside it would add a revision of its own. Only a step an
    // earlier run of this directory started can have left one.
    const startedBefore = ctx.prior === 'running' || ctx.prior === 'interrupted' || ctx.prior === 'failed';
    let pid = startedBefore ? runningHelmFor(spec.release, spec.namespace) : undefined;
    const waited = pid !== undefined;
    if (pid !== undefined) {
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `helm (pid ${pid}) from an interrupted run is still working on ${spec.release}; waiting for it to finish` });
      const until = Date.now() + spec.timeoutSeconds * 1000;
      while (pid !== undefined && Date.now() < until && !ctx.signal.aborted) {
        await sleep(1000, ctx.signal);
        pid = runningHelmFor(spec.release, spec.namespace);
      }
      if (ctx.signal.aborted) throw new Interrupted();
    }
    // Without a helm of ours that just finished, the status read by this step's probe is still current.
    const status = waited || !probedStatus.has(ctx.step.id) ? await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks) : probedStatus.get(ctx.step.id);
    probedStatus.delete(ctx.step.id);
    if (!status?.status.startsWith('pending-')) return waited || status?.status === 'deployed';
    if (!startedBefore) {
      throw new StepFailure(
        `release ${spec.release} in ${spec.namespace} is stuck in ${status.status} (revision ${status.revision}), and this install directory did not start that operation`,
        [
          'make sure no one else is running helm on this release, then either:',
          `  roll back:  helm rollback ${spec.release} ${Math.max(1, status.revision - 1)} --namespace ${spec.namespace}`,
          `  or clear the stuck record:  kubectl -n ${spec.namespace} delete secret sh.helm.release.v1.${spec.release}.v${status.revision}`,
          'and run the installer again',
        ],
        [],
        true,
      );
    }
    ctx.emit({
      type: 'notice',
      at: now(),
      stepId: ctx.step.id,
      message: `release ${spec.release} was left in ${status.status} (revision ${status.revision}) by the interrupted run; clearing that revision's record so helm can run again (no workload is deleted)`,
    });
    await ctx.cluster.deleteReleaseRevision(spec.release, spec.namespace, status.revision, ctx.hooks);
    return false;
  };

  const run = async (action: Action, ctx: StepContext): Promise<Record<string, string>> => {
    const { spec } = action;
    refuseDowngrade(spec, probedStatus.has(ctx.step.id) ? probedStatus.get(ctx.step.id) : await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks));
    if (await recoverPending(spec, ctx)) {
      // An interrupted run's helm may have deployed exactly these values:
      // upgrading again would only add an identical revision (kill -9 and
      // resume must end as an uninterrupted run does).
      const verified = await probe(action, ctx);
      if (verified !== undefined) {
        ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `an earlier helm finished ${spec.release}: ${verified}` });
        const status = await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks);
        return { revision: String(status?.revision ?? ''), chartVersion: status?.chartVersion ?? '' };
      }
    }
    // The values file as helm must read it now (a workspace's enrollment completes it).
    await ctx.releaseValues(spec);
    const result = await helmWatched(spec, ctx);
    if (result.exitCode !== 0) {
      let diagnoses: Diagnosis[] = [];
      try {
        diagnoses = diagnose(await ctx.cluster.snapshot(spec.namespace, ctx.hooks), migrationJobsOf(spec));
      } catch {
        // Diagnosis is best effort once helm has already failed.
      }
      const command = failedCommand(result);
      if (spec.rollbackOnFailure) throw await rolledBack(spec, ctx, diagnoses, command);
      // A lost connection is worth saying plainly: a re-run recovers the release.
      const lost = transientFailureReason(result);
      const next = diagnoses[0]?.next ?? [
        ...(lost ? [`the API server did not answer reliably while helm ran (${lost}); check the connection and run the installer again: it picks ${spec.release} up where it stopped`] : []),
        `see the release: helm status ${spec.release} --namespace ${spec.namespace}`,
      ];
      throw new StepFailure(`helm upgrade --install ${spec.release} failed (exit ${result.exitCode ?? result.signal ?? '?'}):\n${command.outputTail}`, next, diagnoses, false, command);
    }
    // helm prints the revision it wrote; ask only when it did not.
    const printed = /^REVISION: (\d+)$/m.exec(result.stdout)?.[1];
    if (printed) return { revision: printed, chartVersion: spec.version };
    const status = await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks);
    return { revision: String(status?.revision ?? ''), chartVersion: status?.chartVersion ?? '' };
  };

  return { probe, run };
}

const migrationJobsOf = (spec: ReleaseSpec): Set<string> => new Set(spec.migrationJob ? [spec.migrationJob] : []);

/**
 * `helm upgrade --install` with the namespace watched while it runs: a failure
 * that waiting cannot mend (image pull, crash loop, failed migration) stops
 * helm early instead of after its timeout, unless helm's own rollback on
 * failure is about to handle it. Helm's result otherwise.
 */
export async function helmWatched(spec: ReleaseSpec, ctx: StepContext): Promise<ToolResult> {
  const helmAbort = new AbortController();
  // The migration job's log, shown as it runs. Its follows end with their containers, once helm has
  // returned, or at once when the run is cancelled; not when a fatal diagnosis stops helm (the failed
  // pod's last lines are still on their way).
  const logStop = new AbortController();
  const onRunAbort = (): void => {
    logStop.abort();
    helmAbort.abort();
  };
  ctx.signal.addEventListener('abort', onRunAbort, { once: true });
  // Stop early only on failures this helm run causes or meets again.
  const watch = { namespace: spec.namespace, deployments: spec.deployments, migrationJobs: migrationJobsOf(spec), seenWarnings: new Set<string>(), since: new Date() };
  let fatal: Diagnosis[] = [];
  let helmDone = false;
  // Stopped the moment helm returns, so the watch never delays the next step.
  const watchStop = new AbortController();
  helmAbort.signal.addEventListener('abort', () => watchStop.abort(), { once: true });
  const migrationLog = spec.migrationJob ? followMigrationLog(ctx, spec.namespace, spec.migrationJob, logStop.signal, watch.since) : undefined;
  const watcher = watchForFailure(ctx, watch, watchStop.signal, (found) => {
    // With rollback on failure, a failed migration hook fails helm at once and helm puts the previous revision back: let it.
    if (helmDone || (spec.rollbackOnFailure && found.every((d) => d.kind === 'migration-failed'))) return;
    fatal = found;
    helmAbort.abort();
  }, migrationLog?.look);
  let result;
  try {
    result = await ctx.cluster.helmUpgrade(spec, { ...ctx.hooks, signal: helmAbort.signal });
  } finally {
    helmDone = true;
    watchStop.abort();
    logStop.abort();
    ctx.signal.removeEventListener('abort', onRunAbort);
    try {
      await watcher;
    } finally {
      await migrationLog?.done();
    }
  }
  if (ctx.signal.aborted) throw new Interrupted();
  if (fatal.length > 0) {
    throw new StepFailure(`${spec.release}: ${fatal[0]?.summary ?? 'failed'} (stopped early instead of waiting for helm's ${spec.timeoutSeconds}s timeout)`, fatal[0]?.next ?? [], fatal);
  }
  return result;
}

/** An upgrade helm rolled back: what runs now, and what a chart rollback cannot undo. */
async function rolledBack(spec: ReleaseSpec, ctx: StepContext, diagnoses: Diagnosis[], command: ReturnType<typeof failedCommand>): Promise<StepFailure> {
  const status = await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks).catch(() => undefined);
  // The backup this upgrade waited for (a required stop has its own).
  const backupStep = ctx.step.needs.find((n) => n.startsWith('backup:'));
  const backup = backupStep ? ctx.outputsOf(backupStep)?.folder : undefined;
  const dumped = ctx.outputsOf(`dump:${spec.id}`)?.restore;
  const now = status ? `helm rolled ${spec.release} back: revision ${status.revision} (${status.status}, chart ${status.chartVersion ?? '?'}) runs with the values it had before` : `see what runs: helm status ${spec.release} --namespace ${spec.namespace}`;
  return new StepFailure(
    `the upgrade of ${spec.release} in ${spec.namespace} failed${diagnoses[0] ? `: ${diagnoses[0].summary}` : ''}; ${now}. Nothing after it was upgraded.`,
    [
      ...(diagnoses[0]?.next ?? []),
      ...(dumped
        ? [`a chart rollback does not undo a database migration: if the migration job changed the schema before it failed, empty the database (drop and create it: tables a partial migration added are not in the dump) and restore the dump taken before this upgrade (set DB_PASSWORD first): ${dumped}`]
        : ['a chart rollback does not undo a database migration: if the migration job changed the schema before it failed, restore the database from the backup you took before the upgrade (mysql … < <dump>.sql, or pg_restore -d <db> <dump>.dump)']),
      ...(backup ? [`what ran before the upgrade (values, manifests, kept secrets) is exported in ${backup}`] : []),
      'fix the cause, then run the same upgrade again: it goes on from this release',
    ],
    diagnoses,
    false,
    command,
  );
}

// `upgrade`: the answers name newer versions; the installer reads what runs,
// refuses what would break (a downgrade, a control plane older than a
// workspace it serves), carries forward what must never change (encryption
// keys, JWT secrets, enrollments) and what was set by hand, shows each
// release's change and values diff, asks for the database backups, exports
// what runs, then upgrades the control plane and one workspace at a time with
// helm's rollback on failure. Resumable like an install: same journal.
import { join, resolve } from 'node:path';
import { setMaxListeners } from 'node:events';
import { stringify } from 'yaml';
import { workspaceNamespace } from '../answers/derived.js';
import type { Answers } from '../answers/schema.js';
import { secretSlots } from '../answers/secrets.js';
import { now } from '../engine/events.js';
import { GeneratedSecretsStore } from '../engine/generated-secrets.js';
import { runFinishedEvent, runPlan } from '../engine/runner.js';
import { exitCodeFor } from '../engine/states.js';
import { ExitCode, UserError } from '../errors.js';
import { liveSecrets, mergeHandSet } from '../plan/carry-forward.js';
import { canonicalJson } from '../plan/install-plan.js';
import { checkUpgrade, type Running, type Target } from '../plan/upgrade-checks.js';
import { buildUpgradePlan, type UpgradeHop } from '../plan/upgrade-plan.js';
import { valuesDiff } from '../plan/values-diff.js';
import type { RenderedRelease } from '../render/render.js';
import { backupKind } from '../steps/backup.js';
import { enrollmentEntries, keptEnrollment } from '../steps/enroll-workspace.js';
import { installKinds } from '../steps/index.js';
import { shellLine } from '../tools/argv.js';
import type { HelmReleaseRecord } from '../tools/cluster.js';
import { loadAnswersFile } from './answers-file.js';
import { ANSWERS_COPY } from './answers-copy.js';
import { openRun, type RunOptions } from './open-run.js';
import type { Output } from './output.js';
import { runOutput } from './run-output.js';
import { confirm as ask, onInterrupt } from './prompt.js';

export interface UpgradeOptions extends RunOptions {
  readonly yes?: boolean;
  readonly output?: 'text' | 'json';
  /** The databases are backed up (required without a terminal). */
  readonly backupConfirmed?: boolean;
  /** Go on with version pairs the compatibility table cannot vouch for (required with --yes when there are some). */
  readonly acceptUnverifiedVersions?: boolean;
}

/** A release the answers describe, with the version they want. */
interface Component {
  /** The release spec's id: control-plane or workspace-<name>. */
  readonly id: string;
  /** As the upgrade checks name it: control-plane or workspace:<name>. */
  readonly checkId: string;
  readonly chart: 'zenml-pro' | 'zenml';
  readonly release: string;
  readonly namespace: string;
  readonly version: string;
  readonly workspace?: string;
  readonly database: { readonly type: string; readonly host: string; readonly port?: number | undefined; readonly name?: string | undefined; readonly username: string };
}

function componentsOf(a: Answers): Component[] {
  const out: Component[] = [];
  const cp = a.scenario === 'self-hosted' ? a.controlPlane : undefined;
  if (cp) out.push({ id: 'control-plane', checkId: 'control-plane', chart: 'zenml-pro', release: cp.releaseName, namespace: cp.namespace, version: cp.version, database: { ...cp.database, name: cp.database.name ?? 'zenml_pro' } });
  for (const w of a.workspaces) {
    out.push({ id: `workspace-${w.name}`, checkId: `workspace:${w.name}`, chart: 'zenml', release: w.releaseName, namespace: workspaceNamespace(w), version: w.version, workspace: w.name, database: w.database });
  }
  return out;
}

/** The dump command for one database: the password goes in the environment, never on the command line. */
function dumpCommand(c: Component): string {
  const d = c.database;
  const name = d.name ?? c.id;
  return d.type === 'postgres'
    ? `PGPASSWORD=… pg_dump -h ${d.host} -p ${d.port ?? 5432} -U ${d.username} -Fc ${name} > ${name}-before-upgrade.dump`
    : `MYSQL_PWD=… mysqldump --host ${d.host} --port ${d.port ?? 3306} --user ${d.username} --single-transaction ${name} > ${name}-before-upgrade.sql`;
}

/** Asks on a terminal; without one (or with --yes) the flag that stands for the answer is required. */
async function gate(o: { question: string; flag: boolean; flagName: string; yes: boolean; what: string; hints: readonly string[] }): Promise<void> {
  if (o.flag) return;
  if (o.yes || !process.stdin.isTTY) throw new UserError(`${o.what}; nothing was changed`, [...o.hints, `then pass ${o.flagName}`]);
  if (!(await ask(o.question))) throw new UserError(`${o.what}; nothing was changed`, o.hints, ExitCode.ok);
}

export function upgradeCommandFor(options: UpgradeOptions): string {
  return shellLine('zenml-pro-installer', [
    'upgrade', '--answers', options.answers, '--dir', options.dir,
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...(options.context ? ['--context', options.context] : []),
    ...(options.helm ? ['--helm', options.helm] : []), ...(options.kubectl ? ['--kubectl', options.kubectl] : []),
    '--yes', '--backup-confirmed', ...(options.acceptUnverifiedVersions ? ['--accept-unverified-versions'] : []),
  ]);
}

export async function upgradeCommand(options: UpgradeOptions, out: Output): Promise<number> {
  const loaded = loadAnswersFile(options.answers);
  const components = componentsOf(loaded.answers);
  const live = new Map<string, HelmReleaseRecord>();
  const kept = new Map<string, readonly string[]>();
  let rollbackFlag: '--atomic' | '--rollback-on-failure' = '--rollback-on-failure';
  const generatedSlots = new Set(secretSlots(loaded.answers).filter((s) => s.generate && typeof s.ref === 'object' && 'generate' in s.ref).map((s) => s.key));

  const run = await openRun(options, out, {
    command: 'upgrade',
    loaded,
    // What runs is read first: its secrets are kept (never generated anew) and the render keeps its hand-set values.
    beforePrepare: async (cluster) => {
      const [major, records] = await Promise.all([cluster.helmMajor({}), Promise.all(components.map((c) => cluster.helmRecord(c.release, c.namespace, {})))]);
      rollbackFlag = major >= 4 ? '--rollback-on-failure' : '--atomic';
      components.forEach((c, i) => {
        const record = records[i];
        if (record) live.set(c.id, record);
      });
      const store = GeneratedSecretsStore.open(resolve(options.dir));
      for (const c of components) {
        const record = live.get(c.id);
        if (!record) continue;
        const found = liveSecrets(c.workspace ? { workspace: c.workspace } : 'control-plane', record.values);
        for (const [slot, value] of found) if (generatedSlots.has(slot) && store.get(slot) === undefined) store.remember(slot, value);
        // An enrollment the running release holds is this workspace's: kept, so it is never enrolled again.
        const prefix = `workspaces.${c.workspace ?? ''}.enrollment.`;
        const key = found.get(`${prefix}enrollmentKey`);
        const workspaceId = found.get(`${prefix}workspaceId`);
        const organizationId = found.get(`${prefix}organizationId`);
        if (c.workspace && key && workspaceId && organizationId && !keptEnrollment(store, c.workspace)) {
          for (const [slot, value] of Object.entries(enrollmentEntries(c.workspace, { enrollmentKey: key, workspaceId, organizationId, workspaceName: c.workspace, organizationName: found.get(`${prefix}organizationName`) }))) store.record(slot, value);
        }
      }
      await store.save();
    },
    adjustReleases: (releases: RenderedRelease[]) =>
      releases.map((r) => {
        const record = live.get(r.id);
        if (!record) return r;
        const merged = mergeHandSet(record.values, r.values);
        kept.set(r.id, merged.kept);
        if (merged.kept.length === 0) return r;
        const header = `# Rendered by zenml-pro-installer, with values set by hand on the running release kept: ${merged.kept.join(', ')}\n`;
        return { ...r, values: merged.values, text: `${header}${stringify(merged.values)}` };
      }),
  });
  try {
    const { dir, redactor, target, identity } = run;
    const show = (line: string): void => {
      if (options.output === 'json') process.stderr.write(`${line}\n`);
      else out.info(line);
    };

    // What must never change: a secret given in the answers that differs from the one the release runs with.
    const never = new Set(['encryptionKey', 'jwtSecretKey']);
    const changed: string[] = [];
    for (const c of components) {
      const record = live.get(c.id);
      if (!record || !c.workspace) continue;
      for (const [slot, value] of liveSecrets({ workspace: c.workspace }, record.values)) {
        const mine = run.prepared.secrets.get(slot);
        if (never.has(slot.split('.').at(-1) ?? '') && mine !== undefined && mine !== value) changed.push(slot);
      }
    }
    // A running workspace whose values hold no encryption key: one generated now would lock its stored secrets away.
    const keyless = components.filter((c) => c.workspace && live.has(c.id) && !liveSecrets({ workspace: c.workspace }, live.get(c.id)?.values ?? {}).has(`workspaces.${c.workspace}.encryptionKey`) && generatedSlots.has(`workspaces.${c.workspace}.encryptionKey`));
    if (keyless.length > 0) {
      throw new UserError(`${keyless.map((c) => `${c.namespace}/${c.release}`).join(', ')} run without a secrets-store encryption key in their values; the installer will not invent one, because secrets stored without it (or with a key the chart generated) would become unreadable`, [
        'find the key the server uses (its Secret in that namespace), and give it as workspaces[].encryptionKey: { fromFile: … } in the answers',
      ]);
    }
    if (changed.length > 0) {
      throw new UserError(`the answers give ${changed.join(', ')} a value other than the running release's: the encryption key must never change (every stored secret would become unreadable) and a new JWT secret logs everyone out`, [
        'remove them from the answers (the running values are kept), or give exactly the values the release runs with',
      ]);
    }

    const running: Running[] = components.flatMap((c) => {
      const version = live.get(c.id)?.chartVersion;
      return version ? [{ component: c.checkId, chart: c.chart, version }] : [];
    });
    const targets: Target[] = components.map((c) => ({ component: c.checkId, chart: c.chart, version: c.version }));
    const check = checkUpgrade(running, targets);
    if (check.problems.length > 0) {
      throw new UserError(`the upgrade cannot go ahead:\n${check.problems.map((p) => `  ${p.message}`).join('\n')}`, check.problems.map((p) => p.fix));
    }
    if (check.hops.some((h) => h.stop)) {
      const stops = check.hops.filter((h) => h.stop).map((h) => `${h.component} to ${h.to} (${h.stop?.why ?? ''})`);
      throw new UserError(`the upgrade must stop on the way: ${stops.join('; ')}`, ['set those versions in the answers and run upgrade, then the final versions and run upgrade again']);
    }
    const byCheckId = new Map(components.map((c) => [c.checkId, c]));
    const hops: UpgradeHop[] = check.hops.map((h) => ({ releaseId: byCheckId.get(h.component)?.id ?? h.component, from: h.from, to: h.to }));
    // A release that keeps its version but whose values change (an OSS workspace becoming a Pro one, a changed setting) is backed up, shown and rolled back on failure all the same.
    for (const c of components) {
      const record = live.get(c.id);
      const release = run.prepared.releases.find((r) => r.id === c.id);
      if (!record?.chartVersion || !release || hops.some((h) => h.releaseId === c.id)) continue;
      if (canonicalJson(record.values) !== canonicalJson(release.values)) hops.push({ releaseId: c.id, from: record.chartVersion, to: c.version });
    }

    // Shown before anything changes: per release, the versions, the values diff (secrets masked) and what runs.
    show(`Upgrade in context ${target.context} at ${identity.server}:`);
    if (hops.length === 0) show('  every release already runs the version the answers name');
    for (const hop of hops) {
      const c = components.find((x) => x.id === hop.releaseId);
      const release = run.prepared.releases.find((r) => r.id === hop.releaseId);
      const record = live.get(hop.releaseId);
      if (!c || !release || !record) continue;
      show(`  ${c.namespace}/${c.release}: ${hop.from} → ${hop.to} (revision ${record.revision}; the chart's database migration job runs first)`);
      const keptKeys = kept.get(hop.releaseId) ?? [];
      if (keptKeys.length > 0) show(`    kept, set by hand on the running release: ${keptKeys.join(', ')}`);
      for (const line of valuesDiff(record.values, release.values, (t) => redactor.scrub(t))) show(`    ${line}`);
    }
    for (const pair of check.unverified) show(`  warning: the installer cannot verify control plane ${pair.controlPlane} with workspace ${pair.workspace} (${pair.component}); check the release notes`);

    if (check.unverified.length > 0) {
      await gate({
        question: 'Go on with versions the installer cannot verify? [y/N] ', flag: options.acceptUnverifiedVersions === true, flagName: '--accept-unverified-versions', yes: options.yes === true,
        what: 'some version pairs cannot be verified by the compatibility table', hints: ['read the release notes of both versions'],
      });
    }
    const migrating = components.filter((c) => hops.some((h) => h.releaseId === c.id));
    if (migrating.length > 0) {
      await gate({
        question: 'Are these databases backed up? [y/N] ', flag: options.backupConfirmed === true, flagName: '--backup-confirmed', yes: options.yes === true,
        what: `each upgrade migrates its database, and a chart rollback does not undo a migration: back up ${migrating.map((c) => c.database.name ?? c.id).join(', ')} first`,
        hints: migrating.map(dumpCommand),
      });
    }
    if (!options.yes && hops.length > 0) {
      if (!process.stdin.isTTY) throw new UserError('refusing to upgrade without confirmation', ['review the changes above, then pass --yes']);
      if (!(await ask('Upgrade now? [y/N] '))) {
        out.info('nothing was changed');
        return ExitCode.ok;
      }
    }

    const plan = buildUpgradePlan({ install: run.plan, hops, rollbackFlag });
    const journal = await run.openJournal();
    const output = runOutput({ json: options.output === 'json', redactor, log: run.log });
    const abort = new AbortController();
    setMaxListeners(100, abort.signal);
    const stopListening = onInterrupt(abort, (message) => output.emit({ type: 'notice', at: now(), message }));
    const viewDrawn = await output.startView();
    output.emit({ type: 'run-started', at: now(), context: target.context, server: identity.server, namespaces: plan.namespaces, steps: plan.steps.length, resumed: run.existing !== undefined });
    const result = await runPlan({
      plan,
      kinds: { ...installKinds({ loaded, plan, dir, answersCopy: join(dir, ANSWERS_COPY) }), backup: backupKind(dir) },
      context: run.stepContext({ failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 250, readyTimeoutMs: 120_000, health: run.health }),
      journal,
      emit: output.emit,
      signal: abort.signal,
      // One release at a time: an upgrade's order is part of its safety.
      parallel: 1,
    });
    stopListening();
    output.emit(runFinishedEvent(result, { resumeCommand: upgradeCommandFor(options), command: 'upgrade' }));
    await viewDrawn();
    return exitCodeFor(result.outcome);
  } finally {
    run.close();
  }
}

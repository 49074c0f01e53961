// `upgrade`: the answers name newer versions; the installer reads what runs,
// refuses what would break (a downgrade, a control plane older than a
// workspace it serves), carries forward what must never change (encryption
// keys, JWT secrets, enrollments) and what was set by hand, shows each
// release's change and values diff, asks for the database backups, exports
// what runs, then upgrades the control plane and one workspace at a time with
// helm's rollback on failure. Resumable like an install: same journal.
import { basename, join, resolve } from 'node:path';
import { setMaxListeners } from 'node:events';
import { stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { enrollmentMode } from '../answers/derived.js';
import { BUILT_IN_UPGRADE_DATA, parseUpgradeData, type UpgradeData } from '../answers/upgrade-data.js';
import { formatProblems } from '../answers/load.js';
import { secretSlots } from '../answers/secrets.js';
import { now } from '../engine/events.js';
import { GeneratedSecretsStore } from '../engine/generated-secrets.js';
import { runFinishedEvent, runPlan } from '../engine/runner.js';
import { exitCodeFor } from '../engine/states.js';
import { ExitCode, UserError } from '../errors.js';
import { liveSecrets, mergeHandSet, secretRefusals, urlPasswords } from '../plan/carry-forward.js';
import { canonicalJson } from '../plan/install-plan.js';
import { checkUpgrade, type Running, type Target } from '../plan/upgrade-checks.js';
import { componentsOf } from '../plan/upgrade-components.js';
import { buildUpgradePlan, type UpgradeHop } from '../plan/upgrade-plan.js';
import { buildPreview, previewLines, type UpgradePreview } from '../plan/upgrade-preview.js';
import type { RenderedRelease } from '../render/render.js';
import { backupKind } from '../steps/backup.js';
import { dumpDatabaseKind } from '../steps/dump-database.js';
import { outsideControlPlaneKinds } from '../steps/rehearsal.js';
import { findDumpTool } from '../tools/db-dump.js';
import { enrollmentEntries, keptEnrollment } from '../steps/enroll-workspace.js';
import { installKinds } from '../steps/index.js';
import { shellLine } from '../tools/argv.js';
import type { HelmReleaseRecord } from '../tools/cluster.js';
import { checkAnswersText, loadAnswersFile, loadedFromAnswers, type LoadedAnswers } from './answers-file.js';
import { retarget } from './upgrade-targets.js';
import { ANSWERS_COPY } from './answers-copy.js';
import { openRun, type RunOptions } from './open-run.js';
import type { Output } from './output.js';
import { runOutput } from './run-output.js';
import { planStops } from './upgrade-stops.js';
import { confirm as ask, onInterrupt } from './prompt.js';

export interface UpgradeOptions extends RunOptions {
  readonly yes?: boolean;
  readonly output?: 'text' | 'json';
  /** The databases are backed up (required without a terminal). */
  readonly backupConfirmed?: boolean;
  /** Go on with version pairs the compatibility table cannot vouch for (required with --yes when there are some). */
  readonly acceptUnverifiedVersions?: boolean;
  /** Dump each database the upgrade migrates from this machine first (stands for --backup-confirmed). */
  readonly dumpDatabases?: boolean;
  /** Rehearse the upgrade on the in-process simulation first (what runs today copied into it); the real one is offered only if it passes. */
  readonly rehearse?: boolean;
  /** This run is a rehearsal's, against the simulation: a control plane outside it is not called. */
  readonly rehearsal?: boolean;
  /** A file of compatibility pairs and required stops newer than the installer's own. */
  readonly upgradeData?: string;
  /** Targets outside the answers (see upgrade-targets.ts). */
  readonly controlPlaneVersion?: string;
  readonly workspaceVersion?: string;
  readonly bundle?: string;
}

/** The flags that choose targets, as given (for the resume line and the rehearsal). */
function targetArgs(o: UpgradeOptions): string[] {
  return [
    ...(o.controlPlaneVersion ? ['--control-plane-version', o.controlPlaneVersion] : []),
    ...(o.workspaceVersion ? ['--workspace-version', o.workspaceVersion] : []),
    ...(o.bundle ? ['--bundle', resolve(o.bundle)] : []),
    ...(o.upgradeData ? ['--upgrade-data', resolve(o.upgradeData)] : []),
  ];
}

/** The answers, with the targets the flags or a bundle give written into a copy of their text. */
function loadWithTargets(options: UpgradeOptions, say: (line: string) => void): { loaded: LoadedAnswers; dataFiles: string[] } {
  const loaded = loadAnswersFile(options.answers);
  const own = options.upgradeData ? [options.upgradeData] : [];
  if (!options.controlPlaneVersion && !options.workspaceVersion && !options.bundle) return { loaded, dataFiles: own };
  const r = retarget(loaded.text, loaded.answers, loaded.resolvePath, options);
  const checked = checkAnswersText(r.text, loaded.file);
  if (!checked.ok) throw new UserError(`the answers with those targets have problems:\n${formatProblems(checked.problems)}`, ['nothing was changed']);
  for (const note of r.notes) say(`target: ${note}`);
  say(`(${options.answers} is not changed; once the upgrade starts, the install directory's ${ANSWERS_COPY} holds these targets: run later commands with --answers <dir>/${ANSWERS_COPY}, or set the same versions in your file)`);
  return { loaded: loadedFromAnswers(checked.answers, loaded.file, r.text), dataFiles: [...(r.upgradeData ? [r.upgradeData] : []), ...own] };
}

/** The built-in release data, with each file over it in turn (a bundle's, then the operator's). */
export function loadUpgradeData(files: readonly string[]): UpgradeData {
  return files.reduce((base, file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserError(`cannot read the release data ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ['give the path of a YAML file with `compatibility:` and `stops:` lists (see examples/sim-upgrade-data.yaml)']);
    }
    const parsed = parseUpgradeData(text, file, base);
    if (!parsed.ok) throw new UserError(`the release data ${file} has problems:\n${formatProblems(parsed.problems)}`, ['fix the file and run the same command again; nothing was changed']);
    return parsed.data;
  }, BUILT_IN_UPGRADE_DATA);
}

/** Asks on a terminal; without one (or with --yes) the flag that stands for the answer is required. */
async function gate(o: { question: string; flag: boolean; flagName: string; yes: boolean; what: string; hints: readonly string[] }): Promise<void> {
  if (o.flag) return;
  if (o.yes || !process.stdin.isTTY) throw new UserError(`${o.what}; nothing was changed`, [...o.hints, `then pass ${o.flagName}${o.flagName === '--backup-confirmed' ? ' (or --dump-databases, or say where the backups are in the answers: upgrades.databaseBackups)' : ''}`]);
  if (!(await ask(o.question))) throw new UserError(`${o.what}; nothing was changed`, o.hints, ExitCode.ok);
}

/** Without the walkthrough: each question a y/N prompt, or the flag that answers it. */
async function textGates(preview: UpgradePreview, options: UpgradeOptions): Promise<void> {
  const yes = options.yes === true;
  if (preview.unverified.length > 0) {
    await gate({
      question: 'Go on with versions the installer cannot verify? [y/N] ', flag: options.acceptUnverifiedVersions === true, flagName: '--accept-unverified-versions', yes,
      what: 'some version pairs cannot be verified by the compatibility table', hints: ['read the release notes of both versions'],
    });
  }
  if (preview.databases.length > 0) {
    await gate({
      question: 'Are these databases backed up? [y/N] ', flag: options.backupConfirmed === true, flagName: '--backup-confirmed', yes,
      what: `each upgrade migrates its database, and a chart rollback does not undo a migration: back up ${preview.databases.map((d) => d.name).join(', ')} first`,
      hints: preview.databases.map((d) => d.command),
    });
  }
  if (!yes && preview.changes.length > 0) {
    if (!process.stdin.isTTY) throw new UserError('refusing to upgrade without confirmation', ['review the changes above, then pass --yes']);
    if (!(await ask('Upgrade now? [y/N] '))) throw new UserError('the upgrade was not confirmed; nothing was changed', [], ExitCode.ok);
  }
}

export function upgradeCommandFor(options: UpgradeOptions): string {
  return shellLine('zenml-pro-installer', [
    'upgrade', '--answers', options.answers, '--dir', options.dir,
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...(options.context ? ['--context', options.context] : []),
    ...(options.helm ? ['--helm', options.helm] : []), ...(options.kubectl ? ['--kubectl', options.kubectl] : []),
    '--yes', ...(options.dumpDatabases ? ['--dump-databases'] : ['--backup-confirmed']), ...(options.acceptUnverifiedVersions ? ['--accept-unverified-versions'] : []), ...targetArgs(options),
  ]);
}

export async function upgradeCommand(options: UpgradeOptions, out: Output): Promise<number> {
  // With --output json, stdout carries only the NDJSON events: what is said goes to stderr.
  const show = (line: string): void => {
    if (options.output === 'json') process.stderr.write(`${line}\n`);
    else out.info(line);
  };
  const { loaded, dataFiles } = loadWithTargets(options, show);
  const data = loadUpgradeData(dataFiles);
  const components = componentsOf(loaded.answers);
  const live = new Map<string, HelmReleaseRecord>();
  const kept = new Map<string, readonly string[]>();
  let rollbackFlag: '--atomic' | '--rollback-on-failure' = '--rollback-on-failure';
  const generatedSlots = new Set(secretSlots(loaded.answers).filter((s) => s.generate && typeof s.ref === 'object' && 'generate' in s.ref).map((s) => s.key));

  // Values set by hand on a running release that the answers do not model are kept, for the target and each stop alike.
  const keepHandSet = (releases: RenderedRelease[]): RenderedRelease[] =>
    releases.map((r) => {
      const record = live.get(r.id);
      if (!record) return r;
      const merged = mergeHandSet(record.values, r.values);
      kept.set(r.id, merged.kept);
      if (merged.kept.length === 0) return r;
      const header = `# Rendered by zenml-pro-installer, with values set by hand on the running release kept: ${merged.kept.join(', ')}\n`;
      return { ...r, values: merged.values, text: `${header}${stringify(merged.values)}` };
    });

  const run = await openRun(options, out, {
    command: 'upgrade',
    loaded,
    // What runs is read first: its secrets are kept (never generated anew) and the render keeps its hand-set values.
    beforePrepare: async (cluster) => {
      const [major, records] = await Promise.all([cluster.helmMajor({}), Promise.all(components.map((c) => cluster.helmRecord(c.release, c.namespace, {}, 'running')))]);
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
    adjustReleases: keepHandSet,
    answersCopyLater: true,
  });
  try {
    const { dir, redactor, target, identity } = run;
    // What the running releases hold is masked too, though the answers may no longer give it (a password rotated since).
    for (const c of components) {
      const values = live.get(c.id)?.values;
      if (!values) continue;
      for (const [slot, value] of liveSecrets(c.workspace ? { workspace: c.workspace } : 'control-plane', values)) if (!slot.includes('enrollment.') || slot.endsWith('enrollmentKey')) redactor.add(value, slot);
      for (const password of urlPasswords(values)) redactor.add(password, `${c.id} database password`);
    }

    const refusals = secretRefusals(
      components.flatMap((c) => {
        const record = live.get(c.id);
        return c.workspace && record ? [{ workspace: c.workspace, name: `${c.namespace}/${c.release}`, values: record.values }] : [];
      }),
      run.prepared.secrets,
      generatedSlots,
    );
    if (refusals.keyless.length > 0) {
      throw new UserError(`${refusals.keyless.join(', ')} run without a secrets-store encryption key in their values; the installer will not invent one, because secrets stored without it (or with a key the chart generated) would become unreadable`, [
        'find the key the server uses (its Secret in that namespace), and give it as workspaces[].encryptionKey: { fromFile: … } in the answers',
      ]);
    }
    if (refusals.changed.length > 0) {
      throw new UserError(`the answers give ${refusals.changed.join(', ')} a value other than the running release's: the encryption key must never change (every stored secret would become unreadable) and a new JWT secret logs everyone out`, [
        'remove them from the answers (the running values are kept), or give exactly the values the release runs with',
      ]);
    }

    const running: Running[] = components.flatMap((c) => {
      const version = live.get(c.id)?.chartVersion;
      return version ? [{ component: c.checkId, chart: c.chart, version }] : [];
    });
    const targets: Target[] = components.map((c) => ({ component: c.checkId, chart: c.chart, version: c.version }));
    const check = checkUpgrade(running, targets, { table: data.compatibility, stops: data.stops });
    if (check.problems.length > 0) {
      const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
      throw new UserError(`the upgrade cannot go ahead; nothing was changed:\n${unique(check.problems.map((p) => `  ${p.message}`)).join('\n')}`, unique(check.problems.map((p) => p.fix)));
    }
    // A stop's values are complete when planned: a workspace still to be enrolled (its key comes at run time) cannot stop on the way.
    const unenrolled = [...new Set(check.hops.filter((h) => h.stop && h.component.startsWith('workspace:')).map((h) => h.component.slice('workspace:'.length)))].filter((w) => {
      const ws = loaded.answers.workspaces.find((x) => x.name === w);
      return ws !== undefined && enrollmentMode(loaded.answers, ws) === 'automatic' && !keptEnrollment(run.prepared.generated, w);
    });
    if (unenrolled.length > 0) {
      throw new UserError(`workspace ${unenrolled.join(', ')} is not enrolled yet, and its path has a required stop whose values need the enrollment; nothing was changed`, [
        'enroll it first at the version it runs (install with the answers it was installed from), then run this upgrade',
      ]);
    }
    // Each required stop is a full upgrade of its own, planned from the answers at the stop's version.
    const stops = await planStops(check.hops.filter((h) => h.stop), { loaded, dir, target, helm: run.tools.helm, adjust: keepHandSet });
    const byCheckId = new Map(components.map((c) => [c.checkId, c]));
    const hops: UpgradeHop[] = check.hops.map((h) => {
      const via = h.stop ? stops.get(`${h.component}@${h.to}`) : undefined;
      return { releaseId: byCheckId.get(h.component)?.id ?? h.component, from: h.from, to: h.to, ...(via ? { via } : {}) };
    });
    // A release that keeps its version but whose values change (an OSS workspace becoming a Pro one, a changed setting) is backed up, shown and rolled back on failure all the same.
    for (const c of components) {
      const record = live.get(c.id);
      const release = run.prepared.releases.find((r) => r.id === c.id);
      if (!record?.chartVersion || !release || hops.some((h) => h.releaseId === c.id)) continue;
      if (canonicalJson(record.values) !== canonicalJson(release.values)) hops.push({ releaseId: c.id, from: record.chartVersion, to: c.version });
    }
    const migrating = components.filter((c) => hops.some((h) => h.releaseId === c.id));

    // Shown before anything changes: per release, the path, the values diff (secrets masked) and what runs.
    const preview = buildPreview({
      context: target.context, server: identity.server, components, live, hops: check.hops, kept, unverified: check.unverified,
      next: new Map(run.prepared.releases.map((r) => [r.id, r.values])),
      changing: new Set(hops.map((h) => h.releaseId)),
      backupFolder: join(dir, 'backups'),
      scrub: (t) => redactor.scrub(t),
    });
    if (options.rehearse && hops.length > 0) {
      const answers = loaded.answers;
      // Loaded only here: the simulation is a large part of the bundle.
      const { rehearseUpgrade } = await import('./rehearse-upgrade.js');
      const rehearsal = await rehearseUpgrade({
        releases: components.flatMap((c) => {
          const record = live.get(c.id);
          return record ? [{ release: c.release, namespace: c.namespace, record }] : [];
        }),
        hostnames: [...(answers.controlPlane ? [answers.controlPlane.hostname] : []), ...answers.workspaces.map((w) => w.hostname)],
        answers: resolve(options.answers), targetArgs: targetArgs(options), dir, helm: run.tools.helm, kubectl: run.tools.kubectl, redactor, say: show,
      });
      if (rehearsal.outcome !== 'done' && rehearsal.outcome !== 'up-to-date') {
        const f = rehearsal.failure;
        throw new UserError(`the rehearsal on the simulated cluster failed${f ? ` at "${f.title}": ${f.message}${f.output ? `\n${f.output}` : ''}` : ''}\nnothing was changed on ${target.context}`, [
          `the rehearsal's report: ${rehearsal.report}`,
          'fix the cause (in the answers, or a value set by hand on the release), then run the upgrade with --rehearse again',
        ], ExitCode.blockedByCheck);
      }
      show(`Rehearsal passed on the simulated cluster (report: ${rehearsal.report}); it cannot tell whether the migrations succeed on your data. Now the real upgrade:`);
    }

    // The dump tools on this machine, for the databases the upgrade migrates.
    const dumpTools = new Map(migrating.map((c) => [c.id, findDumpTool(c.database.type)]));
    const missingTools = migrating.filter((c) => dumpTools.get(c.id) === undefined);
    if (options.dumpDatabases && missingTools.length > 0) {
      throw new UserError(`--dump-databases: no dump tool on PATH for ${missingTools.map((c) => `${c.database.name} (${c.database.type})`).join(', ')}; nothing was changed`, [
        'install mariadb-client (mariadb-dump) or mysql-client (mysqldump) for MySQL, postgresql-client (pg_dump) for PostgreSQL',
        'or back the databases up another way and pass --backup-confirmed instead',
      ]);
    }
    let dump = options.dumpDatabases === true;
    // The answers may say where the backups are: that stands for --backup-confirmed, and is shown.
    const saidInAnswers = loaded.answers.upgrades?.databaseBackups;
    if (saidInAnswers && migrating.length > 0 && !dump) show(`Database backups, as the answers say (upgrades.databaseBackups): ${saidInAnswers}`);
    const decided = options.backupConfirmed === true || dump || saidInAnswers !== undefined;
    const interactive = hops.length > 0 && !options.yes && options.output !== 'json' && process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (interactive) {
      // On a terminal the walkthrough shows the same preview screen by screen and asks what the flags would have said.
      const { runUpgradeWalkthrough } = await import('../ui/upgrade/run-walkthrough.js');
      const tools = [...new Set([...dumpTools.values()].map((t) => (t ? basename(t) : t)))];
      const decision = await runUpgradeWalkthrough({
        preview: { ...preview, unverified: options.acceptUnverifiedVersions ? [] : preview.unverified, databases: decided ? [] : preview.databases },
        dumpTool: missingTools.length === 0 && tools.length > 0 ? tools.join(' and ') : undefined,
      });
      if (decision.action !== 'upgrade') return ExitCode.ok;
      dump ||= decision.dump;
    } else {
      for (const line of previewLines(preview)) show(line);
      await textGates(preview, { ...options, backupConfirmed: decided });
    }
    const dumps = new Map(dump ? migrating.map((c) => [c.id, { database: c.database, tool: dumpTools.get(c.id) ?? '' }]) : []);

    const plan = buildUpgradePlan({ install: run.plan, hops, rollbackFlag, dumps });
    await run.saveAnswersCopy();
    const journal = await run.openJournal();
    const output = runOutput({ json: options.output === 'json', redactor, log: run.log });
    const abort = new AbortController();
    setMaxListeners(100, abort.signal);
    const stopListening = onInterrupt(abort, (message) => output.emit({ type: 'notice', at: now(), message }));
    const viewDrawn = await output.startView();
    // Resumed when this upgrade's own steps were left unfinished; an install's finished journal is no resumption.
    const resumed = plan.steps.some((s) => {
      const state = run.existing?.steps[s.id]?.state;
      return state !== undefined && state !== 'done';
    });
    output.emit({ type: 'run-started', at: now(), context: target.context, server: identity.server, namespaces: plan.namespaces, steps: plan.steps.length, resumed, command: 'upgrade' });
    const result = await runPlan({
      plan,
      kinds: {
        ...installKinds({ loaded, plan, dir, answersCopy: join(dir, ANSWERS_COPY) }),
        backup: backupKind(dir),
        'dump-database': dumpDatabaseKind(dir),
        ...(options.rehearsal && !loaded.answers.controlPlane ? outsideControlPlaneKinds : {}),
      },
      context: run.stepContext({ failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 250, readyTimeoutMs: 120_000, health: run.health }),
      journal,
      emit: output.emit,
      signal: abort.signal,
      // One release at a time: an upgrade's order is part of its safety.
      parallel: 1,
    });
    stopListening();
    // The resume line says what was chosen in the walkthrough too: a dump asked for there, versions accepted there.
    const resume = upgradeCommandFor({ ...options, dumpDatabases: dump, acceptUnverifiedVersions: options.acceptUnverifiedVersions === true || (interactive && check.unverified.length > 0) });
    output.emit(runFinishedEvent(result, { resumeCommand: resume, command: 'upgrade' }));
    await viewDrawn();
    return exitCodeFor(result.outcome);
  } finally {
    run.close();
  }
}

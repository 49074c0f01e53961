// `uninstall`: removes what an install made, and only that. It reads the
// cluster first and lists exactly what goes (the answers' releases, the
// objects the installer applied, the namespaces it created) and what stays
// (databases, the install directory and its generated secrets, namespaces it
// did not create and everything else in them); then, once confirmed, removes
// them in order through the run engine, journalled in <dir>/uninstall/ so an
// interrupted uninstall resumes.
//
// Not openRun: that renders the values and writes them, and resolves every
// secret, none of which an uninstall needs; so this opens its own run.
import { setMaxListeners } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DebugLog } from '../engine/debug-log.js';
import { now } from '../engine/events.js';
import { GENERATED_SECRETS_FILE } from '../engine/generated-secrets.js';
import { JournalStore } from '../engine/journal.js';
import { acquireLock, LockHeldError, type HeldLock } from '../engine/lock.js';
import { runPlan, type RunResult } from '../engine/runner.js';
import { exitCodeFor } from '../engine/states.js';
import { ExitCode, UserError } from '../errors.js';
import { canonicalJson, sha256 } from '../plan/install-plan.js';
import type { Plan, Target } from '../plan/steps.js';
import { buildUninstallPlan, namespaceRecords, uninstallCandidates, type UninstallPlan } from '../plan/uninstall-plan.js';
import { uninstallKinds } from '../steps/uninstall-kinds.js';
import { shellLine } from '../tools/argv.js';
import { toolsFrom } from './open-run.js';
import type { InstallDirOptions } from './answers-copy.js';
import { journalOf } from './install-journal.js';
import type { Output } from './output.js';
import { resolveTarget } from './target.js';
import { checkJournal, openCluster, readCluster, type OpenedCluster } from './uninstall-cluster.js';
import { listJson, listText, removalOf, summaryJson, summaryText, uninstallEvents } from './uninstall-output.js';
import { openUninstallSource } from './uninstall-source.js';
import { confirm, onInterrupt } from './prompt.js';

export interface UninstallOptions extends InstallDirOptions {
  readonly output?: 'text' | 'json';
  readonly deleteInstallDir?: boolean;
}

/** The uninstall's own journal: beside the install's, which it leaves as the record of what was installed. */
const UNINSTALL_SUBDIR = 'uninstall';
/** How long a deleted namespace is watched before the run says it is still terminating and goes on. */
const NAMESPACE_GONE_MS = 120_000;

/** The command that continues this uninstall: copy-pasteable, with the tools and target this run used. */
export function resumeCommandFor(o: UninstallOptions): string {
  return shellLine('zenml-pro-installer', [
    'uninstall', '--dir', o.dir, ...(o.answers ? ['--answers', o.answers] : []),
    ...(o.kubeconfig ? ['--kubeconfig', o.kubeconfig] : []), ...(o.context ? ['--context', o.context] : []),
    ...(o.helm ? ['--helm', o.helm] : []), ...(o.kubectl ? ['--kubectl', o.kubectl] : []),
    ...(o.deleteInstallDir ? ['--delete-install-dir'] : []), '--yes',
  ]);
}

function lockDir(dir: string): HeldLock {
  try {
    return acquireLock(dir, { command: 'uninstall' });
  } catch (error) {
    if (error instanceof LockHeldError) throw new UserError(error.message, ['wait for that run to finish; nothing was changed'], ExitCode.blockedByCheck);
    throw error;
  }
}

/** The uninstall's steps as a plan the engine runs. */
function enginePlan(plan: UninstallPlan, target: Target): Plan {
  return { scenario: 'uninstall', target, namespaces: [...new Set(plan.steps.map((s) => s.action.namespace))], steps: plan.steps };
}

export async function uninstallCommand(options: UninstallOptions, out: Output): Promise<number> {
  const dir = resolve(options.dir);
  const source = await openUninstallSource(options);
  // Only a directory an install ran in: a folder that merely holds an answers.yaml may hold anything else too.
  if (options.deleteInstallDir && !source.journal) {
    throw new UserError(`--delete-install-dir: ${dir} is not an install directory (no install journal in it), so it is not removed`, [
      'pass the --dir the install used, or leave --delete-install-dir out',
    ]);
  }
  const answers = source.loaded.answers;
  // Flags first; then the context the install recorded (where it installed), then the answers'.
  const target = resolveTarget(source.loaded, { kubeconfig: options.kubeconfig, context: options.context ?? source.journal?.cluster.context });
  const lock = lockDir(dir);
  let opened: OpenedCluster | undefined;
  let log: DebugLog | undefined;
  try {
    if (lock.takenOver) out.warn(`took over a stale lock: ${lock.takenOver.reason}`);
    opened = await openCluster(target, toolsFrom(options), source.redactor);
    const { cluster, identity, clusterId } = opened;
    const uninstallDir = join(dir, UNINSTALL_SUBDIR);
    const earlier = await journalOf(uninstallDir);
    checkJournal(source.journal, clusterId, dir);
    checkJournal(earlier, clusterId, uninstallDir);

    const candidates = uninstallCandidates(answers);
    const found = await readCluster(cluster, candidates);
    const generated = join(dir, GENERATED_SECRETS_FILE);
    const plan = buildUninstallPlan({
      answers, target, found, installDir: dir, deleteInstallDir: options.deleteInstallDir === true,
      created: source.journal ? namespaceRecords(source.journal.steps) : undefined,
      generatedSecrets: existsSync(generated) ? generated : undefined,
    });
    const json = options.output === 'json';
    const show = (line: string): void => out.info(source.redactor.scrub(line));
    const listed = { context: target.context, server: identity.server, installDir: dir };
    if (json) show(JSON.stringify(listJson(plan, listed)));
    else for (const line of listText(plan, listed)) show(line);
    if (plan.steps.length === 0 && !options.deleteInstallDir) return ExitCode.ok;

    if (!options.yes) {
      if (!process.stdin.isTTY) {
        throw new UserError('refusing to uninstall without confirmation; nothing was changed', ['review the list above, then pass --yes to confirm non-interactively']);
      }
      if (!(await confirm('Remove everything listed under "To remove"? [y/N] '))) {
        out.info('nothing was changed');
        return ExitCode.ok;
      }
    }

    const journal = await JournalStore.continue(uninstallDir, earlier, { answersDigest: sha256(canonicalJson(answers)), cluster: clusterId }, source.redactor);
    log = DebugLog.open(dir, source.redactor, { name: 'uninstall' });
    const emit = uninstallEvents({ json, redactor: source.redactor, log });
    const abort = new AbortController();
    // Every helm/kubectl call of every parallel step listens on this one signal.
    setMaxListeners(100, abort.signal);
    const stopListening = onInterrupt(abort, (message) => emit({ type: 'notice', at: now(), message }));
    const engine = enginePlan(plan, target);
    emit({ type: 'run-started', at: now(), context: target.context, server: identity.server, namespaces: engine.namespaces, steps: plan.steps.length, resumed: earlier !== undefined });
    const noSecrets = (): never => {
      throw new Error('internal: uninstall steps use no secret, file or values');
    };
    let result: RunResult;
    try {
      result = await runPlan({
        plan: engine,
        kinds: uninstallKinds({ namespaceGoneMs: NAMESPACE_GONE_MS }),
        context: {
          cluster, identity, digest: sha256, secret: noSecrets, readFile: noSecrets, releaseValues: noSecrets, kept: { get: () => undefined, put: noSecrets },
          settings: { failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 250, readyTimeoutMs: NAMESPACE_GONE_MS },
        },
        journal,
        emit,
        signal: abort.signal,
        // Workspace releases two at a time; the control plane, objects and namespaces after them, in order.
        parallel: 2,
      });
    } finally {
      stopListening();
    }
    const ok = result.outcome === 'done' || result.outcome === 'up-to-date';
    const resume = ok ? undefined : resumeCommandFor(options);
    emit({ type: 'run-finished', at: now(), outcome: result.outcome, ...(resume ? { resumeCommand: resume } : {}) });

    let dirRemoved = false;
    if (ok && options.deleteInstallDir) {
      // Last, with nothing of ours still writing into it; the lock (inside it) keeps other runs out meanwhile.
      log.close();
      log = undefined;
      rmSync(dir, { recursive: true, force: true });
      dirRemoved = true;
    }
    const removal = removalOf(plan, result.outputs, dirRemoved);
    if (json) show(JSON.stringify(summaryJson(result.outcome, removal, plan, resume)));
    else for (const line of summaryText(result.outcome, removal, plan, resume)) show(line);
    return exitCodeFor(result.outcome);
  } finally {
    log?.close();
    opened?.cluster.close();
    lock.release();
  }
}

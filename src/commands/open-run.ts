// Everything a command that changes the cluster needs, built once: the
// answers (loaded once), the lock, the plan with its values, the redactor
// (every secret once), the debug log, the cluster's identity and the
// journal, checked against that cluster. `install` uses it today; `upgrade`,
// `uninstall` and `doctor` open their runs the same way.
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DebugLog } from '../engine/debug-log.js';
import { describeFailure } from '../engine/failures.js';
import { checkResumeTarget, JournalStore, type Journal } from '../engine/journal.js';
import { acquireLock, LockHeldError, type HeldLock } from '../engine/lock.js';
import { ExitCode, UserError } from '../errors.js';
import { canonicalJson, sha256 } from '../plan/install-plan.js';
import type { Plan, ReleaseSpec, Target } from '../plan/steps.js';
import type { RunnerOptions } from '../engine/runner.js';
import type { KeptSecrets, RunSettings } from '../engine/step-kind.js';
import { rootFallbackNotes } from '../render/render.js';
import { Cluster, type ClusterFacts, type Tools } from '../tools/cluster.js';
import type { HealthOptions } from '../tools/health.js';
import { Redactor } from '../tools/redact.js';
import { loadAnswersFile, type LoadedAnswers } from './answers-file.js';
import { journalOf } from './install-journal.js';
import { saveAnswersCopy } from './answers-copy.js';
import type { Output } from './output.js';
import { planFor, redactorFor, secretLookup, type PlanForOptions } from './planned.js';
import { writeValues, type Prepared } from './prepare.js';
import { healthOptions } from './health-options.js';
import { resolveTarget } from './target.js';

export interface RunOptions {
  readonly answers: string;
  readonly dir: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly helm?: string;
  readonly kubectl?: string;
  /** host=address:port overrides for the health checks (like curl --resolve). */
  readonly resolve?: readonly string[];
  /** Extra CA certificate file trusted by the health checks. */
  readonly caFile?: string;
}

export interface OpenedRun {
  readonly loaded: LoadedAnswers;
  readonly dir: string;
  readonly target: Target;
  readonly tools: Tools;
  readonly plan: Plan;
  readonly prepared: Prepared;
  readonly redactor: Redactor;
  readonly log: DebugLog;
  readonly cluster: Cluster;
  readonly identity: ClusterFacts;
  readonly health: HealthOptions;
  /** The journal of an earlier run in this directory, already checked to be of this cluster. */
  readonly existing: Journal | undefined;
  /** The journal this run writes (continues the earlier one). */
  openJournal(): Promise<JournalStore>;
  /** Writes the install directory's answers copy (see OpenHooks.answersCopyLater). */
  saveAnswersCopy(): Promise<void>;
  /** What every step of this run gets, with the command's settings. */
  stepContext(settings: RunSettings): RunnerOptions['context'];
  close(): void;
}

export function toolsFrom(options: { helm?: string | undefined; kubectl?: string | undefined }): Tools {
  return { helm: options.helm ?? 'helm', kubectl: options.kubectl ?? 'kubectl' };
}

function lockDir(dir: string, command: string): HeldLock {
  try {
    return acquireLock(dir, { command });
  } catch (error) {
    if (error instanceof LockHeldError) throw new UserError(error.message, ['wait for that run to finish; nothing was changed'], ExitCode.blockedByCheck);
    throw error;
  }
}

/**
 * Opens a run: nothing on the cluster changes here. Input problems are user
 * errors (exit 2) before the cluster is contacted; an unreachable cluster or a
 * journal of another cluster blocks (exit 3).
 */
export interface OpenHooks {
  /** Reads the cluster before the values are prepared (an upgrade keeps what the running releases hold). */
  readonly beforePrepare?: (cluster: Cluster) => Promise<void>;
  readonly adjustReleases?: PlanForOptions['adjust'];
  /** The answers copy is written by the command (saveAnswersCopy) once it goes ahead: an upgrade refused or cancelled must not record targets it never applied. */
  readonly answersCopyLater?: boolean;
}

export async function openRun(options: RunOptions, out: Output, o: { readonly command: string; readonly loaded?: LoadedAnswers } & OpenHooks): Promise<OpenedRun> {
  const loaded = o.loaded ?? loadAnswersFile(options.answers);
  for (const w of loaded.warnings) out.warn(`${w.path}: ${w.message}`);
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const lock = lockDir(dir, o.command);
  let cluster: Cluster | undefined;
  let log: DebugLog | undefined;
  try {
    if (lock.takenOver) out.warn(`took over a stale lock: ${lock.takenOver.reason}`);
    const target = resolveTarget(loaded, options);
    const tools = toolsFrom(options);
    const health = healthOptions(options, loaded);
    // The cluster is asked who it is while the values are prepared (a read, and the slowest part of
    // opening); a failure is reported after the input is known good. The redactor is filled below.
    const redactor = new Redactor();
    const identifying = (async (): Promise<ClusterFacts> => {
      cluster = new Cluster(target, tools, redactor);
      return cluster.identify({});
    })();
    identifying.catch(() => undefined);
    // An unreachable cluster is reported below, as for any run.
    if (o.beforePrepare && cluster && (await identifying.then(() => true, () => false))) await o.beforePrepare(cluster);
    const { plan, prepared } = await planFor(loaded, { dir, target, persist: true, helm: tools.helm, ...(o.adjustReleases ? { adjust: o.adjustReleases } : {}) });
    redactorFor(loaded, prepared, redactor);
    for (const note of rootFallbackNotes(prepared.releases)) out.warn(note);
    await writeValues(dir, prepared.releases);
    if (!o.answersCopyLater) await saveAnswersCopy(loaded, dir);
    log = DebugLog.open(dir, redactor);

    let identity: ClusterFacts;
    try {
      identity = await identifying;
    } catch (error) {
      if (describeFailure(error).family !== 'external') throw error;
      throw new UserError(`cannot reach the cluster of context "${target.context}": ${(error as Error).message}`, [
        `check the context, your network or VPN, and your credentials (kubectl --context ${target.context} get ns)`,
        `helm and kubectl must be on PATH or given with --helm/--kubectl (now: ${tools.helm}, ${tools.kubectl})`,
      ], ExitCode.blockedByCheck);
    }
    const clusterId = { context: target.context, server: identity.server, ...(identity.uid ? { uid: identity.uid } : {}) };
    const existing = await journalOf(dir);
    if (existing) {
      const refusal = checkResumeTarget(existing, clusterId, dir);
      if (refusal) throw new UserError(refusal, [], ExitCode.blockedByCheck);
    }
    const answersDigest = sha256(canonicalJson(loaded.answers));
    if (!cluster) throw new Error('internal: no cluster after it was identified');
    const opened = { cluster, log };
    const kept: KeptSecrets = {
      get: (key) => prepared.generated.get(key),
      async put(values) {
        for (const [key, value] of Object.entries(values)) {
          prepared.generated.record(key, value);
          redactor.add(value, key);
        }
        await prepared.generated.save();
      },
    };
    const releaseValues = async (spec: ReleaseSpec): Promise<string> => {
      if (spec.enrolledWorkspace === undefined) return spec.valuesDigest;
      const release = prepared.render().find((r) => r.id === spec.id);
      if (!release) throw new Error(`internal: no release ${spec.id}`);
      await writeValues(dir, [release]);
      return prepared.digest(canonicalJson(release.values));
    };
    return {
      loaded, dir, target, tools, plan, prepared, redactor, log, cluster, identity, health, existing,
      stepContext: (settings) => ({
        cluster: opened.cluster, identity, settings, digest: prepared.digest, secret: secretLookup(prepared), kept, releaseValues,
        readFile: (path) => readFileSync(path, 'utf8'),
      }),
      saveAnswersCopy: async () => {
        await saveAnswersCopy(loaded, dir);
      },
      async openJournal() {
        const journal = await JournalStore.continue(dir, existing, { answersDigest, cluster: clusterId }, redactor);
        if (existing && existing.answersDigest !== answersDigest) await journal.setAnswersDigest(answersDigest);
        return journal;
      },
      close() {
        opened.log.close();
        opened.cluster.close();
        lock.release();
      },
    };
  } catch (error) {
    log?.close();
    cluster?.close();
    lock.release();
    throw error;
  }
}

// `install`: answers → values → plan → run, resumable. Everything a run
// needs to continue after any failure lives in the install directory.
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline/promises';
import { Cluster, ToolError, type Tools } from '../tools/cluster.js';
import { KubeApiError } from '../tools/kube-errors.js';
import { collectBundleEntries } from '../engine/collect-bundle.js';
import { DebugLog } from '../engine/debug-log.js';
import { now, type EngineEvent } from '../engine/events.js';
import { checkResumeTarget, JournalError, JournalStore, loadJournal } from '../engine/journal.js';
import { acquireLock, LockHeldError } from '../engine/lock.js';
import { prepare, writeValues, type Prepared } from './prepare.js';
import { Redactor } from '../tools/redact.js';
import { jsonLine, plainLines } from '../engine/render-events.js';
import { rootFallbackNotes } from '../render/render.js';
import type { HealthOptions } from '../tools/health.js';
import { installReport } from '../engine/report.js';
import { runPlan } from '../engine/runner.js';
import { installKinds } from '../steps/index.js';
import { writeSupportBundle, SupportBundleSecretError } from '../engine/support-bundle.js';
import { ExitCode, UserError } from '../errors.js';
import { buildInstallPlan, canonicalJson, PlanError, sha256 } from '../plan/install-plan.js';
import type { Plan, Target } from '../plan/steps.js';
import { shellLine } from '../tools/argv.js';
import { loadAnswersFile, unreadableNamedFile, type LoadedAnswers } from './answers-file.js';
import { saveAnswersCopy } from './answers-copy.js';
import type { Output } from './output.js';
import { resolveTarget } from './target.js';

export interface InstallOptions {
  readonly answers: string;
  readonly dir: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly yes?: boolean;
  readonly output?: 'text' | 'json';
  readonly helm?: string;
  readonly kubectl?: string;
  readonly parallel?: string;
  readonly unschedulableGrace?: string;
  /** host=address:port overrides for the health checks (like curl --resolve). */
  readonly resolve?: readonly string[];
  /** Extra CA certificate file trusted by the health checks. */
  readonly caFile?: string;
}

function healthOptions(loaded: LoadedAnswers, options: InstallOptions): HealthOptions {
  const resolve = new Map<string, string>();
  for (const entry of options.resolve ?? []) {
    const [host, address] = entry.split('=');
    if (!host || !address || !/^[^:]+:\d+$/.test(address)) throw new UserError(`--resolve ${entry}: expected host=address:port, e.g. zenml.example.com=10.0.0.5:443`);
    resolve.set(host, address);
  }
  const tls = loaded.answers.cluster.tls;
  const caFiles = [options.caFile, tls.ca !== 'public' ? tls.caFile && loaded.resolvePath(tls.caFile) : undefined].filter((f): f is string => Boolean(f));
  const ca = caFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
  return { resolve, ...(ca ? { ca } : {}) };
}

/** Every secret value in play, so no output, log, journal or bundle can show one. */
export function redactorFor(loaded: LoadedAnswers, prepared: Prepared): Redactor {
  const redactor = new Redactor();
  for (const [key, value] of prepared.secrets) redactor.add(value, key);
  for (const [key, value] of prepared.generated.all()) redactor.add(value, key);
  const tls = loaded.answers.cluster.tls;
  for (const file of [tls.keyFile, ...Object.values(tls.hosts).map((h) => h.keyFile)]) {
    if (!file) continue;
    try {
      redactor.add(readFileSync(loaded.resolvePath(file), 'utf8').trim(), 'tls key');
    } catch {
      // An unreadable key file is reported when the plan reads it.
    }
  }
  return redactor;
}

export interface PlanForOptions {
  readonly dir: string;
  readonly target: Target;
  /** Keep newly generated secrets (false for read-only commands such as `plan`). */
  readonly persist: boolean;
  /** helm for reading remote charts. */
  readonly helm?: string;
  /** Where `fromEnv` secrets are looked up (the wizard adds the ones typed into it). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The plan for loaded answers, with the values rendered; shared by `plan`, `install` and the wizard's preview. */
export async function planFor(loaded: LoadedAnswers, o: PlanForOptions): Promise<{ plan: Plan; prepared: Prepared }> {
  const prepared = await prepare(loaded, { dir: o.dir, env: o.env ?? process.env, persist: o.persist, ...(o.helm ? { helm: o.helm } : {}) });
  try {
    const plan = buildInstallPlan({
      answers: loaded.answers,
      releases: prepared.releases,
      secrets: prepared.secrets,
      target: o.target,
      valuesDir: resolve(o.dir, 'values'),
      resolvePath: loaded.resolvePath,
      digest: prepared.digest,
    });
    return { plan, prepared };
  } catch (error) {
    if (error instanceof PlanError) throw new UserError(error.message);
    throw unreadableNamedFile(error, loaded.file) ?? error;
  }
}

/** The command that continues this install: copy-pasteable, with the helm and kubectl this run used (they may not be on PATH). */
export function resumeCommandFor(options: InstallOptions): string {
  return shellLine('zenml-pro-installer', [
    'install', '--answers', options.answers, '--dir', options.dir,
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...(options.context ? ['--context', options.context] : []),
    ...(options.helm ? ['--helm', options.helm] : []), ...(options.kubectl ? ['--kubectl', options.kubectl] : []), '--yes',
  ]);
}

/** Secrets for steps, by slot key, resolved before the run started. */
export function secretLookup(prepared: Pick<Prepared, 'secrets'>): (key: string) => string {
  return (key) => {
    const value = prepared.secrets.get(key);
    if (value === undefined) throw new Error(`internal: secret ${key} was not resolved before the run`);
    return value;
  };
}

export function toolsFrom(options: { helm?: string | undefined; kubectl?: string | undefined }): Tools {
  return { helm: options.helm ?? 'helm', kubectl: options.kubectl ?? 'kubectl' };
}

async function confirm(question: string): Promise<boolean> {
  // After the wizard (Ink) stdin is unreferenced: without this the process would end instead of waiting for the answer.
  process.stdin.ref();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    process.stdin.unref();
  }
}

export async function installCommand(options: InstallOptions, out: Output): Promise<number> {
  const loaded = loadAnswersFile(options.answers);
  const json = options.output === 'json';
  for (const w of loaded.warnings) out.warn(`${w.path}: ${w.message}`);
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  let lock;
  try {
    lock = acquireLock(dir, { command: 'install' });
  } catch (error) {
    if (error instanceof LockHeldError) throw new UserError(error.message, ['wait for that run to finish; nothing was changed'], ExitCode.blockedByCheck);
    throw error;
  }
  let cluster: Cluster | undefined;
  try {
    if (lock.takenOver) out.warn(`took over a stale lock: ${lock.takenOver.reason}`);
    const target = resolveTarget(loaded, options);
    const tools = toolsFrom(options);
    const { plan, prepared } = await planFor(loaded, { dir, target, persist: true, helm: tools.helm });
    const redactor = redactorFor(loaded, prepared);
    for (const note of rootFallbackNotes(prepared.releases)) out.warn(note);

    await writeValues(dir, prepared.releases);
    await saveAnswersCopy(loaded, dir);

    const log = DebugLog.open(dir, redactor);
    let identity;
    try {
      cluster = new Cluster(target, tools, redactor);
      identity = await cluster.identify({});
    } catch (error) {
      if (error instanceof ToolError || error instanceof KubeApiError) {
        throw new UserError(`cannot reach the cluster of context "${target.context}": ${error.message}`, [
          'check the context, your network or VPN, and your credentials (kubectl --context ' + target.context + ' get ns)',
          `helm and kubectl must be on PATH or given with --helm/--kubectl (now: ${tools.helm}, ${tools.kubectl})`,
        ], ExitCode.blockedByCheck);
      }
      throw error;
    }
    const clusterId = { context: target.context, server: identity.server, ...(identity.uid ? { uid: identity.uid } : {}) };
    const answersDigest = sha256(canonicalJson(loaded.answers));
    let existing;
    try {
      existing = await loadJournal(dir);
    } catch (error) {
      if (error instanceof JournalError) throw new UserError(error.message, [], ExitCode.blockedByCheck);
      throw error;
    }
    if (existing) {
      const refusal = checkResumeTarget(existing, clusterId, dir);
      if (refusal) throw new UserError(refusal, [], ExitCode.blockedByCheck);
    }

    const emitLine = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    // On a terminal the live Ink view draws the events; otherwise plain lines, or NDJSON with --output json.
    const live = !json && Boolean(process.stdout.isTTY);
    const viewers = new Set<(event: EngineEvent) => void>();
    const emit = (event: EngineEvent): void => {
      log.write(JSON.stringify(event), 'event');
      if (json) emitLine(redactor.scrub(jsonLine(event)));
      else if (live) for (const viewer of viewers) viewer(redactor.scrubObject(event));
      else for (const line of plainLines(event)) emitLine(redactor.scrub(line));
    };

    if (!options.yes) {
      const summary = `Install ZenML Pro (${loaded.answers.scenario}) into context ${target.context} at ${identity.server} (Kubernetes ${identity.gitVersion}), namespaces ${plan.namespaces.join(', ')}.`;
      if (!process.stdin.isTTY) {
        throw new UserError(`${summary} Refusing to change the cluster without confirmation.`, ['review it, then pass --yes to confirm non-interactively']);
      }
      process.stderr.write(`${summary}\n`);
      if (!(await confirm('Continue? [y/N] '))) {
        out.info('nothing was changed');
        return ExitCode.ok;
      }
    }

    const journal = await JournalStore.continue(dir, existing, { answersDigest, cluster: clusterId }, redactor);
    if (existing && existing.answersDigest !== answersDigest) await journal.setAnswersDigest(answersDigest);
    const abort = new AbortController();
    // Every helm/kubectl call of every parallel step listens on this one signal.
    setMaxListeners(100, abort.signal);
    let signals = 0;
    const onSignal = (): void => {
      signals += 1;
      if (signals > 1) {
        process.stderr.write('\nstopping now\n');
        process.exit(ExitCode.interrupted);
      }
      // An event, so the live view draws it in place rather than under a stray write.
      emit({ type: 'notice', at: now(), message: 'stopping after the current command is ended (Ctrl+C again to quit at once)' });
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let view: Promise<unknown> | undefined;
    if (live) {
      const { renderProgress } = await import('../ui/progress/render-progress.js');
      view = renderProgress((sink) => {
        viewers.add(sink);
        return () => viewers.delete(sink);
      });
    }
    const finish = async (event: EngineEvent, code: number): Promise<number> => {
      emit(event);
      await view;
      log.close();
      return code;
    };
    emit({ type: 'run-started', at: now(), context: target.context, server: identity.server, namespaces: plan.namespaces, steps: plan.steps.length, resumed: existing !== undefined });

    const resumeCommand = resumeCommandFor(options);
    const result = await runPlan({
      plan,
      kinds: installKinds(() => installReport(loaded.answers, dir)),
      context: {
        cluster,
        identity,
        settings: { failFast: { unschedulableSeconds: Number(options.unschedulableGrace ?? 60) }, watchIntervalMs: 250, readyTimeoutMs: 120_000, health: healthOptions(loaded, options) },
        digest: prepared.digest,
        secret: secretLookup(prepared),
        readFile: (path) => readFileSync(path, 'utf8'),
      },
      journal,
      emit,
      signal: abort.signal,
      parallel: Number(options.parallel ?? 2),
    });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);

    if (result.outcome === 'done' || result.outcome === 'up-to-date') {
      const report = result.outputs.get('report')?.report;
      return finish({ type: 'run-finished', at: now(), outcome: result.outcome, ...(report !== undefined ? { report: report.split('\n') } : {}) }, ExitCode.ok);
    }
    if (result.outcome === 'interrupted') return finish({ type: 'run-finished', at: now(), outcome: 'interrupted', resumeCommand }, ExitCode.interrupted);
    if (result.outcome === 'waiting') return finish({ type: 'run-finished', at: now(), outcome: 'waiting', resumeCommand }, ExitCode.waitingForEnrollment);
    let bundlePath: string | undefined;
    try {
      const entries = await collectBundleEntries(dir, plan, cluster, log.path, [`outcome: ${result.outcome}`, `failed step: ${result.failedStep ?? '?'}`, `message: ${result.message ?? ''}`]);
      bundlePath = (await writeSupportBundle(dir, entries, redactor)).path;
    } catch (error) {
      const why = error instanceof SupportBundleSecretError ? error.message : error instanceof Error ? error.message : String(error);
      log.write(`support bundle not written: ${why}`);
    }
    return finish(
      { type: 'run-finished', at: now(), outcome: 'failed', resumeCommand, ...(bundlePath ? { supportBundle: bundlePath } : {}) },
      result.outcome === 'blocked' ? ExitCode.blockedByCheck : ExitCode.stepFailed,
    );
  } finally {
    cluster?.close();
    lock.release();
  }
}

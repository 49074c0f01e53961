// `install`: answers → values → plan → run, resumable. Everything a run
// needs to continue after any failure lives in the install directory.
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { collectBundleEntries } from '../engine/collect-bundle.js';
import { now } from '../engine/events.js';
import { runFinishedEvent, runPlan } from '../engine/runner.js';
import { exitCodeFor } from '../engine/states.js';
import { writeSupportBundle, SupportBundleSecretError } from '../engine/support-bundle.js';
import { ExitCode, UserError } from '../errors.js';
import type { Answers } from '../answers/schema.js';
import { GENERATED_SECRETS_FILE } from '../engine/generated-secrets.js';
import type { StepContext } from '../engine/step-kind.js';
import type { ReportUser } from '../plan/report.js';
import type { Plan } from '../plan/steps.js';
import { installKinds } from '../steps/index.js';
import { usersOf } from '../steps/users.js';
import { shellLine } from '../tools/argv.js';
import type { LoadedAnswers } from './answers-file.js';
import { ANSWERS_COPY } from './answers-copy.js';
import { openRun, type RunOptions } from './open-run.js';
import type { Output } from './output.js';
import { runOutput } from './run-output.js';
import { confirm, onInterrupt } from './prompt.js';

export interface InstallOptions extends RunOptions {
  readonly yes?: boolean;
  readonly output?: 'text' | 'json';
  readonly parallel?: string;
  readonly unschedulableGrace?: string;
  /** Workspaces to delete on the control plane and enroll anew (their enrollment key was lost). */
  readonly reEnroll?: readonly string[];
}

/** The command that continues this install: copy-pasteable, with the helm and kubectl this run used (they may not be on PATH). */
export function resumeCommandFor(options: InstallOptions): string {
  return shellLine('zenml-pro-installer', [
    'install', '--answers', options.answers, '--dir', options.dir,
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...(options.context ? ['--context', options.context] : []),
    ...(options.helm ? ['--helm', options.helm] : []), ...(options.kubectl ? ['--kubectl', options.kubectl] : []), '--yes',
  ]);
}

/** The accounts the users step made and the organization workspaces enrolled into, for the report: where each password is, never the password. */
function peopleOf(answers: Answers, dir: string, plan: Plan, ctx: StepContext): { users: ReportUser[]; organization?: string } {
  const users = usersOf(ctx.outputsOf('users')).map((u) => {
    const given = answers.users?.find((x) => x.username === u.username)?.password;
    const ref = typeof given === 'object' ? given : undefined;
    const passwordFile = ref && 'generate' in ref ? join(dir, GENERATED_SECRETS_FILE) : ref && 'fromFile' in ref ? ref.fromFile : undefined;
    return { ...u, ...(passwordFile ? { passwordFile } : {}) };
  });
  const orgStep = plan.steps.find((s) => s.action.type === 'organization');
  const organization = orgStep ? ctx.outputsOf(orgStep.id)?.organizationName : undefined;
  return { users, ...(organization ? { organization } : {}) };
}

/** `loaded`: answers the caller has already read and checked (they are not read twice). */
export async function installCommand(options: InstallOptions, out: Output, loaded?: LoadedAnswers): Promise<number> {
  const run = await openRun(options, out, { command: 'install', ...(loaded ? { loaded } : {}) });
  try {
    const { plan, target, identity, cluster, redactor, log, dir } = run;
    for (const name of options.reEnroll ?? []) {
      const step = plan.steps.find((s) => s.id === `enroll:${name}`);
      if (step?.action.type !== 'enroll-workspace') {
        throw new UserError(`--re-enroll ${name}: no workspace of that name is enrolled automatically by these answers`, [
          `name one of: ${plan.steps.flatMap((s) => (s.action.type === 'enroll-workspace' ? [s.action.workspace] : [])).join(', ') || '(none)'}`,
        ]);
      }
    }
    if (!options.yes) {
      const summary = `Install ZenML Pro (${run.loaded.answers.scenario}) into context ${target.context} at ${identity.server} (Kubernetes ${identity.gitVersion}), namespaces ${plan.namespaces.join(', ')}.`;
      if (!process.stdin.isTTY) {
        throw new UserError(`${summary} Refusing to change the cluster without confirmation.`, ['review it, then pass --yes to confirm non-interactively']);
      }
      process.stderr.write(`${summary}\n`);
      if (!(await confirm('Continue? [y/N] '))) {
        out.info('nothing was changed');
        return ExitCode.ok;
      }
    }

    const journal = await run.openJournal();
    const output = runOutput({ json: options.output === 'json', redactor, log });
    const { emit } = output;
    const abort = new AbortController();
    // Every helm/kubectl call of every parallel step listens on this one signal.
    setMaxListeners(100, abort.signal);
    // An event, so the live view draws it in place rather than under a stray write.
    const stopListening = onInterrupt(abort, (message) => emit({ type: 'notice', at: now(), message }));
    const viewDrawn = await output.startView();
    emit({ type: 'run-started', at: now(), context: target.context, server: identity.server, namespaces: plan.namespaces, steps: plan.steps.length, resumed: run.existing !== undefined });

    const result = await runPlan({
      plan,
      kinds: installKinds({ loaded: run.loaded, plan, dir, answersCopy: join(dir, ANSWERS_COPY), people: (ctx) => peopleOf(run.loaded.answers, dir, plan, ctx) }),
      context: run.stepContext({
        failFast: { unschedulableSeconds: Number(options.unschedulableGrace ?? 60) },
        watchIntervalMs: 250,
        readyTimeoutMs: 120_000,
        health: run.health,
        reEnroll: new Set(options.reEnroll ?? []),
      }),
      journal,
      emit,
      signal: abort.signal,
      parallel: Number(options.parallel ?? 2),
    });
    stopListening();

    let supportBundle: string | undefined;
    if (result.outcome === 'failed' || result.outcome === 'blocked') {
      try {
        const entries = await collectBundleEntries(dir, plan, cluster, log.path, [`outcome: ${result.outcome}`, `failed step: ${result.failedStep ?? '?'}`, `message: ${result.message ?? ''}`]);
        supportBundle = (await writeSupportBundle(dir, entries, redactor)).path;
      } catch (error) {
        const why = error instanceof SupportBundleSecretError ? error.message : error instanceof Error ? error.message : String(error);
        log.write(`support bundle not written: ${why}`);
      }
    }
    emit(runFinishedEvent(result, { resumeCommand: resumeCommandFor(options), ...(supportBundle ? { supportBundle } : {}) }));
    await viewDrawn();
    return exitCodeFor(result.outcome);
  } finally {
    run.close();
  }
}

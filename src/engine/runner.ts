// The scheduler: runs a plan's steps in dependency order, independent
// workspaces in parallel (bounded), each step probed first (its result may
// already be on the cluster), journalled before and after it runs, with every
// state change as an event. What a step does is its kind's business
// (step-kind.ts); the command hands the kinds in.
import type { Plan, Step, StepAction } from '../plan/steps.js';
import { now, type EngineEvent, type EventSink } from './events.js';
import { describeFailure } from './failures.js';
import type { JournalStore } from './journal.js';
import { isSettled, type RunOutcome, type StepState } from './states.js';
import { Interrupted, StepFailure, Waiting, type RunContext, type StepContext, type StepKind, type StepKinds } from './step-kind.js';

export interface RunnerOptions {
  readonly plan: Plan;
  readonly kinds: StepKinds;
  readonly context: Omit<RunContext, 'outputsOf' | 'emit' | 'signal'>;
  readonly journal: JournalStore;
  readonly emit: EventSink;
  readonly signal: AbortSignal;
  /** Steps of different workspaces that may run at once. */
  readonly parallel: number;
}

export interface RunResult {
  readonly outcome: RunOutcome;
  readonly failedStep?: string;
  readonly message?: string;
  /** Steps that wait for the operator (enrollment values), with what to do. */
  readonly waiting?: readonly { readonly stepId: string; readonly instructions: readonly string[] }[];
  /** What each step that ran or was verified recorded. */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** A step's error as the failure it reports; what only the operator can fix (a missing `ps`) blocks. */
function stepFailureOf(error: unknown): StepFailure {
  const f = describeFailure(error);
  return new StepFailure(f.message, f.hints, [], f.family === 'user', f.command);
}

export async function runPlan(o: RunnerOptions): Promise<RunResult> {
  const { plan, journal, emit } = o;
  const state = new Map<string, StepState>(plan.steps.map((s) => [s.id, 'pending']));
  const outputs = new Map<string, Readonly<Record<string, string>>>();
  const waiting: { stepId: string; instructions: readonly string[] }[] = [];
  let mutated = false;
  let failure: { step: Step; error: StepFailure } | undefined;
  let interruptedAt: Step | undefined;
  const run: RunContext = { ...o.context, emit, signal: o.signal, outputsOf: (id) => outputs.get(id) ?? journal.step(id)?.outputs };

  const contextFor = (step: Step): StepContext => ({
    ...run,
    step,
    prior: journal.step(step.id)?.state,
    hooks: {
      signal: o.signal,
      onCommand: (commandLine) => emit({ type: 'command', at: now(), stepId: step.id, commandLine }),
      onLine: (stream, line) => emit({ type: 'output-line', at: now(), stepId: step.id, stream, line }),
      onRetry: (attempt, reason, delayMs) => emit({ type: 'retry', at: now(), stepId: step.id, attempt, reason, delayMs }),
    },
  });

  const missing = plan.steps.filter((s) => !o.kinds[s.action.type]).map((s) => s.action.type);
  if (missing.length > 0) throw new Error(`internal: no step kind for ${[...new Set(missing)].join(', ')}`);

  const execute = async (step: Step): Promise<StepState> => {
    const kind = o.kinds[step.action.type] as StepKind<StepAction>;
    const ctx = contextFor(step);
    const started = Date.now();
    const verified = kind.probe ? await kind.probe(step.action, ctx) : undefined;
    if (verified !== undefined) {
      const prior = journal.step(step.id);
      if (prior?.state !== 'done' || prior.inputsDigest !== step.inputsDigest) await journal.markDone(step.id, { verifiedBy: 'probe' }, step.inputsDigest);
      outputs.set(step.id, journal.step(step.id)?.outputs ?? {});
      emit({ type: 'step-skipped', at: now(), stepId: step.id, title: step.title, reason: verified });
      return 'verified';
    }
    const deadline = step.action.type === 'helm-release' ? new Date(Date.now() + step.action.spec.timeoutSeconds * 1000).toISOString() : undefined;
    emit({ type: 'step-started', at: now(), stepId: step.id, title: step.title, ...(deadline ? { deadline } : {}) });
    // Journalled before a step that changes the cluster starts, so a crash inside it is known as its own
    // (a pending release to recover); one that changes nothing is simply run again.
    if (step.mutates) {
      mutated = true;
      await journal.markRunning(step.id, step.inputsDigest);
    }
    const recorded = await kind.run(step.action, ctx);
    // Journalled before the step counts as done: an output that cannot be fetched twice survives a crash here.
    await journal.markDone(step.id, recorded, step.inputsDigest);
    outputs.set(step.id, recorded);
    emit({ type: 'step-done', at: now(), stepId: step.id, title: step.title, durationMs: Date.now() - started });
    return 'done';
  };

  const runOne = async (step: Step): Promise<void> => {
    state.set(step.id, 'running');
    try {
      state.set(step.id, await execute(step));
    } catch (error) {
      if (error instanceof Waiting) {
        // Nothing happened: the journal keeps the step pending, and a re-run with the values goes on from here.
        state.set(step.id, 'waiting');
        waiting.push({ stepId: step.id, instructions: error.instructions });
        emit({ type: 'step-waiting', at: now(), stepId: step.id, title: step.title, instructions: error.instructions });
        return;
      }
      if (error instanceof Interrupted || o.signal.aborted) {
        state.set(step.id, 'interrupted');
        interruptedAt ??= step;
        await journal.markInterrupted(step.id, 'interrupted (Ctrl+C or SIGTERM)');
        emit({ type: 'notice', at: now(), stepId: step.id, message: `${step.title}: interrupted; the next install picks it up here` });
        return;
      }
      const failed = error instanceof StepFailure ? error : stepFailureOf(error);
      state.set(step.id, 'failed');
      failure ??= { step, error: failed };
      await journal.markFailed(step.id, { message: failed.message, ...(failed.next[0] ? { hint: failed.next.join('\n') } : {}) });
      emit({ type: 'step-failed', at: now(), stepId: step.id, title: step.title, message: failed.message, diagnoses: failed.diagnoses, next: failed.next, ...(failed.command ? { command: failed.command } : {}) });
    }
  };

  // Start every step whose needs are met, at most `parallel` at once. A
  // failure stops only what depends on it: other workspaces go on to the end.
  const running = new Map<string, Promise<void>>();
  const needsMet = (s: Step): boolean => s.needs.every((n) => isSettled(state.get(n)));
  for (;;) {
    if (!interruptedAt && !o.signal.aborted) {
      for (const step of plan.steps) {
        if (running.size >= Math.max(1, o.parallel)) break;
        if (state.get(step.id) !== 'pending' || !needsMet(step)) continue;
        // Steps outside any workspace (the control plane chain) run alone, in order.
        if (!step.workspace && running.size > 0) break;
        running.set(step.id, runOne(step).finally(() => running.delete(step.id)));
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  if (interruptedAt || (o.signal.aborted && !failure)) {
    const at = interruptedAt ?? plan.steps.find((s) => state.get(s.id) === 'pending');
    return { outcome: 'interrupted', outputs, ...(at ? { failedStep: at.id, message: `interrupted at step ${at.id}` } : {}) };
  }
  if (failure) return { outcome: failure.error.blocked ? 'blocked' : 'failed', failedStep: failure.step.id, message: failure.error.message, outputs };
  if (waiting.length > 0) return { outcome: 'waiting', waiting, outputs };
  const pendingLeft = plan.steps.filter((s) => !isSettled(state.get(s.id)));
  if (pendingLeft.length > 0) return { outcome: 'failed', failedStep: pendingLeft[0]?.id, message: `steps not run: ${pendingLeft.map((s) => s.id).join(', ')}`, outputs };
  return { outcome: mutated ? 'done' : 'up-to-date', outputs };
}

/** How the run ended, as the event every renderer closes with: the report when all is in place, else how to go on. */
export function runFinishedEvent(result: RunResult, end: { readonly resumeCommand: string; readonly supportBundle?: string; readonly command?: 'upgrade' }): EngineEvent {
  const command = end.command ? { command: end.command } : {};
  if (result.outcome === 'done' || result.outcome === 'up-to-date') {
    const report = result.outputs.get('report')?.report;
    return { type: 'run-finished', at: now(), outcome: result.outcome, ...command, ...(report !== undefined ? { report: report.split('\n') } : {}) };
  }
  return { type: 'run-finished', at: now(), outcome: result.outcome, ...command, resumeCommand: end.resumeCommand, ...(end.supportBundle ? { supportBundle: end.supportBundle } : {}) };
}

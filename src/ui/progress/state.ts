// The progress of a run as plain data, folded from the engine's events.
// Pure (no React): the Ink view renders it, tests feed it event lists.
import type { Diagnosis } from '../../engine/diagnose.js';
import type { EngineEvent } from '../../engine/events.js';
import type { RunOutcome, StepState } from '../../engine/states.js';

/**
 * Lines printed once and never redrawn: the run header, each finished step,
 * notices, and details printed on request. Printed text wraps, so it is never cut.
 */
export interface FinishedLine {
  readonly key: string;
  readonly kind: 'header' | Extract<StepState, 'done' | 'verified' | 'failed' | 'waiting'> | 'notice' | 'details';
  readonly text: string;
  readonly detail?: string | undefined;
  /** Shown in full under the line: a waiting step's instructions, a running step's details. */
  readonly more?: readonly string[] | undefined;
  /** On a failed step's line: the panel printed with it, so it scrolls up instead of filling the live area. */
  readonly failure?: StepFailure | undefined;
}

export interface ResourceLine {
  readonly name: string;
  readonly text: string;
  readonly ready: boolean;
}

export interface RunningStep {
  readonly stepId: string;
  readonly title: string;
  /** 1-based position among the run's steps. */
  readonly position: number;
  readonly startedAt: string;
  readonly deadline?: string | undefined;
  readonly command?: string | undefined;
  /** Last lines of the running command's output. */
  readonly tail: readonly string[];
  readonly resources: readonly ResourceLine[];
  readonly warnings: readonly string[];
  readonly retry?: { readonly attempt: number; readonly reason: string; readonly at: string; readonly delayMs: number } | undefined;
}

export interface StepFailure {
  readonly stepId: string;
  readonly title: string;
  readonly message: string;
  readonly diagnoses: readonly Diagnosis[];
  readonly next: readonly string[];
}

export interface RunEnd {
  readonly outcome: RunOutcome;
  /** Absent for an install. */
  readonly command?: 'upgrade';
  readonly report: readonly string[];
  readonly supportBundle?: string | undefined;
  readonly resumeCommand?: string | undefined;
}

export interface ProgressState {
  readonly totalSteps: number;
  /** Steps started or skipped so far. */
  readonly reached: number;
  readonly finished: readonly FinishedLine[];
  readonly running: readonly RunningStep[];
  readonly failures: readonly StepFailure[];
  readonly end?: RunEnd | undefined;
}

/** Output lines kept per running step; the view shows as many as the terminal has room for. */
export const TAIL_KEEP = 50;
export const WARNING_LINES = 3;

export const initialProgress: ProgressState = { totalSteps: 0, reached: 0, finished: [], running: [], failures: [] };

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Local wall-clock time of an ISO timestamp, HH:MM:SS. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

const printed = (state: ProgressState, line: Omit<FinishedLine, 'key'>): readonly FinishedLine[] => [...state.finished, { key: String(state.finished.length), ...line }];

const lastN = <T>(items: readonly T[], n: number): readonly T[] => (items.length > n ? items.slice(-n) : items);

function finish(state: ProgressState, stepId: string, line: Omit<FinishedLine, 'key'>): ProgressState {
  return { ...state, running: state.running.filter((s) => s.stepId !== stepId), finished: printed(state, line) };
}

function updateStep(state: ProgressState, stepId: string, change: (step: RunningStep) => RunningStep): ProgressState {
  if (!state.running.some((s) => s.stepId === stepId)) return state;
  return { ...state, running: state.running.map((s) => (s.stepId === stepId ? change(s) : s)) };
}

export function progressReducer(state: ProgressState, event: EngineEvent): ProgressState {
  switch (event.type) {
    case 'run-started': {
      const where = `${event.command === 'upgrade' ? 'Upgrading in' : 'Installing into'} ${event.context} (${event.server})`;
      const detail = [`${event.steps} steps`, event.namespaces.length > 0 ? `namespaces ${event.namespaces.join(', ')}` : '', event.resumed ? 'resuming: finished steps are verified, not redone' : '']
        .filter(Boolean)
        .join(' · ');
      return { ...state, totalSteps: event.steps, finished: printed(state, { kind: 'header', text: where, detail }) };
    }
    case 'step-started': {
      const others = state.running.filter((s) => s.stepId !== event.stepId);
      const position = state.reached + 1;
      const step: RunningStep = { stepId: event.stepId, title: event.title, position, startedAt: event.at, deadline: event.deadline, tail: [], resources: [], warnings: [] };
      return { ...state, reached: position, running: [...others, step] };
    }
    case 'step-skipped':
      return finish({ ...state, reached: state.reached + 1 }, event.stepId, { kind: 'verified', text: event.title, detail: event.reason });
    case 'step-done':
      return finish(state, event.stepId, { kind: 'done', text: event.title, detail: formatDuration(event.durationMs) });
    case 'step-failed': {
      const failure: StepFailure = { stepId: event.stepId, title: event.title, message: event.message, diagnoses: event.diagnoses, next: event.next };
      const first = event.message.split('\n')[0] ?? event.message;
      return { ...finish(state, event.stepId, { kind: 'failed', text: event.title, detail: first, failure }), failures: [...state.failures, failure] };
    }
    case 'step-waiting':
      return finish(state, event.stepId, { kind: 'waiting', text: event.title, more: event.instructions });
    case 'command':
      return updateStep(state, event.stepId, (s) => ({ ...s, command: event.commandLine, retry: undefined }));
    case 'output-line':
      return updateStep(state, event.stepId, (s) => ({ ...s, tail: lastN([...s.tail, event.line], TAIL_KEEP) }));
    case 'resource-status':
      return updateStep(state, event.stepId, (s) => ({ ...s, resources: event.resources }));
    case 'warning-event':
      return updateStep(state, event.stepId, (s) => (s.warnings.at(-1) === event.line ? s : { ...s, warnings: lastN([...s.warnings, event.line], WARNING_LINES) }));
    case 'retry':
      return updateStep(state, event.stepId, (s) => ({ ...s, retry: { attempt: event.attempt, reason: event.reason, at: event.at, delayMs: event.delayMs } }));
    case 'notice':
      return { ...state, finished: printed(state, { kind: 'notice', text: event.message }) };
    case 'run-finished':
      return {
        ...state,
        running: [],
        end: { outcome: event.outcome, report: event.report ?? [], supportBundle: event.supportBundle, resumeCommand: event.resumeCommand, ...(event.command ? { command: event.command } : {}) },
      };
  }
}

/** Prints what the live area may cut (whole command, warnings, output tail) of every running step, on request. */
export function printDetails(state: ProgressState): ProgressState {
  let next = state;
  for (const step of state.running) {
    const more = [...(step.command ? [`$ ${step.command}`] : []), ...step.warnings.map((w) => `⚠ ${w}`), ...step.tail.map((l) => `│ ${l}`)];
    next = { ...next, finished: printed(next, { kind: 'details', text: step.title, more }) };
  }
  return next;
}

/** What <Static> prints, in order: finished lines, then how the run ended (last, so the list only grows). */
export type PrintedItem = FinishedLine | { readonly key: 'end'; readonly kind: 'end'; readonly end: RunEnd };

export function printedItems(state: ProgressState): readonly PrintedItem[] {
  return state.end ? [...state.finished, { key: 'end', kind: 'end', end: state.end }] : state.finished;
}

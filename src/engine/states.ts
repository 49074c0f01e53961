// The words for where a step stands and how a run ended: one list shared by
// the runner, the journal, the event renderers and the exit code, so a state
// cannot be spelled one way in the journal and another on screen.
import { ExitCode, type ExitCodeValue } from '../errors.js';

/**
 * pending: not reached; running: working now; done: ran to the end;
 * verified: its result was found in place by its probe (nothing ran);
 * waiting: needs something only the operator can give; failed; interrupted.
 */
export const STEP_STATES = ['pending', 'running', 'done', 'verified', 'waiting', 'failed', 'interrupted'] as const;
export type StepState = (typeof STEP_STATES)[number];

/** What the journal keeps: a verified step is kept as done (with verifiedBy), a waiting one stays pending. */
export const JOURNAL_STEP_STATES = ['pending', 'running', 'done', 'failed', 'interrupted'] as const satisfies readonly StepState[];
export type JournalStepState = (typeof JOURNAL_STEP_STATES)[number];

/** Steps in these states let the steps that need them start. */
export const isSettled = (state: StepState | undefined): boolean => state === 'done' || state === 'verified';

/**
 * done: something changed and everything is in place; up-to-date: nothing had
 * to change; waiting: stopped for values only the operator can give; failed;
 * blocked: a check refused to go on; interrupted: Ctrl+C or SIGTERM.
 */
export type RunOutcome = 'done' | 'up-to-date' | 'waiting' | 'failed' | 'blocked' | 'interrupted';

const EXIT_CODES: Readonly<Record<RunOutcome, ExitCodeValue>> = {
  done: ExitCode.ok,
  'up-to-date': ExitCode.ok,
  waiting: ExitCode.waitingForEnrollment,
  failed: ExitCode.stepFailed,
  blocked: ExitCode.blockedByCheck,
  interrupted: ExitCode.interrupted,
};

export const exitCodeFor = (outcome: RunOutcome): ExitCodeValue => EXIT_CODES[outcome];

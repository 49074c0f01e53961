// The progress view's input: install runs of examples/sim.yaml recorded from
// the real planner and scheduler when a test file loads (./real-run.ts says
// how, and what is scripted). Nothing here is written by hand: step ids,
// titles, the order of events and the resume command are the engine's.
import { isDeepStrictEqual } from 'node:util';
import type { EngineEvent } from '../../../src/engine/events.js';
import { cleanupRecordings, recordRun, simInstall, type Mark, type Recording } from './real-run.js';

export { API_POD, at, crashLoopDiagnoses, HELM_OUTPUT, IDENTITY, LONG_OUTPUT_LINE, T0, workspaceHelmOutput } from './real-run.js';

async function recordAll() {
  try {
    const install = await simInstall();
    const failing = await recordRun(install, 'fails');
    const succeeding = await recordRun(install, 'succeeds');
    const interrupted = await recordRun(install, 'interrupted');
    // The same install with the enrollment values of workspace ml left out of the answers.
    const withoutEnrollment = await simInstall('ml', install.options.dir);
    const waiting = await recordRun(withoutEnrollment, 'succeeds');
    return { install, failing, succeeding, interrupted, withoutEnrollment, waiting };
  } finally {
    // The events keep the paths; nothing reads the files.
    cleanupRecordings();
  }
}

const { install, failing, succeeding, interrupted, withoutEnrollment, waiting } = await recordAll();

function cut(recording: Recording, mark: Mark): number {
  const at = recording.marks.get(mark);
  if (at === undefined) throw new Error(`the recorded run never reached ${mark}`);
  return at;
}

/** The install: its flags (what the resume command must repeat) and its plan. */
export const INSTALL = { options: install.options, plan: install.plan } as const;
/** The plan of the install whose workspace ml lacks its enrollment values (`waitingRun`), in the same directory. */
export const WAITING_PLAN = withoutEnrollment.plan;

/**
 * Up to the control plane's helm waiting for its api pod, which waits for a
 * node: the run header, the first steps done, helm's output, readiness and
 * the same scheduler warning twice.
 */
export const runningPart: readonly EngineEvent[] = failing.events.slice(0, cut(failing, 'helm-waiting'));

for (const other of [succeeding, interrupted]) {
  if (!isDeepStrictEqual(other.events.slice(0, runningPart.length), runningPart)) {
    throw new Error('the recorded runs differ before their endings: the recording is not deterministic');
  }
}

/** The api pod lands on a node that may not pull the image: the watcher stops helm, the step fails, the run ends with a bundle. */
export const failingEnd: readonly EngineEvent[] = failing.events.slice(runningPart.length);
/** The api pod comes up: the rest of the install runs, and the run ends with the report. */
export const succeedingEnd: readonly EngineEvent[] = succeeding.events.slice(runningPart.length);
/** Ctrl+C while helm waits. */
export const interruptedEnd: readonly EngineEvent[] = interrupted.events.slice(runningPart.length);
/** The successful run up to both workspaces' helms running at once, each having printed its lines. */
export const sideBySidePart: readonly EngineEvent[] = succeeding.events.slice(0, cut(succeeding, 'workspaces-side-by-side'));
/** A whole run that pauses at workspace ml's enrollment while the rest installs. */
export const waitingRun: readonly EngineEvent[] = waiting.events;

/** The first event of `type` (for `stepId`) in `events`, or an error naming what is missing. */
export function eventOf<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T, stepId?: string): Extract<EngineEvent, { type: T }> {
  const found = events.find((e): e is Extract<EngineEvent, { type: T }> => e.type === type && (stepId === undefined || ('stepId' in e && e.stepId === stepId)));
  if (!found) throw new Error(`no ${type} event${stepId ? ` of ${stepId}` : ''} in the recorded run`);
  return found;
}

/** The events as a stream that yields between events, like a real run. */
export async function* streamOf(events: readonly EngineEvent[]): AsyncGenerator<EngineEvent> {
  for (const event of events) {
    await Promise.resolve();
    yield event;
  }
}

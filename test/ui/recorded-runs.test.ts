// The recorded runs the progress view is tested with (helpers/real-run.ts):
// the same every time, and what the engine's contract says a run is.
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { cleanupRecordings, recordRun, simInstall, type Ending } from './helpers/real-run.js';
import type { Plan } from '../../src/plan/steps.js';
import { failingEnd, INSTALL, interruptedEnd, runningPart, succeedingEnd, WAITING_PLAN, waitingRun } from './helpers/run-events.js';

const runs: Record<string, { readonly events: readonly EngineEvent[]; readonly plan: Plan }> = {
  failing: { events: [...runningPart, ...failingEnd], plan: INSTALL.plan },
  succeeding: { events: [...runningPart, ...succeedingEnd], plan: INSTALL.plan },
  interrupted: { events: [...runningPart, ...interruptedEnd], plan: INSTALL.plan },
  waiting: { events: waitingRun, plan: WAITING_PLAN },
};

/** The events without the support bundle's path: a second bundle in the same directory gets a `-2` name. */
const withoutBundlePath = (events: readonly EngineEvent[]): unknown[] => events.map((e) => (e.type === 'run-finished' ? { ...e, supportBundle: e.supportBundle !== undefined } : e));

test.each(['fails', 'succeeds', 'interrupted'] as const)('a run that %s is recorded the same way twice (the order of parallel steps does not depend on the disk)', async (ending: Ending) => {
  const install = await simInstall();
  try {
    const [first, second] = [await recordRun(install, ending), await recordRun(install, ending)];
    expect(withoutBundlePath(second.events)).toEqual(withoutBundlePath(first.events));
    expect([...second.marks]).toEqual([...first.marks]);
  } finally {
    cleanupRecordings();
  }
});

describe.each(Object.entries(runs))('the %s run', (_name, { events, plan }) => {
  test('starts with run-started, ends with run-finished, and names only steps of the plan', () => {
    const ids = new Set(plan.steps.map((s) => s.id));
    expect(events[0]).toMatchObject({ type: 'run-started', context: 'zenml-sim', namespaces: plan.namespaces, steps: plan.steps.length, resumed: false });
    expect(events.filter((e) => e.type === 'run-finished')).toEqual([events.at(-1)]);
    for (const e of events) if ('stepId' in e && e.stepId !== undefined) expect(ids).toContain(e.stepId);
  });

  test('titles are the plan\'s, and no step-done carries a note', () => {
    const titles = new Map(plan.steps.map((s) => [s.id, s.title]));
    for (const e of events) {
      if ('title' in e) expect(e.title).toBe(titles.get(e.stepId));
      if (e.type === 'step-done') expect(Object.keys(e).sort()).toEqual(['at', 'durationMs', 'stepId', 'title', 'type']);
    }
  });

  test('a resume command, when there is one, is install with the flags the run was given: no --resume', () => {
    const end = events.at(-1);
    if (end?.type !== 'run-finished' || end.resumeCommand === undefined) return;
    expect(end.resumeCommand).toBe(`zenml-pro-installer install --answers examples/sim.yaml --dir ${INSTALL.options.dir} --kubeconfig /tmp/sim/kubeconfig --yes`);
    expect(end.resumeCommand).not.toContain('--resume');
  });
});

test('the successful run runs or skips every step of the plan once', () => {
  const finished = runs.succeeding!.events.flatMap((e) => (e.type === 'step-done' || e.type === 'step-skipped' ? [e.stepId] : []));
  expect([...finished].sort()).toEqual(INSTALL.plan.steps.map((s) => s.id).sort());
  expect(INSTALL.plan.steps.map((s) => s.id)).toContain('release:control-plane');
});

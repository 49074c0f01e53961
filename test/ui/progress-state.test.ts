import { describe, expect, test } from 'vitest';
import { clockTime, formatDuration, initialProgress, printDetails, printedItems, progressReducer, TAIL_KEEP } from '../../src/ui/progress/state.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { API_POD, at, eventOf, failingEnd, HELM_OUTPUT, INSTALL, LONG_OUTPUT_LINE, runningPart, succeedingEnd, waitingRun } from './helpers/run-events.js';

const fold = (events: readonly EngineEvent[]) => events.reduce(progressReducer, initialProgress);
const RELEASE = 'Install or upgrade release zenml-pro (chart zenml-pro-0.13.0.tgz) in zenml-pro';
const SCHEDULER_WARNING = `Pod/${API_POD}: FailedScheduling 0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.`;
const RESUME = `zenml-pro-installer install --answers examples/sim.yaml --dir ${INSTALL.options.dir} --kubeconfig /tmp/sim/kubeconfig --yes`;
/** The failing run up to helm returning: its command is reported, the step has not failed yet. */
const helmReturned = (): readonly EngineEvent[] => [...runningPart, ...failingEnd.slice(0, failingEnd.findIndex((e) => e.type === 'command' && e.stepId === 'release:control-plane') + 1)];

describe('progressReducer over a failing run', () => {
  const running = fold(runningPart);

  test('finished steps become one line each, the run header first', () => {
    expect(running.finished.map((l) => [l.kind, l.text, l.detail])).toEqual([
      ['header', 'Installing into zenml-sim (https://127.0.0.1:6443)', '13 steps · namespaces zenml-pro, zenml-workspace-ml, zenml-workspace-research'],
      ['notice', 'cluster https://127.0.0.1:6443, Kubernetes v1.34.2', undefined],
      ['done', 'Check the target cluster (context zenml-sim)', '0s'],
      ['done', 'Namespace zenml-pro (control plane)', '0s'],
      ['done', 'Namespace zenml-workspace-ml (workspace ml)', '1s'],
      ['done', 'Namespace zenml-workspace-research (workspace research)', '3s'],
    ]);
  });

  test('the running step keeps its deadline, readiness, its output and distinct warnings', () => {
    expect(running.running).toHaveLength(1);
    const step = running.running[0]!;
    const started = eventOf(runningPart, 'step-started', 'release:control-plane');
    expect(step).toMatchObject({ stepId: 'release:control-plane', title: RELEASE, position: 4, startedAt: started.at });
    // The runner's deadline: helm's --timeout (600s) from the start.
    expect(step.deadline).toBe(new Date(Date.parse(started.at) + 600_000).toISOString());
    expect(running.totalSteps).toBe(13);
    expect(step.tail).toEqual([...HELM_OUTPUT.map((o) => o.line), LONG_OUTPUT_LINE]);
    expect(step.resources).toEqual([
      { name: 'zenml-pro', text: 'zenml-pro  0/1 ready', ready: false },
      { name: 'zenml-pro-dashboard', text: 'zenml-pro-dashboard  1/1 ready', ready: true },
    ]);
    // The scheduler's warning came twice (its count went up): kept once.
    expect(runningPart.filter((e) => e.type === 'warning-event').map((e) => e.type === 'warning-event' && e.line)).toEqual([SCHEDULER_WARNING, SCHEDULER_WARNING]);
    expect(step.warnings).toEqual([SCHEDULER_WARNING]);
  });

  test('a command reported for the running step is kept on it', () => {
    const step = fold(helmReturned()).running[0]!;
    expect(step.stepId).toBe('release:control-plane');
    expect(step.command).toBe(eventOf(failingEnd, 'command', 'release:control-plane').commandLine);
    expect(step.command).toMatch(/^helm upgrade --install zenml-pro \S+\/zenml-pro-0\.13\.0\.tgz --namespace zenml-pro --values \S+\/values\/control-plane\.yaml --wait --timeout 600s --kube-context zenml-sim --kubeconfig \/tmp\/sim\/kubeconfig$/);
  });

  test('a failure leaves the live area, keeps its diagnosis, and the end carries the bundle and resume command', () => {
    const end = fold([...runningPart, ...failingEnd]);
    expect(end.running).toEqual([]);
    expect(end.finished.at(-1)).toMatchObject({
      kind: 'failed',
      text: RELEASE,
      detail: "zenml-pro: cannot pull image registry.sim.example.com/zenml/zenml-pro-api:0.13.0 (ImagePullBackOff) (stopped early instead of waiting for helm's 600s timeout)",
    });
    expect(end.finished.at(-1)?.failure).toBe(end.failures[0]);
    expect(end.failures).toHaveLength(1);
    expect(end.failures[0]!.diagnoses).toHaveLength(1);
    expect(end.failures[0]!.diagnoses[0]).toMatchObject({ kind: 'image-pull', resource: `pod/${API_POD}` });
    expect(end.failures[0]!.diagnoses[0]!.summary).toMatch(/^cannot pull /);
    expect(end.end).toEqual({
      outcome: 'failed',
      report: [],
      supportBundle: expect.stringMatching(/\/support-bundle-\d{8}T\d{6}Z\.tar\.gz$/),
      resumeCommand: RESUME,
    });
    expect(end.end?.supportBundle?.startsWith(`${INSTALL.options.dir}/`)).toBe(true);
  });

  test('printed items only grow: the end comes last, once the run finished', () => {
    expect(printedItems(running)).toBe(running.finished);
    const end = fold([...runningPart, ...failingEnd]);
    expect(printedItems(end).map((i) => i.kind)).toEqual([...end.finished.map((l) => l.kind), 'end']);
  });

  test('details on request print each running step in full: command, warnings, every kept output line', () => {
    const state = fold(helmReturned());
    const printed = printDetails(state).finished.at(-1);
    expect(printed).toMatchObject({ kind: 'details', text: RELEASE });
    expect(printed?.more?.[0]).toBe(`$ ${state.running[0]!.command!}`);
    expect(printed?.more).toContain(`│ ${LONG_OUTPUT_LINE}`);
    expect(printed?.more).toContain(`⚠ ${SCHEDULER_WARNING}`);
    expect(printed?.more).toContain(`⚠ Pod/${API_POD}: BackOff Back-off pulling image "registry.sim.example.com/zenml/zenml-pro-api:0.13.0"`);
  });

  test('events for a step that is not running change nothing', () => {
    const stray: EngineEvent = { type: 'output-line', at: at(1), stepId: 'ready:control-plane', stream: 'stdout', line: 'ignored' };
    expect(progressReducer(running, stray)).toBe(running);
  });
});

test('a successful run ends with the report its last step recorded; skipped steps keep their reason', () => {
  const end = fold([...runningPart, ...succeedingEnd]);
  expect(end.running).toEqual([]);
  expect(end.finished.find((l) => l.text === RELEASE)).toMatchObject({ kind: 'done', detail: '58s' });
  expect(end.finished.find((l) => l.kind === 'verified')).toMatchObject({
    text: 'Enrollment of ml (manual, workspace aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee)',
    detail: 'manual enrollment: the values come from the answers file',
  });
  expect(end.end?.outcome).toBe('done');
  expect(end.end?.report[0]).toBe('Where ZenML Pro answers');
  expect(end.end?.report).toContain('  - Control plane: https://zenml-pro.sim.example.com');
  expect(end.end?.report).toContain('    zenml login research');
  expect(end.end?.resumeCommand).toBeUndefined();
});

test('a long output keeps its last lines', () => {
  const lines = Array.from({ length: TAIL_KEEP + 7 }, (_, i): EngineEvent => ({ type: 'output-line', at: at(30), stepId: 'release:control-plane', stream: 'stdout', line: `more ${i}` }));
  const tail = fold([...runningPart, ...lines]).running[0]!.tail;
  expect(tail).toHaveLength(TAIL_KEEP);
  expect(tail.at(-1)).toBe(`more ${TAIL_KEEP + 6}`);
});

test('a waiting step is printed with its instructions in full, and the run ends saying how to go on', () => {
  const state = fold(waitingRun);
  const waiting = eventOf(waitingRun, 'step-waiting', 'enroll:ml');
  expect(waiting.instructions[0]).toBe('Enroll workspace "ml" in the control plane, then add its values to the answers:');
  expect(state.running).toEqual([]);
  expect(state.finished.filter((l) => l.kind === 'waiting')).toEqual([
    expect.objectContaining({ kind: 'waiting', text: 'Enrollment of ml (manual: waiting for its values)', more: waiting.instructions }),
  ]);
  // The other workspace went on without it.
  expect(state.finished.find((l) => l.text === 'Workspace research ready and healthy')).toMatchObject({ kind: 'done' });
  expect(state.end).toEqual({ outcome: 'waiting', report: [], supportBundle: undefined, resumeCommand: RESUME });
});

test('a retry shows on the running step until the next command', () => {
  const retried = fold([...runningPart, { type: 'retry', at: at(30), stepId: 'release:control-plane', attempt: 2, reason: 'API server timeout', delayMs: 5000 }]);
  expect(retried.running[0]!.retry).toEqual({ attempt: 2, reason: 'API server timeout', at: at(30), delayMs: 5000 });
  const next = progressReducer(retried, eventOf(failingEnd, 'command', 'release:control-plane'));
  expect(next.running[0]!.retry).toBeUndefined();
});

test('durations and clock times', () => {
  expect([formatDuration(400), formatDuration(59_000), formatDuration(125_000), formatDuration(3_725_000)]).toEqual(['0s', '59s', '2m 05s', '1h 02m']);
  const d = new Date(2026, 2, 1, 2, 4, 9);
  expect(clockTime(d.toISOString())).toBe('02:04:09');
});

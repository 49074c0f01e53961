import { describe, expect, test } from 'vitest';
import { clockTime, formatDuration, initialProgress, printDetails, printedItems, progressReducer, TAIL_KEEP } from '../../src/ui/progress/state.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { at, failingEnd, LONG_OUTPUT_LINE, runningPart, succeedingEnd } from './helpers/run-events.js';

const fold = (events: readonly EngineEvent[]) => events.reduce(progressReducer, initialProgress);

describe('progressReducer over a failing run', () => {
  const running = fold(runningPart);

  test('finished steps become one line each, the run header first', () => {
    expect(running.finished.map((l) => [l.kind, l.text, l.detail])).toEqual([
      ['header', 'Installing into prod-eu (https://10.0.0.1:6443)', '6 steps · namespaces zenml-pro, zenml-workspace-ml'],
      ['skipped', 'Create namespace zenml-pro', 'it already exists'],
      ['done', 'Create the TLS secret for zenml-pro.example.com', '2s'],
    ]);
  });

  test('the running step keeps its deadline, command, readiness, its output and distinct warnings', () => {
    expect(running.running).toHaveLength(1);
    const step = running.running[0]!;
    expect(step).toMatchObject({ stepId: 'helm:zenml-pro', position: 3, deadline: at(604) });
    expect(running.totalSteps).toBe(6);
    expect(step.command).toMatch(/^helm upgrade --install zenml-pro/);
    expect(step.tail).toEqual(['helm line 1', 'helm line 2', 'helm line 3', 'helm line 4', 'helm line 5', 'helm line 6', LONG_OUTPUT_LINE]);
    expect(step.resources.map((r) => `${r.name} ${r.text}`)).toEqual(['zenml-pro 1/2 ready', 'zenml-pro-dashboard 1/1 ready']);
    expect(step.warnings).toEqual(['pod/zenml-pro-5d8f: Back-off pulling image "zenml-pro-api:0.93.2"']);
  });

  test('a failure leaves the live area, keeps its diagnosis, and the end carries the bundle and resume command', () => {
    const end = fold([...runningPart, ...failingEnd]);
    expect(end.running).toEqual([]);
    expect(end.finished.at(-1)).toMatchObject({ kind: 'failed', detail: 'pods of zenml-pro cannot pull their image' });
    expect(end.finished.at(-1)?.failure).toBe(end.failures[0]);
    expect(end.failures).toHaveLength(1);
    expect(end.failures[0]!.diagnoses[0]!.summary).toMatch(/^cannot pull /);
    expect(end.end).toEqual({
      outcome: 'failed',
      report: [],
      supportBundle: '/work/install/support-bundle-20260301-020031.tar.gz',
      resumeCommand: 'zenml-pro-installer install --answers answers.yaml --resume',
    });
  });

  test('printed items only grow: the end comes last, once the run finished', () => {
    expect(printedItems(running)).toBe(running.finished);
    const end = fold([...runningPart, ...failingEnd]);
    expect(printedItems(end).map((i) => i.kind)).toEqual([...end.finished.map((l) => l.kind), 'end']);
  });

  test('details on request print each running step in full: command, warnings, every kept output line', () => {
    const printed = printDetails(running).finished.at(-1);
    expect(printed).toMatchObject({ kind: 'details', text: 'Install the control plane (zenml-pro 0.93.2)' });
    expect(printed?.more?.[0]).toBe(`$ ${running.running[0]!.command!}`);
    expect(printed?.more).toContain(`│ ${LONG_OUTPUT_LINE}`);
    expect(printed?.more).toContain('⚠ pod/zenml-pro-5d8f: Back-off pulling image "zenml-pro-api:0.93.2"');
  });

  test('events for a step that is not running change nothing', () => {
    const stray: EngineEvent = { type: 'output-line', at: at(1), stepId: 'nope', stream: 'stdout', line: 'ignored' };
    expect(progressReducer(running, stray)).toBe(running);
  });
});

test('a successful run ends with its report and the step note', () => {
  const end = fold([...runningPart, ...succeedingEnd]);
  expect(end.finished.at(-1)).toMatchObject({ kind: 'done', detail: '57s · revision 1' });
  expect(end.end?.outcome).toBe('done');
  expect(end.end?.report[0]).toBe('Dashboard: https://zenml-pro.example.com');
});

test('a long output keeps its last lines', () => {
  const lines = Array.from({ length: TAIL_KEEP + 7 }, (_, i): EngineEvent => ({ type: 'output-line', at: at(30), stepId: 'helm:zenml-pro', stream: 'stdout', line: `more ${i}` }));
  const tail = fold([...runningPart, ...lines]).running[0]!.tail;
  expect(tail).toHaveLength(TAIL_KEEP);
  expect(tail.at(-1)).toBe(`more ${TAIL_KEEP + 6}`);
});

test('a waiting step is printed with its instructions in full', () => {
  const waiting = fold([
    ...runningPart,
    { type: 'step-waiting', at: at(40), stepId: 'helm:zenml-pro', title: 'Enrollment of ml', instructions: ['open the dashboard, create workspace ml', 'put its enrollment key in the answers'] },
  ]);
  expect(waiting.running).toEqual([]);
  expect(waiting.finished.at(-1)).toMatchObject({ kind: 'waiting', text: 'Enrollment of ml', more: ['open the dashboard, create workspace ml', 'put its enrollment key in the answers'] });
});

test('a retry shows on the running step until the next command', () => {
  const retried = fold([...runningPart, { type: 'retry', at: at(30), stepId: 'helm:zenml-pro', attempt: 2, reason: 'API server timeout', delayMs: 5000 }]);
  expect(retried.running[0]!.retry).toEqual({ attempt: 2, reason: 'API server timeout', at: at(30), delayMs: 5000 });
  const next = progressReducer(retried, { type: 'command', at: at(35), stepId: 'helm:zenml-pro', commandLine: 'helm status zenml-pro' });
  expect(next.running[0]!.retry).toBeUndefined();
});

test('durations and clock times', () => {
  expect([formatDuration(400), formatDuration(59_000), formatDuration(125_000), formatDuration(3_725_000)]).toEqual(['0s', '59s', '2m 05s', '1h 02m']);
  const d = new Date(2026, 2, 1, 2, 4, 9);
  expect(clockTime(d.toISOString())).toBe('02:04:09');
});

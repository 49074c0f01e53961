import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { liveLines, wrap, type LiveLine } from '../../src/ui/progress/live-layout.js';
import { initialProgress, progressReducer, type ProgressState } from '../../src/ui/progress/state.js';
import { at, eventOf, failingEnd, runningPart } from './helpers/run-events.js';

const fold = (events: readonly EngineEvent[]): ProgressState => events.reduce(progressReducer, initialProgress);
const textOf = (line: LiveLine): string => (line.kind === 'title' ? `${line.frame} ${line.title}${line.suffix}` : line.kind === 'hint' ? line.text : `  ${line.text}`);
const NOW = Date.parse(at(90));

/** The control plane's helm command line as the run reports it (two and a half lines at 80 columns). */
const HELM_COMMAND = eventOf(failingEnd, 'command', 'release:control-plane');
const LONG_COMMAND = HELM_COMMAND.commandLine;

/** The running control plane release with a command reported and `outputLines` more lines of output. */
function withCommand(command: string, outputLines = 0): ProgressState {
  return fold([
    ...runningPart,
    { ...HELM_COMMAND, commandLine: command },
    ...Array.from({ length: outputLines }, (_, i): EngineEvent => ({ type: 'output-line', at: at(31), stepId: 'release:control-plane', stream: 'stdout', line: `out ${i}` })),
  ]);
}

test('wrap breaks at spaces, indents continuation lines and splits words longer than a line', () => {
  expect(wrap('one two three four', 9, 2)).toEqual(['one two', '  three', '  four']);
  expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  expect(wrap('', 10)).toEqual(['']);
});

test('a long command wraps whole instead of being cut', () => {
  expect(LONG_COMMAND.length).toBeGreaterThan(160);
  const lines = liveLines(withCommand(LONG_COMMAND), { columns: 80, rows: 30 }, NOW).filter((l) => l.kind === 'command').map(textOf);
  expect(lines.length).toBeGreaterThan(2);
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  expect(lines.map((l) => l.trim()).join(' ')).toBe(`$ ${LONG_COMMAND}`);
});

test('the output tail gets a third of the terminal: more rows, more output', () => {
  const state = withCommand('helm status zenml-pro', 40);
  const tail = (rows: number): number => liveLines(state, { columns: 100, rows }, NOW).filter((l) => l.kind === 'tail').length;
  expect(tail(30)).toBe(10);
  expect(tail(60)).toBe(20);
  expect(tail(12)).toBe(4);
});

test('when the terminal is too short, the tail and then readiness give way, the command loses its end last, and a hint says how to see it all', () => {
  const lines = liveLines(withCommand(LONG_COMMAND, 40), { columns: 80, rows: 5 }, NOW);
  expect(lines).toHaveLength(4);
  expect(lines.map((l) => l.kind)).toEqual(['title', 'command', 'command', 'hint']);
  expect(textOf(lines[2]!)).toMatch(/…$/);
  expect(textOf(lines[3]!)).toMatch(/^press d to print the running steps in full/);
});

test('whatever runs, the live area fits the terminal: at most rows - 1 lines, none wider than it', () => {
  const step = fc.record({
    command: fc.option(fc.string({ minLength: 1, maxLength: 400 }).map((s) => s.replaceAll('\n', ' '))),
    resources: fc.array(fc.record({ name: fc.string({ maxLength: 60 }), text: fc.string({ maxLength: 40 }), ready: fc.boolean() }), { maxLength: 12 }),
    warnings: fc.array(fc.string({ maxLength: 200 }), { maxLength: 5 }),
    output: fc.array(fc.string({ maxLength: 300 }), { maxLength: 60 }),
    retry: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 3 }), fc.integer({ min: 2, max: 80 }), fc.integer({ min: 10, max: 220 }), (steps, rows, columns) => {
      const events: EngineEvent[] = [{ type: 'run-started', at: at(0), context: 'c', server: 's', namespaces: [], steps: 13, resumed: false }];
      steps.forEach((s, i) => {
        const stepId = `s${i}`;
        events.push({ type: 'step-started', at: at(1), stepId, title: `Step ${i} ${'with a long title '.repeat(i * 3)}`, deadline: at(600) });
        if (s.command !== null) events.push({ type: 'command', at: at(2), stepId, commandLine: s.command });
        events.push({ type: 'resource-status', at: at(3), stepId, resources: s.resources });
        for (const line of s.warnings) events.push({ type: 'warning-event', at: at(4), stepId, line });
        for (const line of s.output) events.push({ type: 'output-line', at: at(5), stepId, stream: 'stdout', line });
        if (s.retry) events.push({ type: 'retry', at: at(6), stepId, attempt: 2, reason: 'the API server did not answer', delayMs: 5000 });
      });
      const lines = liveLines(fold(events), { columns, rows }, NOW);
      expect(lines.length).toBeLessThanOrEqual(rows - 1);
      for (const line of lines) expect([...textOf(line)].length).toBeLessThanOrEqual(columns);
    }),
  );
});

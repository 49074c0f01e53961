// The live view on a terminal of a given size: what fits, what wraps, what
// the keys do. (test/e2e/progress-tmux.test.ts runs a real install in tmux.)
import { expect, test } from 'vitest';
import type { EngineEvent, EventSink } from '../../src/engine/events.js';
import { renderProgress } from '../../src/ui/progress/render-progress.js';
import { waitFor } from './helpers/frames.js';
import { at, failingEnd, LONG_OUTPUT_LINE, runningPart } from './helpers/run-events.js';
import { VirtualStdin, VirtualStdout } from './helpers/virtual-terminal.js';

class RecordingStdin extends VirtualStdin {
  readonly rawModes: boolean[] = [];
  override setRawMode(mode?: boolean): this {
    this.rawModes.push(mode === true);
    return this;
  }
}

/** A second stream onto the same terminal, as process.stderr is beside process.stdout. */
function stderrOf(terminal: VirtualStdout): NodeJS.WriteStream {
  return { isTTY: true, write: (chunk: string | Uint8Array) => terminal.write(chunk) } as unknown as NodeJS.WriteStream;
}

function start(columns: number, rows: number, options: { onInterrupt?: () => void; stderrOnTerminal?: boolean } = {}) {
  const stdout = new VirtualStdout(columns, rows);
  const stdin = new RecordingStdin();
  const stderr = options.stderrOnTerminal ? stderrOf(stdout) : undefined;
  let sink: EventSink | undefined;
  const done = renderProgress(
    (s) => {
      sink = s;
      return () => undefined;
    },
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      ...(stderr ? { stderr } : {}),
      color: false,
      onInterrupt: options.onInterrupt ?? (() => undefined),
    },
  );
  const push = (events: readonly EngineEvent[]): void => events.forEach((e) => sink?.(e));
  const resize = (size: { columns: number; rows: number }): void => {
    Object.assign(stdout as unknown as { columns: number; rows: number }, size);
    stdout.emit('resize');
  };
  return { stdout, stdin, stderr, done, push, resize };
}

const output = (n: number, from = 0): EngineEvent[] =>
  Array.from({ length: n }, (_, i): EngineEvent => ({ type: 'output-line', at: at(30), stepId: 'helm:zenml-pro', stream: 'stdout', line: `out ${from + i}` }));
const tailCount = (screen: string): number => screen.split('\n').filter((l) => l.startsWith('  │ out ')).length;
const finish: EngineEvent = { type: 'run-finished', at: at(99), outcome: 'interrupted' };

test('the output tail is sized from the terminal rows, and follows a resize', async () => {
  const t = start(100, 30);
  t.push([...runningPart, ...output(40)]);
  expect(tailCount(await waitFor(() => t.stdout.plain(), (s) => s.includes('│ out 39')))).toBe(10);
  t.resize({ columns: 100, rows: 60 });
  expect(tailCount(await waitFor(() => t.stdout.plain(), (s) => s.includes('│ out 20')))).toBe(20);
  t.push([finish]);
  await t.done;
});

test('the live area never grows taller than the terminal, however much runs at once', async () => {
  const t = start(100, 20);
  const crowded: EngineEvent[] = ['a', 'b', 'c'].flatMap((id): EngineEvent[] => [
    { type: 'step-started', at: at(1), stepId: id, title: `Install workspace ${id}`, deadline: at(600) },
    { type: 'command', at: at(2), stepId: id, commandLine: `helm upgrade --install zenml-${id} ${'--set x=y '.repeat(30)}` },
    { type: 'resource-status', at: at(3), stepId: id, resources: Array.from({ length: 8 }, (_, i) => ({ name: `deploy-${i}`, text: '0/1 ready', ready: false })) },
    { type: 'warning-event', at: at(4), stepId: id, line: `pod/${id}: Back-off pulling image` },
  ]);
  // No header: every line on screen belongs to the live area.
  t.push(crowded);
  const screen = await waitFor(() => t.stdout.plain(), (s) => s.includes('Install workspace c'));
  expect(screen.split('\n').length, screen).toBeLessThanOrEqual(19);
  expect(screen).toMatch(/^press d to print the running steps in full/m);
  t.push([finish]);
  await t.done;
});

test('printed lines wrap instead of being cut mid-word', async () => {
  const t = start(80, 24);
  const reason = 'manual enrollment: the values come from the answers file (organization, workspace ID and enrollment key)';
  t.push([
    ...runningPart.slice(0, 1),
    { type: 'step-skipped', at: at(2), stepId: 'enroll:ml', title: 'Enrollment of ml (manual, workspace aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee)', reason },
    finish,
  ]);
  await t.done;
  const screen = t.stdout.plain();
  expect(screen).not.toContain('…');
  for (const line of screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  expect(screen.replace(/\n +/g, ' ')).toContain(`↷ Enrollment of ml (manual, workspace aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee) — ${reason}`);
});

test('a failure panel shows every detail of a diagnosis, wrapped', async () => {
  const t = start(80, 24);
  const logs = Array.from({ length: 6 }, (_, i) => `  ERROR migration step ${i}: ${'could not connect to mysql.example.com:3306 '.repeat(2)}`);
  const failed = failingEnd[0] as Extract<EngineEvent, { type: 'step-failed' }>;
  t.push([...runningPart, { ...failed, diagnoses: [{ ...failed.diagnoses[0]!, details: ['last log lines:', ...logs] }] }, failingEnd[1]!]);
  await t.done;
  const screen = t.stdout.plain().replace(/[│╭╮╰╯─]/g, ' ');
  for (let i = 0; i < 6; i++) expect(screen).toContain(`ERROR migration step ${i}:`);
  expect(screen).not.toContain('…');
});

test('keys: the terminal is in raw mode while the view runs (nothing typed is echoed), d prints the running step in full, Ctrl+C interrupts', async () => {
  let interrupts = 0;
  const t = start(80, 24, { onInterrupt: () => (interrupts += 1) });
  t.push(runningPart);
  await waitFor(() => t.stdout.plain(), (s) => s.includes('│ W0301'));
  expect(t.stdin.rawModes).toEqual([true]);
  expect(t.stdout.plain()).not.toContain('END-OF-LONG-LINE');

  t.stdin.write('d');
  const printed = await waitFor(() => t.stdout.plain(), (s) => s.includes('END-OF-LONG-LINE'));
  expect(printed).toMatch(/^» Install the control plane \(zenml-pro 0\.93\.2\)$/m);
  expect(printed.replace(/\n +/g, ' ')).toContain('$ helm upgrade --install zenml-pro oci://public.ecr.aws/zenml/zenml-pro --version 0.93.2 --namespace zenml-pro --wait');
  // Wrapped at the terminal's edge: compared without the whitespace wrapping adds.
  expect(printed.replace(/\s+/g, '')).toContain(LONG_OUTPUT_LINE.replace(/\s+/g, ''));

  t.stdin.write('\u0003');
  await waitFor(() => String(interrupts), (n) => n === '1');
  t.push([finish]);
  await t.done;
  expect(t.stdin.rawModes).toEqual([true, false]);
});

test('text written straight to stderr on the same terminal goes above the live area, which leaves no stale line behind', async () => {
  const t = start(80, 24, { stderrOnTerminal: true });
  t.push(runningPart);
  await waitFor(() => t.stdout.plain(), (s) => s.includes('│ W0301'));
  // What install.ts writes on Ctrl+C, from its signal handler.
  t.stderr?.write('\nstopping after the current command is ended (Ctrl+C again to quit at once)\n');
  t.push([finish]);
  await t.done;
  const screen = t.stdout.plain();
  expect(screen).toContain('stopping after the current command is ended');
  expect(screen).toMatch(/^■ The install was interrupted$/m);
  expect(screen, screen).not.toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /m);
  expect(screen).not.toContain('│ helm line');
});

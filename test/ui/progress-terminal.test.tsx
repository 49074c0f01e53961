// The live view on a terminal of a given size: what fits, what wraps, what
// the keys do. (test/e2e/progress-tmux.test.ts runs a real install in tmux.)
import { expect, test } from 'vitest';
import type { EngineEvent, EventSink } from '../../src/engine/events.js';
import { renderProgress } from '../../src/ui/progress/render-progress.js';
import { waitFor } from './helpers/frames.js';
import { at, crashLoopDiagnoses, eventOf, failingEnd, HELM_OUTPUT, interruptedEnd, LONG_OUTPUT_LINE, runningPart, sideBySidePart, succeedingEnd } from './helpers/run-events.js';
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

/** More output of the control plane's helm. */
const output = (n: number, from = 0): EngineEvent[] =>
  Array.from({ length: n }, (_, i): EngineEvent => ({ type: 'output-line', at: at(30), stepId: 'release:control-plane', stream: 'stdout', line: `out ${from + i}` }));
const tailCount = (screen: string): number => screen.split('\n').filter((l) => l.startsWith('  │ out ')).length;
/** Ctrl+C while the control plane's helm waits: the notice, helm's command as it ends, the end of the run. */
const finish = interruptedEnd;
/** The failing run up to helm returning: its command is reported, the step has not failed yet. */
const helmReturned = [...runningPart, ...failingEnd.slice(0, failingEnd.findIndex((e) => e.type === 'command' && e.stepId === 'release:control-plane') + 1)];

test('the output tail is sized from the terminal rows, and follows a resize', async () => {
  const t = start(100, 30);
  t.push([...runningPart, ...output(40)]);
  expect(tailCount(await waitFor(() => t.stdout.plain(), (s) => s.includes('│ out 39')))).toBe(10);
  t.resize({ columns: 100, rows: 60 });
  expect(tailCount(await waitFor(() => t.stdout.plain(), (s) => s.includes('│ out 20')))).toBe(20);
  t.push(finish);
  await t.done;
});

test('the live area never grows taller than the terminal, however much runs at once', async () => {
  const t = start(100, 20);
  // Both workspaces' releases as they run side by side, each with its command and (more than these charts have) eight deployments.
  const crowded: EngineEvent[] = ['release:workspace-ml', 'release:workspace-research'].flatMap((id): EngineEvent[] => [
    eventOf(sideBySidePart, 'step-started', id),
    ...sideBySidePart.filter((e) => e.type === 'output-line' && e.stepId === id),
    eventOf(succeedingEnd, 'command', id),
    { type: 'resource-status', at: at(70), stepId: id, resources: Array.from({ length: 8 }, (_, i) => ({ name: `deploy-${i}`, text: `deploy-${i}  0/1 ready`, ready: false })) },
    { type: 'warning-event', at: at(71), stepId: id, line: `Pod/zenml-${id.split('-').at(-1) ?? id}: BackOff Back-off pulling image` },
  ]);
  // No header: every line on screen belongs to the live area.
  t.push(crowded);
  const screen = await waitFor(() => t.stdout.plain(), (s) => s.split('Install or upgrade release zenml (chart zenml-0.93.0.tgz)').length === 3);
  expect(screen.split('\n').length, screen).toBeLessThanOrEqual(19);
  expect(screen).toMatch(/^press d to print the running steps in full/m);
  t.push(finish);
  await t.done;
});

test('printed lines wrap instead of being cut mid-word', async () => {
  const t = start(80, 24);
  const skipped = eventOf(succeedingEnd, 'step-skipped', 'enroll:research');
  t.push([runningPart[0]!, skipped, ...finish.filter((e) => e.type === 'run-finished')]);
  await t.done;
  const screen = t.stdout.plain();
  expect(screen).not.toContain('…');
  for (const line of screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  expect(screen.replace(/\n +/g, ' ')).toContain('↷ Enrollment of research (manual, workspace ffffffff-0000-4111-8222-333333333333) — manual enrollment: the values come from the answers file');
});

test('a failure panel shows every detail of a diagnosis, wrapped', async () => {
  const t = start(80, 24);
  // The api server crash-looping instead: what diagnose() makes of six long log lines.
  const logs = Array.from({ length: 6 }, (_, i) => `ERROR migration step ${i}: ${'could not connect to mysql.sim.example.com:3306 '.repeat(2)}`);
  const diagnoses = crashLoopDiagnoses(logs);
  expect(diagnoses.map((d) => d.kind)).toEqual(['crash-loop']);
  const failed = eventOf(failingEnd, 'step-failed', 'release:control-plane');
  t.push([...runningPart, ...failingEnd.map((e) => (e === failed ? { ...failed, diagnoses } : e))]);
  await t.done;
  const screen = t.stdout.plain().replace(/[│╭╮╰╯─]/g, ' ');
  for (let i = 0; i < 6; i++) expect(screen).toContain(`ERROR migration step ${i}:`);
  expect(screen.replace(/\s+/g, ' ')).toContain(`ERROR migration step 5: ${'could not connect to mysql.sim.example.com:3306 '.repeat(2).trim()}`);
  expect(screen).not.toContain('…');
});

test('keys: the terminal is in raw mode while the view runs (nothing typed is echoed), d prints the running step in full, Ctrl+C interrupts', async () => {
  let interrupts = 0;
  const t = start(80, 24, { onInterrupt: () => (interrupts += 1) });
  t.push(helmReturned);
  await waitFor(() => t.stdout.plain(), (s) => s.includes('│ W0301 02:00:05 helm upgrade'));
  expect(t.stdin.rawModes).toEqual([true]);
  expect(t.stdout.plain()).not.toContain('END-OF-LONG-LINE');

  t.stdin.write('d');
  const printed = await waitFor(() => t.stdout.plain(), (s) => s.includes('END-OF-LONG-LINE'));
  expect(printed).toMatch(/^» Install or upgrade release zenml-pro \(chart zenml-pro-0\.13\.0\.tgz\) in\s+zenml-pro$/m);
  expect(printed.replace(/\s+/g, '')).toContain(`$${eventOf(failingEnd, 'command', 'release:control-plane').commandLine}`.replace(/\s+/g, ''));
  // Wrapped at the terminal's edge: compared without the whitespace wrapping adds.
  expect(printed.replace(/\s+/g, '')).toContain(LONG_OUTPUT_LINE.replace(/\s+/g, ''));

  t.stdin.write('\u0003');
  await waitFor(() => String(interrupts), (n) => n === '1');
  t.push(finish);
  await t.done;
  expect(t.stdin.rawModes).toEqual([true, false]);
});

test('text written straight to stderr on the same terminal goes above the live area, which leaves no stale line behind', async () => {
  const t = start(80, 24, { stderrOnTerminal: true });
  t.push(runningPart);
  await waitFor(() => t.stdout.plain(), (s) => s.includes('│ W0301 02:00:05 helm upgrade'));
  // What install.ts writes straight to stderr on a second Ctrl+C, from its signal handler.
  t.stderr?.write('\nstopping now\n');
  t.push(finish);
  await t.done;
  const screen = t.stdout.plain();
  expect(screen).toMatch(/^stopping now$/m);
  expect(screen).toContain('ℹ stopping after the current command is ended (Ctrl+C again to quit at once)');
  expect(screen).toMatch(/^■ The install was interrupted$/m);
  expect(screen, screen).not.toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /m);
  expect(screen).not.toContain(`│ ${HELM_OUTPUT[0]!.line}`);
});

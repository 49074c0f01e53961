import { expect, test } from 'vitest';
import type { EngineEvent, EventSink } from '../../src/engine/events.js';
import { render } from 'ink-testing-library';
import { ProgressView } from '../../src/ui/progress/ProgressView.js';
import { renderProgress } from '../../src/ui/progress/render-progress.js';
import { clockTime, initialProgress, progressReducer } from '../../src/ui/progress/state.js';
import { stripAnsi, waitFor } from './helpers/frames.js';
import { at, failingEnd, runningPart, streamOf, succeedingEnd } from './helpers/run-events.js';
import { VirtualStdout } from './helpers/virtual-terminal.js';

/** A subscribe-function source the test pushes events into. */
function pushSource() {
  let sink: EventSink | undefined;
  return {
    source: (s: EventSink) => {
      sink = s;
      return () => {
        sink = undefined;
      };
    },
    push: (events: readonly EngineEvent[]) => events.forEach((e) => sink?.(e)),
  };
}

const widest = (screen: string): number => Math.max(...screen.split('\n').map((l) => [...l].length));

test('an 80x24 terminal shows a failing run: finished lines, the live step, then the failure panel and how to resume', async () => {
  const stdout = new VirtualStdout(80, 24);
  const { source, push } = pushSource();
  const done = renderProgress(source, { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  push(runningPart);

  const live = await waitFor(() => stdout.plain(), (s) => s.includes('1/2 ready') && s.includes('⚠'));
  expect(live).toContain('▸ Installing into prod-eu (https://10.0.0.1:6443)');
  expect(live).toContain('↷ Create namespace zenml-pro — it already exists');
  expect(live).toMatch(/✔ Create the TLS secret for zenml-pro\.example\.com {2}2s/);
  expect(live).toMatch(/\[3\/6\] Install the control plane \(zenml-pro 0\.93\.2\) {2}1m 2\ds · deadline \d\d:\d\d:\d\d$/m);
  expect(live).toContain(`deadline ${clockTime(at(604))}`);
  expect(live).toContain('◌ zenml-pro  1/2 ready');
  expect(live).toContain('✔ zenml-pro-dashboard  1/1 ready');
  expect(live).toContain('⚠ pod/zenml-pro-5d8f: Back-off pulling image');
  // A third of the 24 rows for the output: all 7 lines.
  expect(live).toContain('│ helm line 1');
  expect(live).toContain('│ helm line 6');
  // The long output line is cut at the terminal edge, not wrapped; a key prints it whole.
  expect(live).not.toContain('END-OF-LONG-LINE');
  expect(live).toMatch(/│ W0301 02:00:05 helm upgrade: x+…/);
  expect(live).toMatch(/^press d to print the running steps in full/m);
  expect(widest(live), live).toBeLessThanOrEqual(80);

  push(failingEnd);
  const state = await done;
  const screen = stdout.plain();
  expect(state.end?.outcome).toBe('failed');
  // The failed step's line wraps under its mark instead of being cut.
  expect(screen).toMatch(/^✖ Install the control plane \(zenml-pro 0\.93\.2\) — pods of zenml-pro cannot pull\n {2,3}their image$/m);
  // Inside the panel the diagnosis wraps instead of being cut.
  expect(screen).toContain('✖ Install the control plane (zenml-pro 0.93.2) failed');
  expect(screen).toContain('pod/zenml-pro-5d8f: cannot pull');
  expect(screen).toContain('715803424590.dkr.ecr.eu-west-1.amazonaws.com/zenml-pro-api:0.93.2');
  expect(screen).toContain('Failed to pull image: 403 Forbidden');
  expect(screen).toContain('→ ask ZenML to grant your node role access to the registry');
  expect(screen).toContain('→ fix the cause above, then resume');
  expect(screen).toContain('Support bundle: /work/install/support-bundle-20260301-020031.tar.gz');
  expect(screen).toContain('Resume with: zenml-pro-installer install --answers answers.yaml --resume');
  // The running step is gone from the final screen, and each finished line is printed once.
  expect(screen).not.toContain('│ helm line 6');
  expect(screen.split('↷ Create namespace zenml-pro').length - 1).toBe(1);
  expect(widest(screen)).toBeLessThanOrEqual(80);
});

test('a successful run from an async iterable ends with the report lines', async () => {
  const stdout = new VirtualStdout(80, 24);
  const state = await renderProgress(streamOf([...runningPart, ...succeedingEnd]), { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  const screen = stdout.plain();
  expect(state.end?.outcome).toBe('done');
  expect(screen).toContain('✔ Install the control plane (zenml-pro 0.93.2)  57s · revision 1');
  expect(screen).toContain('✔ ZenML Pro is installed');
  expect(screen).toContain('Dashboard: https://zenml-pro.example.com');
  expect(screen).not.toContain('Resume with');
});

test('an event stream that ends without run-finished still returns', async () => {
  const stdout = new VirtualStdout(80, 24);
  const state = await renderProgress(streamOf(runningPart.slice(0, 3)), { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  expect(state.end).toBeUndefined();
  expect(state.finished).toHaveLength(2);
});

test('steps running side by side share the output tail', () => {
  const second: EngineEvent[] = [
    { type: 'step-started', at: at(30), stepId: 'helm:ml', title: 'Install workspace ml' },
    ...Array.from({ length: 5 }, (_, i): EngineEvent => ({ type: 'output-line', at: at(31 + i), stepId: 'helm:ml', stream: 'stdout', line: `ml line ${i + 1}` })),
  ];
  const state = [...runningPart, ...second].reduce(progressReducer, initialProgress);
  const { lastFrame, unmount } = render(<ProgressView state={state} now={Date.now()} size={{ columns: 100, rows: 24 }} />);
  const frame = stripAnsi(lastFrame() ?? '');
  unmount();
  expect(frame).toMatch(/\[4\/6\] Install workspace ml/);
  // A third of 24 rows, 4 lines each.
  expect(frame.match(/^ {2}│ /gm)).toHaveLength(8);
  expect(frame).toContain('│ ml line 5');
  expect(frame).toContain('│ ml line 2');
  expect(frame).not.toContain('│ ml line 1');
});

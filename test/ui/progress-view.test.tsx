import { expect, test } from 'vitest';
import type { EngineEvent, EventSink } from '../../src/engine/events.js';
import { render } from 'ink-testing-library';
import { ProgressView } from '../../src/ui/progress/ProgressView.js';
import { renderProgress } from '../../src/ui/progress/render-progress.js';
import { clockTime, initialProgress, progressReducer } from '../../src/ui/progress/state.js';
import { stripAnsi, waitFor } from './helpers/frames.js';
import { API_POD, eventOf, failingEnd, HELM_OUTPUT, INSTALL, runningPart, sideBySidePart, streamOf, succeedingEnd, workspaceHelmOutput } from './helpers/run-events.js';
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
/** The screen as one line: what wrapping split is joined again. */
const joined = (screen: string): string => screen.replace(/\s+/g, ' ');
const count = (text: string, part: string): number => text.split(part).length - 1;
const RELEASE = 'Install or upgrade release zenml-pro (chart zenml-pro-0.13.0.tgz) in zenml-pro';
const IMAGE = 'registry.sim.example.com/zenml/zenml-pro-api:0.13.0';
const RESUME = `zenml-pro-installer install --answers examples/sim.yaml --dir ${INSTALL.options.dir} --kubeconfig /tmp/sim/kubeconfig --yes`;

test('an 80x24 terminal shows a failing run: finished lines, the live step, then the failure panel and how to resume', async () => {
  const stdout = new VirtualStdout(80, 24);
  const { source, push } = pushSource();
  const done = renderProgress(source, { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  push(runningPart);

  const live = await waitFor(() => stdout.plain(), (s) => s.includes('0/1 ready') && s.includes('⚠'));
  expect(live).toContain('▸ Installing into zenml-sim (https://127.0.0.1:6443)');
  expect(live).toContain('ℹ cluster https://127.0.0.1:6443, Kubernetes v1.34.2');
  expect(live).toMatch(/^✔ Check the target cluster \(context zenml-sim\) {2}0s$/m);
  expect(live).toMatch(/^✔ Namespace zenml-workspace-research \(workspace research\) {2}3s$/m);
  // The title gives way to the elapsed time and the deadline.
  const deadline = eventOf(runningPart, 'step-started', 'release:control-plane').deadline;
  expect(deadline).toBeDefined();
  expect(live).toMatch(/\[4\/13\] Install or upgrade release zenml-pro \(char… {2}1m \d\ds · deadline \d\d:\d\d:\d\d$/m);
  expect(live).toContain(`deadline ${clockTime(deadline!)}`);
  expect(live).toMatch(/^ {2}◌ zenml-pro .*0\/1 ready$/m);
  expect(live).toMatch(/^ {2}✔ zenml-pro-dashboard .*1\/1 ready$/m);
  // The scheduler's warning came twice: shown once, cut at the edge.
  expect(count(live, `⚠ Pod/${API_POD}: FailedScheduling 0/2 nodes are available`)).toBe(1);
  // A third of the 24 rows for the output: all 7 lines.
  expect(live.split('\n').filter((l) => l.startsWith('  │ '))).toHaveLength(7);
  expect(live).toContain(`│ ${HELM_OUTPUT[0]!.line}`);
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
  expect(screen).toMatch(/^✖ Install or upgrade release zenml-pro \(chart zenml-pro-0\.13\.0\.tgz\) in zenml-pro\n {2,3}— zenml-pro: cannot pull image\n/m);
  expect(joined(screen)).toContain(`✖ ${RELEASE} — zenml-pro: cannot pull image ${IMAGE} (ImagePullBackOff) (stopped early instead of waiting for helm's 600s timeout)`);
  // Inside the panel the diagnosis wraps instead of being cut.
  const panel = joined(screen.replace(/[│╭╮╰╯─]/g, ' '));
  expect(panel).toContain(`✖ ${RELEASE} failed`);
  expect(panel).toContain(`pod/${API_POD}: cannot pull image ${IMAGE} (ImagePullBackOff)`);
  expect(panel).toContain('registry: registry.sim.example.com');
  expect(panel).toContain('the pod uses no image pull secret');
  expect(panel).toContain(`kubelet: Failed to pull image "${IMAGE}": failed to resolve reference "${IMAGE}": unexpected status from HEAD request to https://registry.sim.example.com/v2/zenml/zenml-pro-api/manifests/0.13.0: 403 Forbidden`);
  for (const next of eventOf(failingEnd, 'step-failed').next) expect(panel).toContain(`→ ${next}`);
  expect(panel).toContain(`→ check that ${IMAGE} exists in registry.sim.example.com (the tag is the chart version)`);
  expect(screen).toContain(`Support bundle: ${eventOf(failingEnd, 'run-finished').supportBundle ?? '(none)'}`);
  expect(joined(screen)).toContain(`Resume with: ${RESUME}`);
  // The running step is gone from the final screen, and each finished line is printed once.
  expect(screen).not.toContain(`│ ${HELM_OUTPUT[0]!.line}`);
  expect(count(screen, '✔ Namespace zenml-pro (control plane)')).toBe(1);
  expect(widest(screen)).toBeLessThanOrEqual(80);
});

test('a successful run from an async iterable ends with the report lines', async () => {
  const stdout = new VirtualStdout(80, 24);
  const state = await renderProgress(streamOf([...runningPart, ...succeedingEnd]), { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  const screen = stdout.plain();
  expect(state.end?.outcome).toBe('done');
  expect(joined(screen)).toContain(`✔ ${RELEASE} 58s`);
  expect(joined(screen)).toContain('↷ Enrollment of ml (manual, workspace aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee) — manual enrollment: the values come from the answers file');
  expect(screen).toContain('✔ Workspace research ready and healthy');
  expect(screen).toContain('✔ ZenML Pro is installed');
  expect(joined(screen)).toContain('- Control plane: https://zenml-pro.sim.example.com');
  expect(screen).toMatch(/^ {4}zenml login --pro-api-url https:\/\/zenml-pro\.sim\.example\.com\/api\/v1$/m);
  expect(screen).not.toContain('Resume with');
  expect(widest(screen)).toBeLessThanOrEqual(80);
});

test('an event stream that ends without run-finished still returns', async () => {
  const stdout = new VirtualStdout(80, 24);
  const state = await renderProgress(streamOf(runningPart.slice(0, 3)), { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  expect(state.end).toBeUndefined();
  // The header and the check's notice; the check itself still runs.
  expect(state.finished.map((l) => l.kind)).toEqual(['header', 'notice']);
  expect(state.running.map((s) => s.stepId)).toEqual(['target']);
});

test('steps running side by side share the output tail', () => {
  const state = sideBySidePart.reduce(progressReducer, initialProgress);
  expect(state.running.map((s) => s.stepId)).toEqual(['release:workspace-ml', 'release:workspace-research']);
  const { lastFrame, unmount } = render(<ProgressView state={state} now={Date.now()} size={{ columns: 100, rows: 24 }} />);
  const frame = stripAnsi(lastFrame() ?? '');
  unmount();
  // Positions 9 and 10 of 13 (the enrollments before them were skipped); the titles give way to the times.
  expect(frame).toMatch(/^. \[9\/13\] Install or upgrade release zenml \(chart zenml-0\.93\.0\.tgz\) in zen\S*…/m);
  expect(frame).toMatch(/^. \[10\/13\] Install or upgrade release zenml \(chart zenml-0\.93\.0\.tgz\) in zen\S*…/m);
  // A third of 24 rows, 4 lines each: each step's last 4 of its 5 lines.
  expect(frame.match(/^ {2}│ /gm)).toHaveLength(8);
  for (const namespace of ['zenml-workspace-ml', 'zenml-workspace-research']) {
    const lines = workspaceHelmOutput(namespace).map((o) => `│ ${o.line.slice(0, 70)}`);
    for (const line of lines.slice(1)) expect(frame).toContain(line);
    expect(frame).not.toContain(lines[0]);
  }
});

// Defects the recorded events showed and hand-written ones had hidden.

test('a deployment is named once on its readiness line (the status text already holds the name)', async () => {
  const stdout = new VirtualStdout(80, 24);
  const { source, push } = pushSource();
  const done = renderProgress(source, { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  push(runningPart);
  const live = await waitFor(() => stdout.plain(), (s) => s.includes('0/1 ready'));
  push(failingEnd);
  await done;
  expect(live).toMatch(/^ {2}◌ zenml-pro {2}0\/1 ready$/m);
  expect(live).toMatch(/^ {2}✔ zenml-pro-dashboard {2}1\/1 ready$/m);
});

test("the failure panel says each next step once (the step's `next` repeats its diagnosis's)", async () => {
  const stdout = new VirtualStdout(80, 24);
  await renderProgress(streamOf([...runningPart, ...failingEnd]), { stdout: stdout as unknown as NodeJS.WriteStream, color: false });
  const panel = joined(stdout.plain().replace(/[│╭╮╰╯─]/g, ' '));
  expect(count(panel, `→ check that ${IMAGE} exists in registry.sim.example.com`)).toBe(1);
});

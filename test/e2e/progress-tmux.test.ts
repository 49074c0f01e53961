// The live install view in a real terminal (tmux, 100x30): the built CLI
// installs examples/sim.yaml into the simulated cluster while a person
// presses keys, and the whole pane history must read like a clean log: every
// step once, no spinner left behind. Needs `npm run build` after src changes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Simulation } from '../../src/sim/simulation.js';
import { BIN, KUBECTL, REPO_ROOT, SIM_ANSWERS, Scratch, debugLogEvents, eventsOf, startSim, waitForNoTools } from '../helpers/install-sim.js';
import { TmuxTerminal, shellQuote } from '../helpers/tmux.js';

const HELM = '.tools/bin/helm';
const SPINNER_LINE = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \[(\d+)\/\d+\]/m;
// A key the test typed as the installer ended may be echoed by the shell just before the marker.
const EXITED = /EXIT=(\d+)$/m;

const scratch = new Scratch('progress-tmux');
let fast: Simulation;
/** Readiness takes seconds here, so a key can land while the control plane waits. */
let slow: Simulation;
const terms: TmuxTerminal[] = [];

beforeAll(async () => {
  [fast, slow] = await Promise.all([startSim(scratch, 'fast'), startSim(scratch, 'slow', { timings: { readyMs: 4000 } })]);
});

afterAll(async () => {
  await Promise.all(terms.map((t) => t.close()));
  for (const sim of [fast, slow]) {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
  }
  scratch.cleanup();
});

async function startInstall(sim: Simulation, dir: string): Promise<TmuxTerminal> {
  const env = scratch.env(dir);
  const args = ['install', '--answers', SIM_ANSWERS, '--kubeconfig', sim.info.kubeconfig, '--yes', '--dir', scratch.path(dir), '--helm', HELM, '--kubectl', KUBECTL];
  // Only the variables an installer run should see; TERM is the one tmux gives the pane.
  // Ctrl+C reaches the whole foreground group, this shell too: its trap keeps it alive to print the exit code.
  const command = `trap true INT; env -i TERM="$TERM" ${Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ')} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo "EXIT=$?"`;
  const term = await TmuxTerminal.start(command, { cwd: REPO_ROOT, logDir: scratch.root, width: 100, height: 30 });
  terms.push(term);
  return term;
}

test('keys pressed during an install leave no stale spinner line: every step is shown exactly once', { timeout: 90_000 }, async () => {
  const term = await startInstall(fast, 'keys');
  // Enter (and a stray letter) each time a new step shows its spinner, as an impatient person does.
  let pressedFor = 0;
  let screen = '';
  while (!EXITED.test(screen)) {
    screen = await term.waitFor('a new running step or the end', (s) => EXITED.test(s) || Number(SPINNER_LINE.exec(s)?.[1] ?? 0) > pressedFor, { timeoutMs: 60_000 });
    const running = Number(SPINNER_LINE.exec(screen)?.[1] ?? 0);
    if (running > pressedFor) {
      pressedFor = running;
      await term.keys('Enter');
      await term.type('x');
    }
  }
  expect(pressedFor, 'keys were pressed while steps ran').toBeGreaterThan(1);
  const history = await term.history();
  expect(history).toMatch(/EXIT=0$/m);
  expect(history).toMatch(/^✔ ZenML Pro is installed$/m);
  expect(history, history).not.toMatch(SPINNER_LINE);

  const events = debugLogEvents(scratch.path('keys'));
  const titles = [...eventsOf(events, 'step-done'), ...eventsOf(events, 'step-skipped')].map((e) => e.title);
  expect(titles).toHaveLength(eventsOf(events, 'run-started')[0]?.steps ?? -1);
  const stepLines = history.split('\n').filter((l) => /^[✔↷✖] /.test(l) && !l.includes('ZenML Pro is installed'));
  expect(stepLines, history).toHaveLength(titles.length);
  for (const title of titles) expect(stepLines.filter((l) => l.slice(2).startsWith(`${title}  `) || l.slice(2).startsWith(`${title} — `)), title).toHaveLength(1);
});

test('Ctrl+C during the live view still stops the install, which says how to resume', { timeout: 90_000 }, async () => {
  const term = await startInstall(slow, 'interrupt');
  // The control plane's release waits seconds for readiness here: time for a person to give up.
  await term.waitFor('the control plane release running', (s) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \[\d+\/\d+\] Install or upgrade release zenml-pro /m.test(s), { timeoutMs: 60_000 });
  await term.keys('C-c');
  const end = await term.waitFor('the installer to exit', (s) => EXITED.test(s), { read: 'history', timeoutMs: 60_000 });
  expect(end).toMatch(/EXIT=130$/m);
  expect(end).toMatch(/^■ The install was interrupted$/m);
  expect(end.replace(/\n +/g, ' ')).toMatch(/Resume with: zenml-pro-installer install /);
  expect(end, end).not.toMatch(SPINNER_LINE);
});

// The wizard in a real terminal, driven as a person would: the built CLI runs
// in tmux, keys are typed with send-keys and every decision is taken from the
// screen (capture-pane). A self-hosted install with two workspaces is walked
// through, installed into the simulated cluster, then repeated from the saved
// answers without a terminal. Needs `npm run build` after src changes.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';
import { startSimulation, type Simulation } from '../../src/sim/simulation.js';
import { BIN, FAST_TIMINGS, KUBECTL, REPO_ROOT, Scratch, runInstall, waitForNoTools, writeAnswersCopy } from '../helpers/install-sim.js';
import { TmuxTerminal, shellQuote } from '../helpers/tmux.js';
import { choices, choose, errorLine, fieldText, header, questionOf, screenKey, waitForExit, waitForFrame } from '../ui/helpers/tmux-wizard.js';

const HELM = join(REPO_ROOT, '.tools', 'bin', 'helm');
const NAMESPACES = ['zenml-pro', 'zenml-workspace-ml', 'zenml-workspace-research'];

/** Values typed into the wizard: distinctive, so finding one anywhere means it leaked. */
const TYPED = {
  cpDb: 'Cp-db-Typed-4417',
  mlDb: 'Ml-db-Typed-8250',
  researchDb: 'Rs-db-Typed-3096',
  mlKey: 'Enroll-ml-Typed-6613',
  researchKey: 'Enroll-rs-Typed-7741',
} as const;

type Answer = string | { readonly secret: 'generate' } | { readonly secret: 'type it now'; readonly value: string };

interface Step {
  /** Part of the header line, e.g. `5/9 Control plane` or `6/9 Workspaces  Workspace 2`. */
  readonly where: string;
  readonly question: string;
  readonly answer: Answer;
}

/** The review's confirmation: the target context and its API server, before anything changes. */
const CONFIRM = /Install ZenML Pro into context zenml-sim \(https:\/\/127\.0\.0\.1:\d+\)\?/;

const step = (where: string, question: string, answer: Answer): Step => ({ where, question, answer });

function workspaceSteps(n: number, name: string, db: string, workspaceId: string, key: string, more: boolean): Step[] {
  const at = `6/9 Workspaces  Workspace ${n}`;
  return [
    step(at, 'Name', name),
    step(at, 'Hostname', `${name}.sim.example.com`),
    step(at, 'Namespace', ''),
    step(at, 'Version', '0.93.0'),
    step(at, 'MySQL host', 'mysql.sim.example.com'),
    step(at, 'MySQL port', '3306'),
    step(at, 'MySQL database', `zenml_${name}`),
    step(at, 'MySQL user', `zenml_${name}`),
    step(at, 'MySQL password', { secret: 'type it now', value: db }),
    step(at, 'Secrets-store encryption key', { secret: 'generate' }),
    step(at, 'Session signing key', { secret: 'generate' }),
    // By hand, to walk the manual path; automatic would ask nothing more here.
    step(at, 'Enrollment', 'manual'),
    step(at, 'Enrollment values', 'now'),
    step(at, 'Organization ID', '11111111-2222-4333-8444-555555555555'),
    step(at, 'Organization name', 'sim'),
    step(at, 'Workspace ID', workspaceId),
    step(at, 'Enrollment key', { secret: 'type it now', value: key }),
    step(at, 'Add another workspace', more ? 'yes' : 'no'),
  ];
}

// Air-gapped is the only way the wizard asks for local chart files.
const SCRIPT: Step[] = [
  step('1/9 Scenario', 'Scenario', 'self-hosted'),
  step('1/9 Scenario', 'Air-gapped', 'yes'),
  step('2/9 Cluster', 'Kube context', 'zenml-sim'),
  step('2/9 Cluster', 'Ingress class', 'nginx'),
  step('3/9 Registry & images', 'Image source', 'private'),
  step('3/9 Registry & images', 'Registry and prefix', 'registry.sim.example.com/zenml'),
  step('3/9 Registry & images', 'Registry authentication', 'none'),
  step('3/9 Registry & images', 'Override image repositories', 'no'),
  step('3/9 Registry & images', 'Control-plane version', '0.13.0'),
  step('3/9 Registry & images', 'Control-plane chart', '.tools/charts/zenml-pro-0.13.0.tgz'),
  step('3/9 Registry & images', 'Workspace chart', '.tools/charts/zenml-0.93.0.tgz'),
  step('4/9 TLS', 'Certificates', 'cert-manager'),
  step('4/9 TLS', 'cert-manager issuer', 'sim-issuer'),
  step('4/9 TLS', 'Issuer kind', 'ClusterIssuer'),
  step('4/9 TLS', 'Certificate authority', 'public'),
  step('5/9 Control plane', 'Hostname', 'zenml-pro.sim.example.com'),
  step('5/9 Control plane', 'Namespace', 'zenml-pro'),
  step('5/9 Control plane', 'Database engine', 'mysql'),
  step('5/9 Control plane', 'Database host', 'mysql.sim.example.com'),
  step('5/9 Control plane', 'Database port', ''),
  step('5/9 Control plane', 'Database name', 'zenml_pro'),
  step('5/9 Control plane', 'Database user', 'zenml_pro'),
  step('5/9 Control plane', 'Database password', { secret: 'type it now', value: TYPED.cpDb }),
  step('5/9 Control plane', 'Single sign-on (OIDC)', 'no'),
  step('5/9 Control plane', 'Admin password', { secret: 'generate' }),
  step('5/9 Control plane', 'Add a user', 'no'),
  ...workspaceSteps(1, 'ml', TYPED.mlDb, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', TYPED.mlKey, true),
  ...workspaceSteps(2, 'research', TYPED.researchDb, 'ffffffff-0000-4111-8222-333333333333', TYPED.researchKey, false),
  step('7/9 Workload manager  Workspace 1', 'Run pipelines from the UI', 'no'),
  step('7/9 Workload manager  Workspace 2', 'Run pipelines from the UI', 'no'),
  step('8/9 Advanced', 'Advanced settings', 'keep the defaults'),
];

// ---- acting on it ----

/** Replaces the field's text with `value` (masked when `masked`) and submits it. */
async function fill(term: TmuxTerminal, screen: string, value: string, masked: boolean): Promise<void> {
  let current = fieldText(screen) ?? '';
  // One key per frame: a burst of backspaces can arrive as one chunk that Ink does not split.
  while (current !== '' && current !== value) {
    await term.keys('BSpace');
    const shorter = current.length - 1;
    current = fieldText(await waitForFrame(term, 'a character erased', (s) => (fieldText(s) ?? '').length === shorter)) ?? '';
  }
  if (current !== value && value !== '') {
    await term.type(value);
    const shown = masked ? '*'.repeat(value.length) : value;
    await waitForFrame(term, `"${shown}" in the field`, (s) => fieldText(s) === shown);
  }
  await term.keys('Enter');
}

/**
 * Answers one question; the screen must show exactly this question (fails with
 * the screen otherwise). Returns the key of the last screen it acted on.
 */
async function answerStep(term: TmuxTerminal, previousKey: string, s: Step): Promise<string> {
  const screen = await waitForFrame(term, `the question after "${previousKey.split('\n')[1] ?? ''}"`, (x) => screenKey(x) !== previousKey || errorLine(x) !== undefined);
  const problem = errorLine(screen);
  if (problem) throw new Error(`the wizard rejected the previous answer (${problem}); the screen:\n${screen}`);
  if (!header(screen).includes(s.where) || questionOf(screen) !== s.question) {
    throw new Error(`expected "${s.question}" in "${s.where}"; the wizard asks something else:\n${screen}`);
  }
  if (typeof s.answer === 'object') {
    await choose(term, screen, s.answer.secret);
    if (s.answer.secret === 'type it now') {
      const typing = await waitForFrame(term, 'the hidden input', (x) => x.includes('Type it (hidden):'));
      await fill(term, typing, s.answer.value, true);
      return screenKey(typing);
    }
  } else if (choices(screen).cursor !== -1) {
    await choose(term, screen, s.answer);
  } else {
    await fill(term, screen, s.answer, false);
  }
  return screenKey(screen);
}

// ---- the test ----

const scratch = new Scratch('wizard-tmux');
const installDir = scratch.path('install');
let sim: Simulation;
let term: TmuxTerminal | undefined;

beforeAll(async () => {
  sim = await startSimulation({ out: scratch.path('sim'), timings: FAST_TIMINGS });
});

afterAll(async () => {
  await term?.close();
  await waitForNoTools(sim.info.kubeconfig, 10_000);
  await sim.close();
  scratch.cleanup();
});

test('a person walks the wizard in a terminal, installs two workspaces, and the saved answers repeat the install', { timeout: 90_000 }, async () => {
  const env = scratch.env();
  const args = ['install', '--dir', installDir, '--kubeconfig', sim.info.kubeconfig, '--helm', '.tools/bin/helm', '--kubectl', '.tools/bin/kubectl'];
  // Only the variables an installer run should see; TERM is the one tmux gives the pane.
  const command = `env -i TERM="$TERM" ${Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ')} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo "EXIT=$?"`;
  term = await TmuxTerminal.start(command, { cwd: REPO_ROOT, logDir: scratch.root, width: 100, height: 30 });
  const t = term;

  // The wizard, question by question.
  let key = '';
  for (const s of SCRIPT) key = await answerStep(t, key, s);
  const review = await waitForFrame(t, 'the review, ready to install', (s) => s.includes('9/9 Review') && s.includes('✔ Ready'));
  expect(review).toMatch(/Workspaces\s+Workspace 1 · ml/);
  await choose(t, review, 'Install');

  // The wizard names the target and waits for an explicit y.
  await waitForFrame(t, 'the install confirmation', (s) => CONFIRM.test(s));
  await t.type('y');
  // That y was the confirmation: `install` starts without asking again.
  // The marker may follow a prompt on its line when the installer quits without a newline.
  const end = await t.waitFor('the installer to exit', (s) => /EXIT=\d+$/m.test(s), { read: 'history', timeoutMs: 60_000 });
  expect(end).not.toContain('Continue? [y/N]');
  // On a terminal the install draws the live view, whose end says so.
  expect(end, end).toMatch(/^✔ ZenML Pro is installed$/m);
  expect(end, end).toMatch(/^✔ Workspace research ready and healthy/m);
  expect(end, end).toMatch(/^EXIT=0$/m);
  expect(end).toContain('https://zenml-pro.sim.example.com');

  // Values files: 0600, the hosts and the typed database passwords (values hold secrets by design).
  const values = (name: string): string => {
    const file = join(installDir, 'values', name);
    expect(statSync(file).mode & 0o777, file).toBe(0o600);
    return readFileSync(file, 'utf8');
  };
  const cp = values('control-plane.yaml');
  expect(cp).toContain('zenml-pro.sim.example.com');
  expect(cp).toContain(TYPED.cpDb);
  for (const [name, db] of [['ml', TYPED.mlDb], ['research', TYPED.researchDb]] as const) {
    const ws = values(`workspace-${name}.yaml`);
    expect(ws).toContain(`${name}.sim.example.com`);
    expect(ws).toContain(db);
  }

  // The saved answers name the typed secrets by reference only; the values sit in ./secrets, 0600.
  const answersFile = join(installDir, 'answers.yaml');
  expect(statSync(answersFile).mode & 0o777).toBe(0o600);
  const answersText = readFileSync(answersFile, 'utf8');
  for (const secret of Object.values(TYPED)) expect(answersText).not.toContain(secret);
  const answers = parse(answersText) as {
    airGapped: boolean;
    charts: { controlPlane: string; workspace: string };
    controlPlane: { database: { password: unknown }; adminPassword: unknown };
    workspaces: { name: string; database: { name: string; password: unknown }; enrollment: { enrollmentKey: unknown } }[];
  };
  const fromFile = (ref: unknown, typed: string): void => {
    expect(ref).toEqual({ fromFile: expect.stringMatching(/^\.\/secrets\/[\w.-]+$/) as unknown });
    const file = join(installDir, (ref as { fromFile: string }).fromFile);
    expect(statSync(file).mode & 0o777, file).toBe(0o600);
    expect(readFileSync(file, 'utf8').replace(/\n$/, '')).toBe(typed);
  };
  fromFile(answers.controlPlane.database.password, TYPED.cpDb);
  expect(answers.controlPlane.adminPassword).toEqual({ generate: true });
  expect(answers.workspaces.map((w) => [w.name, w.database.name])).toEqual([['ml', 'zenml_ml'], ['research', 'zenml_research']]);
  fromFile(answers.workspaces[0]?.database.password, TYPED.mlDb);
  fromFile(answers.workspaces[0]?.enrollment.enrollmentKey, TYPED.mlKey);
  fromFile(answers.workspaces[1]?.database.password, TYPED.researchDb);
  fromFile(answers.workspaces[1]?.enrollment.enrollmentKey, TYPED.researchKey);
  // Chart paths typed relative to the working directory are saved absolute.
  expect(answers.airGapped).toBe(true);
  expect(answers.charts).toEqual({ controlPlane: join(REPO_ROOT, '.tools/charts/zenml-pro-0.13.0.tgz'), workspace: join(REPO_ROOT, '.tools/charts/zenml-0.93.0.tgz') });
  expect(isAbsolute(answers.charts.controlPlane)).toBe(true);

  // The cluster: one deployed helm release per namespace, its Deployments ready.
  for (const ns of NAMESPACES) {
    const releases = sim.kube.list('v1', 'Secret', ns).filter((s) => s.metadata.name?.startsWith('sh.helm.release.v1.'));
    expect(releases.map((s) => s.metadata.labels?.status), ns).toEqual(['deployed']);
    const deployments = sim.kube.list('apps/v1', 'Deployment', ns) as { metadata: { name?: string }; spec?: { replicas?: number }; status?: { readyReplicas?: number } }[];
    expect(deployments.length, ns).toBeGreaterThan(0);
    for (const d of deployments) expect(d.status?.readyReplicas ?? 0, `${ns}/${d.metadata.name ?? ''}`).toBe(d.spec?.replicas ?? 1);
  }

  // Nothing typed was ever on the screen: neither in a captured screen nor in any byte written to the terminal.
  const shown = `${t.screens.join('\n')}\n${t.rawOutput()}`;
  expect(t.rawOutput()).toContain('ZenML Pro is installed');
  for (const secret of Object.values(TYPED)) expect(shown).not.toContain(secret);

  // The same install again from the saved answers, without a terminal: nothing to do.
  const again = await runInstall(['install', '--answers', answersFile, '--yes', '--dir', installDir, '--kubeconfig', sim.info.kubeconfig, '--helm', HELM, '--kubectl', KUBECTL], env, 40_000);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(again.stdout).toContain('up to date');
  for (const secret of Object.values(TYPED)) expect(again.stdout + again.stderr).not.toContain(secret);
});

// ---- the review and quitting ----

/** Starts the built CLI with `args` in a fresh terminal, with the environment of an installer run. */
async function startCli(args: readonly string[], name: string): Promise<TmuxTerminal> {
  const env = scratch.env(name);
  const command = `env -i TERM="$TERM" ${Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ')} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo "EXIT=$?"`;
  return TmuxTerminal.start(command, { cwd: REPO_ROOT, logDir: scratch.root, width: 100, height: 30 });
}

const reviewMenu = (s: string): boolean => s.includes('Review') && s.includes('✔ Ready') && choices(s).labels.includes('Install');

test('demo: a stray Enter on the review installs nothing, Install asks with the target named, Esc goes back, Ctrl+C then y exits at once', { timeout: 60_000 }, async () => {
  const t = await startCli(['demo'], 'demo');
  try {
    // examples/sim.yaml is complete: the wizard opens on the review.
    const review = await waitForFrame(t, 'the review', reviewMenu, 30_000);
    expect(choices(review).labels[choices(review).cursor]).not.toBe('Install');
    await t.keys('Enter');
    // Whatever Enter opened ends in its key hints (a scrolling view has no Ctrl+C hint).
    const after = await t.waitFor('the screen after a stray Enter', (s) => s !== review && /(Ctrl\+C leave|Esc back)$/.test(s));
    expect(after).not.toContain('Installing ZenML Pro');
    // The first item shows the plan, as tall as the 30-row terminal allows.
    expect(after).toMatch(/^The plan {2}\(1–26 of \d+\)$/m);

    // Back on the menu (whatever Enter opened closes with Esc), Install asks first and a stray Enter says no.
    const menu = await (async () => {
      if (reviewMenu(after)) return after;
      await t.keys('Escape');
      return waitForFrame(t, 'the review menu', reviewMenu);
    })();
    await choose(t, menu, 'Install');
    await waitForFrame(t, 'the install confirmation', (s) => CONFIRM.test(s));
    await t.keys('Enter');
    const declined = await waitForFrame(t, 'the review menu again', (s) => reviewMenu(s) && !CONFIRM.test(s));
    expect(declined).not.toContain('Installing ZenML Pro');

    // Esc: back to the questions.
    await t.keys('Escape');
    const question = await waitForFrame(t, 'a question', (s) => questionOf(s) !== undefined);
    expect(header(question)).not.toContain('Review');

    await t.keys('C-c');
    await t.waitFor('the leave prompt', (s) => s.includes('y leave · n stay'));
    const since = Date.now();
    await t.type('y');
    const end = await waitForExit(t, since, 10_000);
    expect(end.status, end.screen).toBe(130);
    expect(end.elapsedMs, end.screen).toBeLessThan(2000);
  } finally {
    await t.close();
  }
});

test('demo (the README\'s first command, on a terminal): Install and y install from the example\'s local stand-in charts', { timeout: 120_000 }, async () => {
  const t = await startCli(['demo'], 'demo-install');
  try {
    const review = await waitForFrame(t, 'the review', reviewMenu, 30_000);
    // The plan installs the stand-in charts the example names, not the public OCI charts a jump host here cannot reach.
    expect(review).not.toContain('oci://');
    await choose(t, review, 'Install');
    await waitForFrame(t, 'the install confirmation', (s) => CONFIRM.test(s));
    await t.type('y');
    const end = await t.waitFor('the demo to exit', (s) => /EXIT=\d+$/m.test(s), { read: 'history', timeoutMs: 90_000 });
    expect(end, end).toMatch(/^✔ ZenML Pro is installed$/m);
    expect(end, end).toMatch(/EXIT=0$/m);
    expect(end).not.toContain('public.ecr.aws');
  } finally {
    await t.close();
  }
});

test('install: a text field edits like a shell line (Ctrl+A/E/K/W/U, arrows, Delete, fast backspaces, a long paste); save and quit exits at once', { timeout: 60_000 }, async () => {
  const partial = scratch.path('partial', 'answers.yaml');
  mkdirSync(scratch.path('partial'), { recursive: true });
  writeAnswersCopy(partial, {
    edit: (text) => {
      const edited = text.replace('    username: zenml_pro\n', '');
      expect(edited).not.toBe(text);
      return edited;
    },
  });
  const dir = scratch.path('edit-install');
  const t = await startCli(['install', '--answers', partial, '--dir', dir, '--kubeconfig', sim.info.kubeconfig], 'edit');
  try {
    await waitForFrame(t, 'the missing database user', (s) => questionOf(s) === 'Database user', 30_000);
    const field = (what: string, expected: string): Promise<string> => waitForFrame(t, `${what}: "${expected}" in the field`, (s) => fieldText(s) === expected);
    await t.type('world');
    await field('typed', 'world');
    await t.keys('C-a');
    await t.type('hello_');
    await field('Ctrl+A then typed', 'hello_world');
    await t.keys('C-e');
    await t.type('_tail');
    await field('Ctrl+E then typed', 'hello_world_tail');
    await t.keys('Left', 'Left', 'Left', 'Left', 'Left', 'C-k');
    await field('left ×5, Ctrl+K', 'hello_world');
    await t.type(' again');
    await field('typed', 'hello_world again');
    await t.keys('C-w');
    await field('Ctrl+W', 'hello_world');
    await t.keys('C-u');
    await field('Ctrl+U', '');

    // Fast: 50 characters, then 35 backspaces in one burst.
    await t.type('abcdefghij'.repeat(5));
    await field('typed 50', 'abcdefghij'.repeat(5));
    await t.keys(...Array.from({ length: 35 }, () => 'BSpace'));
    await field('35 fast backspaces', 'abcdefghijabcde');
    // Home, Delete, Right, a character: edits in the middle.
    await t.keys('Home', 'DC', 'Right');
    await t.type('X');
    await field('Home, Delete, Right, X', 'bXcdefghijabcde');
    // A long paste at the end.
    const pasted = 'tok-'.repeat(80);
    await t.keys('End');
    await t.type(pasted);
    await t.keys('Enter');

    // Once the preview is ready: until then the menu gains items above the cursor (see the closing note of issue 9).
    const review = await waitForFrame(t, 'the review, previewed', (s) => s.includes('Review') && s.includes('✔ Ready') && choices(s).labels.includes('Save the answers and quit'));
    await choose(t, review, 'Save the answers and quit');
    const since = Date.now();
    const end = await waitForExit(t, since, 10_000);
    expect(end.status, end.screen).toBe(0);
    expect(end.elapsedMs, end.screen).toBeLessThan(2000);
    const saved = parse(readFileSync(join(dir, 'answers.yaml'), 'utf8')) as { controlPlane: { database: { username: string } } };
    expect(saved.controlPlane.database.username).toBe(`bXcdefghijabcde${pasted}`);
  } finally {
    await t.close();
  }
});

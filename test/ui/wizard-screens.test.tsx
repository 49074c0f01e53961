import { cleanup } from 'ink-testing-library';
import { afterEach, expect, test } from 'vitest';
import { fqdnProblem } from '../../src/answers/fields.js';
import { validateAnswers } from '../../src/answers/load.js';
import { runWizard } from '../../src/ui/wizard/run-wizard.js';
import { baseAnswers } from '../helpers/answers.js';
import { KEYS, ready, stripAnsi, waitFor } from './helpers/frames.js';
import { VirtualStdin, VirtualStdout } from './helpers/virtual-terminal.js';
import { echoPreview, startWizard } from './helpers/wizard-app.js';
import { WizardDriver } from './helpers/wizard-driver.js';

afterEach(() => cleanup());

async function toControlPlaneHostname(driver: WizardDriver): Promise<void> {
  await driver.answer('Scenario', 'self-hosted');
  await driver.answer('Air-gapped', 'no');
  await driver.answer('Kube context', 'dev');
  await driver.answer('Ingress class', 'nginx');
  await driver.answer('Image source', 'zenml-ecr');
  await driver.answer('Registry authentication', 'none');
  await driver.answer('Override image repositories', 'no');
  await driver.answer('Control-plane version', '0.13.0');
  await driver.answer('Certificates', 'cert-manager');
  await driver.answer('cert-manager issuer', 'letsencrypt');
  await driver.answer('Issuer kind', 'ClusterIssuer');
  await driver.answer('Certificate authority', 'public');
}

test('the first screen shows the position, the question, its help and the choices', async () => {
  const { driver } = await startWizard();
  const frame = driver.frame();
  expect(frame).toMatch(/^1\/9 Scenario/);
  expect(frame).toContain('? Scenario');
  expect(frame).toContain('Which parts of ZenML Pro this installer puts into your cluster.');
  expect(frame).toContain(' ❯ self-hosted  control plane and workspaces in this cluster');
  await driver.press(KEYS.down);
  expect(driver.frame()).toContain(' ❯ hybrid');
  await driver.press(KEYS.enter);
  expect(driver.frame()).toMatch(/^2\/9 Cluster/);
  expect(driver.frame()).toContain(' ❯ dev  current');
  await driver.press(KEYS.enter);
  // Answers given earlier in the section stay in view above the question.
  expect(driver.frame()).toContain('✔ Kube context: dev');
  expect(driver.question()).toBe('Ingress class');
  expect(driver.fieldText()).toBe('nginx');
});

test('an invalid hostname shows the schema message inline and stays until it is fixed', async () => {
  const { driver } = await startWizard();
  await toControlPlaneHostname(driver);
  expect(driver.frame()).toMatch(/^5\/9 Control plane/);
  await driver.typeText('zenml');
  expect(driver.question()).toBe('Hostname');
  expect(driver.frame()).toContain(`✖ ${fqdnProblem('zenml')!}`);
  await driver.typeText('zenml.example.com');
  expect(driver.question()).toBe('Namespace');
  expect(driver.frame()).not.toContain('✖');
});

test('Esc goes back without losing what was typed, submitted or not', async () => {
  const { driver } = await startWizard();
  await toControlPlaneHostname(driver);
  await driver.typeText('zenml-pro.example.com');
  await driver.answer('Namespace', 'zenml-pro');
  expect(driver.question()).toBe('Database engine');
  await driver.press(KEYS.down);
  expect(driver.frame()).toContain(' ❯ postgres');
  await driver.press(KEYS.escape);
  await driver.press(KEYS.escape);
  expect(driver.question()).toBe('Hostname');
  expect(driver.fieldText()).toBe('zenml-pro.example.com');
  await driver.press(KEYS.enter);
  await driver.press(KEYS.enter);
  // The highlighted choice was kept too.
  expect(driver.question()).toBe('Database engine');
  expect(driver.frame()).toContain(' ❯ postgres');
  await driver.press(KEYS.enter);
  await driver.typeText('db.example', false);
  await driver.press(KEYS.escape);
  expect(driver.question()).toBe('Database engine');
  await driver.press(KEYS.enter);
  expect(driver.fieldText()).toBe('db.example');
});

test('a typed secret is masked on screen', async () => {
  const { driver, ui } = await startWizard({ initial: { ...baseAnswers(), images: { source: 'zenml-ecr', auth: { method: 'docker-credentials', username: 'AWS' } } } });
  expect(driver.question()).toBe('Registry password');
  await driver.choose('type it now');
  await driver.press('hunter22');
  expect(driver.fieldText()).toBe('********');
  await driver.press(KEYS.enter);
  await waitFor(() => driver.frame(), (f) => f.includes('9/9 Review'));
  await driver.choose('Show every answer');
  expect(driver.frame()).toContain('Registry password: typed (hidden, kept out of the file)');
  expect(ui.frames.map(stripAnsi).join('\n')).not.toContain('hunter22');
});

test('partial answers: only the gaps are asked, with the file values prefilled', async () => {
  const initial = baseAnswers();
  initial.controlPlane.hostname = 'zenml'; // invalid
  delete initial.workspaces[0].database.username; // missing
  const { driver, results } = await startWizard({ initial });
  expect(driver.frame()).toMatch(/^5\/9 Control plane/);
  expect(driver.question()).toBe('Hostname');
  expect(driver.fieldText()).toBe('zenml');
  await driver.typeText('zenml-pro.example.com');
  expect(driver.frame()).toMatch(/^6\/9 Workspaces {2}Workspace 1 · ml/);
  await driver.answer('MySQL user', 'ml');
  await waitFor(() => driver.frame(), (f) => f.includes('✔ Ready'));
  await driver.choose('Save the answers and quit');
  await waitFor(() => String(results.length), (n) => n === '1');
  expect(results[0]!.action).toBe('save');
  expect(results[0]!.raw).toMatchObject({ controlPlane: { hostname: 'zenml-pro.example.com' } });
  const result = validateAnswers(results[0]!.raw);
  expect(result.ok ? [] : result.problems).toEqual([]);
});

test('the review can reopen a section and comes back to the review after it', async () => {
  const { driver } = await startWizard({ initial: baseAnswers() });
  await waitFor(() => driver.frame(), (f) => f.includes('✔ Ready'));
  await driver.choose('Edit a section');
  await driver.choose('Cluster');
  expect(driver.frame()).toMatch(/^2\/9 Cluster/);
  await driver.answer('Kube context', 'prod-eu');
  await driver.answer('Ingress class', 'traefik');
  await waitFor(() => driver.frame(), (f) => f.includes('9/9 Review'));
  expect(driver.frame()).toMatch(/Cluster\s+Kube context: prod-eu · Ingress class: traefik/);
});

test('the review shows the preview problems and offers no install', async () => {
  const { driver } = await startWizard({
    initial: baseAnswers(),
    preview: () => Promise.resolve({ ok: false, problems: [{ path: 'controlPlane.version', message: 'chart version 0.93.0 not found in the registry' }] }),
  });
  const frame = await waitFor(() => driver.frame(), (f) => f.includes('not found'));
  expect(frame).toContain('✖ controlPlane.version: chart version 0.93.0 not found in the registry (edit Registry & images)');
  expect(frame).not.toMatch(/❯ Install|^ {3}Install/m);
});

test('runWizard: Ctrl+C asks before leaving and resolves with the answers so far', async () => {
  const stdout = new VirtualStdout(80, 24);
  const stdin = new VirtualStdin();
  const done = runWizard({
    contexts: ['dev'],
    currentContext: 'dev',
    preview: echoPreview,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    color: false,
  });
  const driver = new WizardDriver({ lastFrame: () => stdout.plain(), stdin });
  await ready(() => driver.frame());
  await driver.answer('Scenario', 'hybrid');
  await driver.press(KEYS.ctrlC);
  expect(driver.frame()).toContain('Leave the wizard? Your answers so far are kept.');
  await driver.press('n');
  expect(driver.frame()).not.toContain('Leave the wizard?');
  expect(driver.question()).toBe('Kube context');
  await driver.press(KEYS.ctrlC);
  stdin.write('y');
  const result = await done;
  expect(result.action).toBe('cancel');
  expect(result.raw).toEqual({ apiVersion: 'zenml-pro-installer/v1', scenario: 'hybrid' });
  expect(result.typedSecrets.size).toBe(0);
});

test('a control plane elsewhere: automatic enrollment asks for the API token, masked, and saves it as a reference only', async () => {
  const initial: Record<string, any> = { ...baseAnswers(), scenario: 'hybrid' };
  delete initial.controlPlane;
  initial.workspaces[0].enrollment = { mode: 'automatic' };
  const { driver, ui, results } = await startWizard({ initial });
  expect(driver.question()).toBe('Enrollment');
  expect(driver.frame()).toContain(' ❯ automatic  the installer enrolls it through the control-plane API');
  expect(driver.frame()).toContain('manual  paste the values the control-plane UI shows');
  await driver.press(KEYS.enter);
  expect(driver.question()).toBe('Control-plane API token');
  await driver.answer('Control-plane API token', { secret: 'type it now', value: 'zenml-pat-123456' });
  await waitFor(() => driver.frame(), (f) => f.includes('✔ Ready'));
  await driver.choose('Save the answers and quit');
  await waitFor(() => String(results.length), (n) => n === '1');
  const result = results[0]!;
  expect(JSON.stringify(result.raw)).not.toContain('zenml-pat-123456');
  expect(result.typedSecrets.get('ZPI_SECRET_EXISTING_CONTROL_PLANE_API_TOKEN')).toBe('zenml-pat-123456');
  const validation = validateAnswers(result.raw);
  expect(validation.ok ? [] : validation.problems).toEqual([]);
  expect(ui.frames.map(stripAnsi).join('\n')).not.toContain('zenml-pat-123456');
});

test('keys typed fast arrive in one chunk and still count one by one: ↓↓↓↓⏎ on the review menu asks to install', async () => {
  const { driver } = await startWizard({ initial: baseAnswers() });
  await waitFor(() => driver.frame(), (f) => f.includes('✔ Ready'));
  // Show the plan, rendered values, every answer, edit a section, then Install.
  await driver.press(`${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`);
  await waitFor(() => driver.frame(), (f) => f.includes('y install now'));
  await driver.press('n');
  // Back on the menu, where the cursor stayed: on Install.
  expect(driver.frame()).toMatch(/ ❯ Install/);
  await driver.press(`${KEYS.up}${KEYS.up}${KEYS.up}${KEYS.up}${KEYS.enter}`);
  await waitFor(() => driver.frame(), (f) => f.includes('The plan'));
});

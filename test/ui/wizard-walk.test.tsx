import { cleanup } from 'ink-testing-library';
import { afterEach, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import { KEYS, stripAnsi, waitFor } from './helpers/frames.js';
import { startWizard } from './helpers/wizard-app.js';
import type { UiAnswer } from './helpers/wizard-driver.js';

afterEach(() => cleanup());

const workspace = (n: { name: string; host: string; version: string; db: string; user: string; password: UiAnswer; key: UiAnswer }): [string, UiAnswer][] => [
  ['Name', n.name],
  ['Hostname', n.host],
  [`Certificate file for ${n.host}`, `./tls/${n.name}.crt`],
  [`Key file for ${n.host}`, `./tls/${n.name}.key`],
  ['Namespace', ''],
  ['Version', n.version],
  ['MySQL host', 'mysql.example.com'],
  ['MySQL port', '3306'],
  ['MySQL database', n.db],
  ['MySQL user', n.user],
  ['MySQL password', n.password],
  ['Secrets-store encryption key', n.key],
  ['Session signing key', { secret: 'generate' }],
];

const SCRIPT: [string, UiAnswer][] = [
  ['Scenario', 'self-hosted'],
  ['Air-gapped', 'no'],
  ['Kube context', 'prod-eu'],
  ['Ingress class', 'nginx'],
  ['Image source', 'zenml-ecr'],
  ['Registry authentication', 'docker-credentials'],
  ['Registry server', ''],
  ['Registry username', 'AWS'],
  ['Registry password', { secret: 'type it now', value: 'registry-pass-123' }],
  ['Override image repositories', 'no'],
  ['Control-plane version', '0.13.0'],
  ['Certificates', 'manual'],
  ['Certificate authority', 'public'],
  ['One wildcard certificate', 'no'],
  ['Hostname', 'zenml-pro.example.com'],
  ['Certificate file for zenml-pro.example.com', './tls/cp.crt'],
  ['Key file for zenml-pro.example.com', './tls/cp.key'],
  ['Namespace', 'zenml-pro'],
  ['Database engine', 'mysql'],
  ['Database host', 'mysql.example.com'],
  ['Database port', ''],
  ['Database name', 'zenml_pro'],
  ['Database user', 'zenml_pro'],
  ['Database password', { secret: 'environment variable', value: 'CP_DB_PASSWORD' }],
  ['Single sign-on (OIDC)', 'no'],
  ['Admin password', { secret: 'generate' }],
  ['Add a user', 'yes'],
  ['Username', 'jane'],
  ['Email', 'jane@example.com'],
  ['Superuser', 'yes'],
  ['Add another user', 'no'],
  ...workspace({ name: 'ml-prod', host: 'ml-prod.example.com', version: '0.93.2', db: 'zenml_ml_prod', user: 'ml', password: { secret: 'type it now', value: 'ml-db-secret' }, key: { secret: 'generate' } }),
  ['Enrollment', 'automatic'],
  ['Organization', 'research-org'],
  ['Add another workspace', 'yes'],
  ...workspace({ name: 'research', host: 'research.example.com', version: '0.93.2', db: 'zenml_research', user: 'research', password: { secret: 'file', value: './secrets/research-db' }, key: { secret: 'type it now', value: 'a'.repeat(64) } }),
  ['Enrollment', 'manual'],
  ['Enrollment values', 'now'],
  ['Organization ID', 'org-1'],
  ['Organization name', ''],
  ['Workspace ID', 'ws-2'],
  ['Enrollment key', { secret: 'type it now', value: 'enroll-key-xyz' }],
  ['Add another workspace', 'no'],
  ['Run pipelines from the UI', 'yes'],
  ['Implementation', 'kubernetes'],
  ['Runner namespace', ''],
  ['Runner service account', 'zenml-runner'],
  ['Runner image', 'reuse'],
  ['Run pipelines from the UI', 'no'],
  ['Advanced settings', 'keep the defaults'],
];
const PAGE_DOWN = '\u001B[6~';
const TYPED = ['registry-pass-123', 'ml-db-secret', 'a'.repeat(64), 'enroll-key-xyz'];

test('a full self-hosted walk with two workspaces installs valid answers without typed secrets in them', async () => {
  const { ui, driver, results } = await startWizard();
  expect(driver.frame()).toContain('1/9 Scenario');
  for (const [question, answer] of SCRIPT) await driver.answer(question, answer);

  const review = await waitFor(() => driver.frame(), (f) => f.includes('✔ Ready'));
  expect(review).toContain('9/9 Review');
  expect(review).toMatch(/Workspaces\s+Workspace 1 · ml-prod/);
  expect(review).toContain('Install');

  // Every answer, with the organization and the users by name and role.
  await driver.choose('Show every answer');
  let answers = await waitFor(() => driver.frame(), (f) => f.includes('Every answer'));
  const seen = (): boolean => answers.includes('Users: jane') && answers.includes('Organization: research-org');
  for (let page = 0; page < 10 && !seen(); page++) answers += await driver.press(PAGE_DOWN);
  expect(answers).toContain('Users: jane (superuser)');
  expect(answers).toContain('Organization: research-org');
  expect(answers).not.toContain('jane@example.com');
  await driver.press(KEYS.escape);

  // The rendered values pass through the review masked.
  await driver.choose('Show the rendered values');
  expect(driver.frame()).toContain('control-plane.values.yaml');
  expect(driver.frame()).toContain('******');
  await driver.press(KEYS.escape);

  // Install names the target and waits for y; Enter there is a no.
  await driver.choose('Install');
  expect(driver.frame()).toContain('Install ZenML Pro into context prod-eu?');
  await driver.press(KEYS.enter);
  expect(driver.frame()).not.toContain('Install ZenML Pro into context');
  expect(results).toEqual([]);
  await driver.choose('Install');
  await driver.press('y');
  await waitFor(() => String(results.length), (n) => n === '1');
  const result = results[0]!;
  expect(result.action).toBe('install');
  const validation = validateAnswers(result.raw);
  expect(validation.ok ? [] : validation.problems).toEqual([]);
  const saved = JSON.stringify(result.raw);
  for (const secret of TYPED) expect(saved).not.toContain(secret);
  expect([...result.typedSecrets.values()].sort()).toEqual([...TYPED].sort());
  // No frame ever showed a typed secret: typing is masked, the review describes them.
  const everything = ui.frames.map(stripAnsi).join('\n');
  for (const secret of TYPED) expect(everything).not.toContain(secret);
  expect((result.raw.workspaces as unknown[]).length).toBe(2);
});

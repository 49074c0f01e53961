// Enrollment per workspace (automatic where the installer holds a control-plane
// credential, else manual), the organization automatic workspaces join, and the
// optional first user of a self-hosted control plane.
import { stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { enrollmentMode } from '../../src/answers/derived.js';
import { validateAnswers } from '../../src/answers/load.js';
import { GENERATED_SECRETS_FILE } from '../../src/engine/generated-secrets.js';
import { finalAnswers } from '../../src/wizard/answers-out.js';
import { buildQuestions } from '../../src/wizard/questions/index.js';
import { wizardResult } from '../../src/wizard/result.js';
import { currentQuestion, initWizard, type WizardState } from '../../src/wizard/state.js';
import { reviewSummary } from '../../src/wizard/summary.js';
import { ENTER, answer, apply, walk, type Answer } from './drive.js';
import { baseAnswers } from '../helpers/answers.js';
import { ONE_WORKSPACE, SELF_HOSTED_DEFAULTS } from './scripts.js';

const fresh = (): WizardState => initWizard({ contexts: ['dev', 'prod-eu'], currentContext: 'dev' });
const at = (s: WizardState): string => (s.screen.kind === 'question' ? s.screen.id : s.screen.kind);

/** Walks until `id` is the current question. */
function walkTo(id: string, script: Readonly<Record<string, Answer>>, state = fresh()): WizardState {
  let s = state;
  for (let i = 0; i < 100 && at(s) !== id; i++) {
    const a = script[at(s)];
    if (a === undefined) throw new Error(`no scripted answer for ${at(s)}`);
    s = answer(s, a);
    if (s.error) throw new Error(`${at(s)}: ${s.error}`);
  }
  expect(at(s)).toBe(id);
  return s;
}

function validated(raw: Readonly<Record<string, unknown>>) {
  const result = validateAnswers(raw);
  expect(result.ok ? [] : result.problems).toEqual([]);
  if (!result.ok) throw new Error('invalid answers');
  return result.answers;
}

describe('self-hosted with password logins', () => {
  test('the defaults enroll automatically: no manual values are asked, and the answers validate', () => {
    const { state, asked } = walk(fresh(), SELF_HOSTED_DEFAULTS);
    expect([...asked].sort()).toEqual(Object.keys(SELF_HOSTED_DEFAULTS).sort());
    const after = asked.indexOf('ws0.jwtSecretKey') + 1;
    expect(asked.slice(after, after + 3)).toEqual(['ws0.enrollment.mode', 'organization.name', 'ws0.more']);
    const raw = finalAnswers(state.data).raw;
    const answers = validated(raw);
    expect(enrollmentMode(answers, answers.workspaces[0]!)).toBe('automatic');
    expect(raw.workspaces).toEqual([expect.not.objectContaining({ enrollment: expect.objectContaining({ organizationId: expect.anything() }) })]);
    // An organization left empty and a skipped user leave no block behind.
    expect(raw.organization).toBeUndefined();
    expect(raw.users).toBeUndefined();
  });

  test('a typed organization and an added user are saved; the first user is a superuser unless changed', () => {
    const script = { ...SELF_HOSTED_DEFAULTS, 'users.add': true, 'user0.username': 'jane', 'user0.email': 'jane@example.com', 'user0.superuser': ENTER, 'user0.more': ENTER, 'organization.name': 'research-org' };
    const { state, asked } = walk(fresh(), script);
    expect(asked.slice(asked.indexOf('users.add'), asked.indexOf('users.add') + 5)).toEqual(['users.add', 'user0.username', 'user0.email', 'user0.superuser', 'user0.more']);
    const raw = finalAnswers(state.data).raw;
    expect(raw.organization).toEqual({ name: 'research-org' });
    expect(raw.users).toEqual([{ username: 'jane', email: 'jane@example.com', superuser: true }]);
    const answers = validated(raw);
    expect(answers.users?.[0]?.password).toEqual({ generate: true });
    expect(enrollmentMode(answers, answers.workspaces[0]!)).toBe('automatic');
  });

  test('skipping the user is one Enter', () => {
    const s = walkTo('users.add', SELF_HOSTED_DEFAULTS);
    expect(at(apply(s, { type: 'submit' }))).toBe('ws0.name');
  });

  test('a second user can be added and is a regular account unless made a superuser', () => {
    const script = {
      ...SELF_HOSTED_DEFAULTS,
      'users.add': true,
      'user0.username': 'jane',
      'user0.email': '',
      'user0.superuser': ENTER,
      'user0.more': true,
      'user1.username': 'bob',
      'user1.email': '',
      'user1.superuser': ENTER,
      'user1.more': ENTER,
    };
    const raw = finalAnswers(walk(fresh(), script).state.data).raw;
    expect(raw.users).toEqual([{ username: 'jane', superuser: true }, { username: 'bob', superuser: false }]);
    validated(raw);
  });

  test('the username is checked like the schema (admin is reserved), and says where the generated password is kept', () => {
    let s = walkTo('user0.username', { ...SELF_HOSTED_DEFAULTS, 'users.add': true });
    const help = currentQuestion(s)?.help ?? '';
    expect(help).toContain(GENERATED_SECRETS_FILE);
    expect(help).toContain('0600');
    s = answer(s, 'admin');
    expect(at(s)).toBe('user0.username');
    expect(s.error).toBe('admin is the reserved account the chart creates; pick another name');
    s = answer(s, 'has space');
    expect(s.error).toMatch(/must start with a letter or digit/);
    expect(at(answer(s, 'jane'))).toBe('user0.email');
  });

  test('the mode explains each choice in one line, automatic highlighted', () => {
    const s = walkTo('ws0.enrollment.mode', SELF_HOSTED_DEFAULTS);
    const q = currentQuestion(s);
    expect(q?.kind === 'select' && q.choices).toEqual([
      { value: 'automatic', label: 'automatic', hint: 'the installer enrolls it through the control-plane API' },
      { value: 'manual', label: 'manual', hint: 'paste the values the control-plane UI shows' },
    ]);
    expect(q?.kind === 'select' && q.defaultValue).toBe('automatic');
  });

  test('manual still offers its values now or later', () => {
    const { state, asked } = walk(fresh(), { ...SELF_HOSTED_DEFAULTS, 'ws0.enrollment.mode': 'manual', 'ws0.enrollment.when': 'later' });
    expect(asked).not.toContain('organization.name');
    const answers = validated(finalAnswers(state.data).raw);
    expect(enrollmentMode(answers, answers.workspaces[0]!)).toBe('manual');
  });

  test('the review shows the organization, and the users by name and role only', () => {
    const script = { ...SELF_HOSTED_DEFAULTS, 'users.add': true, 'user0.username': 'jane', 'user0.email': 'jane@example.com', 'user0.superuser': ENTER, 'user0.more': true, 'user1.username': 'bob', 'user1.email': '', 'user1.superuser': false, 'user1.more': false, 'organization.name': 'research-org' };
    const summary = reviewSummary(walk(fresh(), script).state.data);
    const items = (section: string): string[] => summary.find((s) => s.section === section)?.groups.flatMap((g) => g.items) ?? [];
    expect(items('controlPlane')).toContain('Users: jane (superuser), bob (user)');
    expect(items('workspaces')).toContain('Organization: research-org');
    expect(JSON.stringify(summary)).not.toContain('jane@example.com');
  });

  test('with nothing typed, the review says what the organization will be', () => {
    const summary = reviewSummary(walk(fresh(), SELF_HOSTED_DEFAULTS).state.data);
    const items = summary.flatMap((s) => s.groups.flatMap((g) => g.items));
    expect(items).toContain("Organization: default (the control plane's only organization, or a new one named default)");
    expect(items).toContain('Users: none');
  });
});

describe('self-hosted with SSO only', () => {
  const sso = { 'cp.sso.enabled': true, 'cp.sso.discoveryUrl': 'https://idp.example.com/.well-known/openid-configuration', 'cp.sso.clientId': 'zenml', 'cp.sso.clientSecret': { secret: 'env', value: 'OIDC_SECRET' } } as const;

  test('offers no users and suggests manual enrollment, saying what automatic would need', () => {
    const script = { ...ONE_WORKSPACE, ...sso, 'cp.passwordAuth': false, 'ws0.enrollment.mode': ENTER, 'ws0.enrollment.when': 'later' };
    const q = currentQuestion(walkTo('ws0.enrollment.mode', script));
    expect(q?.kind === 'select' && q.defaultValue).toBe('manual');
    expect(q?.kind === 'select' && q.choices[0]?.hint).toMatch(/needs controlPlane\.apiToken in the answers file/);
    const { state, asked } = walk(fresh(), script);
    expect(asked).not.toContain('users.add');
    validated(finalAnswers(state.data).raw);
  });

  test('choosing automatic there anyway is refused with the fix', () => {
    const script = { ...ONE_WORKSPACE, ...sso, 'cp.passwordAuth': false };
    const s = answer(walkTo('ws0.enrollment.mode', script), 'automatic');
    expect(at(s)).toBe('ws0.enrollment.mode');
    expect(s.error).toMatch(/keep controlPlane\.passwordAuth on \(the admin account\) or give controlPlane\.apiToken/);
  });
});

test('a literal user password from the answers file is handed back by the user name, never saved', () => {
  const initial = { ...baseAnswers(), users: [{ username: 'jane.doe', password: 'pasted-password-1' }] };
  const { raw, typedSecrets } = wizardResult(initWizard({ initial, contexts: [] }), 'save');
  expect(JSON.stringify(raw)).not.toContain('pasted-password-1');
  expect(raw.users).toEqual([{ username: 'jane.doe', password: { fromEnv: 'ZPI_SECRET_USER_JANE_DOE_PASSWORD' } }]);
  expect(typedSecrets.get('ZPI_SECRET_USER_JANE_DOE_PASSWORD')).toBe('pasted-password-1');
});

describe('hybrid', () => {
  const HYBRID: Readonly<Record<string, Answer>> = {
    scenario: 'hybrid',
    'cluster.context': 'dev',
    'cluster.ingress.className': 'nginx',
    'images.source': 'zenml-gar',
    'images.auth.method': 'none',
    'images.override': false,
    'tls.provisioning': 'cert-manager',
    'tls.certManager.issuer': 'letsencrypt',
    'tls.certManager.kind': 'ClusterIssuer',
    'tls.ca': 'public',
    'ecp.apiUrl': 'https://cloudapi.zenml.io',
    'ecp.dashboardUrl': '',
    'ecp.version': '',
    'ws0.name': 'ml',
    'ws0.hostname': 'ml.example.com',
    'ws0.namespace': '',
    'ws0.version': '0.93.2',
    'ws0.database.host': 'mysql.example.com',
    'ws0.database.port': '3306',
    'ws0.database.name': 'zenml_ml',
    'ws0.database.username': 'ml',
    'ws0.database.password': { secret: 'env', value: 'ML_DB' },
    'ws0.encryptionKey': { secret: 'generate' },
    'ws0.jwtSecretKey': { secret: 'generate' },
    'ws0.more': false,
    'ws0.wm.enabled': false,
    advanced: false,
  };
  const TOKEN = 'zenml-pat-very-secret-123';

  test('without a token, manual is the default and asks for the values as before', () => {
    const script = { ...HYBRID, 'ws0.enrollment.mode': ENTER, 'ws0.enrollment.organizationId': 'org-1', 'ws0.enrollment.organizationName': '', 'ws0.enrollment.workspaceId': 'ws-1', 'ws0.enrollment.enrollmentKey': { secret: 'env', value: 'ML_ENROLLMENT_KEY' } } as const;
    const { state, asked } = walk(fresh(), script);
    expect(asked).not.toContain('enrollment.apiToken');
    expect(asked).not.toContain('users.add');
    const raw = finalAnswers(state.data).raw;
    expect(raw.existingControlPlane).toEqual({ apiUrl: 'https://cloudapi.zenml.io' });
    const answers = validated(raw);
    expect(enrollmentMode(answers, answers.workspaces[0]!)).toBe('manual');
  });

  test('automatic asks for the API token, typed masked and saved as a reference only, then the organization', () => {
    const script = { ...HYBRID, 'ws0.enrollment.mode': 'automatic', 'enrollment.apiToken': { secret: 'type', value: TOKEN }, 'organization.name': 'ml-team' } as const;
    const { state, asked } = walk(fresh(), script);
    expect(asked.slice(asked.indexOf('ws0.enrollment.mode'), asked.indexOf('ws0.enrollment.mode') + 3)).toEqual(['ws0.enrollment.mode', 'enrollment.apiToken', 'organization.name']);
    const { raw, typedSecrets } = wizardResult(state, 'save');
    expect(stringify(raw)).not.toContain(TOKEN);
    expect(JSON.stringify(raw)).not.toContain(TOKEN);
    expect(raw.existingControlPlane).toEqual({ apiUrl: 'https://cloudapi.zenml.io', apiToken: { fromEnv: 'ZPI_SECRET_EXISTING_CONTROL_PLANE_API_TOKEN' } });
    expect(typedSecrets.get('ZPI_SECRET_EXISTING_CONTROL_PLANE_API_TOKEN')).toBe(TOKEN);
    expect(raw.organization).toEqual({ name: 'ml-team' });
    const answers = validated(raw);
    expect(enrollmentMode(answers, answers.workspaces[0]!)).toBe('automatic');
    expect(JSON.stringify(reviewSummary(state.data))).not.toContain(TOKEN);
  });

  test('a token in the answers file makes automatic the default', () => {
    const raw = { scenario: 'hybrid', existingControlPlane: { apiToken: { fromEnv: 'ZENML_API_TOKEN' } }, workspaces: [{ name: 'ml' }] };
    const q = buildQuestions({ raw, flags: {}, contexts: [] }).find((x) => x.id === 'ws0.enrollment.mode');
    expect(q?.kind === 'select' && q.defaultValue).toBe('automatic');
  });
});

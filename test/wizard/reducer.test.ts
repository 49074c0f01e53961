import { describe, expect, test } from 'vitest';
import { fqdnProblem } from '../../src/answers/fields.js';
import { validateAnswers } from '../../src/answers/load.js';
import { finalAnswers, workingAnswers } from '../../src/wizard/answers-out.js';
import { wizardResult } from '../../src/wizard/result.js';
import { currentQuestion, draftFor, initWizard, type WizardState } from '../../src/wizard/state.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';
import { answer, apply, walk } from './drive.js';
import { SELF_HOSTED_TWO_WORKSPACES } from './scripts.js';

const fresh = (): WizardState => initWizard({ contexts: ['dev', 'prod-eu'], currentContext: 'dev' });
const at = (s: WizardState): string => (s.screen.kind === 'question' ? s.screen.id : s.screen.kind);

/** Answers the scripted questions until `stopAt` is the current one. */
function walkTo(stopAt: string, state = fresh()): WizardState {
  let s = state;
  for (let i = 0; i < 100 && at(s) !== stopAt; i++) s = answer(s, SELF_HOSTED_TWO_WORKSPACES[at(s)]!);
  expect(at(s)).toBe(stopAt);
  return s;
}

describe('validation on submit', () => {
  test('a bare hostname stays on the question with the schema message', () => {
    const s = apply(walkTo('cp.hostname'), { type: 'edit', text: 'zenml' }, { type: 'submit' });
    expect(at(s)).toBe('cp.hostname');
    expect(s.error).toBe(fqdnProblem('zenml'));
    const fixed = apply(s, { type: 'edit', text: 'zenml.example.com' });
    expect(fixed.error).toBeUndefined();
    expect(at(apply(fixed, { type: 'submit' }))).toBe('cp.tls.certFile');
  });

  test('a required field left empty says what it needs', () => {
    const s = apply(walkTo('cp.database.host'), { type: 'edit', text: '' }, { type: 'submit' });
    expect(s.error).toBe('is required: Database host name as seen from the cluster.');
  });

  test('cross-field rules apply too: the workload manager needs a workspace server 0.90.0 or newer', () => {
    let s = apply(walkTo('ws0.version'), { type: 'edit', text: '0.85.0' }, { type: 'submit' });
    s = walkTo('ws0.wm.enabled', s);
    s = answer(s, true);
    expect(at(s)).toBe('ws0.wm.enabled');
    expect(s.error).toBe('needs a workspace server 0.90.0 or newer (this one is 0.85.0)');
  });

  test('a typed encryption key must be 64 hex characters', () => {
    let s = walkTo('ws1.encryptionKey');
    s = answer(s, { secret: 'type', value: 'short' });
    expect(at(s)).toBe('ws1.encryptionKey');
    expect(s.error).toMatch(/must be 64 hexadecimal characters/);
  });

  test('an environment variable name is checked', () => {
    let s = walkTo('cp.database.password');
    s = answer(s, { secret: 'env', value: '1-not-a-name' });
    expect(s.error).toBe('must be an environment variable name such as ZENML_DB_PASSWORD');
  });
});

describe('back navigation', () => {
  test('Esc returns to earlier questions with what was submitted and what was being typed', () => {
    let s = walkTo('cp.namespace');
    s = apply(s, { type: 'edit', text: 'half-typed' }, { type: 'back' }, { type: 'back' }, { type: 'back' });
    expect(at(s)).toBe('cp.hostname');
    expect(draftFor(s, currentQuestion(s)!).text).toBe('zenml-pro.example.com');
    s = apply(s, { type: 'submit' }, { type: 'submit' }, { type: 'submit' });
    expect(at(s)).toBe('cp.namespace');
    expect(draftFor(s, currentQuestion(s)!).text).toBe('half-typed');
  });

  test('Esc while entering a secret goes back to choosing how to supply it, keeping the text', () => {
    let s = walkTo('images.auth.password');
    s = apply(s, { type: 'submit' }, { type: 'edit', text: 'abc' }, { type: 'back' });
    expect(at(s)).toBe('images.auth.password');
    expect(draftFor(s, currentQuestion(s)!).stage).toBe('method');
    s = apply(s, { type: 'submit' });
    expect(draftFor(s, currentQuestion(s)!).texts?.type).toBe('abc');
  });

  test('saying no to another workspace drops it from the answers but keeps it for a yes', () => {
    const { state } = walk(fresh(), SELF_HOSTED_TWO_WORKSPACES);
    let s = state;
    for (let i = 0; i < 100 && at(s) !== 'ws0.more'; i++) s = apply(s, { type: 'back' });
    s = answer(s, false);
    expect(at(s)).toBe('ws0.wm.enabled');
    expect((finalAnswers(s.data).raw.workspaces as unknown[]).length).toBe(1);
    s = answer(apply(s, { type: 'back' }), true);
    expect(at(s)).toBe('ws1.name');
    expect(draftFor(s, currentQuestion(s)!).text).toBe('research');
  });
});

describe('starting from an answers file with gaps', () => {
  test('asks only the missing and invalid fields, showing the file values', () => {
    const initial = baseAnswers();
    delete initial.controlPlane.hostname;
    initial.workspaces[0].database.name = 'zenml_pro'; // same database as the control plane
    initial.workspaces[0].database.host = 'db.example.com';
    initial.controlPlane.database.name = 'zenml_pro';
    const { state, asked } = walk(initWizard({ initial, contexts: ['dev'] }), {
      'cp.hostname': 'zenml-pro.example.com',
      'ws0.database.host': 'db.example.com',
      'ws0.database.port': '3306',
      'ws0.database.name': 'zenml_ml',
      'ws0.database.username': 'ml',
      'ws0.database.password': { secret: 'env', value: 'ML_DB_PASSWORD' },
    });
    expect(asked).toEqual(['cp.hostname', 'ws0.database.host', 'ws0.database.port', 'ws0.database.name', 'ws0.database.username', 'ws0.database.password']);
    expect(state.screen.kind).toBe('review');
    const result = validateAnswers(finalAnswers(state.data).raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  test('prefills a gap question with the value from the file', () => {
    const initial = baseAnswers();
    initial.controlPlane.hostname = 'zenml';
    const s = initWizard({ initial, contexts: [] });
    expect(at(s)).toBe('cp.hostname');
    expect(draftFor(s, currentQuestion(s)!).text).toBe('zenml');
  });

  test('a complete file goes straight to the review', () => {
    const initial = baseAnswers();
    initial.workspaces.push(secondWorkspace());
    expect(initWizard({ initial, contexts: [] }).screen).toEqual({ kind: 'review' });
  });

  test('a literal secret from the file is handed back separately, never in the answers', () => {
    const initial = baseAnswers();
    initial.workspaces[0].database.password = 'literal-from-file';
    const { raw, typedSecrets } = wizardResult(initWizard({ initial, contexts: [] }), 'save');
    expect(JSON.stringify(raw)).not.toContain('literal-from-file');
    expect(typedSecrets.get('ZPI_SECRET_WORKSPACE_ML_DATABASE_PASSWORD')).toBe('literal-from-file');
  });
});

describe('scenarios', () => {
  test('hybrid asks about the existing control plane and the enrollment values it already has', () => {
    let s = fresh();
    s = answer(s, 'hybrid');
    expect(at(s)).toBe('cluster.context');
    const script = {
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
      'ws0.enrollment.mode': 'manual',
      'ws0.enrollment.organizationId': 'org-1',
      'ws0.enrollment.organizationName': '',
      'ws0.enrollment.workspaceId': 'ws-1',
      'ws0.enrollment.enrollmentKey': { secret: 'type', value: 'enroll-123' },
      'ws0.more': false,
      'ws0.wm.enabled': false,
      advanced: false,
    } as const;
    const { state, asked } = walk(s, script);
    expect(asked).toEqual(Object.keys(script));
    const { raw, typedSecrets } = finalAnswers(state.data);
    expect(raw.controlPlane).toBeUndefined();
    expect(raw.existingControlPlane).toEqual({ apiUrl: 'https://cloudapi.zenml.io' });
    expect(typedSecrets.get('ZPI_SECRET_WORKSPACE_ML_ENROLLMENT_KEY')).toBe('enroll-123');
    const result = validateAnswers(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  test('changing the scenario in the review asks only what the new one is missing', () => {
    const { state } = walk(fresh(), SELF_HOSTED_TWO_WORKSPACES);
    let s = apply(state, { type: 'edit-section', section: 'scenario' });
    expect(at(s)).toBe('scenario');
    s = answer(s, 'hybrid');
    // The first workspace left its enrollment values for later: with a control plane elsewhere they are needed now.
    const { state: done, asked } = walk(s, {
      'ws0.enrollment.organizationId': 'org-1',
      'ws0.enrollment.organizationName': '',
      'ws0.enrollment.workspaceId': 'ws-1',
      'ws0.enrollment.enrollmentKey': { secret: 'env', value: 'ML_ENROLLMENT_KEY' },
    });
    expect(asked).toEqual(['ws0.enrollment.organizationId', 'ws0.enrollment.workspaceId', 'ws0.enrollment.enrollmentKey']);
    expect(done.screen).toEqual({ kind: 'review' });
    expect(workingAnswers(done.data).controlPlane).toBeUndefined();
    const result = validateAnswers(finalAnswers(done.data).raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  test('Esc on a review that came first (a complete file) opens the last question, and walks back from there', () => {
    const initial = baseAnswers();
    initial.workspaces.push(secondWorkspace());
    let s = initWizard({ initial, contexts: [] });
    expect(s.screen).toEqual({ kind: 'review' });
    s = apply(s, { type: 'back' });
    expect(at(s)).toBe('advanced');
    s = apply(s, { type: 'back' });
    expect(at(s)).toBe('ws1.wm.enabled');
    s = apply(s, { type: 'submit' }, { type: 'submit' });
    expect(s.screen).toEqual({ kind: 'review' });
  });

  test('Esc from the first question of an edited section returns to the review', () => {
    const { state } = walk(fresh(), SELF_HOSTED_TWO_WORKSPACES);
    const s = apply(state, { type: 'edit-section', section: 'tls' }, { type: 'back' });
    expect(s.screen).toEqual({ kind: 'review' });
    expect(s.editing).toBeUndefined();
  });
});

describe('typing', () => {
  test('line edits apply in order to the text and the caret, however many arrive before a render', () => {
    let s = walkTo('cp.namespace');
    s = apply(s, { type: 'line', ops: [{ type: 'kill-start' }, { type: 'insert', text: 'zenml-prox' }] }, { type: 'line', ops: [{ type: 'backspace' }, { type: 'home' }] }, { type: 'line', ops: [{ type: 'insert', text: 'my-' }] });
    expect(draftFor(s, currentQuestion(s)!)).toMatchObject({ text: 'my-zenml-pro', caret: 3 });
    s = apply(s, { type: 'submit' });
    expect(workingAnswers(s.data).controlPlane).toMatchObject({ namespace: 'my-zenml-pro' });
  });
});

describe('leaving', () => {
  test('Ctrl+C asks first; staying changes nothing, leaving hands back the answers so far', () => {
    const s = walkTo('cp.hostname');
    const asking = apply(s, { type: 'interrupt' });
    expect(asking.leaving).toBe(true);
    expect(apply(asking, { type: 'submit' })).toBe(asking);
    expect(apply(asking, { type: 'leave', confirm: false })).toMatchObject({ leaving: false, screen: s.screen });
    const left = apply(asking, { type: 'leave', confirm: true });
    expect(left.screen).toEqual({ kind: 'done', action: 'cancel' });
    const { raw, typedSecrets } = wizardResult(left, 'cancel');
    expect(raw).toMatchObject({ scenario: 'self-hosted', images: { source: 'zenml-ecr' }, controlPlane: { version: '0.13.0' } });
    expect(JSON.stringify(raw)).not.toContain('registry-pass-123');
    expect(typedSecrets.get('ZPI_SECRET_IMAGES_AUTH_PASSWORD')).toBe('registry-pass-123');
  });
});

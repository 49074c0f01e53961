// Answers no longer in effect are not saved: fields of questions that are not
// asked any more go; fields the wizard never asks about (from the file) stay.
import { describe, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import { finalAnswers } from '../../src/wizard/answers-out.js';
import { getAt } from '../../src/wizard/path.js';
import { initWizard, type WizardState } from '../../src/wizard/state.js';
import { baseAnswers } from '../helpers/answers.js';
import { answer, apply, walk } from './drive.js';
import { SELF_HOSTED_DEFAULTS, SELF_HOSTED_TWO_WORKSPACES } from './scripts.js';

const fresh = (): WizardState => initWizard({ contexts: ['dev', 'prod-eu'], currentContext: 'dev' });
const at = (s: WizardState): string => (s.screen.kind === 'question' ? s.screen.id : s.screen.kind);

function reopen(state: WizardState, section: 'tls' | 'images' | 'advanced' | 'controlPlane', script: Record<string, unknown>): WizardState {
  const s = apply(state, { type: 'edit-section', section });
  const { state: done } = walk(s, script as Parameters<typeof walk>[1]);
  expect(done.screen).toEqual({ kind: 'review' });
  return done;
}

test('switching the CA back to public drops the caFile typed for the private CA', () => {
  const { state } = walk(fresh(), { ...SELF_HOSTED_TWO_WORKSPACES, 'tls.ca': 'private', 'tls.caFile': './tls/ca.pem' });
  expect(getAt(finalAnswers(state.data).raw, ['cluster', 'tls', 'caFile'])).toBe('./tls/ca.pem');
  const s = reopen(state, 'tls', { 'tls.provisioning': 'manual', 'tls.ca': 'public', 'tls.wildcard': false });
  const raw = finalAnswers(s.data).raw;
  expect(getAt(raw, ['cluster', 'tls'])).toEqual({ provisioning: 'manual', ca: 'public', wildcard: false, hosts: expect.any(Object) as unknown });
  const result = validateAnswers(raw);
  expect(result.ok ? [] : result.problems).toEqual([]);
});

test('a registry password stays only while docker credentials are the method; an override off drops the repositories', () => {
  const { state } = walk(fresh(), { ...SELF_HOSTED_TWO_WORKSPACES, 'images.override': true, 'images.repositories.api': 'registry.example.com/zenml/api', 'images.repositories.dashboard': '', 'images.repositories.server': '' });
  expect(getAt(finalAnswers(state.data).raw, ['images', 'repositories'])).toEqual({ api: 'registry.example.com/zenml/api' });
  const s = reopen(state, 'images', { 'images.source': 'zenml-ecr', 'images.auth.method': 'none', 'images.override': false, 'controlPlane.version': '0.13.0' });
  const { raw, typedSecrets } = finalAnswers(s.data);
  expect(raw.images).toEqual({ source: 'zenml-ecr', auth: { method: 'none' } });
  expect(typedSecrets.size).toBe(3); // the registry password went with its method
});

test('manual certificates of per-host files go when cert-manager makes them', () => {
  const { state } = walk(fresh(), SELF_HOSTED_TWO_WORKSPACES);
  expect(Object.keys(getAt(finalAnswers(state.data).raw, ['cluster', 'tls', 'hosts']) as object)).toHaveLength(3);
  const s = reopen(state, 'tls', { 'tls.provisioning': 'cert-manager', 'tls.certManager.issuer': 'letsencrypt', 'tls.certManager.kind': 'ClusterIssuer', 'tls.ca': 'public' });
  expect(getAt(finalAnswers(s.data).raw, ['cluster', 'tls', 'hosts'])).toBeUndefined();
});

test('fields the wizard never asks about come through from the answers file', () => {
  const initial = baseAnswers();
  initial.cluster.ingress = { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } };
  initial.controlPlane.extraValues = { zenml: { debug: true } };
  initial.workspaces[0].enrollment.mode = 'manual';
  const raw = finalAnswers(initWizard({ initial, contexts: [] }).data).raw;
  expect(getAt(raw, ['cluster', 'ingress', 'annotations'])).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '0' });
  expect(getAt(raw, ['controlPlane', 'extraValues'])).toEqual({ zenml: { debug: true } });
  expect(getAt(raw, ['workspaces', 0, 'enrollment', 'mode'])).toBe('manual');
  // An answer the file gives for a question not asked in its own setup goes: roleArn is for iam-role only.
  const withStale = baseAnswers();
  withStale.images.auth = { method: 'none', roleArn: 'arn:aws:iam::1:role/x' };
  expect(getAt(finalAnswers(initWizard({ initial: withStale, contexts: [] }).data).raw, ['images', 'auth'])).toEqual({ method: 'none' });
});

test('choosing "keep the defaults" in the advanced section drops advanced answers given before', () => {
  let s = walk(fresh(), { ...SELF_HOSTED_TWO_WORKSPACES, advanced: true, ...ADVANCED_DEFAULTS, 'cp.adv.replicas': '3', 'cp.adv.pdb.enabled': false }).state;
  expect(getAt(finalAnswers(s.data).raw, ['controlPlane', 'replicas'])).toBe(3);
  s = apply(s, { type: 'edit-section', section: 'advanced' });
  expect(at(s)).toBe('advanced');
  s = answer(s, false);
  expect(s.screen).toEqual({ kind: 'review' });
  const raw = finalAnswers(s.data).raw;
  expect(getAt(raw, ['controlPlane', 'replicas'])).toBeUndefined();
  expect(getAt(raw, ['workspaces', 0, 'threadPoolSize'])).toBeUndefined();
});

/** Accepting every advanced default for the two-workspace script. */
const ADVANCED_DEFAULTS = {
  'proxy.http': '',
  'proxy.https': '',
  'proxy.no': '',
  'cp.adv.replicas': '1',
  'cp.adv.resources.cpuRequest': '',
  'cp.adv.resources.memoryRequest': '',
  'cp.adv.resources.memoryLimit': '',
  'cp.adv.apiUrl': '',
  ...Object.fromEntries(
    [0, 1].flatMap((i) => [
      [`ws${i}.adv.replicas`, '1'],
      [`ws${i}.adv.resources.cpuRequest`, ''],
      [`ws${i}.adv.resources.memoryRequest`, ''],
      [`ws${i}.adv.resources.memoryLimit`, ''],
      [`ws${i}.adv.threadPoolSize`, '10'],
      [`ws${i}.adv.poolSize`, '10'],
      [`ws${i}.adv.maxOverflow`, '-1'],
      [`ws${i}.adv.dbTls`, false],
    ]),
  ),
};

test('charts named in the answers file stay when the wizard does not ask for them (not air-gapped): the demo installs from its local charts', () => {
  const initial = {
    ...baseAnswers(),
    charts: { controlPlane: './charts/zenml-pro-0.13.0.tgz', workspace: './charts/zenml-0.93.0.tgz' },
    workspaces: [{ ...(baseAnswers().workspaces as Record<string, unknown>[])[0], chart: './charts/zenml-0.92.0.tgz' }],
  };
  const state = initWizard({ initial, contexts: ['dev'], currentContext: 'dev' });
  expect(state.data.raw.airGapped).not.toBe(true);
  const raw = finalAnswers(state.data).raw;
  expect(raw.charts).toEqual({ controlPlane: './charts/zenml-pro-0.13.0.tgz', workspace: './charts/zenml-0.93.0.tgz' });
  expect(getAt(raw, ['workspaces', 0, 'chart'])).toBe('./charts/zenml-0.92.0.tgz');
});

describe('organization, users and the control-plane token', () => {
  const withUser = { ...SELF_HOSTED_DEFAULTS, 'users.add': true, 'user0.username': 'jane', 'user0.email': '', 'user0.superuser': true, 'user0.more': false, 'organization.name': 'research-org' };
  const sso = { 'cp.sso.enabled': true, 'cp.sso.discoveryUrl': 'https://idp.example.com/.well-known/openid-configuration', 'cp.sso.clientId': 'zenml', 'cp.sso.clientSecret': { secret: 'env', value: 'OIDC_SECRET' }, 'cp.passwordAuth': false };

  test('users go when the scenario is no longer self-hosted; the organization stays while a workspace enrolls automatically', () => {
    let s = apply(walk(fresh(), withUser).state, { type: 'edit-section', section: 'scenario' });
    s = answer(s, 'hybrid');
    // The workspace asked for automatic enrollment: a control plane elsewhere needs a token for it.
    const { state, asked } = walk(s, { 'ws0.enrollment.mode': 'automatic', 'enrollment.apiToken': { secret: 'env', value: 'ZENML_API_TOKEN' } });
    expect(asked).toEqual(['ws0.enrollment.mode', 'enrollment.apiToken']);
    const raw = finalAnswers(state.data).raw;
    expect(raw.users).toBeUndefined();
    expect(raw.organization).toEqual({ name: 'research-org' });
    expect(raw.existingControlPlane).toMatchObject({ apiToken: { fromEnv: 'ZENML_API_TOKEN' } });
    const result = validateAnswers(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  test('users go when password logins are turned off, and so does the organization once no workspace enrolls automatically', () => {
    const { state } = walk(fresh(), withUser);
    expect(getAt(finalAnswers(state.data).raw, ['users', 0, 'username'])).toBe('jane');
    // Without the admin account the workspace cannot enroll automatically: its mode is asked again.
    const s = reopen(state, 'controlPlane', { ...withUser, ...sso, 'ws0.enrollment.mode': 'manual', 'ws0.enrollment.when': 'later' });
    const raw = finalAnswers(s.data).raw;
    expect(raw.users).toBeUndefined();
    expect(raw.organization).toBeUndefined();
    expect(getAt(raw, ['controlPlane', 'passwordAuth'])).toBe(false);
    const result = validateAnswers(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  test('saying no to the user after adding one drops it', () => {
    const { state } = walk(fresh(), withUser);
    const s = reopen(state, 'controlPlane', { ...withUser, 'users.add': false });
    expect(finalAnswers(s.data).raw.users).toBeUndefined();
    expect(finalAnswers(s.data).raw.organization).toEqual({ name: 'research-org' });
  });

  test('a control plane elsewhere keeps its token only while a workspace enrolls automatically', () => {
    const initial: Record<string, any> = { ...baseAnswers(), scenario: 'hybrid', existingControlPlane: { apiToken: { fromEnv: 'ZENML_API_TOKEN' } }, organization: { name: 'ml-team' } };
    delete initial.controlPlane;
    initial.workspaces = [{ ...initial.workspaces[0], enrollment: {} }];
    let s = initWizard({ initial, contexts: [] });
    expect(s.screen).toEqual({ kind: 'review' });
    expect(finalAnswers(s.data).raw).toMatchObject({ existingControlPlane: { apiToken: { fromEnv: 'ZENML_API_TOKEN' } }, organization: { name: 'ml-team' } });
    s = apply(s, { type: 'edit-section', section: 'workspaces' });
    const manual = Object.fromEntries(Object.entries(SELF_HOSTED_TWO_WORKSPACES).filter(([id]) => id.startsWith('ws1.')).map(([id, a]) => [id.replace('ws1.', 'ws0.'), a]));
    const { state } = walk(s, { ...manual, 'ws0.name': 'ml', 'ws0.hostname': 'ml.example.com', 'ws0.database.host': 'db.example.com', 'ws0.database.name': 'zenml_ml', 'ws0.version': '0.93.0', 'ws0.more': false });
    const raw = finalAnswers(state.data).raw;
    expect(raw.existingControlPlane).toBeUndefined();
    expect(raw.organization).toBeUndefined();
    const result = validateAnswers(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  test('a user password and a control-plane token from the answers file are kept: the wizard never asks for them', () => {
    const initial = baseAnswers();
    initial.controlPlane.apiToken = { fromEnv: 'ZENML_API_TOKEN' };
    initial.users = [{ username: 'jane', password: { fromFile: './secrets/jane' } }];
    const raw = finalAnswers(initWizard({ initial, contexts: [] }).data).raw;
    expect(getAt(raw, ['controlPlane', 'apiToken'])).toEqual({ fromEnv: 'ZENML_API_TOKEN' });
    expect(raw.users).toEqual([{ username: 'jane', password: { fromFile: './secrets/jane' } }]);
  });
});

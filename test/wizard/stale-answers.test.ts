// Answers no longer in effect are not saved: fields of questions that are not
// asked any more go; fields the wizard never asks about (from the file) stay.
import { expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import { finalAnswers } from '../../src/wizard/answers-out.js';
import { getAt } from '../../src/wizard/path.js';
import { initWizard, type WizardState } from '../../src/wizard/state.js';
import { baseAnswers } from '../helpers/answers.js';
import { answer, apply, walk } from './drive.js';
import { SELF_HOSTED_TWO_WORKSPACES } from './scripts.js';

const fresh = (): WizardState => initWizard({ contexts: ['dev', 'prod-eu'], currentContext: 'dev' });
const at = (s: WizardState): string => (s.screen.kind === 'question' ? s.screen.id : s.screen.kind);

function reopen(state: WizardState, section: 'tls' | 'images' | 'advanced', script: Record<string, unknown>): WizardState {
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

// The advanced section: skippable with one choice; otherwise it asks, with
// the defaults shown, what operators most often change, at the answers' paths.
import { expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import { finalAnswers } from '../../src/wizard/answers-out.js';
import { currentQuestion, draftFor, initWizard, type WizardState } from '../../src/wizard/state.js';
import { answer, walk, type Answer } from './drive.js';
import { SELF_HOSTED_TWO_WORKSPACES } from './scripts.js';

const fresh = (): WizardState => initWizard({ contexts: ['dev', 'prod-eu'], currentContext: 'dev' });
const at = (s: WizardState): string => (s.screen.kind === 'question' ? s.screen.id : s.screen.kind);

/** The basic walk, up to the advanced gate. */
function toAdvanced(): WizardState {
  let s = fresh();
  for (let i = 0; i < 100 && at(s) !== 'advanced'; i++) s = answer(s, SELF_HOSTED_TWO_WORKSPACES[at(s)]!);
  expect(at(s)).toBe('advanced');
  return s;
}

test('one choice keeps the defaults and goes to the review', () => {
  const { state, asked } = walk(fresh(), SELF_HOSTED_TWO_WORKSPACES);
  expect(asked.at(-1)).toBe('advanced');
  expect(state.screen).toEqual({ kind: 'review' });
  expect(JSON.stringify(finalAnswers(state.data).raw)).not.toMatch(/replicas|threadPoolSize|proxy/);
});

test('changing them asks proxy, scaling, resources, pools and database TLS, with the defaults shown, and saves them at their paths', () => {
  let s = toAdvanced();
  const step = (id: string, value: Answer, shows?: string): void => {
    expect(at(s)).toBe(id);
    if (shows !== undefined) expect(draftFor(s, currentQuestion(s)!).text ?? '', `${id} shows`).toBe(shows);
    s = answer(s, value);
    expect(s.error, id).toBeUndefined();
  };
  step('advanced', true);
  step('proxy.http', 'http://proxy.example.com:3128');
  step('proxy.https', 'http://proxy.example.com:3128');
  step('proxy.no', '.svc, .cluster.local,10.0.0.0/8');
  step('cp.adv.replicas', '2', '1');
  step('cp.adv.pdb.enabled', true);
  step('cp.adv.pdb.minAvailable', '1', '1');
  step('cp.adv.resources.cpuRequest', '');
  step('cp.adv.resources.memoryRequest', '1Gi');
  step('cp.adv.resources.memoryLimit', '');
  step('cp.adv.apiUrl', 'https://zenml-api.example.com/api/v1');
  const workspace0 = currentQuestion(s);
  expect(workspace0?.kind === 'text' && workspace0.group).toBe('Workspace 1 · ml-prod');
  step('ws0.adv.replicas', '1', '1');
  for (const [key, shown] of [['cpuRequest', '100m'], ['memoryRequest', '450Mi'], ['memoryLimit', '800Mi']] as const) {
    const q = currentQuestion(s);
    expect(q?.kind === 'text' && q.placeholder).toBe(shown);
    step(`ws0.adv.resources.${key}`, key === 'memoryLimit' ? '1Gi' : '');
  }
  step('ws0.adv.threadPoolSize', '20', '10');
  step('ws0.adv.poolSize', '20', '10');
  step('ws0.adv.maxOverflow', '-1', '-1');
  step('ws0.adv.dbTls', true);
  step('ws0.adv.dbTls.caFile', './tls/db-ca.pem');
  step('ws0.adv.dbTls.verify', true);
  step('ws1.adv.replicas', '1');
  for (const key of ['cpuRequest', 'memoryRequest', 'memoryLimit']) step(`ws1.adv.resources.${key}`, '');
  step('ws1.adv.threadPoolSize', '10');
  step('ws1.adv.poolSize', '10');
  step('ws1.adv.maxOverflow', '-1');
  step('ws1.adv.dbTls', false);
  expect(s.screen).toEqual({ kind: 'review' });

  const raw = finalAnswers(s.data).raw as Record<string, any>;
  expect(raw.cluster.proxy).toEqual({ httpProxy: 'http://proxy.example.com:3128', httpsProxy: 'http://proxy.example.com:3128', noProxy: ['.svc', '.cluster.local', '10.0.0.0/8'] });
  expect(raw.controlPlane).toMatchObject({ replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 }, resources: { requests: { memory: '1Gi' } }, apiUrl: 'https://zenml-api.example.com/api/v1' });
  expect(raw.workspaces[0]).toMatchObject({ replicas: 1, threadPoolSize: 20, resources: { limits: { memory: '1Gi' } }, database: { poolSize: 20, maxOverflow: -1, tls: { enabled: true, caFile: './tls/db-ca.pem', verifyServerCert: true } } });
  expect(raw.workspaces[0].podDisruptionBudget).toBeUndefined();
  const result = validateAnswers(raw);
  expect(result.ok ? [] : result.problems).toEqual([]);
});

test('a disruption budget that keeps every pod up is refused at its prompt', () => {
  let s = toAdvanced();
  for (const [id, value] of [['advanced', true], ['proxy.http', ''], ['proxy.https', ''], ['proxy.no', ''], ['cp.adv.replicas', '2'], ['cp.adv.pdb.enabled', true], ['cp.adv.pdb.minAvailable', '2']] as const) {
    expect(at(s)).toBe(id);
    s = answer(s, value);
  }
  expect(at(s)).toBe('cp.adv.pdb.minAvailable');
  expect(s.error).toMatch(/2 of 2 replica\(s\) must stay up/);
});

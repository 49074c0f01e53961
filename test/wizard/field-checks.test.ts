// Checks run at the prompt: registries and images by the OCI reference
// grammar, file paths by an injected reader; and the version hints.
import { expect, test } from 'vitest';
import { registryProblem } from '../../src/answers/oci-reference.js';
import { currentQuestion, draftFor, initWizard, type WizardState } from '../../src/wizard/state.js';
import { baseAnswers } from '../helpers/answers.js';
import { answer, apply } from './drive.js';
import { SELF_HOSTED_TWO_WORKSPACES } from './scripts.js';

const at = (s: WizardState): string => (s.screen.kind === 'question' ? s.screen.id : s.screen.kind);

/** These paths do not exist; ./charts is a directory; anything else is a readable file. */
const MISSING = new Set(['./missing.pem', './cp.crt', './nope.tgz', './secrets/research-db']);
const checkFile = (path: string, kind: 'file' | 'file-or-directory'): string | undefined => {
  if (MISSING.has(path)) return `${path} does not exist`;
  return path === './charts' && kind === 'file' ? `${path} is a directory` : undefined;
};

function walkTo(stopAt: string, script: Record<string, unknown>, state: WizardState): WizardState {
  let s = state;
  for (let i = 0; i < 100 && at(s) !== stopAt; i++) {
    const a = script[at(s)];
    if (a === undefined) throw new Error(`no scripted answer for ${at(s)}`);
    s = answer(s, a as Parameters<typeof answer>[1]);
    if (s.error) throw new Error(`${at(s)}: ${s.error}`);
  }
  expect(at(s)).toBe(stopAt);
  return s;
}

const submitText = (s: WizardState, text: string): WizardState => apply(s, { type: 'edit', text }, { type: 'submit' });

test('a registry with a scheme and a space is refused at its prompt, with the fix', () => {
  const script = { ...SELF_HOSTED_TWO_WORKSPACES, 'images.source': 'private' };
  const s = submitText(walkTo('images.registry', script, initWizard({ contexts: ['dev', 'prod-eu'] })), 'https://my registry/zenml');
  expect(at(s)).toBe('images.registry');
  expect(s.error).toBe(`Registry and prefix: ${registryProblem('https://my registry/zenml')!}`);
  expect(at(submitText(s, 'registry.example.com/zenml'))).toBe('images.auth.method');
});

test('image repositories, the runner image and the runner registry are checked too', () => {
  const script = { ...SELF_HOSTED_TWO_WORKSPACES, 'images.override': true, 'images.repositories.api': '', 'images.repositories.dashboard': '' };
  let s = submitText(walkTo('images.repositories.api', script, initWizard({ contexts: ['dev', 'prod-eu'] })), 'registry.example.com/zenml/API:1.0');
  expect(s.error).toMatch(/^Api image repository: give the repository without a tag/);
  s = submitText(s, '');
  expect(at(s)).toBe('images.repositories.dashboard');

  const wm = { ...SELF_HOSTED_TWO_WORKSPACES, 'ws0.wm.runner': 'prebuilt' };
  s = submitText(walkTo('ws0.wm.runnerImage', wm, initWizard({ contexts: ['dev', 'prod-eu'] })), 'http://registry.example.com/runner:1');
  expect(s.error).toMatch(/^Runner image: drop the scheme "http:\/\/"/);
  expect(at(submitText(s, 'registry.example.com/runner:1'))).toBe('ws1.wm.enabled');

  const build = { ...SELF_HOSTED_TWO_WORKSPACES, 'ws0.wm.runner': 'build' };
  s = submitText(walkTo('ws0.wm.registry', build, initWizard({ contexts: ['dev', 'prod-eu'] })), 'Registry.example.com/Runners');
  expect(s.error).toBe('Runner image registry: path components are lowercase: use Registry.example.com/runners');
});

test('a CA file that cannot be read is refused when typed, naming the field and the fix', () => {
  const script = { ...SELF_HOSTED_TWO_WORKSPACES, 'tls.ca': 'private' };
  let s = submitText(walkTo('tls.caFile', script, initWizard({ contexts: ['dev', 'prod-eu'], checkFile })), './missing.pem');
  expect(at(s)).toBe('tls.caFile');
  expect(s.error).toBe('CA certificate file: ./missing.pem does not exist');
  s = submitText(s, './exists.pem');
  expect(at(s)).toBe('tls.wildcard');
});

test('certificate, key, chart and secret files are checked when typed', () => {
  let s = submitText(walkTo('cp.tls.certFile', SELF_HOSTED_TWO_WORKSPACES, initWizard({ contexts: ['dev', 'prod-eu'], checkFile })), './cp.crt');
  expect(s.error).toBe('Certificate file for zenml-pro.example.com: ./cp.crt does not exist');

  const airGapped = { ...SELF_HOSTED_TWO_WORKSPACES, airGapped: true, 'images.source': 'private', 'images.registry': 'registry.example.com/zenml' };
  s = walkTo('charts.controlPlane', airGapped, initWizard({ contexts: ['dev', 'prod-eu'], checkFile }));
  expect(submitText(s, './nope.tgz').error).toBe('Control-plane chart: ./nope.tgz does not exist');
  // A chart may be a directory; an oci:// reference is not a file.
  expect(at(submitText(s, './charts'))).toBe('charts.workspace');
  expect(at(submitText(s, 'oci://registry.example.com/charts/zenml-pro'))).toBe('charts.workspace');

  s = walkTo('ws1.database.password', SELF_HOSTED_TWO_WORKSPACES, initWizard({ contexts: ['dev', 'prod-eu'], checkFile }));
  s = answer(s, { secret: 'file', value: './secrets/research-db' });
  expect(at(s)).toBe('ws1.database.password');
  expect(s.error).toBe('MySQL password: ./secrets/research-db does not exist');
});

test('versions: the control plane and the workspaces have their own lines; a workspace defaults only to the one before it', () => {
  let s = walkTo('controlPlane.version', SELF_HOSTED_TWO_WORKSPACES, initWizard({ contexts: ['dev', 'prod-eu'] }));
  const cp = currentQuestion(s);
  expect(cp?.kind === 'text' && cp.placeholder).toBe('0.13.0');
  s = walkTo('ws0.version', SELF_HOSTED_TWO_WORKSPACES, s);
  const ws0 = currentQuestion(s)!;
  expect(ws0.kind === 'text' && ws0.placeholder).toBe('0.93.2');
  expect(draftFor(s, ws0).text).toBe('');
  s = walkTo('ws1.version', { ...SELF_HOSTED_TWO_WORKSPACES, 'ws0.version': '0.93.1' }, s);
  expect(draftFor(s, currentQuestion(s)!).text).toBe('0.93.1');
});

test('the workload manager says the installer creates its namespace and service account', () => {
  const s = walkTo('ws0.wm.namespace', SELF_HOSTED_TWO_WORKSPACES, initWizard({ contexts: ['dev', 'prod-eu'] }));
  expect(currentQuestion(s)?.help).toBe('Namespace for runner pods; the installer creates it.');
  const sa = walkTo('ws0.wm.serviceAccount', SELF_HOSTED_TWO_WORKSPACES, s);
  expect(currentQuestion(sa)?.help).toBe('Service account of runner pods; the installer creates it.');
});

test('a file path from the answers file is not re-checked unless asked: the wizard does no I/O of its own', () => {
  const calls: string[] = [];
  initWizard({ initial: baseAnswers(), contexts: [], checkFile: (p) => (calls.push(p), undefined) });
  expect(calls).toEqual([]);
});

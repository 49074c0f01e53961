// The finish of an install against the simulated cluster: wait-ready watches a
// real Deployment come up, checks /health through the address the ingress
// published (the host has no DNS), says which way answered and records the
// address; the report step turns those outputs into DNS records in
// REPORT.md and in the report shown at the end.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { StepContext } from '../../src/engine/step-kind.js';
import type { Plan, Step, StepAction } from '../../src/plan/steps.js';
import { makeCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { reportKind } from '../../src/steps/report.js';
import { readyFindings, waitReadyKind } from '../../src/steps/wait-ready.js';
import { Cluster } from '../../src/tools/cluster.js';
import { Redactor } from '../../src/tools/redact.js';
import { baseAnswers } from '../helpers/answers.js';
import { deploymentYaml, setupKubeSim } from '../helpers/kube-sim.js';

const certs = makeCertificates(['*.sim.example.com']);
const kube = setupKubeSim();
const HOST = 'ml.sim.example.com';
const NAMESPACE = 'zenml-workspace-ml';
let cp: ControlPlaneApi;
let dir: string;

beforeAll(async () => {
  cp = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'pw-123456', healthOf: (host) => (host === HOST ? { ok: true } : undefined) });
  dir = mkdtempSync(join(tmpdir(), 'zpi-finish-'));
});
afterAll(async () => {
  await cp.close();
  rmSync(dir, { recursive: true, force: true });
});

function answers(): Answers {
  const raw = baseAnswers();
  raw.workspaces[0].hostname = HOST;
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.answers;
}

function contextFor(step: Step, cluster: Cluster, events: EngineEvent[], outputs: Map<string, Record<string, string>>): StepContext {
  return {
    cluster,
    identity: { server: kube.sim.url, uid: undefined, gitVersion: 'v1.34.2', minor: 34 },
    settings: { failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 50, readyTimeoutMs: 20_000, health: { ca: certs.caCert, timeoutMs: 2000 } },
    emit: (e) => events.push(e),
    signal: new AbortController().signal,
    digest: (d) => d,
    secret: () => {
      throw new Error('no secret is needed here');
    },
    readFile: (p) => readFileSync(p, 'utf8'),
    outputsOf: (id) => outputs.get(id),
    kept: { get: () => undefined, put: () => Promise.reject(new Error('nothing is kept here')) },
    releaseValues: () => Promise.reject(new Error('no release here')),
    step,
    hooks: {},
    prior: undefined,
  };
}

const stepOf = (id: string, action: StepAction, needs: string[] = []): Step => ({ id, title: id, needs, mutates: false, commands: [], inputsDigest: '', action });

test('wait-ready reaches /health through the ingress address and records it; the report names it as the DNS record to create', async () => {
  kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  const applied = await kube.kubectl(['apply', '-f', '-'], { input: deploymentYaml('zenml', NAMESPACE, 'zenmldocker/zenml-server:0.93.0') });
  expect(applied.exitCode).toBe(0);
  kube.sim.create({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'zenml', namespace: NAMESPACE },
    spec: { ingressClassName: 'nginx', rules: [{ host: HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'zenml', port: { number: 80 } } } }] } }] },
  });
  kube.sim.setIngressAddress({ ip: '127.0.0.1', port: cp.port });

  const cluster = new Cluster({ context: 'zenml-sim', kubeconfig: kube.kubeconfigPath }, { helm: 'helm', kubectl: 'kubectl' }, new Redactor());
  const events: EngineEvent[] = [];
  const outputs = new Map<string, Record<string, string>>();
  try {
    const url = `https://${HOST}/health`;
    const ready = stepOf('ready:ml', { type: 'wait-ready', namespace: NAMESPACE, deployments: ['zenml'], healthUrl: url });
    const found = await waitReadyKind.run(ready.action as Extract<StepAction, { type: 'wait-ready' }>, contextFor(ready, cluster, events, outputs));
    const path = `the ingress address 127.0.0.1:${cp.port}`;
    expect(found).toEqual({ health: 'healthy', url, path, addresses: `${HOST}=127.0.0.1:${cp.port}` });
    expect(events.filter((e) => e.type === 'notice').map((e) => e.type === 'notice' && e.message)).toEqual([`${url} answers 200 through ${path}`]);
    expect(cp.state.requests.some((r) => r.host === HOST && r.path === '/health' && r.status === 200)).toBe(true);
    outputs.set(ready.id, found);

    const a = answers();
    const plan = { steps: [] } as unknown as Plan;
    const report = stepOf('report', { type: 'report' }, ['ready:control-plane', ready.id]);
    const kind = reportKind({ loaded: { answers: a, file: '/answers/my.yaml', resolvePath: (p) => p }, plan, dir, answersCopy: join(dir, 'answers.yaml') });
    const recorded = await kind.run({ type: 'report' }, contextFor(report, cluster, events, outputs));

    // Wrapped lines joined, so the facts read as sentences.
    const shown = (recorded.report ?? '').replace(/\n {4}(?=\S)/g, ' ');
    expect(shown).toContain(`- ${HOST}: A record, 127.0.0.1 (the load balancer listens on port ${cp.port}: URLs need :${cp.port})`);
    expect(shown).toContain(`- ${url} answered through ${path}`);
    // The control plane's step recorded nothing here: its host is listed as not found, with where to look.
    expect(shown).toContain('- zenml-pro.example.com: no address found');
    expect(shown).toContain('kubectl -n zenml-pro get ingress');

    const file = join(dir, 'REPORT.md');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/^# ZenML Pro install report\n/);
    expect(markdown).toContain(`- \`${HOST}\`: A record, \`127.0.0.1\``);
    expect(markdown).toContain(`- journal (what ran; a re-run resumes from it): \`${join(dir, 'journal.json')}\``);
    expect(markdown).toContain(`generated and kept in \`${join(dir, 'generated-secrets.yaml')}\``);
  } finally {
    cluster.close();
    kube.sim.setIngressAddress({ ip: '192.0.2.10' });
  }
});

test("the report reads a wait-ready step's outputs back: IPv6 addresses in brackets, load balancer names, no health when none was recorded", () => {
  const outputs = { health: 'dns-pending', url: 'https://ml.example.com/health', addresses: 'ml.example.com=[2001:db8::7]:443 ui.example.com=k8s-lb.elb.amazonaws.com:8443' };
  expect(readyFindings(outputs)).toEqual({
    health: { url: 'https://ml.example.com/health', healthy: false },
    ingresses: [{ host: 'ml.example.com', address: '2001:db8::7', port: 443 }, { host: 'ui.example.com', address: 'k8s-lb.elb.amazonaws.com', port: 8443 }],
  });
  expect(readyFindings({})).toEqual({ ingresses: [] });
});

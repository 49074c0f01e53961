// KubeApi against the simulated API server, each answer checked against what
// the real kubectl 1.34 / helm 4.1 / helm 3.18 report for the same objects.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApi, KubeApiError, type KubeApiOptions } from '../../src/tools/kube-api.js';
import type { NamespaceSnapshot } from '../../src/tools/kube-objects.js';
import { deploymentYaml, setupKubeSim, writeDemoChart, type KubeSimHarness } from '../helpers/kube-sim.js';

const kube = setupKubeSim();
const opened: KubeApi[] = [];

function open(options: Partial<KubeApiOptions> = {}): KubeApi {
  const api = KubeApi.open({ context: 'zenml-sim', kubeconfig: kube.kubeconfigPath }, { scrub: (t) => t, ...options });
  opened.push(api);
  return api;
}

afterEach(() => {
  for (const api of opened.splice(0)) api.close();
  kube.sim.faults.clear();
});

async function kubectlOk(args: string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, input === undefined ? {} : { input });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

const NO_RETRY = { budgetMs: 0, baseDelayMs: 0, maxDelayMs: 0 };

describe('identify and canI', () => {
  it('identify() reports what kubectl reports', async () => {
    const facts = await open().identify();
    const version = JSON.parse(await kubectlOk(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string; minor: string } };
    const config = JSON.parse(await kubectlOk(['config', 'view', '--minify', '-o', 'json'])) as { clusters: { cluster: { server: string } }[] };
    const uid = await kubectlOk(['get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}']);
    expect(facts).toEqual({
      server: config.clusters[0]?.cluster.server, uid, gitVersion: version.serverVersion.gitVersion, minor: Number(version.serverVersion.minor),
    });
    expect(facts.minor).toBe(34);
  });

  it('a context the kubeconfig lacks is a usage error, not a transient one', () => {
    const attempt = (): KubeApi => KubeApi.open({ context: 'nope', kubeconfig: kube.kubeconfigPath }, { scrub: (t) => t });
    expect(attempt).toThrow(KubeApiError);
    expect(attempt).toThrow(/no context "nope"/);
  });

  it('canI() answers as kubectl auth can-i does, under an RBAC denial', async () => {
    await kubectlOk(['create', 'namespace', 'locked']);
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['create'], resources: ['deployments.apps'], namespaces: ['locked'] });
    const api = open();
    const cases: [verb: string, resource: string, namespace: string | undefined][] = [
      ['create', 'deployments.apps', 'locked'], ['create', 'deployments.apps', 'default'], ['create', 'namespaces', undefined], ['get', 'pods/log', 'locked'],
    ];
    for (const [verb, resource, namespace] of cases) {
      const result = await kube.kubectl(['auth', 'can-i', verb, resource, ...(namespace ? ['-n', namespace] : [])]);
      expect(await api.canI(verb, resource, namespace), `${verb} ${resource} in ${namespace ?? 'cluster'}`).toBe(result.stdout === 'yes');
    }
    expect(await api.canI('create', 'deployments.apps', 'locked')).toBe(false);
    await expect(api.canI('create', 'deployments')).rejects.toThrow(/name it with its group/);
  });
});

describe('liveAnnotations', () => {
  const manifests = `apiVersion: v1
kind: Namespace
metadata: {name: annotated, annotations: {zenml.io/digest: ns-1}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: annotated, annotations: {zenml.io/digest: cm-1, other: x}}
data: {a: b}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: plain, namespace: annotated}
---
${deploymentYaml('web', 'annotated', 'nginx:1.27')}`;

  it('reads each object\'s annotations as kubectl get does, undefined when one is missing', async () => {
    await kubectlOk(['apply', '-f', '-'], manifests);
    const refs = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'annotated' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'annotated' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'plain', namespace: 'annotated' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'annotated' } },
    ];
    const api = open();
    const live = await api.liveAnnotations(refs);
    const expected = await Promise.all(refs.map(async (r) => {
      const text = await kubectlOk(['get', `${r.kind}/${r.metadata.name}`, ...(r.metadata.namespace ? ['-n', r.metadata.namespace] : []), '-o', 'jsonpath={.metadata.annotations}']);
      return text ? (JSON.parse(text) as Record<string, string>) : {};
    }));
    expect(live).toEqual(expected);
    expect(live?.[1]).toMatchObject({ 'zenml.io/digest': 'cm-1', other: 'x' });
    expect(await api.liveAnnotations([...refs, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'absent', namespace: 'annotated' } }])).toBeUndefined();
    expect(await api.liveAnnotations([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'never-created' } }])).toBeUndefined();
  });
});

function helmReleaseTests(tool: 'helm' | 'helm3'): void {
  const ns = `records-${tool}`;
  const release = `zen-${tool}`;
  const helm = (h: KubeSimHarness, args: string[]) => h.run(tool, [...args, '-n', ns]);

  async function expectSameAsHelm(api: KubeApi): Promise<void> {
    const status = await helm(kube, ['status', release, '-o', 'json']);
    expect(status.exitCode).toBe(0);
    // `helm status -o json` has no chart; `helm history` names it as <chart>-<version>.
    const helmSays = JSON.parse(status.stdout) as { info: { status: string }; version: number };
    const history = JSON.parse((await helm(kube, ['history', release, '-o', 'json'])).stdout) as { chart: string }[];
    const chartVersion = /^simdemo-(.+)$/.exec(history.at(-1)?.chart ?? '')?.[1];
    expect(await api.helmRelease(release, ns)).toEqual({ status: helmSays.info.status, revision: helmSays.version, chartVersion });
    const values = await helm(kube, ['get', 'values', release, '-o', 'json']);
    expect(values.exitCode).toBe(0);
    expect(await api.helmValues(release, ns)).toEqual(JSON.parse(values.stdout));
  }

  it(`reads ${tool}'s release records as ${tool} status and get values do, without helm`, async () => {
    const { chart, values1, values2 } = writeDemoChart(kube.dir);
    const api = open();
    expect(await api.helmRelease(release, ns)).toBeUndefined();
    expect(await api.helmValues(release, ns)).toBeUndefined();
    const first = await helm(kube, ['upgrade', '--install', release, chart, '-f', values1, '--create-namespace', '--wait', '--timeout', '60s']);
    expect(first.exitCode).toBe(0);
    await expectSameAsHelm(api);
    expect(await api.helmRelease(release, ns)).toEqual({ status: 'deployed', revision: 1, chartVersion: '0.1.0' });
    const second = await helm(kube, ['upgrade', '--install', release, chart, '-f', values2, '--wait', '--timeout', '60s']);
    expect(second.exitCode).toBe(0);
    await expectSameAsHelm(api);
    expect(await api.helmValues(release, ns)).toEqual({ replicas: 2, image: 'zenmldocker/zenml-server:0.91.0', password: 'second' });
    // Only this release's records: another release in the namespace is not mixed in.
    const other = await helm(kube, ['install', `${release}-other`, chart, '--set', 'password=x']);
    expect(other.exitCode).toBe(0);
    expect((await api.helmRelease(release, ns))?.revision).toBe(2);
  });

  it(`reports a failed ${tool} release as ${tool} status does`, async () => {
    const { chart } = writeDemoChart(kube.dir);
    kube.sim.faults.add({ type: 'imagePull', match: { image: 'zenml-server:broken', namespace: ns } });
    const failed = await helm(kube, ['upgrade', '--install', `${release}-bad`, chart, '--set', 'image=zenmldocker/zenml-server:broken', '--set', 'migrationImage=busybox', '--wait', '--timeout', '2s']);
    expect(failed.exitCode).toBe(1);
    const status = JSON.parse((await helm(kube, ['status', `${release}-bad`, '-o', 'json'])).stdout) as { info: { status: string }; version: number };
    expect(status.info.status).toBe('failed');
    expect(await open().helmRelease(`${release}-bad`, ns)).toEqual({ status: 'failed', revision: status.version, chartVersion: '0.1.0' });
  });
}

describe('helm release records (helm 4)', () => helmReleaseTests('helm'));
describe('helm release records (helm 3)', () => helmReleaseTests('helm3'));

type Listed = { kind: string; metadata: { name: string; resourceVersion: string } };
const fingerprint = (items: readonly { kind?: string; metadata?: { name?: string; resourceVersion?: string } }[]): string[] =>
  items.map((i) => `${i.kind}/${i.metadata?.name}@${i.metadata?.resourceVersion}`).sort();
const objectsOf = (s: NamespaceSnapshot): string[] => fingerprint([...s.pods, ...s.jobs, ...s.deployments, ...s.events] as Listed[]);

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('snapshot', () => {
  it('holds the pods, jobs, deployments and events kubectl get lists, with the same resourceVersions', async () => {
    await kubectlOk(['create', 'namespace', 'snap']);
    await kubectlOk(['apply', '-f', '-'], `${deploymentYaml('web', 'snap', 'nginx:1.27', { replicas: 2 })}---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: snap}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox}]
`);
    const api = open();
    const settled = await until(() => api.snapshot('snap'), (s) => s.deployments[0]?.status?.readyReplicas === 2 && s.jobs[0]?.status?.succeeded === 1);
    expect(settled.pods).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 300)); // let the controllers go quiet, so both readers see one state
    const [mine, theirs] = await Promise.all([
      api.snapshot('snap'),
      kubectlOk(['get', 'pods,jobs,deployments,events', '-n', 'snap', '-o', 'json']).then((t) => (JSON.parse(t) as { items: Listed[] }).items),
    ]);
    expect(objectsOf(mine)).toEqual(fingerprint(theirs));
    expect(mine.events.length).toBeGreaterThan(5);
    // Timestamps stay strings, as the engine's diagnosis parses them.
    expect(typeof mine.pods[0]?.metadata?.creationTimestamp).toBe('string');
    expect(mine.secretNames).toEqual([]);
    expect(mine.logs.size).toBe(0);
  });

  it('adds secret names on an image pull failure and scrubbed log tails on a crash loop', async () => {
    await kubectlOk(['create', 'namespace', 'broken']);
    await kubectlOk(['create', 'secret', 'generic', 'registry-creds', '-n', 'broken', '--from-literal=k=v']);
    kube.sim.faults.add([
      { type: 'imagePull', match: { image: 'missing:1', namespace: 'broken' } },
      { type: 'crashLoop', match: { name: 'crasher', namespace: 'broken' }, logLines: ['starting', 'password=hunter2 rejected', 'exiting'] },
    ]);
    await kubectlOk(['apply', '-f', '-'], `${deploymentYaml('puller', 'broken', 'example.com/missing:1')}---\n${deploymentYaml('crasher', 'broken', 'busybox')}`);
    const api = open({ scrub: (t) => t.replaceAll('hunter2', '***') });
    const s = await until(() => api.snapshot('broken'), (x) => x.secretNames.length > 0 && x.logs.size > 0);
    expect(s.secretNames).toContain('registry-creds');
    const crasher = s.pods.find((p) => p.metadata?.name?.startsWith('crasher-'))?.metadata?.name ?? '';
    expect(s.logs.get(crasher)).toEqual(['starting', 'password=*** rejected', 'exiting']);
    const kubectlLogs = await kubectlOk(['logs', crasher, '-n', 'broken', '--all-containers', '--tail', '15']);
    expect(kubectlLogs.split('\n').filter(Boolean).map((l) => l.replaceAll('hunter2', '***'))).toEqual(s.logs.get(crasher));
  });
});

describe('watchNamespace', () => {
  it('notices a Deployment turning ready within 0.5 s, and stops on abort', async () => {
    await kubectlOk(['create', 'namespace', 'watched']);
    const api = open();
    const snapshots: { at: number; snapshot: NamespaceSnapshot }[] = [];
    const controller = new AbortController();
    const watching = api.watchNamespace('watched', (snapshot) => snapshots.push({ at: performance.now(), snapshot }), controller.signal);
    await until(() => snapshots.length, (n) => n > 0, 5000);
    expect(snapshots[0]?.snapshot.pods).toEqual([]);

    // When the simulation marks the deployment ready (its status write), as the server sees it.
    let readyAt: number | undefined;
    const unsubscribe = kube.sim.store.subscribe((e) => {
      const status = e.object.status as { readyReplicas?: number } | undefined;
      if (readyAt === undefined && e.object.kind === 'Deployment' && e.object.metadata.namespace === 'watched' && (status?.readyReplicas ?? 0) >= 1) readyAt = performance.now();
    });
    await kubectlOk(['apply', '-f', '-'], deploymentYaml('app', 'watched', 'nginx:1.27'));
    const seen = await until(() => snapshots.find((s) => (s.snapshot.deployments[0]?.status?.readyReplicas ?? 0) >= 1), (s) => s !== undefined, 10_000);
    unsubscribe();
    expect(seen).toBeDefined();
    expect(readyAt).toBeDefined();
    const latencyMs = (seen?.at ?? 0) - (readyAt ?? 0);
    console.log(`watch latency, deployment ready → snapshot: ${latencyMs.toFixed(1)} ms (${snapshots.length} snapshots)`);
    expect(latencyMs).toBeLessThan(500);
    expect(seen?.snapshot.pods.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    expect(seen?.snapshot.events.some((e) => e.reason === 'Started')).toBe(true);

    expect(kube.sim.openWatches).toBeGreaterThanOrEqual(4);
    controller.abort();
    await watching;
    const count = snapshots.length;
    await until(() => kube.sim.openWatches, (n) => n === 0, 2000);
    expect(kube.sim.openWatches).toBe(0);
    await kubectlOk(['delete', 'deployment', 'app', '-n', 'watched']);
    await new Promise((r) => setTimeout(r, 200));
    expect(snapshots.length).toBe(count);
  });

  it('rides out an outage: reports it as transient, then resumes with the current state', async () => {
    await kubectlOk(['create', 'namespace', 'flaky']);
    const api = open();
    const snapshots: NamespaceSnapshot[] = [];
    const errors: KubeApiError[] = [];
    const controller = new AbortController();
    const watching = api.watchNamespace('flaky', (s) => snapshots.push(s), controller.signal, (e) => errors.push(e));
    await until(() => snapshots.length, (n) => n > 0, 5000);
    kube.sim.faults.add({ type: 'outage', durationMs: 800 });
    await until(() => errors.length, (n) => n > 0, 3000);
    expect(errors[0]?.transient).toBe(true);
    // Written while the API still refuses connections (straight into the simulation's store).
    kube.sim.create({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'late', namespace: 'flaky' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'late' } }, template: { metadata: { labels: { app: 'late' } }, spec: { containers: [{ name: 'late', image: 'nginx:1.27' }] } } },
    });
    const seen = await until(() => snapshots.at(-1), (s) => (s?.deployments[0]?.status?.readyReplicas ?? 0) >= 1, 15_000);
    expect(seen?.deployments[0]?.metadata?.name).toBe('late');
    controller.abort();
    await watching;
  });

  it('fails for good on a denial', async () => {
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['list', 'watch'], resources: ['events'], namespaces: ['denied'] });
    await kubectlOk(['create', 'namespace', 'denied']);
    const controller = new AbortController();
    const error = await open().watchNamespace('denied', () => undefined, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 403, transient: false });
  });
});

describe('errors', () => {
  it('an outage is a transient error without a status; a short retry rides it out', async () => {
    kube.sim.faults.add({ type: 'outage', durationMs: 1000 });
    const error = await open({ retry: NO_RETRY }).identify().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ transient: true, status: undefined, reason: 'ECONNREFUSED' });
    const retries: number[] = [];
    const facts = await open({ retry: { budgetMs: 5000, baseDelayMs: 200, maxDelayMs: 1000, onRetry: (i) => retries.push(i.delayMs) } }).identify();
    expect(facts.gitVersion).toBe('v1.34.2');
    expect(retries.length).toBeGreaterThan(0);
  });

  it('a reset connection is transient and retried', async () => {
    kube.sim.faults.add({ type: 'dropConnection', count: 1, match: { pathIncludes: '/version' } });
    const error = await open({ retry: NO_RETRY }).identify().catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: true, status: undefined });
    kube.sim.faults.add({ type: 'dropConnection', count: 1, match: { pathIncludes: '/version' } });
    expect((await open().identify()).gitVersion).toBe('v1.34.2');
  });

  it('5xx and 429 are transient and retried; 403 is not', async () => {
    kube.sim.faults.add({ type: 'apiError', status: 503, count: 1, match: { pathIncludes: '/secrets' } });
    const once = await open({ retry: NO_RETRY }).helmRelease('x', 'default').catch((e: unknown) => e);
    expect(once).toMatchObject({ status: 503, transient: true });
    kube.sim.faults.add({ type: 'apiError', status: 429, count: 1, retryAfterSeconds: 0, match: { pathIncludes: '/secrets' } });
    expect(await open().helmRelease('x', 'default')).toBeUndefined();
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['list'], resources: ['secrets'], namespaces: ['default'] });
    const denied = await open().helmRelease('x', 'default').catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 403, transient: false, reason: 'Forbidden' });
    expect((denied as Error).message).toMatch(/^reading the records of release x: /);
  });
});

// Following a container's log through the API (src/tools/pod-logs.ts, as
// KubeApi and the Cluster call it) against the simulated API server: lines as
// they are printed, scrubbed and cut, an end of its own when the container
// ends, a prompt end on abort, and refusals as KubeApiErrors; no stream is
// left open on the server either way.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApi, KubeApiError } from '../../src/tools/kube-api.js';
import { MAX_LOG_LINE_CHARS } from '../../src/tools/pod-logs.js';
import { Redactor } from '../../src/tools/redact.js';
import { setupKubeSim } from '../helpers/kube-sim.js';
import { podWhen, printingPod, running, settles, terminated } from '../helpers/sim-pods.js';

const kube = setupKubeSim();
const SECRET = 'pw-follow-0123456789';
const opened: KubeApi[] = [];

function open(): KubeApi {
  const redactor = new Redactor();
  redactor.add(SECRET, 'database password');
  const api = KubeApi.open({ context: 'zenml-sim', kubeconfig: kube.kubeconfigPath }, { scrub: (t) => redactor.scrub(t) });
  opened.push(api);
  return api;
}

afterEach(async () => {
  for (const api of opened.splice(0)) api.close();
  kube.sim.faults.clear();
  expect(await settles(() => kube.sim.openLogStreams, 0)).toBe(0);
});

let namespaces = 0;
function namespace(): string {
  const name = `logs-${++namespaces}`;
  kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

describe('followPodLog', () => {
  it('passes each line on as it is printed, scrubbed, stripped and cut, and ends with the container', async () => {
    const ns = namespace();
    const long = `SELECT ${'x'.repeat(10_000)} FROM t`;
    const script = [`connecting to mysql://zenml:${SECRET}@db:3306/zenml`, '\u001b[32mINFO\u001b[0m  Running upgrade 0.92.0 -> 0.93.0', '   ', long, 'Done'];
    kube.sim.create(printingPod(ns, 'migrate', script));
    await podWhen(kube.sim, ns, 'migrate', running);
    let exitedAt = Number.POSITIVE_INFINITY;
    const exited = podWhen(kube.sim, ns, 'migrate', terminated).then(() => (exitedAt = performance.now()));
    const lines: { at: number; line: string }[] = [];
    await open().followPodLog(ns, 'migrate', 'main', (line) => lines.push({ at: performance.now(), line }), new AbortController().signal);
    await exited;

    expect(lines.map((l) => l.line)).toEqual([
      '[simulated] container main started from image busybox:1.36',
      'connecting to mysql://zenml:***@db:3306/zenml',
      'INFO  Running upgrade 0.92.0 -> 0.93.0',
      `${long.slice(0, MAX_LOG_LINE_CHARS)} … [line cut: ${long.length} characters]`,
      'Done',
      '[simulated] container main finished',
    ]);
    // Live: the script's first line came well before the container ended.
    expect(lines[1]?.at).toBeLessThan(exitedAt);
  });

  it('ends promptly on abort while the container runs on, and passes nothing on after it', async () => {
    const ns = namespace();
    kube.sim.create(printingPod(ns, 'server', ['listening on :8080'], { restartPolicy: 'Always' }));
    await podWhen(kube.sim, ns, 'server', running);
    const controller = new AbortController();
    const lines: string[] = [];
    let firstLine: () => void = () => undefined;
    const sawOne = new Promise<void>((resolve) => (firstLine = resolve));
    const following = open().followPodLog(ns, 'server', 'main', (line) => {
      lines.push(line);
      firstLine();
    }, controller.signal);
    await sawOne;
    expect(kube.sim.openLogStreams).toBe(1);
    const abortedAt = performance.now();
    controller.abort();
    await following;
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(lines).toEqual(['[simulated] container main started from image busybox:1.36', 'listening on :8080']);

    // Aborted before the server could answer: no request outlives it.
    const early = new AbortController();
    const pending = open().followPodLog(ns, 'server', 'main', () => expect.unreachable(), early.signal);
    early.abort();
    await pending;
  });

  it('rejects with the server\'s reason when the log cannot be read: denied, pod gone, not started', async () => {
    const ns = namespace();
    kube.sim.create(printingPod(ns, 'job', ['working']));
    await podWhen(kube.sim, ns, 'job', running);
    const api = open();
    const signal = new AbortController().signal;

    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['get'], resources: ['pods/log'], namespaces: [ns] });
    const denied = await api.followPodLog(ns, 'job', 'main', () => undefined, signal).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(KubeApiError);
    expect(denied).toMatchObject({ status: 403, transient: false, reason: 'Forbidden' });
    expect((denied as Error).message).toMatch(/following the log of pod job \(container main\): .*cannot get resource "pods\/log"/);
    kube.sim.faults.clear();

    const gone = await api.followPodLog(ns, 'nope', 'main', () => undefined, signal).catch((e: unknown) => e);
    expect(gone).toMatchObject({ status: 404, reason: 'NotFound' });

    kube.sim.faults.add({ type: 'imagePull', match: { name: 'stuck' } });
    kube.sim.create(printingPod(ns, 'stuck', ['never']));
    await podWhen(kube.sim, ns, 'stuck', (p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull');
    const waiting = await api.followPodLog(ns, 'stuck', 'main', () => undefined, signal).catch((e: unknown) => e);
    expect(waiting).toMatchObject({ status: 400 });
    expect((waiting as Error).message).toContain('is waiting to start');
  });

  it('a connection lost midway is a transient error, not an end', async () => {
    const ns = namespace();
    kube.sim.create(printingPod(ns, 'server', ['up'], { restartPolicy: 'Always' }));
    await podWhen(kube.sim, ns, 'server', running);
    let firstLine: () => void = () => undefined;
    const sawOne = new Promise<void>((resolve) => (firstLine = resolve));
    const following = open().followPodLog(ns, 'server', 'main', () => firstLine(), new AbortController().signal).catch((e: unknown) => e);
    await sawOne;
    kube.sim.faults.add({ type: 'outage', durationMs: 300 });
    const error = await following;
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ transient: true, status: undefined });
  });
});

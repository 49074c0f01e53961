// `pods/log?follow=true` in the simulation, read by the real `kubectl logs -f`
// and by a plain HTTPS client: one text/plain answer without a length that
// brings each line as the container prints it and ends with the container
// (it exits, or its pod is deleted), as the real API server's does.
import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { deploymentYaml, setupKubeSim } from '../helpers/kube-sim.js';
import { podWhen, printingPod, running, settles, terminated, type SimPod } from '../helpers/sim-pods.js';

const kube = setupKubeSim();
const NS = 'follow';
const SCRIPT = ['Migrating the database', 'Running upgrade 0.92.0 -> 0.93.0', 'Done'];

/** One follow, read chunk by chunk with the time each arrived; resolves when the server ends the answer. */
function follow(path: string): Promise<{ status: number; headers: Record<string, unknown>; chunks: { at: number; text: string }[] }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${kube.sim.url}${path}`);
    const req = https.request(url, { ca: kube.sim.caCert, headers: { authorization: `Bearer ${kube.sim.token}` } }, (res) => {
      const chunks: { at: number; text: string }[] = [];
      res.on('data', (c: Buffer) => chunks.push({ at: performance.now(), text: c.toString('utf8') }));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pods/log?follow=true', () => {
  it('streams a running container\'s lines as it prints them and ends when it exits; kubectl logs -f reads the same', async () => {
    kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    kube.sim.create(printingPod(NS, 'migrate', SCRIPT));
    await podWhen(kube.sim, NS, 'migrate', running);
    let exitedAt = 0;
    const exited = podWhen(kube.sim, NS, 'migrate', terminated).then((p) => ((exitedAt = performance.now()), p));
    const answer = await follow(`/api/v1/namespaces/${NS}/pods/migrate/log?container=main&follow=true`);
    await exited;
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.headers['content-length']).toBeUndefined();
    const text = answer.chunks.map((c) => c.text).join('');
    expect(text).toBe(['[simulated] container main started from image busybox:1.36', ...SCRIPT, '[simulated] container main finished'].map((l) => `${l}\n`).join(''));
    // The script's lines came one by one, before the container's status said it had ended.
    const scriptChunks = answer.chunks.filter((c) => SCRIPT.some((l) => c.text.includes(l)));
    expect(scriptChunks.length).toBeGreaterThan(1);
    expect(scriptChunks[0]?.at).toBeLessThan(exitedAt);
    expect(await settles(() => kube.sim.openLogStreams, 0)).toBe(0);

    // Now that it has ended: the whole log at once, and the answer ends.
    const after = await kube.kubectl(['logs', '-f', 'migrate', '-n', NS]);
    expect(after.exitCode).toBe(0);
    expect(after.stdout.split('\n')).toEqual(text.trimEnd().split('\n'));

    // kubectl follows a running one to its end too.
    kube.sim.create(printingPod(NS, 'migrate-2', SCRIPT));
    await podWhen(kube.sim, NS, 'migrate-2', running);
    const live = await kube.kubectl(['logs', '-f', 'migrate-2', '-n', NS]);
    expect(live.exitCode).toBe(0);
    expect(live.stdout).toContain('Running upgrade 0.92.0 -> 0.93.0\nDone\n[simulated] container main finished');
    const logged = kube.sim.requestLog.list().filter((e) => e.path === `/api/v1/namespaces/${NS}/pods/migrate-2/log`);
    expect(logged.map((e) => [e.params.follow, e.status])).toEqual([['true', 200]]);
  });

  it('ends a follow when the pod is deleted, and refuses a container that has not started as the real server does', async () => {
    kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'follow-2' } });
    await kube.kubectl(['apply', '-f', '-'], { input: deploymentYaml('web', 'follow-2', 'nginx:1.27', { container: 'main' }) });
    const pod = await new Promise<SimPod>((resolve) => {
      const found = (): SimPod | undefined => kube.sim.list('v1', 'Pod', 'follow-2')[0] as SimPod | undefined;
      const first = found();
      if (first) {
        resolve(first);
        return;
      }
      const off = kube.sim.store.subscribe(() => {
        const p = found();
        if (p) {
          off();
          resolve(p);
        }
      });
    });
    const name = pod.metadata.name ?? '';
    await podWhen(kube.sim, 'follow-2', name, running);
    const following = kube.kubectl(['logs', '-f', name, '-n', 'follow-2']);
    expect(await settles(() => kube.sim.openLogStreams, 1, 10_000)).toBe(1);
    await kube.kubectl(['delete', 'pod', name, '-n', 'follow-2', '--wait=false']);
    const ended = await following;
    expect(ended.exitCode).toBe(0);
    expect(ended.stdout).toContain('container main started from image nginx:1.27');
    expect(await settles(() => kube.sim.openLogStreams, 0)).toBe(0);

    kube.sim.faults.add({ type: 'imagePull', match: { image: 'busybox:broken' } });
    kube.sim.create(printingPod('follow-2', 'stuck', SCRIPT, { image: 'busybox:broken' }));
    await podWhen(kube.sim, 'follow-2', 'stuck', (p) => /ImagePull/.test(p.status?.containerStatuses?.[0]?.state.waiting?.reason ?? ''));
    const refused = await kube.kubectl(['logs', '-f', 'stuck', '-n', 'follow-2']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('container "main" in pod "stuck" is waiting to start: trying and failing to pull image');
    kube.sim.faults.clear();
  });
});

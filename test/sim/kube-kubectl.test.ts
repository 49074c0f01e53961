// Real kubectl 1.34 against the simulated API: the commands the installer and
// its users run, with the outputs a real cluster gives.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentYaml, setupKubeSim } from '../helpers/kube-sim.js';

const kube = setupKubeSim();

const namespaceAndSecret = `apiVersion: v1
kind: Namespace
metadata:
  name: kubectl-demo
---
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  namespace: kubectl-demo
type: Opaque
data:
  password: c2ltdWxhdGVk
`;

const deployment = (name: string, image: string, replicas = 1): string => deploymentYaml(name, 'kubectl-demo', image, { replicas, container: 'main' });

describe('kubectl against the simulated API', () => {
  it('applies a Namespace and a Secret from stdin, and re-applies idempotently', async () => {
    const before = kube.sim.requestLog.list().length;
    const first = await kube.kubectl(['apply', '-f', '-'], { input: namespaceAndSecret });
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('namespace/kubectl-demo created');
    expect(first.stdout).toContain('secret/db-credentials created');

    const again = await kube.kubectl(['apply', '-f', '-'], { input: namespaceAndSecret });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('namespace/kubectl-demo unchanged');
    expect(again.stdout).toContain('secret/db-credentials unchanged');

    const stored = kube.sim.get('v1', 'Secret', 'kubectl-demo', 'db-credentials');
    expect(stored?.data).toEqual({ password: 'c2ltdWxhdGVk' });
    const writes = kube.sim.requestLog.list().slice(before).filter((e) => e.mutating);
    expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /api/v1/namespaces', 'POST /api/v1/namespaces/kubectl-demo/secrets']);
  });

  it('decodes the protobuf bodies kubectl create sends', async () => {
    await kube.kubectl(['create', 'namespace', 'pb-demo']);
    const secretFile = join(kube.dir, 'token');
    writeFileSync(secretFile, 's3cret', { mode: 0o600 });
    const created = await kube.kubectl(['create', 'secret', 'generic', 'token', '-n', 'pb-demo', `--from-file=value=${secretFile}`]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('secret/token created');
    expect(kube.sim.get('v1', 'Secret', 'pb-demo', 'token')?.data).toEqual({ value: Buffer.from('s3cret').toString('base64') });
    const protobufPosts = kube.sim.requestLog.list().filter((e) => e.method === 'POST' && e.contentType === 'application/vnd.kubernetes.protobuf');
    expect(protobufPosts.map((e) => e.path)).toEqual(expect.arrayContaining(['/api/v1/namespaces', '/api/v1/namespaces/pb-demo/secrets']));

    const again = await kube.kubectl(['create', 'namespace', 'pb-demo']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): namespaces "pb-demo" already exists');
  });

  it('answers auth can-i', async () => {
    const yes = await kube.kubectl(['auth', 'can-i', 'create', 'deployments', '-n', 'kubectl-demo']);
    expect(yes.stdout).toBe('yes');
    expect(yes.exitCode).toBe(0);
  });

  it('rolls out a Deployment: rollout status, wait, get, logs, describe, events', async () => {
    const applied = await kube.kubectl(['apply', '-f', '-'], { input: deployment('web', 'nginx:1.27', 2) });
    expect(applied.stdout).toContain('deployment.apps/web created');

    const rollout = await kube.kubectl(['rollout', 'status', 'deployment/web', '-n', 'kubectl-demo', '--timeout=20s']);
    expect(rollout.exitCode).toBe(0);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');

    const wait = await kube.kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '-n', 'kubectl-demo', '--timeout=20s']);
    expect(wait.exitCode).toBe(0);
    expect(wait.stdout.split('\n').filter((l) => l.endsWith('condition met'))).toHaveLength(2);

    const pods = await kube.kubectl(['get', 'pods', '-n', 'kubectl-demo', '-o', 'json']);
    const list = JSON.parse(pods.stdout) as { items: { metadata: { name: string; labels: Record<string, string> }; status: { phase: string } }[] };
    expect(list.items).toHaveLength(2);
    for (const pod of list.items) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.metadata.labels['pod-template-hash']).toMatch(/^[a-z0-9]{10}$/);
      expect(pod.metadata.name.startsWith(`web-${pod.metadata.labels['pod-template-hash']}-`)).toBe(true);
    }

    const table = await kube.kubectl(['get', 'pods', '-n', 'kubectl-demo']);
    expect(table.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(table.stdout).toMatch(/web-\S+\s+1\/1\s+Running\s+0/);

    const logs = await kube.kubectl(['logs', 'deployment/web', '-n', 'kubectl-demo']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toContain('container main started from image nginx:1.27');
    expect(logs.stderr).toMatch(/Found 2 pods, using pod\/web-/);

    const podName = list.items[0]?.metadata.name ?? '';
    const describe = await kube.kubectl(['describe', 'pod', podName, '-n', 'kubectl-demo']);
    expect(describe.stdout).toMatch(/Status:\s+Running/);
    expect(describe.stdout).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned kubectl-demo\/web-/);
    expect(describe.stdout).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container main/);

    // Controllers settle: with nothing changing, nothing is written.
    const settled = kube.sim.store.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(kube.sim.store.resourceVersion).toBe(settled);

    const events = await kube.kubectl(['get', 'events', '-n', 'kubectl-demo']);
    expect(events.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(events.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\S+ from 0 to 2/);
    expect(events.stdout).toMatch(/Normal\s+Pulled\s+pod\/web-/);
  });

  it('rolls a new template out and drops the old ReplicaSet to zero', async () => {
    await kube.kubectl(['apply', '-f', '-'], { input: deployment('web', 'nginx:1.28', 2) });
    const rollout = await kube.kubectl(['rollout', 'status', 'deployment/web', '-n', 'kubectl-demo', '--timeout=20s']);
    expect(rollout.stdout).toContain('successfully rolled out');
    const sets = kube.sim.list('apps/v1', 'ReplicaSet', 'kubectl-demo');
    const revisions = sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], (rs.spec as { replicas: number }).replicas]);
    expect(revisions.sort()).toEqual([['1', 0], ['2', 2]]);
    const history = await kube.kubectl(['rollout', 'history', 'deployment/web', '-n', 'kubectl-demo']);
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\s*\n1\s+<none>\s*\n2\s+<none>/);
  });

  it('deletes a namespace and waits until it is gone', async () => {
    const deleted = await kube.kubectl(['delete', 'namespace', 'pb-demo', '--timeout=20s']);
    expect(deleted.stdout).toContain('namespace "pb-demo" deleted');
    expect(kube.sim.get('v1', 'Namespace', undefined, 'pb-demo')).toBeUndefined();
    expect(kube.sim.list('v1', 'Secret', 'pb-demo')).toEqual([]);
    const get = await kube.kubectl(['get', 'namespace', 'pb-demo']);
    expect(get.stderr).toContain('Error from server (NotFound): namespaces "pb-demo" not found');
  });

  it('reports the server version', async () => {
    const version = await kube.kubectl(['version']);
    expect(version.stdout).toContain('Client Version: v1.34.5');
    expect(version.stdout).toContain('Server Version: v1.34.2');
  });

  it('served the watches over HTTP/2', () => {
    const watches = kube.sim.requestLog.list().filter((e) => e.watch);
    expect(watches.length).toBeGreaterThan(0);
    expect(watches.every((e) => e.protocol === 'h2')).toBe(true);
  });
});

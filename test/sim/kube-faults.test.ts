// Each injected fault, observed through the real binaries the way it shows on
// a real cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { deploymentYaml, setupKubeSim, writeDemoChart, type KubeSimHarness, type RunResult } from '../helpers/kube-sim.js';

const kube = setupKubeSim();

afterEach(() => {
  kube.sim.faults.clear();
});

const deployment = (name: string, namespace: string, image: string): string =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n---\n${deploymentYaml(name, namespace, image)}`;

/** Re-runs `attempt` until `done` holds or `ms` pass; returns the last result. */
async function eventually(attempt: () => Promise<RunResult>, done: (r: RunResult) => boolean, ms = 8000): Promise<RunResult> {
  const deadline = Date.now() + ms;
  let result = await attempt();
  while (!done(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    result = await attempt();
  }
  return result;
}

async function applyOk(h: KubeSimHarness, manifest: string): Promise<void> {
  const applied = await h.kubectl(['apply', '-f', '-'], { input: manifest });
  expect(applied.stderr).toBe('');
}

describe('pod faults', () => {
  it('image pull failure: ErrImagePull, then ImagePullBackOff, with kubelet events', async () => {
    kube.sim.faults.add({ type: 'imagePull', match: { image: 'zenml-server:9.9.9' } });
    await applyOk(kube, deployment('server', 'pull', 'zenmldocker/zenml-server:9.9.9'));
    const pods = await eventually(() => kube.kubectl(['get', 'pods', '-n', 'pull']), (r) => r.stdout.includes('ImagePullBackOff'));
    expect(pods.stdout).toMatch(/server-\S+\s+0\/1\s+ImagePullBackOff\s+0/);

    const events = await kube.kubectl(['get', 'events', '-n', 'pull', '--field-selector', 'type=Warning']);
    expect(events.stdout).toContain('Failed to pull image "zenmldocker/zenml-server:9.9.9": rpc error: code = NotFound');
    expect(events.stdout).toContain('not found');
    expect(events.stdout).toContain('Error: ImagePullBackOff');
    const backoff = await kube.kubectl(['get', 'events', '-n', 'pull', '--field-selector', 'reason=BackOff']);
    expect(backoff.stdout).toContain('Back-off pulling image "zenmldocker/zenml-server:9.9.9"');

    const rollout = await kube.kubectl(['rollout', 'status', 'deployment/server', '-n', 'pull', '--timeout=1s']);
    expect(rollout.exitCode).toBe(1);
    expect(rollout.stdout).toContain('0 of 1 updated replicas are available');
    const logs = await kube.kubectl(['logs', 'deployment/server', '-n', 'pull']);
    expect(logs.stderr).toMatch(/is waiting to start: trying and failing to pull image/);
  });

  it('crash loop: CrashLoopBackOff, growing restarts, configured log lines', async () => {
    kube.sim.faults.add({ type: 'crashLoop', match: { kind: 'Deployment', name: 'crasher' }, logLines: ['Starting ZenML server', 'sqlalchemy.exc.OperationalError: could not connect'] });
    await applyOk(kube, deployment('crasher', 'crash', 'zenmldocker/zenml-server:0.90.0'));
    const pods = await eventually(() => kube.kubectl(['get', 'pods', '-n', 'crash']), (r) => /CrashLoopBackOff\s+[2-9]/.test(r.stdout));
    expect(pods.stdout).toMatch(/crasher-\S+\s+0\/1\s+CrashLoopBackOff\s+[2-9] \(\S+ ago\)/);
    const logs = await kube.kubectl(['logs', 'deployment/crasher', '-n', 'crash']);
    expect(logs.stdout).toBe('Starting ZenML server\nsqlalchemy.exc.OperationalError: could not connect');
    const previous = await kube.kubectl(['logs', 'deployment/crasher', '-n', 'crash', '--previous']);
    expect(previous.stdout).toContain('could not connect');
    const events = await kube.kubectl(['get', 'events', '-n', 'crash', '--field-selector', 'reason=BackOff']);
    expect(events.stdout).toMatch(/Warning\s+BackOff\s+pod\/crasher-\S+\s+Back-off restarting failed container crasher in pod crasher-/);
  });

  it('unschedulable: Pending with a FailedScheduling event, scheduled once the fault clears', async () => {
    const [fault] = kube.sim.faults.add({ type: 'unschedulable', match: { namespace: 'pending' } });
    await applyOk(kube, deployment('waiting', 'pending', 'nginx:1.27'));
    const describe = await eventually(() => kube.kubectl(['describe', 'pods', '-n', 'pending']), (r) => r.stdout.includes('FailedScheduling'));
    expect(describe.stdout).toMatch(/Status:\s+Pending/);
    expect(describe.stdout).toMatch(/Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/2 nodes are available: 2 Insufficient cpu\./);
    const json = await kube.kubectl(['get', 'pods', '-n', 'pending', '-o', 'jsonpath={.items[0].status.conditions[0].reason}']);
    expect(json.stdout).toBe('Unschedulable');

    kube.sim.faults.remove(fault?.id ?? '');
    const rollout = await kube.kubectl(['rollout', 'status', 'deployment/waiting', '-n', 'pending', '--timeout=10s']);
    expect(rollout.stdout).toContain('successfully rolled out');
  });

  it('slow readiness delays the rollout', async () => {
    kube.sim.faults.add({ type: 'slowReadiness', match: { image: 'slow-image' }, extraMs: 1500 });
    await applyOk(kube, deployment('slow', 'slow', 'registry.example.com/slow-image:1'));
    const rollout = await kube.kubectl(['rollout', 'status', 'deployment/slow', '-n', 'slow', '--timeout=15s']);
    expect(rollout.stdout).toContain('successfully rolled out');
    expect(rollout.durationMs).toBeGreaterThanOrEqual(1500);
  });
});

describe('a failing migration hook fails the helm release quickly', () => {
  for (const tool of ['helm', 'helm3'] as const) {
    it(tool, async () => {
      kube.sim.faults.add({ type: 'jobFailure', match: { image: 'migrate-broken' }, logLines: ['Migrating database...', 'alembic.util.exc.CommandError: Can\'t locate revision'] });
      const { chart } = writeDemoChart(kube.dir);
      const ns = `hook-${tool}`;
      const result = await kube.run(tool, ['upgrade', '--install', 'zen', chart, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s',
        '--set', 'migrationImage=zenmldocker/migrate-broken:1']);
      expect(result.exitCode).toBe(1);
      expect(result.durationMs).toBeLessThan(15_000);
      if (tool === 'helm') expect(result.stderr).toContain('failed pre-install: resource Job/hook-helm/zen-db-migration not ready. status: Failed');
      else expect(result.stderr).toContain('job zen-db-migration failed: BackoffLimitExceeded');

      // Helm 4 lists releases in every status by default; Helm 3 needs --all.
      const list = await kube.run(tool, ['list', '-n', ns, '-o', 'json', ...(tool === 'helm3' ? ['--all'] : [])]);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'zen', status: 'failed' })]);
      const logs = await kube.kubectl(['logs', 'job/zen-db-migration', '-n', ns]);
      expect(logs.stdout).toContain("alembic.util.exc.CommandError: Can't locate revision");
      const job = await kube.kubectl(['get', 'job', 'zen-db-migration', '-n', ns]);
      expect(job.stdout).toMatch(/zen-db-migration\s+Failed\s+0\/1/);
    });
  }
});

describe('API faults', () => {
  it('429 with Retry-After is retried by kubectl and helm', async () => {
    kube.sim.faults.add({ type: 'apiError', status: 429, count: 1, retryAfterSeconds: 1, match: { pathIncludes: '/api/v1/namespaces', method: 'GET' } });
    const get = await kube.kubectl(['get', 'namespaces', '-o', 'name']);
    expect(get.exitCode).toBe(0);
    expect(get.stdout).toContain('namespace/default');
    const tried = kube.sim.requestLog.list().filter((e) => e.path === '/api/v1/namespaces').slice(-2);
    expect(tried.map((e) => e.status)).toEqual([429, 200]);
    expect(Date.parse(tried[1]?.time ?? '') - Date.parse(tried[0]?.time ?? '')).toBeGreaterThanOrEqual(900);

    kube.sim.faults.add({ type: 'apiError', status: 429, count: 1, retryAfterSeconds: 1, match: { pathIncludes: '/secrets' } });
    const list = await kube.helm(['list', '-A']);
    expect(list.exitCode).toBe(0);
  });

  it('a 500 surfaces as an InternalError, as on a real server', async () => {
    kube.sim.faults.add({ type: 'apiError', status: 500, count: 1, match: { pathIncludes: '/api/v1/namespaces' } });
    const failed = await kube.kubectl(['get', 'namespaces']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('Error from server (InternalError): Internal error occurred: simulated server error');
    const next = await kube.kubectl(['get', 'namespaces']);
    expect(next.exitCode).toBe(0);
  });

  it('a dropped connection is retried by client-go for reads', async () => {
    const [fault] = kube.sim.faults.add({ type: 'dropConnection', count: 1, match: { pathIncludes: '/api/v1/namespaces', method: 'GET' } });
    const get = await kube.kubectl(['get', 'namespaces', '-o', 'name']);
    expect(get.exitCode).toBe(0);
    const dropped = kube.sim.requestLog.list().filter((e) => e.fault === fault?.id);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.status).toBe(0);
  });

  it('an outage refuses connections, then the server is back', async () => {
    kube.sim.faults.add({ type: 'outage', durationMs: 1200 });
    const down = await kube.kubectl(['get', 'namespaces']);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain(`The connection to the server 127.0.0.1:${kube.sim.port} was refused`);
    const helm = await kube.helm(['list']);
    expect(helm.exitCode).toBe(1);
    expect(helm.stderr).toMatch(/[Kk]ubernetes cluster unreachable: .*connect: connection refused/);
    const up = await eventually(() => kube.kubectl(['get', 'namespaces']), (r) => r.exitCode === 0, 5000);
    expect(up.exitCode).toBe(0);
  });

  it('RBAC denial: auth can-i says no and apply fails with Forbidden', async () => {
    await applyOk(kube, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n');
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['create'], resources: ['deployments.apps'], namespaces: ['locked'] });
    const canI = await kube.kubectl(['auth', 'can-i', 'create', 'deployments', '-n', 'locked']);
    expect(canI.stdout).toBe('no');
    expect(canI.exitCode).toBe(1);
    const elsewhere = await kube.kubectl(['auth', 'can-i', 'create', 'deployments', '-n', 'default']);
    expect(elsewhere.stdout).toBe('yes');
    const apply = await kube.kubectl(['apply', '-f', '-'], { input: deployment('app', 'locked', 'nginx:1.27') });
    expect(apply.exitCode).toBe(1);
    expect(apply.stderr).toContain('Error from server (Forbidden): error when creating "STDIN": deployments.apps is forbidden: User "system:serviceaccount:default:zenml-sim" cannot create resource "deployments" in API group "apps" in the namespace "locked"');
  });

  it('an old server version shows in kubectl version and fails a kubeVersion constraint in helm', async () => {
    kube.sim.faults.add({ type: 'serverVersion', gitVersion: 'v1.23.17' });
    const version = await kube.kubectl(['version']);
    expect(version.stdout).toContain('Server Version: v1.23.17');
    expect(version.stderr).toContain('exceeds the supported minor version skew');
    const { chart } = writeDemoChart(kube.dir, { kubeVersion: '>=1.24.0-0' });
    const install = await kube.helm(['install', 'old', chart, '-n', 'default']);
    expect(install.exitCode).toBe(1);
    expect(install.stderr).toContain('chart requires kubeVersion: >=1.24.0-0 which is incompatible with Kubernetes v1.23.17');
  });
});

// Real Helm 4.1 and Helm 3.18 against the simulated API: install with a hook
// Job and --wait, status, list, values, upgrade, history, rollback, uninstall.
// Release state is whatever helm writes (release Secrets), read back by helm.
import { describe, expect, it } from 'vitest';
import { setupKubeSim, writeDemoChart, type KubeSimHarness, type Tool } from '../helpers/kube-sim.js';
import type { KubeObject } from '../../src/sim/kube/index.js';

const kube = setupKubeSim();

function container(d: KubeObject | undefined): { image: string; env: { name: string }[] } | undefined {
  return (d?.spec as { template: { spec: { containers: { image: string; env: { name: string }[] }[] } } } | undefined)?.template.spec.containers[0];
}

function secretValue(obj: KubeObject | undefined, key: string): string | undefined {
  const data = obj?.data as Record<string, string> | undefined;
  return data?.[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
}

function helmFlow(tool: Extract<Tool, 'helm' | 'helm3'>, h: KubeSimHarness): void {
  const ns = `rel-${tool}`;
  const release = `zen-${tool}`;
  const run = (args: string[]): ReturnType<KubeSimHarness['run']> => h.run(tool, [...args, '-n', ns]);
  const deployment = (): KubeObject | undefined => h.sim.get('apps/v1', 'Deployment', ns, `${release}-server`);

  it('installs with a hook Job and --wait', async () => {
    const { chart, values1 } = writeDemoChart(h.dir);
    const result = await run(['upgrade', '--install', release, chart, '-f', values1, '--create-namespace', '--wait', '--timeout', '60s']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/STATUS: deployed/);
    expect(result.stdout).toMatch(/REVISION: 1/);
    const d = deployment();
    expect((d?.status as { readyReplicas?: number }).readyReplicas).toBe(1);
    expect(d?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(secretValue(h.sim.get('v1', 'Secret', ns, `${release}-config`), 'password')).toBe('first');
    // hook-succeeded deleted the Job; its Completed event shows it ran to completion first.
    expect(h.sim.get('batch/v1', 'Job', ns, `${release}-db-migration`)).toBeUndefined();
    const completed = h.sim.list('v1', 'Event', ns).filter((e) => e.reason === 'Completed' && (e.involvedObject as { name: string }).name === `${release}-db-migration`);
    expect(completed).toHaveLength(1);
    expect(h.sim.list('v1', 'Secret', ns).map((s) => s.metadata.name)).toContain(`sh.helm.release.v1.${release}.v1`);
  });

  it('shows status, list and values', async () => {
    const status = await run(['status', release]);
    expect(status.stdout).toMatch(/STATUS: deployed/);
    const list = await run(['list', '-o', 'json']);
    const releases = JSON.parse(list.stdout) as { name: string; status: string; revision: string }[];
    expect(releases).toEqual([expect.objectContaining({ name: release, status: 'deployed', revision: '1' })]);
    const values = await run(['get', 'values', release, '-o', 'json']);
    expect(JSON.parse(values.stdout)).toEqual({ password: 'first', extraEnv: 'on' });
  });

  it('upgrades with changed values', async () => {
    const { chart, values2 } = writeDemoChart(h.dir);
    const result = await run(['upgrade', '--install', release, chart, '-f', values2, '--wait', '--timeout', '60s']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/REVISION: 2/);
    const d = deployment();
    expect((d?.spec as { replicas: number }).replicas).toBe(2);
    expect((d?.status as { readyReplicas: number }).readyReplicas).toBe(2);
    expect(container(d)?.image).toBe('zenmldocker/zenml-server:0.91.0');
    expect(container(d)?.env.map((e) => e.name)).toEqual(['MODE']);
    expect(secretValue(h.sim.get('v1', 'Secret', ns, `${release}-config`), 'password')).toBe('second');
    const history = await run(['history', release, '-o', 'json']);
    const revisions = JSON.parse(history.stdout) as { revision: number; status: string }[];
    expect(revisions.map((r) => [r.revision, r.status])).toEqual([[1, 'superseded'], [2, 'deployed']]);
  });

  it('rolls back to revision 1', async () => {
    const result = await run(['rollback', release, '1', '--wait', '--timeout', '60s']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Rollback was a success');
    const d = deployment();
    expect(container(d)?.image).toBe('zenmldocker/zenml-server:0.90.0');
    expect(container(d)?.env.map((e) => e.name)).toEqual(['MODE', 'EXTRA']);
    expect((d?.spec as { replicas: number }).replicas).toBe(1);
    const history = await run(['history', release, '-o', 'json']);
    const revisions = JSON.parse(history.stdout) as { revision: number; status: string; description: string }[];
    expect(revisions.at(-1)).toEqual(expect.objectContaining({ revision: 3, status: 'deployed', description: 'Rollback to 1' }));
  });

  it('uninstalls and the garbage collector removes pods', async () => {
    const result = await run(['uninstall', release, '--wait', '--timeout', '60s']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`release "${release}" uninstalled`);
    expect(deployment()).toBeUndefined();
    expect(h.sim.list('v1', 'Secret', ns)).toEqual([]);
    const deadline = Date.now() + 5000;
    while (h.sim.list('v1', 'Pod', ns).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(h.sim.list('v1', 'Pod', ns)).toEqual([]);
    expect(h.sim.list('apps/v1', 'ReplicaSet', ns)).toEqual([]);
    const list = await run(['list', '-o', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
}

describe('helm 4 against the simulated API', () => {
  helmFlow('helm', kube);

  it('created with server-side apply and waited with WatchList', () => {
    const log = kube.sim.requestLog.list().filter((e) => e.path.includes('/namespaces/rel-helm/'));
    expect(log.some((e) => e.method === 'PATCH' && e.contentType === 'application/apply-patch+yaml')).toBe(true);
    expect(log.some((e) => e.watch && e.params.sendInitialEvents === 'true')).toBe(true);
  });
});

describe('helm 3 against the simulated API', () => {
  helmFlow('helm3', kube);

  it('created with POST and upgraded with strategic merge patches', () => {
    const log = kube.sim.requestLog.list().filter((e) => e.path.includes('/namespaces/rel-helm3/'));
    expect(log.some((e) => e.method === 'POST' && e.path.endsWith('/deployments'))).toBe(true);
    expect(log.some((e) => e.method === 'PATCH' && e.contentType === 'application/strategic-merge-patch+json')).toBe(true);
    expect(log.filter((e) => e.contentType === 'application/vnd.kubernetes.protobuf').length).toBeGreaterThan(0);
  });
});

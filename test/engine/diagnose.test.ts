// Diagnoses from a namespace snapshot: each names what failed, why, and what to do.
import { describe, expect, test } from 'vitest';
import { diagnose, isFatal } from '../../src/engine/diagnose.js';
import type { NamespaceSnapshot, PodObject } from '../../src/tools/kube-objects.js';

const T0 = '2026-11-23T10:00:00Z';
const now = new Date('2026-11-23T10:02:00Z');

function snapshot(pods: PodObject[], extra: Partial<NamespaceSnapshot> = {}): NamespaceSnapshot {
  return { namespace: 'ws', pods, jobs: [], deployments: [], events: [], secretNames: [], logs: new Map(), ...extra };
}

function pod(name: string, status: PodObject['status'], spec: PodObject['spec'] = {}, owner?: { kind: string; name: string }): PodObject {
  return { metadata: { name, creationTimestamp: T0, ...(owner ? { ownerReferences: [owner] } : {}) }, spec, status };
}

describe('diagnose', () => {
  test('an image pull failure names the image, the registry and a missing pull secret', () => {
    const p = pod('zenml-abc', { containerStatuses: [{ name: 'zenml', image: 'registry.example.com/zenml/zenml-pro-server:0.93.0', state: { waiting: { reason: 'ImagePullBackOff' } } }] }, { imagePullSecrets: [{ name: 'image-pull-secret' }] });
    const [d] = diagnose(snapshot([p], { secretNames: ['other'] }), new Set(), now);
    expect(d?.kind).toBe('image-pull');
    expect(d?.summary).toContain('registry.example.com/zenml/zenml-pro-server:0.93.0');
    expect(d?.details).toContain('registry: registry.example.com');
    expect(d?.details.join('\n')).toContain('pull secret image-pull-secret is MISSING in namespace ws');
    expect(d?.next.join('\n')).toContain('create the pull secret');
  });

  test('a crash loop carries the last log lines', () => {
    const p = pod('zenml-abc', { containerStatuses: [{ name: 'zenml', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
    const [d] = diagnose(snapshot([p], { logs: new Map([['zenml-abc', ['Access denied for user zenml']]]) }), new Set(), now);
    expect(d?.kind).toBe('crash-loop');
    expect(d?.details).toContain('  Access denied for user zenml');
  });

  test('a failed migration job is named as such, with its logs', () => {
    const p = pod('zenml-db-migration-x', { phase: 'Failed' }, {}, { kind: 'Job', name: 'zenml-db-migration' });
    const [d] = diagnose(snapshot([p], { logs: new Map([['zenml-db-migration-x', ['alembic: table exists']]]) }), new Set(['zenml-db-migration']), now);
    expect(d?.kind).toBe('migration-failed');
    expect(d?.resource).toBe('job/zenml-db-migration');
    expect(d?.next.join('\n')).toContain('backs up the database before migrating');
  });

  test('an unschedulable pod is fatal only after the grace period', () => {
    const p = pod('zenml-abc', { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.', lastTransitionTime: T0 }] });
    const [d] = diagnose(snapshot([p]), new Set(), now);
    expect(d?.kind).toBe('unschedulable');
    expect(d?.ageSeconds).toBe(120);
    expect(isFatal(d!, { unschedulableSeconds: 60 })).toBe(true);
    expect(isFatal(d!, { unschedulableSeconds: 300 })).toBe(false);
  });

  test('with since, an old pod still backing off from a fixed pull failure is not a diagnosis until it fails again', () => {
    const p = pod('zenml-old', { containerStatuses: [{ name: 'zenml', image: 'r.example.com/x:1', state: { waiting: { reason: 'ImagePullBackOff' } } }] });
    const since = new Date('2026-11-23T10:01:00Z');
    expect(diagnose(snapshot([p]), new Set(), now, since)).toEqual([]);
    const failedAgain = { involvedObject: { name: 'zenml-old' }, reason: 'Failed', message: 'Failed to pull image "r.example.com/x:1": not found', lastTimestamp: '2026-11-23T10:01:30Z' };
    expect(diagnose(snapshot([p], { events: [failedAgain] }), new Set(), now, since).map((d) => d.kind)).toEqual(['image-pull']);
  });

  test('with since, an old pod in CrashLoopBackOff counts only when it crashed in a later second than since (its own second may be just before the fix)', () => {
    const crashedAt = (finishedAt: string): PodObject =>
      pod('zenml-old', { containerStatuses: [{ name: 'zenml', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt } } }] });
    const since = new Date('2026-11-23T10:01:00.600Z');
    expect(diagnose(snapshot([crashedAt('2026-11-23T10:00:59Z')]), new Set(), now, since)).toEqual([]);
    expect(diagnose(snapshot([crashedAt('2026-11-23T10:01:00Z')]), new Set(), now, since)).toEqual([]);
    expect(diagnose(snapshot([crashedAt('2026-11-23T10:01:01Z')]), new Set(), now, since).map((d) => d.kind)).toEqual(['crash-loop']);
  });

  test('a healthy namespace has no diagnosis', () => {
    const p = pod('zenml-abc', { phase: 'Running', containerStatuses: [{ name: 'zenml', ready: true, state: {} }] });
    expect(diagnose(snapshot([p]), new Set(), now)).toEqual([]);
  });
});

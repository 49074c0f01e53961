// Unit tests of the simulation's pure parts: patch engines, selectors, fault matching.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Faults } from '../../src/sim/kube/faults.js';
import { jsonPatch, mergePatch, serverSideApply, strategicMerge } from '../../src/sim/kube/patch.js';
import { matchesSelector, parseFieldSelector, parseLabelSelector } from '../../src/sim/kube/selectors.js';

const pod = {
  metadata: { labels: { app: 'web', tier: 'front' }, finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'envoy:1' },
    ],
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    args: ['a', 'b', 'c'],
  },
};

describe('strategic merge patch', () => {
  it('merges lists by their merge key and replaces other lists', () => {
    const out = strategicMerge(pod, { spec: { containers: [{ name: 'web', image: 'nginx:2' }], args: ['x'] } }) as typeof pod;
    expect(out.spec.containers.map((c) => [c.name, c.image])).toEqual([['web', 'nginx:2'], ['sidecar', 'envoy:1']]);
    expect(out.spec.containers[0]?.env).toHaveLength(2);
    expect(out.spec.args).toEqual(['x']);
  });

  it('honours $patch delete, null, $setElementOrder, $retainKeys and $deleteFromPrimitiveList', () => {
    const patch = {
      metadata: { labels: { tier: null }, '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
        containers: [{ name: 'web', env: [{ name: 'A', $patch: 'delete' }] }],
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
      },
    };
    const out = strategicMerge(pod, patch) as typeof pod;
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'web']);
    expect(out.spec.containers[1]?.env).toEqual([{ name: 'B', value: '2' }]);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('replaces a list whose patch says $patch: replace', () => {
    const out = strategicMerge(pod, { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } }) as typeof pod;
    expect(out.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });
});

describe('merge patch and JSON patch', () => {
  it('applies RFC 7386 merge patches', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
  });

  it('applies RFC 6902 operations', () => {
    const out = jsonPatch({ a: [1, 2], b: { c: 1 } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 2 },
      { op: 'move', from: '/b/c', path: '/d' },
      { op: 'remove', path: '/a/0' },
      { op: 'test', path: '/d', value: 2 },
    ]);
    expect(out).toEqual({ a: [2, 3], b: {}, d: 2 });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/missing', value: 1 }])).toThrow(/path not found/);
  });
});

describe('server-side apply approximation', () => {
  it('drops what the same manager no longer applies, keeps what others set', () => {
    const first = { metadata: { labels: { a: '1', b: '2' } }, spec: { env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] } };
    const live = { ...first, metadata: { labels: { a: '1', b: '2', other: 'kept' } }, status: { ok: true } };
    const second = { metadata: { labels: { a: '1' } }, spec: { env: [{ name: 'X', value: '3' }] } };
    expect(serverSideApply(live, second, first)).toEqual({
      metadata: { labels: { a: '1', other: 'kept' } }, spec: { env: [{ name: 'X', value: '3' }] }, status: { ok: true },
    });
    expect(serverSideApply(live, second, undefined)).toMatchObject({ metadata: { labels: { a: '1', b: '2', other: 'kept' } } });
  });
});

describe('selectors', () => {
  it('parses label selectors with sets and existence', () => {
    const sel = parseLabelSelector('app=web,tier in (front, back),!skip,env!=prod');
    expect(sel({ app: 'web', tier: 'back' })).toBe(true);
    expect(sel({ app: 'web', tier: 'back', skip: '' })).toBe(false);
    expect(sel({ app: 'web', tier: 'mid' })).toBe(false);
    expect(sel({ app: 'web', tier: 'front', env: 'prod' })).toBe(false);
    expect(parseLabelSelector('')({})).toBe(true);
    expect(() => parseLabelSelector('a b')).toThrow(/unable to parse/);
  });

  it('parses field selectors on dotted paths', () => {
    const sel = parseFieldSelector('involvedObject.name=web,type!=Normal');
    expect(sel({ involvedObject: { name: 'web' }, type: 'Warning' })).toBe(true);
    expect(sel({ involvedObject: { name: 'web' }, type: 'Normal' })).toBe(false);
  });

  it('matches selector objects', () => {
    const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] };
    expect(matchesSelector(selector, { app: 'web', tier: 'front' })).toBe(true);
    expect(matchesSelector(selector, { app: 'web', tier: 'db' })).toBe(false);
    expect(matchesSelector(undefined, { app: 'web' })).toBe(false);
  });
});

describe('fault matching', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const identity = { namespace: 'zen', chain: [{ kind: 'Pod', name: 'server-abc-xyz' }, { kind: 'ReplicaSet', name: 'server-abc' }, { kind: 'Deployment', name: 'server' }] };

  it('matches pods by image substring or exact image, and by owner', () => {
    const faults = new Faults();
    faults.add([
      { type: 'imagePull', match: { image: 'zenml-server' } },
      { type: 'crashLoop', match: { image: 'nginx:1', imageExact: true } },
      { type: 'unschedulable', match: { kind: 'deployment', name: 'server', namespace: 'zen' } },
    ]);
    expect(faults.podFault('imagePull', identity, 'docker.io/zenmldocker/zenml-server:1')).toBeDefined();
    expect(faults.podFault('imagePull', identity, 'postgres:16')).toBeUndefined();
    expect(faults.podFault('crashLoop', identity, 'nginx:1.27')).toBeUndefined();
    expect(faults.podFault('crashLoop', identity, 'nginx:1')).toBeDefined();
    expect(faults.podFault('unschedulable', identity)).toBeDefined();
    expect(faults.podFault('unschedulable', { ...identity, namespace: 'other' })).toBeUndefined();
  });

  it('counts down request faults and honours time windows', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const faults = new Faults();
    faults.add({ type: 'apiError', status: 500, count: 2, match: { mutating: true }, window: { afterMs: 100, forMs: 200 } });
    const write = { method: 'POST', path: '/api/v1/namespaces', mutating: true };
    expect(faults.takeRequestFault(write)).toBeUndefined();
    vi.setSystemTime(1_000_150);
    expect(faults.takeRequestFault({ ...write, method: 'GET', mutating: false })).toBeUndefined();
    expect(faults.takeRequestFault(write)).toMatchObject({ type: 'apiError', status: 500 });
    vi.setSystemTime(1_000_400);
    expect(faults.takeRequestFault(write)).toBeUndefined();
    vi.setSystemTime(1_000_150);
    expect(faults.takeRequestFault(write)).toMatchObject({ type: 'apiError', status: 500 });
    expect(faults.takeRequestFault(write)).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('denies RBAC by verb, resource (plain or qualified) and namespace', () => {
    const faults = new Faults();
    faults.add({ type: 'rbacDeny', verbs: ['create'], resources: ['deployments.apps', 'secrets'], namespaces: ['zen'] });
    expect(faults.denies({ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'zen' })).toBe(true);
    expect(faults.denies({ verb: 'create', group: '', resource: 'secrets', namespace: 'zen' })).toBe(true);
    expect(faults.denies({ verb: 'get', group: 'apps', resource: 'deployments', namespace: 'zen' })).toBe(false);
    expect(faults.denies({ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'default' })).toBe(false);
  });

  it('rejects invalid fault specs with the field named', () => {
    const faults = new Faults();
    expect(() => faults.add({ type: 'apiError', status: 200, count: 1 })).toThrow(/status/);
    expect(() => faults.add({ type: 'nope' } as never)).toThrow();
  });
});

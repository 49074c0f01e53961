import { describe, expect, test } from 'vitest';
import { liveSecrets, mergeHandSet, secretRefusals, urlPasswords } from '../../src/plan/carry-forward.js';

const KEY = 'a'.repeat(64);
const JWT = 'b'.repeat(64);

describe('liveSecrets', () => {
  const workspace = (root: string) => ({
    [root]: {
      auth: { jwtSecretKey: JWT },
      secretsStore: { enabled: true, type: 'sql', sql: { encryptionKey: KEY } },
      pro: { enrollmentKey: 'enroll-key-1', workspaceID: 'ws-1', organizationID: 'org-1', organizationName: 'Acme' },
      database: { url: 'mysql://u:db-pass@h:3306/zenml' },
    },
  });
  const expected = new Map([
    ['workspaces.ml.encryptionKey', KEY],
    ['workspaces.ml.jwtSecretKey', JWT],
    ['workspaces.ml.enrollment.enrollmentKey', 'enroll-key-1'],
    ['workspaces.ml.enrollment.workspaceId', 'ws-1'],
    ['workspaces.ml.enrollment.organizationId', 'org-1'],
    ['workspaces.ml.enrollment.organizationName', 'Acme'],
  ]);

  test.each(['zenml', 'server'])('reads a workspace release under %s:', (root) => {
    expect(liveSecrets({ workspace: 'ml' }, workspace(root))).toEqual(expected);
  });

  test('with both roots, zenml: wins as the chart lets it; what is only under server: is still found', () => {
    const values = { zenml: { secretsStore: { sql: { encryptionKey: KEY } } }, server: { secretsStore: { sql: { encryptionKey: 'c'.repeat(64) } }, auth: { jwtSecretKey: JWT } } };
    expect(liveSecrets({ workspace: 'ml' }, values)).toEqual(new Map([['workspaces.ml.encryptionKey', KEY], ['workspaces.ml.jwtSecretKey', JWT]]));
  });

  test('the control plane: its admin password; nothing is made up for keys the values lack', () => {
    expect(liveSecrets('control-plane', { zenml: { auth: { password: { enabled: true, adminPassword: 'admin-pass' } } } })).toEqual(new Map([['controlPlane.adminPassword', 'admin-pass']]));
    expect(liveSecrets('control-plane', { zenml: { auth: { password: { enabled: true } } } }).size).toBe(0);
    expect(liveSecrets({ workspace: 'ml' }, { server: { auth: { jwtSecretKey: '' }, pro: { enrollmentKey: 42 } } }).size).toBe(0);
  });
});

describe('mergeHandSet', () => {
  test('keeps a key set by hand, lets the render win where it sets the key, takes arrays whole', () => {
    const live = {
      server: { image: { tag: '0.93.2' }, replicaCount: 3, environment: { EXTRA: 'x' } },
      nodeSelector: { pool: 'zenml' },
      tolerations: [{ key: 'a' }, { key: 'b' }],
      imagePullSecrets: [{ name: 'old' }, { name: 'hand' }],
    };
    const rendered = { server: { image: { tag: '0.94.0' }, replicaCount: 1, environment: {} }, imagePullSecrets: [{ name: 'new' }] };
    const r = mergeHandSet(live, rendered);
    expect(r.values).toEqual({
      server: { image: { tag: '0.94.0' }, replicaCount: 1, environment: { EXTRA: 'x' } },
      nodeSelector: { pool: 'zenml' },
      tolerations: [{ key: 'a' }, { key: 'b' }],
      imagePullSecrets: [{ name: 'new' }],
    });
    expect([...r.kept].sort()).toEqual(['nodeSelector.pool', 'server.environment.EXTRA', 'tolerations']);
  });

  test('a key the render leaves undefined (left out of the file) is not set: the live value stays', () => {
    const r = mergeHandSet({ server: { pro: { workspaceID: 'ws-1' } } }, { server: { pro: { workspaceID: undefined, enabled: true } } });
    expect(r.values).toEqual({ server: { pro: { workspaceID: 'ws-1', enabled: true } } });
    expect(r.kept).toEqual(['server.pro.workspaceID']);
  });

  test('hand-set keys under zenml: move under the render\'s server:, never both roots', () => {
    const live = { zenml: { image: { tag: '0.90.0' }, requestTimeout: 60, proxyHeaders: { enabled: true } } };
    const r = mergeHandSet(live, { server: { image: { tag: '0.94.0' } } });
    expect(r.values).toEqual({ server: { image: { tag: '0.94.0' }, requestTimeout: 60, proxyHeaders: { enabled: true } } });
    expect(r.values).not.toHaveProperty('zenml');
    expect([...r.kept].sort()).toEqual(['server.proxyHeaders.enabled', 'server.requestTimeout']);
  });

  test('and the other way; with both live roots, zenml: wins on overlap as the chart did', () => {
    const live = { server: { requestTimeout: 30, debug: false }, zenml: { requestTimeout: 60 } };
    expect(mergeHandSet(live, { zenml: { image: { tag: '0.82.0' } } }).values).toEqual({ zenml: { image: { tag: '0.82.0' }, requestTimeout: 60, debug: false } });
    expect(mergeHandSet(live, { server: { image: { tag: '0.94.0' } } }).values).toEqual({ server: { image: { tag: '0.94.0' }, requestTimeout: 60, debug: false } });
  });

  test('the result does not share objects with the live values', () => {
    const live = { nodeSelector: { pool: 'zenml' } };
    const r = mergeHandSet(live, {});
    (r.values.nodeSelector as Record<string, string>).pool = 'changed';
    expect(live.nodeSelector.pool).toBe('zenml');
  });
});

describe('secretRefusals', () => {
  const running = (values: Record<string, unknown>) => [{ workspace: 'ml', name: 'zenml-workspace-ml/zenml', values }];
  const key = 'k'.repeat(64);

  test('a running workspace without a key in its values, when the answers would generate one, is refused', () => {
    expect(secretRefusals(running({ server: {} }), new Map(), new Set(['workspaces.ml.encryptionKey'])).keyless).toEqual(['zenml-workspace-ml/zenml']);
    // A key the answers give is the operator's word: not refused as keyless.
    expect(secretRefusals(running({ server: {} }), new Map([['workspaces.ml.encryptionKey', key]]), new Set()).keyless).toEqual([]);
  });

  test('answers giving another key or JWT secret than the release runs with are refused; the same ones pass', () => {
    const values = { server: { secretsStore: { sql: { encryptionKey: key } }, auth: { jwtSecretKey: 'jwt' } } };
    expect(secretRefusals(running(values), new Map([['workspaces.ml.encryptionKey', 'other'], ['workspaces.ml.jwtSecretKey', 'jwt']]), new Set()).changed).toEqual(['workspaces.ml.encryptionKey']);
    expect(secretRefusals(running(values), new Map([['workspaces.ml.encryptionKey', key], ['workspaces.ml.jwtSecretKey', 'jwt']]), new Set())).toEqual({ keyless: [], changed: [] });
  });
});

test('urlPasswords finds the password of every URL in the values, decoded', () => {
  expect(urlPasswords({ server: { database: { url: 'mysql://zenml:p%40ss%3Aw0rd@db:3306/zenml' }, list: ['https://user:tok@x/y', 'no-url'] }, n: 3 })).toEqual(['p@ss:w0rd', 'tok']);
  expect(urlPasswords({ url: 'mysql://db:3306/zenml' })).toEqual([]);
});

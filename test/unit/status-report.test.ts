// The pure half of `status`: enrollment read from a workspace release's values
// under either values root, the verdict of each component, and the table
// fitted to 80 columns however long the names are.
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { componentStatus, enrollmentOf, serverUrlOf, statusReport, type ComponentFinding } from '../../src/plan/status-report.js';
import { fitColumns, statusTable } from '../../src/plan/status-table.js';
import { manifestDeployments, summarizeReleases } from '../../src/tools/release-inventory.js';

const KEY = 'an-enrollment-key-that-must-never-be-shown';
const pro = { enabled: true, workspaceID: 'ws-1', organizationID: 'org-1', organizationName: 'acme', enrollmentKey: KEY };

describe('enrollment from the release values', () => {
  test.each(['server', 'zenml'])('read under %s: (the newer and the older chart root)', (root) => {
    const e = enrollmentOf({ [root]: { pro, serverURL: 'https://ws.example.com' } });
    expect(e).toEqual({ state: 'enrolled', workspaceId: 'ws-1', organizationId: 'org-1', organizationName: 'acme' });
    expect(JSON.stringify(e)).not.toContain(KEY);
    expect(serverUrlOf('workspace', { [root]: { serverURL: 'https://ws.example.com' } })).toBe('https://ws.example.com');
  });

  test('zenml: wins over server: where both set a key, as the newer chart merges them', () => {
    expect(enrollmentOf({ server: { pro: { ...pro, workspaceID: 'old' } }, zenml: { pro: { workspaceID: 'ws-2' } } })).toMatchObject({ state: 'enrolled', workspaceId: 'ws-2' });
  });

  test('not enrolled: Pro off, or values missing, named by their keys', () => {
    expect(enrollmentOf({ server: { pro: { enabled: false } } })).toEqual({ state: 'not-enrolled', reason: 'server.pro.enabled is not true' });
    expect(enrollmentOf({})).toEqual({ state: 'not-enrolled', reason: 'server.pro.enabled is not true' });
    expect(enrollmentOf({ zenml: { pro: { enabled: true, workspaceID: 'ws-1', enrollmentKey: '' } } })).toEqual({
      state: 'not-enrolled', reason: 'zenml.pro.organizationID, zenml.pro.enrollmentKey not set',
    });
  });
});

const finding = (over: Partial<ComponentFinding> = {}): ComponentFinding => ({
  kind: 'workspace', name: 'ml', release: 'zenml', namespace: 'zenml-workspace-ml',
  found: { status: 'deployed', revision: 2, chart: 'zenml', chartVersion: '0.93.0', appVersion: '0.93.0' },
  deployments: [{ name: 'zenml', desired: 1, ready: 1, found: true }],
  health: { state: 'healthy', url: 'https://ml.example.com/health', status: 200, via: 'dns', path: 'DNS (10.0.0.5:443)' },
  problems: [],
  ...over,
});

describe('the verdict of a component', () => {
  test('deployed, ready and answering /health: healthy', () => {
    expect(componentStatus(finding())).toMatchObject({ status: 'deployed', ready: true, healthy: true, problems: [] });
  });

  test.each([
    ['a pending upgrade', { found: { status: 'pending-upgrade', revision: 3 } }, 'release zenml is pending-upgrade (revision 3)'],
    ['a deployment the cluster lacks', { deployments: [{ name: 'zenml', desired: 0, ready: 0, found: false }] }, 'deployment zenml does not exist'],
    ['replicas not ready', { deployments: [{ name: 'zenml', desired: 2, ready: 1, found: true }] }, 'deployment zenml has 1 of 2 replicas ready'],
    ['/health unreachable', { health: { state: 'unreachable', url: 'https://ml.example.com/health', detail: 'ECONNREFUSED' } }, 'https://ml.example.com/health is unreachable: ECONNREFUSED'],
    ['an unreadable release', { found: undefined, readError: 'listing helm release records in namespace x: forbidden' }, 'listing helm release records in namespace x: forbidden'],
  ] as const)('%s: not healthy, and the problem says why', (_, over, problem) => {
    const c = componentStatus(finding(over));
    expect(c.healthy).toBe(false);
    expect(c.problems).toContain(problem);
  });

  test('nothing found is not healthy', () => {
    expect(statusReport({ context: 'c', server: 's', source: { kind: 'cluster' }, workspaces: [], notes: [] }).healthy).toBe(false);
  });
});

describe('the table', () => {
  test('long names are shortened so every line fits 80 columns; the details keep them whole', () => {
    const long = finding({ name: 'a-workspace-with-a-very-long-name-indeed', release: 'a-release-name-that-goes-on-and-on', namespace: 'ns-'.repeat(20) });
    const report = statusReport({ context: 'prod', server: 'https://k8s.example.com:6443', source: { kind: 'cluster' }, workspaces: [long], notes: [] });
    const lines = statusTable(report, 80);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines.find((l) => l.startsWith('a-workspace-'))).toMatch(/…/);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(`a-workspace-with-a-very-long-name-indeed: release a-release-name-that-goes-on-and-on in namespace ${'ns-'.repeat(20)}`);
  });

  test('a word longer than a line (a long host name) is split, not left to overflow', () => {
    const host = `${'very-long-label.'.repeat(8)}example.com`;
    const report = statusReport({
      context: 'prod', server: 'https://k8s.example.com:6443', source: { kind: 'cluster' }, notes: [],
      workspaces: [finding({ health: { state: 'healthy', url: `https://${host}/health`, status: 200, via: 'dns', path: 'DNS (10.0.0.5:443)' } })],
    });
    const lines = statusTable(report, 80);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines.join('').replace(/\s+/g, '')).toContain(`https://${host}/health`);
  });

  test('fitColumns leaves rows that fit as they are', () => {
    expect(fitColumns([['COMPONENT', 'RELEASE'], ['ml', 'zenml']], 80)).toEqual([9, 7]);
  });
});

describe('release records', () => {
  const record = (name: string, namespace: string, version: number, status: string, payload: object) => ({
    metadata: { name: `sh.helm.release.v1.${name}.v${version}`, namespace, labels: { owner: 'helm', name, status, version: String(version) } },
    data: { release: Buffer.from(gzipSync(JSON.stringify(payload)).toString('base64')).toString('base64') },
  });

  test('only the latest revision counts; an uninstalled release is none; deployments come from the manifest', () => {
    const manifest = '---\nkind: Service\nmetadata: {name: zenml}\n---\nkind: Deployment\nmetadata: {name: zenml}\n';
    const releases = summarizeReleases([
      record('zenml', 'ws', 1, 'superseded', { chart: { metadata: { name: 'zenml', version: '0.92.0' } } }),
      record('zenml', 'ws', 2, 'deployed', { chart: { metadata: { name: 'zenml', version: '0.93.0', appVersion: '0.93.0' } }, manifest, config: { server: {} } }),
      record('old', 'ws', 1, 'uninstalled', { chart: { metadata: { name: 'zenml', version: '0.90.0' } } }),
    ]);
    expect(releases).toEqual([{ name: 'zenml', namespace: 'ws', status: 'deployed', revision: 2, chart: 'zenml', chartVersion: '0.93.0', appVersion: '0.93.0', deployments: ['zenml'], values: { server: {} } }]);
    expect(manifestDeployments('')).toEqual([]);
  });
});

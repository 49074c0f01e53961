import { describe, expect, test } from 'vitest';
import type { CompatibilityEntry } from '../../src/answers/compatibility.js';
import type { UpgradeStop } from '../../src/answers/upgrade-paths.js';
import { checkUpgrade, type Running, type Target } from '../../src/plan/upgrade-checks.js';

const cp = (version: string): Running & Target => ({ component: 'control-plane', chart: 'zenml-pro', version });
const ws = (name: string, version: string): Running & Target => ({ component: `workspace:${name}`, chart: 'zenml', version });

// A complete table, as ZenML could publish it: 0.12.0 serves up to 0.90.1, 0.13.0 up to 0.93.2, 0.14.0 up to 0.95.0.
const table: CompatibilityEntry[] = [
  { controlPlane: '0.12.0', newestWorkspace: '0.90.1', complete: true, source: 'fixture' },
  { controlPlane: '0.13.0', newestWorkspace: '0.93.2', complete: true, source: 'fixture' },
  { controlPlane: '0.14.0', newestWorkspace: '0.95.0', complete: true, source: 'fixture' },
];
const stop13: UpgradeStop = { chart: 'zenml-pro', version: '0.13.0', why: 'migrates the tenant tables', source: 'fixture' };

describe('upgrade checks: refusals', () => {
  test('a downgrade is refused, naming both versions, the answers field and helm rollback', () => {
    const r = checkUpgrade([cp('0.13.0'), ws('ml', '0.93.2')], [cp('0.13.0'), ws('ml', '0.92.0')]);
    expect(r.hops).toEqual([]);
    expect(r.problems).toHaveLength(1);
    const [p] = r.problems;
    expect(p?.component).toBe('workspace:ml');
    expect(p?.message).toContain('0.92.0');
    expect(p?.message).toContain('0.93.2');
    expect(p?.fix).toContain('workspaces[].version');
    expect(p?.fix).toContain('helm rollback');
  });

  test('a control-plane downgrade names controlPlane.version', () => {
    const r = checkUpgrade([cp('0.13.0')], [cp('0.12.0')], { table });
    expect(r.problems.map((p) => [p.component, p.fix.startsWith('set controlPlane.version to 0.13.0 or newer')])).toEqual([['control-plane', true]]);
  });

  test('a skew the table refuses is a problem naming both versions, not unverified', () => {
    // The control plane stays at 0.12.0, which serves workspaces up to 0.90.1 only.
    const r = checkUpgrade([cp('0.12.0'), ws('ml', '0.90.0')], [cp('0.12.0'), ws('ml', '0.93.0')], { table });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.component).toBe('workspace:ml');
    expect(r.problems[0]?.message).toContain('workspace server 0.93.0');
    expect(r.problems[0]?.message).toContain('control plane 0.12.0');
    expect(r.unverified).toEqual([]);
  });

  test('a fresh workspace (nothing running yet) gets no hop but is still checked against the control plane', () => {
    const r = checkUpgrade([cp('0.12.0')], [cp('0.12.0'), ws('new', '0.93.0')], { table });
    expect(r.hops).toEqual([]);
    expect(r.problems.map((p) => p.component)).toEqual(['workspace:new']);
  });

  test('a version that is not semver is refused, not thrown on', () => {
    const r = checkUpgrade([cp('0.13.0')], [cp('latest')], { table });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toContain('"latest" is not a chart version');
    expect(checkUpgrade([cp('dev')], [cp('0.13.0')], { table }).problems[0]?.message).toContain('reports chart version "dev"');
  });

  test('a component whose chart changed is refused: the two version lines are never compared', () => {
    const r = checkUpgrade([ws('ml', '0.93.2')], [{ component: 'workspace:ml', chart: 'zenml-pro', version: '0.94.0' }], { table });
    expect(r.hops).toEqual([]);
    expect(r.problems[0]?.message).toBe('workspace:ml runs chart zenml but the answers give chart zenml-pro');
  });
});

describe('upgrade checks: hops', () => {
  test('equal versions give no hop', () => {
    expect(checkUpgrade([cp('0.13.0'), ws('ml', '0.93.2')], [cp('0.13.0'), ws('ml', '0.93.2')], { table })).toEqual({ hops: [], problems: [], unverified: [] });
  });

  test('the control plane goes first, whatever order the targets come in', () => {
    const r = checkUpgrade([ws('a', '0.90.0'), cp('0.12.0'), ws('b', '0.90.1')], [ws('a', '0.93.0'), ws('b', '0.93.2'), cp('0.13.0')], { table });
    expect(r.problems).toEqual([]);
    expect(r.hops.map((h) => `${h.component} ${h.from}->${h.to}`)).toEqual(['control-plane 0.12.0->0.13.0', 'workspace:a 0.90.0->0.93.0', 'workspace:b 0.90.1->0.93.2']);
  });

  test('a target past a required stop goes through it: two hops, the first marked with the stop', () => {
    const r = checkUpgrade([cp('0.12.0')], [cp('0.14.0')], { table, stops: [stop13] });
    expect(r.hops).toEqual([
      { component: 'control-plane', chart: 'zenml-pro', from: '0.12.0', to: '0.13.0', stop: stop13 },
      { component: 'control-plane', chart: 'zenml-pro', from: '0.13.0', to: '0.14.0' },
    ]);
  });

  test('a stop of the other chart, or one not strictly between, adds no hop', () => {
    const wsStop: UpgradeStop = { ...stop13, chart: 'zenml' };
    expect(checkUpgrade([cp('0.12.0')], [cp('0.14.0')], { table, stops: [wsStop] }).hops).toHaveLength(1);
    expect(checkUpgrade([cp('0.13.0')], [cp('0.14.0')], { table, stops: [stop13] }).hops).toHaveLength(1);
    expect(checkUpgrade([cp('0.12.0')], [cp('0.13.0')], { table, stops: [stop13] }).hops).toHaveLength(1);
  });

  test('every intermediate control plane is checked against the workspaces still running their old version', () => {
    // 0.12.0 -> 0.13.0 (stop) -> 0.14.0; a table whose 0.13.0 no longer serves the running 0.90.1 refuses the stop.
    const odd: CompatibilityEntry[] = [...table.filter((e) => e.controlPlane !== '0.13.0'), { controlPlane: '0.13.0', newestWorkspace: '0.90.0', complete: true, source: 'fixture' }];
    const r = checkUpgrade([cp('0.12.0'), ws('ml', '0.90.1')], [cp('0.14.0')], { table: odd, stops: [stop13] });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toContain('control plane 0.13.0');
    expect(r.problems[0]?.message).toContain('workspace server 0.90.1');
    expect(checkUpgrade([cp('0.12.0'), ws('ml', '0.90.1')], [cp('0.14.0')], { table, stops: [stop13] }).problems).toEqual([]);
  });
});

describe('upgrade checks: unverified pairs', () => {
  test('a pair the table cannot vouch for is unverified, not refused: each state on the way, listed once', () => {
    // The shipped table vouches for workspace servers up to 0.93.2 only; 0.93.5 (a stop) and 0.94.0 are beyond it.
    const stops = [{ ...stop13, chart: 'zenml' as const, version: '0.93.5' }];
    const r = checkUpgrade([cp('0.13.0'), ws('ml', '0.93.2')], [cp('0.14.0'), ws('ml', '0.94.0')], { stops });
    expect(r.problems).toEqual([]);
    expect(r.hops.map((h) => h.to)).toEqual(['0.14.0', '0.93.5', '0.94.0']);
    const expected = [
      { controlPlane: '0.14.0', workspace: '0.93.5', component: 'workspace:ml' },
      { controlPlane: '0.14.0', workspace: '0.94.0', component: 'workspace:ml' },
    ];
    expect(r.unverified).toEqual(expected);
    // The same workspace named twice still needs one confirmation per pair.
    expect(checkUpgrade([cp('0.13.0'), ws('ml', '0.93.2')], [cp('0.14.0'), ws('ml', '0.94.0'), ws('ml', '0.94.0')], { stops }).unverified).toEqual(expected);
  });

  test('a running workspace the new control plane cannot be vouched for is unverified', () => {
    const r = checkUpgrade([cp('0.12.0'), ws('ml', '0.96.0')], [cp('0.13.0')], { table: [{ ...table[0]!, complete: false }] });
    expect(r.problems).toEqual([]);
    expect(r.unverified).toEqual([{ controlPlane: '0.13.0', workspace: '0.96.0', component: 'workspace:ml' }]);
  });

  test("the guide's pair (control plane 0.13.0, workspace 0.93.2) is fine with the shipped table", () => {
    expect(checkUpgrade([cp('0.13.0'), ws('ml', '0.82.0')], [cp('0.13.0'), ws('ml', '0.93.2')])).toEqual({
      hops: [{ component: 'workspace:ml', chart: 'zenml', from: '0.82.0', to: '0.93.2' }],
      problems: [],
      unverified: [],
    });
  });

  test('without a control plane in the cluster (hybrid) workspaces are upgraded without a table check', () => {
    expect(checkUpgrade([ws('ml', '0.90.0')], [ws('ml', '0.99.0')], { table })).toEqual({
      hops: [{ component: 'workspace:ml', chart: 'zenml', from: '0.90.0', to: '0.99.0' }],
      problems: [],
      unverified: [],
    });
  });
});

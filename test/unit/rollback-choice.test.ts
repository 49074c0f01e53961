import { describe, expect, test } from 'vitest';
import type { CompatibilityEntry } from '../../src/answers/compatibility.js';
import { checkOrder, chooseRollback, migrationsLeftInPlace, previousRevision, type Revision } from '../../src/plan/rollback-choice.js';

const r = (revision: number, status: string, chartVersion: string | undefined): Revision => ({ revision, status, chartVersion });
const WHERE = 'zenml-workspace-ml/zenml';

// A complete table, as ZenML could publish it: 0.13.0 serves up to 0.93.2, 0.14.0 up to 0.95.0.
const table: CompatibilityEntry[] = [
  { controlPlane: '0.13.0', newestWorkspace: '0.93.2', complete: true, source: 'fixture' },
  { controlPlane: '0.14.0', newestWorkspace: '0.95.0', complete: true, source: 'fixture' },
];

describe('rollback choice: the target revision', () => {
  test('by default, the newest earlier revision that finished, skipping failed ones', () => {
    const history = [r(1, 'superseded', '0.93.0'), r(2, 'superseded', '0.93.2'), r(3, 'failed', '0.94.0'), r(4, 'deployed', '0.93.2')];
    const choice = chooseRollback(WHERE, history);
    expect(choice).toMatchObject({ ok: true, current: { revision: 4 }, target: { revision: 2 }, warnings: [] });
  });

  test('the records may come in any order: the highest revision is the current one', () => {
    const choice = chooseRollback(WHERE, [r(3, 'deployed', '0.93.2'), r(1, 'superseded', '0.93.0'), r(2, 'superseded', '0.93.1')]);
    expect(choice).toMatchObject({ ok: true, current: { revision: 3 }, target: { revision: 2 } });
  });

  test('--revision picks that one; one that never finished is allowed with a warning', () => {
    const history = [r(1, 'superseded', '0.93.0'), r(2, 'failed', '0.93.2'), r(3, 'deployed', '0.93.2')];
    expect(chooseRollback(WHERE, history, 1)).toMatchObject({ ok: true, target: { revision: 1 }, warnings: [] });
    const failed = chooseRollback(WHERE, history, 2);
    expect(failed.ok && failed.warnings[0]).toContain('revision 2 ended failed');
  });

  test('--revision that does not exist, or is the current one, is refused, listing the revisions to pick', () => {
    const history = [r(1, 'superseded', '0.93.0'), r(2, 'deployed', '0.93.2')];
    const missing = chooseRollback(WHERE, history, 99);
    expect(missing).toMatchObject({ ok: false, refusal: { message: `--revision 99: release ${WHERE} has no such revision` } });
    expect(!missing.ok && missing.refusal.fix).toContain('1 (0.93.0, superseded)');
    expect(!missing.ok && missing.refusal.fix).not.toContain('2 (');
    expect(!missing.ok && missing.refusal.blocked).toBeFalsy();
    const same = chooseRollback(WHERE, history, 2);
    expect(same).toMatchObject({ ok: false, refusal: { message: `--revision 2 is the revision ${WHERE} runs now` } });
  });

  test('no release, or a single revision, leaves nothing to roll back to', () => {
    expect(chooseRollback(WHERE, [])).toMatchObject({ ok: false, refusal: { message: `release ${WHERE} is not in the cluster: nothing to roll back` } });
    const single = chooseRollback(WHERE, [r(1, 'deployed', '0.93.0')]);
    expect(single.ok).toBe(false);
    expect(!single.ok && single.refusal.message).toContain('no earlier revision that deployed');
  });

  test('earlier revisions that all failed are not a default, but --revision is pointed at them', () => {
    const choice = chooseRollback(WHERE, [r(1, 'failed', '0.93.0'), r(2, 'deployed', '0.93.2')]);
    expect(!choice.ok && choice.refusal.fix).toContain('pass --revision: 1 (0.93.0, failed)');
  });

  test('a release mid-operation (pending-*) blocks instead of racing helm', () => {
    const choice = chooseRollback(WHERE, [r(1, 'superseded', '0.93.0'), r(2, 'pending-upgrade', '0.93.2')]);
    expect(choice).toMatchObject({ ok: false, refusal: { blocked: true } });
    expect(!choice.ok && choice.refusal.message).toContain('pending-upgrade at revision 2');
  });

  test('previousRevision looks only before the revision given', () => {
    const history = [r(1, 'superseded', '0.93.0'), r(2, 'superseded', '0.93.1'), r(3, 'deployed', '0.93.2')];
    expect(previousRevision(history, r(2, 'superseded', '0.93.1'))?.revision).toBe(1);
    expect(previousRevision(history, r(1, 'superseded', '0.93.0'))).toBeUndefined();
  });
});

describe('rollback choice: migrations a chart rollback leaves in place', () => {
  test('every newer chart that ran after the target, failed revisions included, once each', () => {
    const history = [r(1, 'superseded', '0.93.0'), r(2, 'superseded', '0.93.2'), r(3, 'failed', '0.94.0'), r(4, 'deployed', '0.93.2')];
    expect(migrationsLeftInPlace(history, r(1, 'superseded', '0.93.0'))).toEqual(['0.93.2', '0.94.0']);
  });

  test('nothing newer ran since (a values-only change, or back to the newest chart): none', () => {
    const history = [r(1, 'superseded', '0.93.0'), r(2, 'superseded', '0.93.2'), r(3, 'deployed', '0.93.2')];
    expect(migrationsLeftInPlace(history, r(2, 'superseded', '0.93.2'))).toEqual([]);
  });

  test('an older chart that ran after the target migrated nothing forward', () => {
    const history = [r(1, 'superseded', '0.93.2'), r(2, 'deployed', '0.93.0')];
    expect(migrationsLeftInPlace(history, r(1, 'superseded', '0.93.2'))).toEqual([]);
  });

  test('a target without a comparable version counts every other version', () => {
    const history = [r(1, 'superseded', undefined), r(2, 'deployed', '0.93.2')];
    expect(migrationsLeftInPlace(history, r(1, 'superseded', undefined))).toEqual(['0.93.2']);
  });
});

describe('rollback choice: the control-plane/workspace order rule', () => {
  const running = { controlPlane: '0.14.0', workspaces: [{ name: 'ml', version: '0.94.0' }, { name: 'research', version: '0.93.0' }] };

  test('rolling the control plane back below a workspace it serves is refused, naming both and the order', () => {
    const result = checkOrder({ component: 'control-plane', to: '0.13.0' }, running, table);
    expect(result.refusals).toHaveLength(1);
    expect(result.refusals[0]?.message).toContain('older than workspace ml (0.94.0)');
    expect(result.refusals[0]?.fix).toBe('roll workspace ml back first (zenml-pro-installer rollback ml), then the control plane');
    expect(result.warnings).toEqual([]);
  });

  test('a control plane that still serves every workspace goes back', () => {
    const result = checkOrder({ component: 'control-plane', to: '0.13.0' }, { ...running, workspaces: [{ name: 'ml', version: '0.93.2' }] }, table);
    expect(result).toEqual({ refusals: [], warnings: [] });
  });

  test('a pair the table cannot vouch for is a warning, not a refusal', () => {
    const partial: CompatibilityEntry[] = [{ controlPlane: '0.13.0', newestWorkspace: '0.93.2', complete: false, source: 'fixture' }];
    const result = checkOrder({ component: 'control-plane', to: '0.13.0' }, running, partial);
    expect(result.refusals).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('cannot verify that control plane 0.13.0 serves workspace server 0.94.0');
  });

  test('a workspace rollback is judged against the running control plane only; no control plane (hybrid), nothing to judge', () => {
    expect(checkOrder({ component: 'workspace', name: 'ml', to: '0.93.0' }, running, table)).toEqual({ refusals: [], warnings: [] });
    const beyond = checkOrder({ component: 'workspace', name: 'ml', to: '0.96.0' }, running, table);
    expect(beyond.refusals[0]?.message).toContain('control plane 0.14.0 does not serve');
    expect(checkOrder({ component: 'workspace', name: 'ml', to: '0.96.0' }, { controlPlane: undefined, workspaces: [] }, table)).toEqual({ refusals: [], warnings: [] });
  });

  test('a workspace without a release is left out of the control plane\'s pairs', () => {
    const result = checkOrder({ component: 'control-plane', to: '0.13.0' }, { controlPlane: '0.14.0', workspaces: [{ name: 'ml', version: undefined }] }, table);
    expect(result).toEqual({ refusals: [], warnings: [] });
  });
});

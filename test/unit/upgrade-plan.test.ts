// The upgrade plan as data, from real rendered releases: backups before each
// change, the control plane before the workspaces, and a path with a required
// stop as two full upgrades, the stop ready and healthy before the target.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import { secretSlots } from '../../src/answers/secrets.js';
import { buildInstallPlan } from '../../src/plan/install-plan.js';
import type { Plan, Step } from '../../src/plan/steps.js';
import { buildUpgradePlan, releaseSteps } from '../../src/plan/upgrade-plan.js';
import { renderReleases } from '../../src/render/render.js';
import { baseAnswers } from '../helpers/answers.js';

const templates = {
  controlPlane: readFileSync(join(__dirname, '../../templates/control-plane.yaml'), 'utf8'),
  workspace: readFileSync(join(__dirname, '../../templates/workspace.yaml'), 'utf8'),
};

function planAt(workspaceVersion?: string, controlPlaneVersion?: string): Plan {
  const raw = baseAnswers();
  if (workspaceVersion) raw.workspaces[0].version = workspaceVersion;
  if (controlPlaneVersion) raw.controlPlane.version = controlPlaneVersion;
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const answers = result.answers;
  const secrets = new Map(secretSlots(answers).map((s) => [s.key, s.hex64 ? 'a'.repeat(64) : `secret-${s.key}`]));
  const releases = renderReleases({ answers, secrets, readFile: (p) => `PEM ${p}`, templates, version: 'test' });
  return buildInstallPlan({ answers, releases, secrets, target: { context: 'ctx' }, valuesDir: '/values', resolvePath: (p) => p, digest: (d) => createHash('sha256').update(d).digest('hex') });
}

const byId = (plan: Plan, id: string): Step => {
  const s = plan.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id} in ${plan.steps.map((x) => x.id).join(', ')}`);
  return s;
};

/** Whether `later` waits, directly or not, for `earlier`. */
function after(plan: Plan, later: string, earlier: string): boolean {
  const stack = [...byId(plan, later).needs];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (id === earlier) return true;
    if (!seen.has(id)) {
      seen.add(id);
      stack.push(...byId(plan, id).needs);
    }
  }
  return false;
}

describe('the upgrade plan', () => {
  const install = planAt();
  const workspace = install.steps.find((s) => s.action.type === 'helm-release' && s.action.spec.id !== 'control-plane');
  const wsId = workspace?.action.type === 'helm-release' ? workspace.action.spec.id : '';
  const target = workspace?.action.type === 'helm-release' ? workspace.action.spec.version : '';

  test('each moved release is backed up first and rolled back by helm on failure; the workspace waits for the control plane to be ready again', () => {
    const plan = buildUpgradePlan({ install, hops: [{ releaseId: 'control-plane', from: '0.12.0', to: '0.13.0' }, { releaseId: wsId, from: '0.92.0', to: target }], rollbackFlag: '--atomic' });
    const cp = byId(plan, 'release:control-plane');
    expect(cp.needs).toEqual(['backup:control-plane']);
    expect(cp.action.type === 'helm-release' && cp.action.spec.rollbackOnFailure).toBe('--atomic');
    expect(cp.commands.some((c) => c.startsWith('helm upgrade') && c.endsWith('--atomic'))).toBe(true);
    expect(after(plan, `release:${wsId}`, 'ready:control-plane')).toBe(true);
    expect(byId(plan, `backup:${wsId}`).action).toMatchObject({ type: 'backup', from: '0.92.0', to: target });
  });

  test('a path with a required stop is two full upgrades: the stop backed up, upgraded, ready and healthy, then the target', () => {
    const stopPlan = planAt('0.93.1');
    const via = releaseSteps(stopPlan, wsId);
    expect(via.ready).toBeDefined();
    const plan = buildUpgradePlan({ install, hops: [{ releaseId: wsId, from: '0.93.0', to: '0.93.1', via }, { releaseId: wsId, from: '0.93.1', to: target }], rollbackFlag: '--rollback-on-failure' });
    const stop = byId(plan, `release:${wsId}@0.93.1`);
    expect(stop.action.type === 'helm-release' && stop.action.spec.version).toBe('0.93.1');
    expect(stop.action.type === 'helm-release' && stop.action.spec.rollbackOnFailure).toBe('--rollback-on-failure');
    expect(stop.needs).toEqual([`backup:${wsId}@0.93.1`]);
    const stopReady = byId(plan, `${via.ready?.id ?? ''}@0.93.1`);
    expect(stopReady.needs).toEqual([stop.id]);
    expect(stopReady.action.type).toBe('wait-ready');
    expect(byId(plan, `backup:${wsId}`).needs).toEqual([stopReady.id]);
    expect(byId(plan, `backup:${wsId}`).action).toMatchObject({ from: '0.93.1', to: target });
    const final = byId(plan, `release:${wsId}`);
    expect(final.action.type === 'helm-release' && final.action.spec.version).toBe(target);
    // Every step id is unique: the journal keys on them.
    expect(new Set(plan.steps.map((s) => s.id)).size).toBe(plan.steps.length);
  });

  test('a control-plane stop is ready and healthy before the control plane moves on, and every workspace waits for the target', () => {
    const via = releaseSteps(planAt(undefined, '0.13.5'), 'control-plane');
    const plan = buildUpgradePlan({ install, hops: [{ releaseId: 'control-plane', from: '0.13.0', to: '0.13.5', via }, { releaseId: 'control-plane', from: '0.13.5', to: '0.14.0' }, { releaseId: wsId, from: '0.92.0', to: target }], rollbackFlag: '--atomic' });
    expect(byId(plan, 'backup:control-plane').needs).toEqual(['ready:control-plane@0.13.5']);
    expect(after(plan, `release:${wsId}`, 'ready:control-plane')).toBe(true);
    expect(after(plan, 'ready:control-plane', 'release:control-plane@0.13.5')).toBe(true);
  });

  test('every database is dumped before the first release changes, and the dump knows the path\'s target (a resume past a stop keeps it)', () => {
    const database = { type: 'mysql' as const, host: 'db', name: 'zenml_pro', username: 'u', passwordKey: 'controlPlane.database.password' };
    const dumps = new Map([['control-plane', { database, tool: 'mariadb-dump' }], [wsId, { database: { ...database, name: 'zenml_ml' }, tool: 'mariadb-dump' }]]);
    const via = releaseSteps(planAt('0.93.1'), wsId);
    const plan = buildUpgradePlan({ install, hops: [{ releaseId: 'control-plane', from: '0.12.0', to: '0.13.0' }, { releaseId: wsId, from: '0.93.0', to: '0.93.1', via }, { releaseId: wsId, from: '0.93.1', to: target }], rollbackFlag: '--atomic', dumps });
    expect(byId(plan, 'dump:control-plane').needs).toEqual(['target']);
    expect(byId(plan, `dump:${wsId}`).needs).toEqual(['target']);
    expect(byId(plan, 'backup:control-plane').needs).toEqual(expect.arrayContaining(['dump:control-plane', `dump:${wsId}`]));
    expect(byId(plan, `dump:${wsId}`).action).toMatchObject({ from: '0.93.0', to: target });
  });

  test('a release that stays where it is keeps its install step', () => {
    const plan = buildUpgradePlan({ install, hops: [], rollbackFlag: '--atomic' });
    expect(plan.steps.map((s) => s.id)).toEqual(install.steps.map((s) => s.id));
  });
});

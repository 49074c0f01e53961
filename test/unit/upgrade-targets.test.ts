// Upgrade targets from flags or an offline bundle, written into a copy of the
// answers text: the right versions and charts, comments kept, and every wrong
// input refused with the flag and the fix.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import { retarget } from '../../src/commands/upgrade-targets.js';
import { UserError } from '../../src/errors.js';
import { baseAnswers } from '../helpers/answers.js';

const root = mkdtempSync(join(tmpdir(), 'zpi-targets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(...parts: string[]): string {
  const file = join(root, ...parts);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '');
  return file;
}

/** Answers with local charts in `charts/` under the test folder, and their text with a comment. */
function answersWithLocalCharts(): { answers: Answers; text: string } {
  const raw = baseAnswers();
  raw.charts = { controlPlane: './charts/zenml-pro-0.13.0.tgz', workspace: './charts/zenml-0.93.0.tgz' };
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { answers: result.answers, text: `# kept comment\n${JSON.stringify(raw, null, 2)}\n` };
}
const resolvePath = (p: string): string => join(root, p);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  throw new Error('not refused');
}

describe('retarget', () => {
  test('version flags take the charts beside the answers\' local ones', () => {
    touch('charts', 'zenml-pro-0.14.0.tgz');
    touch('charts', 'zenml-0.93.2.tgz');
    const { answers, text } = answersWithLocalCharts();
    const r = retarget(text, answers, resolvePath, { controlPlaneVersion: '0.14.0', workspaceVersion: '0.93.2' });
    const out = parse(r.text) as Record<string, any>;
    expect(out.controlPlane.version).toBe('0.14.0');
    expect(out.charts.controlPlane).toBe(join(root, 'charts', 'zenml-pro-0.14.0.tgz'));
    expect(out.workspaces.map((w: { version: string }) => w.version)).toEqual(answers.workspaces.map(() => '0.93.2'));
    expect(out.charts.workspace).toBe(join(root, 'charts', 'zenml-0.93.2.tgz'));
    expect(r.text).toContain('# kept comment');
    expect(r.notes[0]).toContain('control plane → 0.14.0');
  });

  test('a bundle gives its newest charts and its release data; a version flag picks another of its charts', () => {
    for (const f of ['zenml-pro-0.13.0.tgz', 'zenml-pro-0.14.0.tgz', 'zenml-0.93.1.tgz', 'zenml-0.93.2.tgz', 'zenml-0.10.0.tgz']) touch('bundle', 'charts', f);
    touch('bundle', 'upgrade-data.yaml');
    const { answers, text } = answersWithLocalCharts();
    const r = retarget(text, answers, resolvePath, { bundle: join(root, 'bundle'), workspaceVersion: '0.93.1' });
    const out = parse(r.text) as Record<string, any>;
    expect(out.controlPlane.version).toBe('0.14.0');
    expect(out.charts.workspace).toBe(join(root, 'bundle', 'charts', 'zenml-0.93.1.tgz'));
    expect(r.upgradeData).toBe(join(root, 'bundle', 'upgrade-data.yaml'));
  });

  test('wrong inputs are refused naming the flag and the way out', () => {
    const { answers, text } = answersWithLocalCharts();
    expect(refusal(() => retarget(text, answers, resolvePath, { workspaceVersion: 'v1' }))).toBe('--workspace-version v1: not a chart version');
    expect(refusal(() => retarget(text, answers, resolvePath, { controlPlaneVersion: '0.15.0' }))).toContain('zenml-pro-0.15.0.tgz does not exist');
    touch('empty', 'README');
    expect(refusal(() => retarget(text, answers, resolvePath, { bundle: join(root, 'empty') }))).toContain('no zenml-pro-<version>.tgz or zenml-<version>.tgz');
    expect(refusal(() => retarget(text, answers, resolvePath, { bundle: join(root, 'bundle'), controlPlaneVersion: '0.12.0' }))).toContain('has no zenml-pro chart 0.12.0 (it has: 0.13.0, 0.14.0)');
  });

  test('a remote chart keeps its reference: helm is asked for the version', () => {
    const raw = baseAnswers();
    raw.charts = { controlPlane: 'oci://registry.example.com/charts/zenml-pro', workspace: 'oci://registry.example.com/charts/zenml' };
    const result = validateAnswers(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const r = retarget(JSON.stringify(raw), result.answers, resolvePath, { controlPlaneVersion: '0.14.0' });
    expect((parse(r.text) as Record<string, any>).charts.controlPlane).toBe('oci://registry.example.com/charts/zenml-pro');
  });
});

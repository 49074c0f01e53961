// The release data an operator brings to an upgrade: parsed over the built-in
// tables, and every problem named by its place in the file with the fix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILT_IN_UPGRADE_DATA, parseUpgradeData } from '../../src/answers/upgrade-data.js';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'sim-upgrade-data.yaml');

describe('parseUpgradeData', () => {
  test('the example adds its stop to the built-in data', () => {
    const r = parseUpgradeData(readFileSync(EXAMPLE, 'utf8'), 'sim-upgrade-data.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.stops).toContainEqual(expect.objectContaining({ chart: 'zenml', version: '0.93.1' }));
    expect(r.data.compatibility).toEqual(BUILT_IN_UPGRADE_DATA.compatibility);
  });

  test('an entry for a control-plane version the installer knows replaces the built-in one', () => {
    const known = BUILT_IN_UPGRADE_DATA.compatibility[0];
    expect(known).toBeDefined();
    const r = parseUpgradeData(`compatibility:\n  - controlPlane: ${known?.controlPlane}\n    newestWorkspace: 0.93.1\n    complete: true\n    source: notes\n`, 'f.yaml');
    expect(r.ok && r.data.compatibility.filter((e) => e.controlPlane === known?.controlPlane)).toEqual([{ controlPlane: known?.controlPlane, newestWorkspace: '0.93.1', complete: true, source: 'notes' }]);
  });

  test('each bad field is named with what it must be', () => {
    const r = parseUpgradeData('stops:\n  - chart: zen\n    version: v1\n    why: x\ncompat: 1\n', 'f.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toContain('stops[0].chart: must be zenml-pro (the control plane) or zenml (the workspace servers)');
    expect(text).toContain('stops[0].version: must be an exact chart version');
    expect(text).toContain('stops[0].source: is required: where the fact comes from');
    expect(text).toMatch(/unknown keys compat; known here: compatibility, stops/);
  });

  test('a YAML syntax error names the line', () => {
    const r = parseUpgradeData('stops: [\n', 'f.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.path).toMatch(/^f\.yaml:\d+:\d+$/);
  });

  test('an empty file is the built-in data', () => {
    const r = parseUpgradeData('', 'f.yaml');
    expect(r.ok && r.data).toEqual(BUILT_IN_UPGRADE_DATA);
  });
});

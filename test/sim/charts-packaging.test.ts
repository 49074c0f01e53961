// scripts/package-charts.mjs: makes every stand-in chart version with the real
// helm, skips what is up to date, rebuilds what changed, and fails clearly
// without helm. Idempotence is checked on a copy of the script and charts.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HELMS, HelmRunner, PACKAGE_SCRIPT, REPO_ROOT, chartPath, packageCharts } from './charts-helm.js';

const EXPECTED = [
  ['zenml-pro', '0.12.0'], ['zenml-pro', '0.13.0'], ['zenml-pro', '0.14.0'],
  ['zenml', '0.82.0'], ['zenml', '0.92.0'], ['zenml', '0.93.0'], ['zenml', '0.93.1'], ['zenml', '0.93.2'],
] as const;

function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Sets every file under dir one minute into the past, so a fresh package is clearly newer. */
function ageTree(dir: string): void {
  const past = new Date(Date.now() - 60_000);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) ageTree(path);
    utimesSync(path, past, past);
  }
}

describe('packaged charts in .tools/charts', () => {
  const helm = new HelmRunner(HELMS[0].bin);
  beforeAll(() => {
    packageCharts();
  });
  afterAll(() => helm.cleanup());

  it.each(EXPECTED)('%s %s has that name, version and appVersion', (name, version) => {
    const shown = helm.run(['show', 'chart', chartPath(name, version)]);
    expect(shown.status).toBe(0);
    expect(parse(shown.stdout)).toMatchObject({ apiVersion: 'v2', name, version, appVersion: version });
  });

  it('gives the workspace chart 0.82.0 a `zenml:` values root and 0.92.0/0.93.0 a `server:` root', () => {
    const rootsOf = (version: string) => {
      const shown = helm.run(['show', 'values', chartPath('zenml', version)]);
      expect(shown.status).toBe(0);
      return Object.keys(parse(shown.stdout) as object).filter((k) => k === 'zenml' || k === 'server');
    };
    expect(rootsOf('0.82.0')).toEqual(['zenml']);
    expect(rootsOf('0.92.0')).toEqual(['server']);
    expect(rootsOf('0.93.0')).toEqual(['server']);
  });
});

describe('package-charts.mjs on a copy of the sources', () => {
  let work: string;
  let script: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'zpi-package-test-'));
    mkdirSync(join(work, 'scripts'));
    mkdirSync(join(work, '.tools', 'bin'), { recursive: true });
    script = join(work, 'scripts', 'package-charts.mjs');
    cpSync(PACKAGE_SCRIPT, script);
    cpSync(join(REPO_ROOT, 'charts'), join(work, 'charts'), { recursive: true });
    ageTree(join(work, 'charts'));
    utimesSync(script, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('exits non-zero with a clear message when helm is missing', () => {
    const run = runScript(script);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('helm not found at');
    expect(run.stderr).toContain(join(work, '.tools', 'bin', 'helm'));
  });

  it('makes all eight packages, skips them when up to date and rebuilds only what a changed source feeds', () => {
    symlinkSync(HELMS[0].bin, join(work, '.tools', 'bin', 'helm'));
    const first = runScript(script);
    expect(first.status).toBe(0);
    for (const [name, version] of EXPECTED) expect(first.stdout).toContain(`made .tools/charts/${name}-${version}.tgz`);
    const out = join(work, '.tools', 'charts');
    expect(readdirSync(out).sort()).toEqual(EXPECTED.map(([n, v]) => `${n}-${v}.tgz`).sort());
    const mtimes = () => Object.fromEntries(readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs]));
    const before = mtimes();

    const second = runScript(script);
    expect(second.status).toBe(0);
    expect(second.stdout).not.toContain('made');
    expect(second.stdout.match(/is up to date/g)).toHaveLength(EXPECTED.length);
    expect(mtimes()).toEqual(before);

    // The legacy overlay feeds only zenml-0.82.0.
    const now = new Date();
    utimesSync(join(work, 'charts', 'zenml-legacy-root', 'values.yaml'), now, now);
    const third = runScript(script);
    expect(third.status).toBe(0);
    expect(third.stdout.match(/made \S+/g)).toEqual(['made .tools/charts/zenml-0.82.0.tgz']);
  });
});

// The "done when": a new user renders an example and the real helm
// template accepts the values with the stand-in charts; a broken answers file
// lists all its problems and exits 2.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { HELMS, HelmRunner, chartPath, packageCharts } from '../sim/charts-helm.js';
import { REPO, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-render-'));

beforeAll(() => {
  packageCharts();
});

describe('render examples/self-hosted.yaml', () => {
  const dir = join(tmp, 'self-hosted');
  let first: ReturnType<typeof runCli>;
  beforeAll(() => {
    first = runCli(['render', '--answers', 'examples/self-hosted.yaml', '--dir', dir]);
  });

  test('writes every values file, 0600, and says what it wrote', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    for (const f of ['control-plane.yaml', 'workspace-ml-prod.yaml', 'workspace-research.yaml']) {
      expect(first.stdout).toContain(f);
      expect(statSync(join(dir, 'values', f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'generated-secrets.yaml')).mode & 0o777).toBe(0o600);
  });

  test('re-rendering gives byte-identical files and keeps generated secrets', () => {
    const before = ['control-plane.yaml', 'workspace-ml-prod.yaml'].map((f) => readFileSync(join(dir, 'values', f), 'utf8'));
    const secrets = readFileSync(join(dir, 'generated-secrets.yaml'), 'utf8');
    const again = runCli(['render', '--answers', 'examples/self-hosted.yaml', '--dir', dir]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('generated ');
    expect(['control-plane.yaml', 'workspace-ml-prod.yaml'].map((f) => readFileSync(join(dir, 'values', f), 'utf8'))).toEqual(before);
    expect(readFileSync(join(dir, 'generated-secrets.yaml'), 'utf8')).toBe(secrets);
  });

  describe.each(HELMS)('$label template accepts the values', ({ bin }) => {
    const helm = new HelmRunner(bin);
    afterAll(() => helm.cleanup());

    test('control plane (zenml-pro chart)', () => {
      const r = helm.run(['template', 'zenml-pro', chartPath('zenml-pro', '0.13.0'), '--namespace', 'zenml-pro', '--values', join(dir, 'values', 'control-plane.yaml')]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('name: zenml-pro-dashboard');
      expect(r.stdout).toContain('715803424590.dkr.ecr.eu-west-1.amazonaws.com/zenml-pro-api:0.93.2');
    });

    test.each(['ml-prod', 'research'])('workspace %s (zenml chart, server: root)', (name) => {
      const r = helm.run(['template', 'zenml', chartPath('zenml', '0.93.0'), '--namespace', `zenml-workspace-${name}`, '--values', join(dir, 'values', `workspace-${name}.yaml`)]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('name: zenml-db-migration');
      expect(r.stdout).toContain(`https://${name}.zenml.example.com`);
    });
  });
});

test('a local legacy chart is read and gets zenml: values that it accepts', () => {
  const dir = join(tmp, 'legacy');
  const answers = readFileSync(join(REPO, 'examples', 'self-hosted.yaml'), 'utf8')
    .replace('scenario: self-hosted', `scenario: self-hosted\ncharts:\n  workspace: ${chartPath('zenml', '0.82.0')}`)
    .replaceAll('./secrets/', `${join(REPO, 'examples', 'secrets')}/`);
  const file = join(tmp, 'legacy.yaml');
  writeFileSync(file, answers);
  const r = runCli(['render', '--answers', file, '--dir', dir]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("values root zenml: the chart's own values use zenml:");
  const values = parse(readFileSync(join(dir, 'values', 'workspace-ml-prod.yaml'), 'utf8'));
  expect(Object.keys(values)).toContain('zenml');
  const helm = new HelmRunner(HELMS[0].bin);
  try {
    const t = helm.run(['template', 'zenml', chartPath('zenml', '0.82.0'), '--namespace', 'ws', '--values', join(dir, 'values', 'workspace-ml-prod.yaml')]);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain('https://ml-prod.zenml.example.com');
  } finally {
    helm.cleanup();
  }
});

describe('a broken answers file', () => {
  const file = join(tmp, 'broken.yaml');
  beforeAll(() => {
    writeFileSync(
      file,
      [
        'apiVersion: zenml-pro-installer/v1',
        'scenario: self-hosted',
        'images: { source: private }',
        'controlPlane:',
        '  version: 0.93.0',
        '  hostname: zenml',
        '  database: { host: db, username: u, password: { fromEnv: P } }',
        'workspaces:',
        '  - name: ml',
        '    version: 0.94.0',
        '    hostname: ml.example.com',
        '    database: { type: postgres, host: db, name: ml, username: u, password: { fromEnv: P } }',
        '',
      ].join('\n'),
    );
  });

  test('lists every problem with its path and fix, exits 2, no stack trace, writes nothing', () => {
    const dir = join(tmp, 'broken-out');
    const r = runCli(['render', '--answers', file, '--dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    for (const fragment of [
      'images.registry: is required when source is private',
      'controlPlane.hostname: "zenml" is a bare name',
      'workspaces[0].database.type: workspace servers support MySQL only; use a MySQL 8.0+ database',
      'workspaces[0].version: 0.94.0 is newer than the control plane (0.93.0)',
      'cluster.tls.hosts.ml.example.com: needs certFile and keyFile',
    ]) {
      expect(r.stderr).toContain(fragment);
    }
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(() => statSync(dir)).toThrow();
  });

  test('a YAML syntax error names the line and column', () => {
    const bad = join(tmp, 'syntax.yaml');
    writeFileSync(bad, 'apiVersion: zenml-pro-installer/v1\nscenario: [self-hosted\n');
    const r = runCli(['render', '--answers', bad, '--dir', join(tmp, 'syntax-out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/syntax\.yaml:\d+:\d+: YAML syntax error/);
  });

  test('a missing file and a usage error exit 2 with a sentence', () => {
    const missing = runCli(['render', '--answers', join(tmp, 'nope.yaml')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the answers file');
    const usage = runCli(['render']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("required option '-a, --answers <file>' not specified");
  });
});

test('schema prints the JSON Schema the examples point at', () => {
  const r = runCli(['schema']);
  expect(r.status).toBe(0);
  const schema = JSON.parse(r.stdout);
  expect(schema.properties.scenario.enum).toEqual(['self-hosted', 'hybrid', 'workspace-only']);
  expect(`${r.stdout.trim()}\n`).toBe(readFileSync(join(REPO, 'answers.schema.json'), 'utf8'));
});

test('--version and --help exit 0', () => {
  expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  const help = runCli(['render', '--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('--answers <file>');
});

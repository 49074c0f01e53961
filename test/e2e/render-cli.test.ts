// The "done when": a new user renders an example and the real helm
// template accepts the values with the stand-in charts; a broken answers file
// lists all its problems and exits 2.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
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
    // ml-prod is not enrolled yet: its file is written and marked pending, nothing else is warned about.
    expect(first.stderr.trim().split('\n')).toEqual([expect.stringContaining('enrollment pending')]);
    expect(first.status).toBe(0);
    for (const f of ['control-plane.yaml', 'workspace-ml-prod.yaml', 'workspace-research.yaml']) {
      expect(first.stdout).toContain(f);
      expect(statSync(join(dir, 'values', f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'generated-secrets.yaml')).mode & 0o777).toBe(0o600);
    expect(first.stdout).toContain('workspace-research.yaml  (values root zenml: the chart oci://public.ecr.aws/zenml/zenml 0.92.0 could not be read; zenml: is read by every chart version)');
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
      expect(r.stdout).toContain('715803424590.dkr.ecr.eu-west-1.amazonaws.com/zenml-pro-api:0.13.0');
    });

    // ml-prod has no enrollment values yet (a first install waits for them), so only research is complete.
    test.each(['research'])('workspace %s (zenml chart not reachable: zenml: root, which the newer chart reads too)', (name) => {
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
    .replace(/ {2}- name: research\n {4}version: [^\n]+\n/, `  - name: research\n    version: 0.82.0\n    chart: ${chartPath('zenml', '0.82.0')}\n`)
    .replaceAll('./secrets/', `${join(REPO, 'examples', 'secrets')}/`);
  const file = join(tmp, 'legacy.yaml');
  writeFileSync(file, answers);
  const r = runCli(['render', '--answers', file, '--dir', dir]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`values root zenml: the chart ${chartPath('zenml', '0.82.0')} declares zenml:`);
  const values = parse(readFileSync(join(dir, 'values', 'workspace-research.yaml'), 'utf8'));
  expect(Object.keys(values)).toContain('zenml');
  const helm = new HelmRunner(HELMS[0].bin);
  try {
    const t = helm.run(['template', 'zenml', chartPath('zenml', '0.82.0'), '--namespace', 'ws', '--values', join(dir, 'values', 'workspace-research.yaml')]);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain('https://research.zenml.example.com');
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
        '  version: 0.13.0',
        '  hostname: zenml',
        '  database: { host: db, username: u, password: { fromEnv: P } }',
        'workspaces:',
        '  - name: ml',
        '    version: 0.93.2',
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

describe('wrong types and unreadable files', () => {
  /** examples/self-hosted.yaml with `edit` applied, its secret paths made absolute. */
  function answers(name: string, edit: (a: Record<string, any>) => void): string {
    const a = parse(readFileSync(join(REPO, 'examples', 'self-hosted.yaml'), 'utf8').replaceAll('./secrets/', `${join(REPO, 'examples', 'secrets')}/`));
    edit(a);
    const file = join(tmp, `${name}.yaml`);
    writeFileSync(file, stringify(a));
    return file;
  }

  test.each<[string, (a: Record<string, any>) => void, string]>([
    ['host-list', (a) => (a.controlPlane.database.host = ['x']), 'controlPlane.database.host: must be a string, not a list'],
    ['discovery-bool', (a) => (a.controlPlane.sso = { enabled: true, discoveryUrl: true, clientId: 'c', clientSecret: { fromEnv: 'S' } }), 'controlPlane.sso.discoveryUrl: must be a string, not boolean true'],
    ['workspace-null', (a) => (a.workspaces[1] = null), 'workspaces[1]: must be a map, not null'],
    ['hostname-number', (a) => (a.workspaces[0].hostname = 42), 'workspaces[0].hostname: must be a string, not number 42'],
    ['password-list', (a) => (a.workspaces[0].database.password = ['p']), 'workspaces[0].database.password: must be a secret reference'],
  ])('%s: exit 2 naming the field, not a crash', (name, edit, expected) => {
    const r = runCli(['render', '--answers', answers(name, edit), '--dir', join(tmp, `${name}-out`)]);
    expect(r.stderr).not.toContain('unexpected failure');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(expected);
  });

  test('every unreadable file is listed in one run, with its answers path, and nothing is written', () => {
    const missing = join(tmp, 'missing');
    const file = answers('missing-files', (a) => {
      a.cluster.tls = { provisioning: 'manual', ca: 'private', caFile: `${missing}/ca.pem`, wildcard: true, certFile: `${missing}/tls.crt`, keyFile: `${missing}/tls.key` };
      a.controlPlane.database.password = { fromFile: `${missing}/cp-db-password` };
      a.workspaces[1].chart = `${missing}/zenml-0.92.0.tgz`;
    });
    const dir = join(tmp, 'missing-files-out');
    const r = runCli(['render', '--answers', file, '--dir', dir]);
    expect(r.status).toBe(2);
    for (const [path, name] of [
      ['cluster.tls.caFile', 'ca.pem'],
      ['cluster.tls.certFile', 'tls.crt'],
      ['cluster.tls.keyFile', 'tls.key'],
      ['controlPlane.database.password.fromFile', 'cp-db-password'],
      ['workspaces[1].chart', 'zenml-0.92.0.tgz'],
    ]) {
      expect(r.stderr).toContain(`  ${path}: ${missing}/${name} does not exist`);
    }
    expect(r.stderr).toContain(`${file} has 5 problems`);
    // The answers generate secrets: none may be kept by a render that failed.
    expect(() => statSync(dir)).toThrow();
  });

  test('a secret that cannot be resolved later (an unset variable) still leaves nothing behind, not even the install directory', () => {
    const file = answers('unset-env', (a) => (a.controlPlane.database.password = { fromEnv: 'ZPI_TEST_UNSET_PASSWORD' }));
    const dir = join(tmp, 'unset-env-out');
    const r = runCli(['render', '--answers', file, '--dir', dir], { env: { ZPI_TEST_UNSET_PASSWORD: undefined } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('controlPlane.database.password: environment variable ZPI_TEST_UNSET_PASSWORD is not set');
    expect(() => statSync(dir)).toThrow();
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

// examples/air-gapped.yaml as an operator with an offline bundle runs it: the
// charts, CA and certificates it names in place, secrets in the environment.
// `plan` succeeds; a chart of the wrong version or a missing one is an
// answers error (exit 2) naming the field, before anything could change.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { chartPath, packageCharts } from '../sim/charts-helm.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-air-gapped-'));
const answers = join(tmp, 'air-gapped.yaml');
const env = { INTERNAL_REGISTRY_PASSWORD: 'registry-pw', ZENML_PRO_DB_PASSWORD: 'cp-db-pw', OIDC_CLIENT_SECRET: 'oidc-secret', ZENML_ML_DB_PASSWORD: 'ml-db-pw' };
const PEM = (what: string): string => `-----BEGIN ${what}-----\nMIIBbundle\n-----END ${what}-----\n`;

beforeAll(() => {
  packageCharts();
  for (const d of ['bundle/charts', 'bundle/tls']) mkdirSync(join(tmp, d), { recursive: true });
  copyFileSync(chartPath('zenml-pro', '0.13.0'), join(tmp, 'bundle/charts/zenml-pro-0.13.0.tgz'));
  copyFileSync(chartPath('zenml', '0.93.2'), join(tmp, 'bundle/charts/zenml-0.93.2.tgz'));
  writeFileSync(join(tmp, 'bundle/internal-ca.pem'), PEM('CERTIFICATE'));
  for (const host of ['zenml-pro', 'ml']) {
    writeFileSync(join(tmp, `bundle/tls/${host}.crt`), PEM('CERTIFICATE'));
    writeFileSync(join(tmp, `bundle/tls/${host}.key`), PEM('PRIVATE KEY'), { mode: 0o600 });
  }
  writeFileSync(answers, readFileSync(join(REPO, 'examples', 'air-gapped.yaml')));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('plan examples/air-gapped.yaml with its offline bundle', () => {
  test('succeeds, with the local charts and the enrollment through the in-cluster control plane after it is ready', () => {
    const r = runCli(['plan', '--answers', answers, '--dir', join(tmp, 'install')], { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(join(tmp, 'bundle/charts/zenml-pro-0.13.0.tgz'));
    expect(r.stdout).toContain(join(tmp, 'bundle/charts/zenml-0.93.2.tgz'));
    expect(r.stdout).toContain('Enrollment of ml through the control-plane API');
  });

  test('a chart whose Chart.yaml version is not the answers version is refused, naming the field', () => {
    copyFileSync(chartPath('zenml', '0.93.0'), join(tmp, 'bundle/charts/zenml-0.93.2.tgz'));
    try {
      const r = runCli(['plan', '--answers', answers, '--dir', join(tmp, 'install')], { env });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`workspaces[0].version: is 0.93.2, but the chart ${join(tmp, 'bundle/charts/zenml-0.93.2.tgz')} is version 0.93.0`);
      expect(r.stdout).toBe('');
    } finally {
      copyFileSync(chartPath('zenml', '0.93.2'), join(tmp, 'bundle/charts/zenml-0.93.2.tgz'));
    }
  });

  test('a chart of the wrong component is refused, naming the field', () => {
    const broken = join(tmp, 'wrong-component.yaml');
    writeFileSync(broken, readFileSync(answers, 'utf8').replace('./bundle/charts/zenml-pro-0.13.0.tgz', './bundle/charts/zenml-0.93.2.tgz'));
    const r = runCli(['plan', '--answers', broken, '--dir', join(tmp, 'install')], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`charts.controlPlane: ${join(tmp, 'bundle/charts/zenml-0.93.2.tgz')} is the chart "zenml", not zenml-pro`);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  test('a missing chart is an answers error naming the field', () => {
    const broken = join(tmp, 'missing.yaml');
    writeFileSync(broken, readFileSync(answers, 'utf8').replace('workspace: ./bundle/charts/zenml-0.93.2.tgz', 'workspace: ./bundle/charts/missing.tgz'));
    const r = runCli(['plan', '--answers', broken, '--dir', join(tmp, 'install')], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('charts.workspace: ./bundle/charts/missing.tgz');
    expect(r.stderr).toContain('does not exist');
  });
});

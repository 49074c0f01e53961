// The workspace values root comes from the chart at hand: `render` against a
// chart whose values use only `zenml:` (0.82.0) and one whose values use only
// `server:` (0.93.0); the real `helm template` of each shows the database URL
// and the Pro settings reaching the server's environment. Both helms.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { writeAnswersCopy } from '../helpers/install-sim.js';
import { HELMS, HelmRunner, chartPath, find, packageCharts, plainEnv, secretData } from '../sim/charts-helm.js';

const tmp = mkdtempSync(join(tmpdir(), 'zpi-chart-root-'));
beforeAll(() => {
  packageCharts();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CHARTS = [
  { version: '0.82.0', root: 'zenml' },
  { version: '0.93.0', root: 'server' },
] as const;

describe.each(CHARTS)('a workspace chart $version whose values declare only $root:', ({ version, root }) => {
  const dir = join(tmp, version);
  let rendered: Record<string, any>;
  let stdout: string;

  beforeAll(() => {
    const answers = writeAnswersCopy(join(tmp, `answers-${version}.yaml`), {
      edit: (text) => text.replace(/zenml-0\.93\.0\.tgz/, `zenml-${version}.tgz`).replaceAll('    version: 0.93.0', `    version: ${version}`),
    });
    const r = runCli(['render', '--answers', answers, '--dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    stdout = r.stdout;
    rendered = parse(readFileSync(join(dir, 'values', 'workspace-ml.yaml'), 'utf8'));
  });

  test(`the values are written under ${root}: only, and render says why`, () => {
    expect(Object.keys(rendered)).toContain(root);
    expect(Object.keys(rendered)).not.toContain(root === 'zenml' ? 'server' : 'zenml');
    expect(stdout).toContain(`workspace-ml.yaml  (values root ${root}: the chart ${chartPath('zenml', version)} declares ${root}:)`);
  });

  describe.each(HELMS)('$label template', ({ bin }) => {
    const helm = new HelmRunner(bin);
    afterAll(() => helm.cleanup());

    test('the database URL and the Pro settings reach the server', () => {
      const settings = rendered[root];
      const t = helm.template(chartPath('zenml', version), rendered, 'zenml', 'zenml-workspace-ml');
      expect(t.stderr).toBe('');
      expect(t.ok).toBe(true);
      const objects = t.objects;
      const env = plainEnv(find(objects, 'Deployment', 'zenml'));
      expect(env).toMatchObject({
        ZENML_SERVER_DEPLOYMENT_TYPE: 'cloud',
        ZENML_SERVER_PRO_API_URL: 'https://zenml-pro.sim.example.com/api/v1',
        ZENML_SERVER_PRO_DASHBOARD_URL: 'https://zenml-pro.sim.example.com',
        ZENML_SERVER_PRO_ORGANIZATION_ID: settings.pro.organizationID,
        ZENML_SERVER_PRO_WORKSPACE_ID: settings.pro.workspaceID,
        ZENML_SERVER_SERVER_URL: 'https://ml.sim.example.com',
      });
      const secret = secretData(find(objects, 'Secret', 'zenml'));
      expect(secret.ZENML_STORE_URL).toBe(settings.database.url);
      expect(secret.ZENML_STORE_URL).toMatch(/^mysql:\/\/zenml_ml:.+@mysql\.sim\.example\.com:3306\/zenml_ml$/);
    });
  });
});

import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import { secretSlots } from '../../src/answers/secrets.js';
import { chooseChartRoot } from '../../src/render/chart-root.js';
import { fillTemplate } from '../../src/render/fill-template.js';
import { mergeExtraValues } from '../../src/render/merge.js';
import { renderReleases, type RenderInputs } from '../../src/render/render.js';
import { baseAnswers } from '../helpers/answers.js';

const templates = {
  controlPlane: readFileSync(join(__dirname, '../../templates/control-plane.yaml'), 'utf8'),
  workspace: readFileSync(join(__dirname, '../../templates/workspace.yaml'), 'utf8'),
};

function answers(mutate: (a: Record<string, any>) => void = () => undefined): Answers {
  const raw = baseAnswers();
  mutate(raw);
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.answers;
}

const SERVER_CHART = { values: 'server:\n  image:\n    repository: x\n', source: 'a server: chart' };
const LEGACY_CHART = { values: 'zenml:\n  image:\n    repository: x\n', source: 'a zenml: chart' };

/** Inputs for charts that declare `server:` (what the newest workspace chart reads), unless `extra` says otherwise. */
function inputs(a: Answers, extra: Partial<RenderInputs> = {}): RenderInputs {
  const secrets = new Map(secretSlots(a).map((s) => [s.key, s.hex64 ? 'a'.repeat(64) : `secret-for-${s.key}`]));
  const workspaceCharts = new Map(a.workspaces.map((w) => [w.name, SERVER_CHART]));
  return { answers: a, secrets, readFile: (p) => `PEM(${p})\n`, templates, version: '9.9.9', workspaceCharts, ...extra };
}

describe('values for the control plane', () => {
  test('follow the zenml-pro chart keys', () => {
    const [cp] = renderReleases(inputs(answers()));
    const values = parse(cp!.text);
    expect(values.zenml.serverURL).toBe('https://zenml-pro.example.com');
    expect(values.zenml.database.external).toEqual({
      type: 'mysql', host: 'db.example.com', port: 3306, username: 'cp', password: 'secret-for-controlPlane.database.password', database: 'zenml_pro',
    });
    expect(values.zenml.image.api).toEqual({ repository: '715803424590.dkr.ecr.eu-west-1.amazonaws.com/zenml-pro-api', tag: '0.13.0' });
    expect(values.zenml.auth.password.adminPassword).toBe('secret-for-controlPlane.adminPassword');
    expect(values.zenml.ingress).toMatchObject({ enabled: true, host: 'zenml-pro.example.com', className: 'nginx', tls: { enabled: true, secretName: 'zenml-tls' } });
    expect(values.zenml.auth.sso).toEqual({ enabled: false });
    expect(values.imagePullSecrets).toBeUndefined();
  });

  test('keeps the template comments an operator reads', () => {
    const [cp] = renderReleases(inputs(answers()));
    expect(cp!.text).toContain('# External URL of the control plane: the UI at the root, the API at /api/v1.');
    expect(cp!.text.split('\n')[0]).toBe('# Rendered by zenml-pro-installer 9.9.9 for release zenml-pro (chart zenml-pro 0.13.0) in namespace zenml-pro.');
    expect(cp!.text).not.toContain('change-me');
  });
});

describe('values for a workspace', () => {
  test('carry enrollment, database URL, secrets store, ingress', () => {
    const ws = renderReleases(inputs(answers()))[1]!;
    const root = parse(ws.text).server;
    expect(root.pro).toEqual({
      enabled: true,
      apiURL: 'https://zenml-pro.example.com/api/v1',
      dashboardURL: 'https://zenml-pro.example.com',
      organizationID: 'org-1',
      workspaceID: 'ws-1',
      workspaceName: 'ml',
      enrollmentKey: 'secret-for-workspaces.ml.enrollment.enrollmentKey',
    });
    expect(root.database.url).toBe('mysql://ml:secret-for-workspaces.ml.database.password@db.example.com:3306/zenml_ml');
    expect(root.secretsStore).toEqual({ enabled: true, type: 'sql', sql: { encryptionKey: 'a'.repeat(64) } });
    expect(root.ingress.annotations).toEqual({});
  });

  test('URL-encodes database credentials', () => {
    const a = answers();
    const i = inputs(a);
    (i.secrets as Map<string, string>).set('workspaces.ml.database.password', 'p@ss:w/rd#1');
    const root = parse(renderReleases(i)[1]!.text).server;
    expect(root.database.url).toBe('mysql://ml:p%40ss%3Aw%2Frd%231@db.example.com:3306/zenml_ml');
    expect(decodeURIComponent(new URL(root.database.url).password)).toBe('p@ss:w/rd#1');
  });

  test("the root is the one the chart declares, whatever the version", () => {
    const a = answers();
    const legacy = renderReleases(inputs(a, { workspaceCharts: new Map([['ml', LEGACY_CHART]]) }))[1]!;
    expect(Object.keys(parse(legacy.text))).toEqual(expect.arrayContaining(['zenml']));
    expect(Object.keys(parse(legacy.text))).not.toContain('server');
    expect(legacy.chartRoot).toMatchObject({ root: 'zenml', fromChart: true });
    const newer = renderReleases(inputs(a))[1]!;
    expect(Object.keys(parse(newer.text))).toContain('server');
    expect(chooseChartRoot('server: {}\nzenml: {}\n').root).toBe('server');
  });

  test('a chart that cannot be read gets zenml:, never a guessed server:, and says so', () => {
    for (const version of ['0.93.2', '0.99.0']) {
      const a = answers((x) => { x.workspaces[0].version = version; });
      const ws = renderReleases(inputs(a, { workspaceCharts: new Map([['ml', { source: 'the chart oci://example/zenml 0.93.2 (not reachable from here)' }]]) }))[1]!;
      expect(Object.keys(parse(ws.text))).not.toContain('server');
      expect(parse(ws.text).zenml.database.url).toMatch(/^mysql:\/\//);
      expect(ws.chartRoot).toMatchObject({ root: 'zenml', fromChart: false });
      expect(ws.chartRoot?.reason).toContain('not reachable from here');
    }
    const none = renderReleases(inputs(answers(), { workspaceCharts: new Map() }))[1]!;
    expect(none.chartRoot?.root).toBe('zenml');
  });

  test('workload manager settings go into the environment', () => {
    const ws = renderReleases(inputs(answers((a) => { a.workspaces[0].workloadManager = { enabled: true, implementation: 'aws', awsRegion: 'eu-west-1' }; })))[1]!;
    const env = parse(ws.text).server.environment;
    expect(env.ZENML_SERVER_WORKLOAD_MANAGER_IMPLEMENTATION_SOURCE).toBe('zenml_cloud_plugins.aws_kubernetes_workload_manager.AWSKubernetesWorkloadManager');
    expect(env.ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE).toBe('zenml-workload-manager');
    expect(env.ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_REGION).toBe('eu-west-1');
  });

  test('a private CA is trusted by the servers', () => {
    const a = answers((x) => { x.cluster.tls.ca = 'private'; x.cluster.tls.caFile = 'ca.pem'; });
    const [cp, ws] = renderReleases(inputs(a));
    expect(parse(cp!.text).zenml.certificates.customCAs).toEqual([{ name: 'zenml-ca', certificate: 'PEM(ca.pem)\n' }]);
    expect(parse(ws!.text).server.certificates.customCAs[0].certificate).toBe('PEM(ca.pem)\n');
  });

  test('a self-hosted workspace without enrollment values yet is marked pending', () => {
    const ws = renderReleases(inputs(answers((a) => { a.workspaces[0].enrollment = {}; })))[1]!;
    expect(ws.pending).toContain('enrollment pending');
    expect(parse(ws.text).server.pro.workspaceID).toBeUndefined();
  });
});

describe('settings the vendor guide sets', () => {
  const env = (mutate: (a: Record<string, any>) => void): Record<string, string> => parse(renderReleases(inputs(answers(mutate)))[1]!.text).server.environment;

  test('an external-logs bucket comes with the switch that makes it take effect', () => {
    const e = env((a) => { a.workspaces[0].workloadManager = { enabled: true, implementation: 'aws', awsBucket: 's3://logs/zenml' }; });
    expect(e.ZENML_KUBERNETES_WORKLOAD_MANAGER_ENABLE_EXTERNAL_LOGS).toBe('true');
    expect(e.ZENML_AWS_KUBERNETES_WORKLOAD_MANAGER_BUCKET).toBe('s3://logs/zenml');
    expect(env((a) => { a.workspaces[0].workloadManager = { enabled: true }; }).ZENML_KUBERNETES_WORKLOAD_MANAGER_ENABLE_EXTERNAL_LOGS).toBeUndefined();
  });

  test('the workload manager settings operators tune reach the environment, as the strings the server parses', () => {
    const e = env((a) => {
      a.workspaces[0].workloadManager = {
        enabled: true,
        podResources: { requests: { cpu: '500m' }, limits: { memory: '2Gi' } },
        ttlSecondsAfterFinished: 3600,
        nodeSelector: { pool: 'runners' },
        tolerations: [{ key: 'runner', operator: 'Exists', effect: 'NoSchedule' }],
        jobBackoffLimit: 2,
        maxConcurrentRuns: 5,
      };
    });
    expect(JSON.parse(e.ZENML_KUBERNETES_WORKLOAD_MANAGER_POD_RESOURCES!)).toEqual({ requests: { cpu: '500m' }, limits: { memory: '2Gi' } });
    expect(e.ZENML_KUBERNETES_WORKLOAD_MANAGER_TTL_SECONDS_AFTER_FINISHED).toBe('3600');
    expect(JSON.parse(e.ZENML_KUBERNETES_WORKLOAD_MANAGER_NODE_SELECTOR!)).toEqual({ pool: 'runners' });
    expect(JSON.parse(e.ZENML_KUBERNETES_WORKLOAD_MANAGER_TOLERATIONS!)).toEqual([{ key: 'runner', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(e.ZENML_KUBERNETES_WORKLOAD_MANAGER_JOB_BACKOFF_LIMIT).toBe('2');
    expect(e.ZENML_SERVER_MAX_CONCURRENT_TEMPLATE_RUNS).toBe('5');
  });

  test("workspace resources default to the guide's minimum and can be overridden", () => {
    const [, ws] = renderReleases(inputs(answers()));
    expect(parse(ws!.text).resources).toEqual({ requests: { cpu: '100m', memory: '450Mi' }, limits: { memory: '800Mi' } });
    const [, custom] = renderReleases(inputs(answers((a) => { a.workspaces[0].resources = { requests: { cpu: '1' } }; })));
    expect(parse(custom!.text).resources).toEqual({ requests: { cpu: '1' } });
  });

  test("pool settings default to the guide's workspace example", () => {
    const root = parse(renderReleases(inputs(answers()))[1]!.text).server;
    expect(root.threadPoolSize).toBe(10);
    expect(root.database).toMatchObject({ poolSize: '10', maxOverflow: '-1' });
    const tuned = parse(renderReleases(inputs(answers((a) => { a.workspaces[0].threadPoolSize = 20; a.workspaces[0].database.poolSize = 20; a.workspaces[0].database.maxOverflow = 5; })))[1]!.text).server;
    expect(tuned.threadPoolSize).toBe(20);
    expect(tuned.database).toMatchObject({ poolSize: '20', maxOverflow: '5' });
  });

  test('a disruption budget goes into a chart that declares it, and is left to the installer otherwise', () => {
    const a = answers((x) => { x.workspaces[0].replicas = 3; x.workspaces[0].podDisruptionBudget = { minAvailable: 2 }; });
    const declaring = { values: 'server:\n  image: {}\npodDisruptionBudget:\n  enabled: false\n', source: 'a chart with a budget' };
    const inChart = renderReleases(inputs(a, { workspaceCharts: new Map([['ml', declaring]]) }))[1]!;
    expect(parse(inChart.text).podDisruptionBudget).toEqual({ enabled: true, minAvailable: 2 });
    expect(inChart.installerBudget).toBeUndefined();
    const byInstaller = renderReleases(inputs(a))[1]!;
    expect(parse(byInstaller.text).podDisruptionBudget).toBeUndefined();
    expect(byInstaller.installerBudget).toEqual({ minAvailable: 2 });
    const cp = renderReleases(inputs(answers((x) => { x.controlPlane.replicas = 2; x.controlPlane.podDisruptionBudget = { minAvailable: 1 }; })))[0]!;
    expect(cp.installerBudget).toEqual({ minAvailable: 1 });
  });

  test('a control-plane API on its own host is what workspaces talk to', () => {
    const ws = parse(renderReleases(inputs(answers((a) => { a.controlPlane.apiUrl = 'https://zenml-api.example.com/api/v1'; })))[1]!.text).server;
    expect(ws.pro).toMatchObject({ apiURL: 'https://zenml-api.example.com/api/v1', dashboardURL: 'https://zenml-pro.example.com' });
  });
});

describe('extraValues', () => {
  test('merge last and list every key they override', () => {
    const a = answers((x) => {
      x.controlPlane.extraValues = { zenml: { replicaCount: 3, podAnnotations: { a: 'b' } }, resources: { limits: { memory: '4Gi' } } };
    });
    const [cp] = renderReleases(inputs(a));
    expect(cp!.overridden).toEqual(['zenml.replicaCount']);
    const values = parse(cp!.text);
    expect(values.zenml.replicaCount).toBe(3);
    expect(values.zenml.podAnnotations).toEqual({ a: 'b' });
    expect(values.resources).toEqual({ limits: { memory: '4Gi' } });
  });

  test('merge is deep and replaces lists whole', () => {
    const merged = mergeExtraValues({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } });
    expect(merged.values).toEqual({ a: { b: 1, c: [3] } });
    expect(merged.overridden).toEqual(['a.c']);
  });
});

describe('rendering is exact', () => {
  test('any string round-trips through the values file', () => {
    const template = '# header\n\nkeep:\n  # about value\n  value: x # inline\n  nested:\n    deep: y\n';
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (s1, s2) => {
        const text = fillTemplate(template, { keep: { value: s1, nested: { deep: s2 } } });
        const back = parse(text);
        expect(back.keep.value).toBe(s1);
        expect(back.keep.nested.deep).toBe(s2);
      }),
      { numRuns: 500 },
    );
  });

  test.each(['"quoted"', "it's", 'a # not a comment', 'key: value', 'line1\nline2\n', '*alias', '&anchor', '- item', 'true', '0.10', '~', '', '  padded  ', 'ünïcødé ✓', '!tag', '%YAML', '@at', '`tick`', '{a: 1}', '[1]'])(
    'the string %j round-trips in a real release',
    (s) => {
      const a = answers();
      const i = inputs(a);
      (i.secrets as Map<string, string>).set('controlPlane.database.password', s === '' ? ' ' : s);
      const [cp] = renderReleases(i);
      expect(parse(cp!.text).zenml.database.external.password).toBe(s === '' ? ' ' : s);
    },
  );

  test('the same answers render byte-identical files', () => {
    const first = renderReleases(inputs(answers())).map((r) => r.text);
    const second = renderReleases(inputs(answers())).map((r) => r.text);
    expect(second).toEqual(first);
  });
});

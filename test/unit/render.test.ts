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

function inputs(a: Answers, extra: Partial<RenderInputs> = {}): RenderInputs {
  const secrets = new Map(secretSlots(a).map((s) => [s.key, s.hex64 ? 'a'.repeat(64) : `secret-for-${s.key}`]));
  return { answers: a, secrets, readFile: (p) => `PEM(${p})\n`, templates, version: '9.9.9', ...extra };
}

describe('values for the control plane', () => {
  test('follow the zenml-pro chart keys', () => {
    const [cp] = renderReleases(inputs(answers()));
    const values = parse(cp!.text);
    expect(values.zenml.serverURL).toBe('https://zenml-pro.example.com');
    expect(values.zenml.database.external).toEqual({
      type: 'mysql', host: 'db.example.com', port: 3306, username: 'cp', password: 'secret-for-controlPlane.database.password', database: 'zenml_pro',
    });
    expect(values.zenml.image.api).toEqual({ repository: '715803424590.dkr.ecr.eu-west-1.amazonaws.com/zenml-pro-api', tag: '0.93.0' });
    expect(values.zenml.auth.password.adminPassword).toBe('secret-for-controlPlane.adminPassword');
    expect(values.zenml.ingress).toMatchObject({ enabled: true, host: 'zenml-pro.example.com', className: 'nginx', tls: { enabled: true, secretName: 'zenml-tls' } });
    expect(values.zenml.auth.sso).toEqual({ enabled: false });
    expect(values.imagePullSecrets).toBeUndefined();
  });

  test('keeps the template comments an operator reads', () => {
    const [cp] = renderReleases(inputs(answers()));
    expect(cp!.text).toContain('# External URL of the control plane: the UI at the root, the API at /api/v1.');
    expect(cp!.text.split('\n')[0]).toBe('# Rendered by zenml-pro-installer 9.9.9 for release zenml-pro (chart zenml-pro 0.93.0) in namespace zenml-pro.');
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

  test('render under zenml: for older charts and server: for newer ones', () => {
    const older = renderReleases(inputs(answers((a) => { a.controlPlane.version = '0.93.0'; a.workspaces[0].version = '0.82.0'; })))[1]!;
    expect(Object.keys(parse(older.text))).toContain('zenml');
    expect(Object.keys(parse(older.text))).not.toContain('server');
    const newer = renderReleases(inputs(answers()))[1]!;
    expect(Object.keys(parse(newer.text))).toContain('server');
  });

  test("the chart's own values decide the root over the version", () => {
    const legacyChart = 'zenml:\n  image:\n    repository: x\n';
    expect(chooseChartRoot('0.93.0', legacyChart).root).toBe('zenml');
    expect(chooseChartRoot('0.80.0', 'server: {}\nzenml: {}\n').root).toBe('server');
    expect(chooseChartRoot('0.80.0').root).toBe('zenml');
    const ws = renderReleases(inputs(answers(), { workspaceChartValues: new Map([['ml', legacyChart]]) }))[1]!;
    expect(Object.keys(parse(ws.text))).toContain('zenml');
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

  test('an automatic enrollment not done yet is marked pending', () => {
    const ws = renderReleases(inputs(answers((a) => { a.workspaces[0].enrollment = { mode: 'automatic' }; })))[1]!;
    expect(ws.pending).toContain('enrollment pending');
    expect(parse(ws.text).server.pro.workspaceID).toBeUndefined();
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

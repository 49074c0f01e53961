// `adopt` reads answers back from what runs. The honest test of "describes
// what runs": render an example's values with the real renderer (as a plain
// `helm install` would have been given them), adopt them, render the adopted
// answers, and get the same values back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { loadAnswersText, validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import { secretSlots } from '../../src/answers/secrets.js';
import { adoptAnswers, secretFile, type AdoptRelease, type Adopted } from '../../src/plan/adopt.js';
import { canonicalJson } from '../../src/plan/install-plan.js';
import { renderReleases, type ChartRead } from '../../src/render/render.js';

const ROOT = join(__dirname, '../..');
const templates = {
  controlPlane: readFileSync(join(ROOT, 'templates/control-plane.yaml'), 'utf8'),
  workspace: readFileSync(join(ROOT, 'templates/workspace.yaml'), 'utf8'),
};
const chartValues = (dir: string): ChartRead => ({ values: readFileSync(join(ROOT, 'charts', dir, 'values.yaml'), 'utf8'), source: dir });

function loadExample(file: string, edit: (text: string) => string = (t) => t): Answers {
  const result = loadAnswersText(edit(readFileSync(join(ROOT, 'examples', file), 'utf8')), file);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.answers;
}

/** A value per secret slot, as an install would have resolved them. */
function fakeSecrets(answers: Answers): Map<string, string> {
  return new Map(secretSlots(answers).map((s) => [s.key, s.hex64 ? `${s.key.length.toString(16)}`.padEnd(64, 'c') : `p@ss:/${s.key}`]));
}

/** Each release's values as helm got them (the values file's text), with the chart version the answers name. */
function rendered(answers: Answers, secrets: ReadonlyMap<string, string>, workspaceChart = 'zenml'): AdoptRelease[] {
  const releases = renderReleases({
    answers, secrets, readFile: (p) => `PEM ${p}`, templates, version: 'test',
    controlPlaneChart: chartValues('zenml-pro'),
    workspaceCharts: new Map(answers.workspaces.map((w) => [w.name, chartValues(workspaceChart)])),
  });
  return releases.map((r) => {
    const w = answers.workspaces.find((x) => `workspace-${x.name}` === r.id);
    const cp = answers.controlPlane;
    return w
      ? { chart: 'zenml' as const, release: w.releaseName, namespace: w.namespace ?? `zenml-workspace-${w.name}`, chartVersion: w.version, values: parse(r.text) as Record<string, unknown> }
      : { chart: 'zenml-pro' as const, release: cp?.releaseName ?? '', namespace: cp?.namespace ?? '', chartVersion: cp?.version ?? '', values: parse(r.text) as Record<string, unknown> };
  });
}

/** The adopted answers, validated, and their secrets as the files would give them. */
function reload(adopted: Adopted, patch: (a: Record<string, any>) => void = () => undefined): { answers: Answers; secrets: Map<string, string> } {
  const raw = structuredClone(adopted.answers) as Record<string, any>;
  patch(raw);
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const byFile = new Map(adopted.secrets.map((s) => [secretFile(s.slot), s.value]));
  const secrets = new Map(secretSlots(result.answers).map((s) => {
    const ref = s.ref as { fromFile: string };
    return [s.key, byFile.get(ref.fromFile) ?? ''];
  }));
  return { answers: result.answers, secrets };
}

const byId = (rs: readonly AdoptRelease[]): Record<string, unknown> => Object.fromEntries(rs.map((r) => [`${r.namespace}/${r.release}`, r.values]));

describe('adopt, round trip through the real renderer', () => {
  test.each([
    ['sim.yaml', []],
    ['self-hosted.yaml', []],
    ['hybrid.yaml', ['images.auth.password', 'images.auth.username']],
  ])('%s: the adopted answers render the values that run', (file, fill) => {
    const answers = loadExample(file);
    const live = rendered(answers, fakeSecrets(answers));
    const adopted = adoptAnswers(live, { context: 'ctx' });
    expect(adopted.problems.map((p) => p.split(':')[0])).toEqual(fill);
    expect(adopted.unmapped).toEqual([]);
    // Nothing needed extraValues: the answers model every value the installer renders.
    expect(JSON.stringify(adopted.answers)).not.toContain('extraValues');
    const again = reload(adopted, (a) => {
      if (fill.length > 0) a.images.auth.username = 'puller';
    });
    expect(canonicalJson(byId(rendered(again.answers, again.secrets)))).toBe(canonicalJson(byId(live)));
  });

  test('secrets are references to ./secrets files, never literals, and every value the releases hold is one', () => {
    const answers = loadExample('sim.yaml');
    const secrets = fakeSecrets(answers);
    const adopted = adoptAnswers(rendered(answers, secrets), { context: 'zenml-sim' });
    const text = JSON.stringify(adopted.answers);
    for (const value of secrets.values()) expect(text).not.toContain(value);
    expect(adopted.secrets.map((s) => s.slot).sort()).toEqual([...secrets.keys()].sort());
    expect(adopted.answers).toMatchObject({
      scenario: 'self-hosted',
      cluster: { context: 'zenml-sim', tls: { provisioning: 'cert-manager', certManager: { issuer: 'sim-issuer', kind: 'ClusterIssuer' } } },
      images: { source: 'private', registry: 'registry.sim.example.com/zenml' },
      controlPlane: { namespace: 'zenml-pro', releaseName: 'zenml-pro', version: '0.13.0', hostname: 'zenml-pro.sim.example.com', adminPassword: { fromFile: './secrets/controlPlane.adminPassword' } },
      workspaces: [
        { name: 'ml', namespace: 'zenml-workspace-ml', database: { host: 'mysql.sim.example.com', name: 'zenml_ml', username: 'zenml_ml', password: { fromFile: './secrets/workspaces.ml.database.password' } }, enrollment: { mode: 'manual', organizationId: '11111111-2222-4333-8444-555555555555', workspaceId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' } },
        { name: 'research' },
      ],
    });
  });

  test('the older `zenml:` workspace root (chart 0.82.0) is read, and the answers render under it again', () => {
    const answers = loadExample('hybrid.yaml', (t) => t.replace('version: 0.93.2', 'version: 0.82.0'));
    const live = rendered(answers, fakeSecrets(answers), 'zenml-legacy-root');
    expect(Object.keys(live[0]?.values ?? {})).toContain('zenml');
    expect(Object.keys(live[0]?.values ?? {})).not.toContain('server');
    const adopted = adoptAnswers(live, { context: 'ctx' });
    expect(adopted.answers).toMatchObject({ scenario: 'hybrid', workspaces: [{ name: 'ml-hybrid', version: '0.82.0', hostname: 'zenml.ml.example.com', database: { host: 'mysql.ml.example.com' } }] });
    expect(adopted.unmapped).toEqual([]);
    const again = reload(adopted, (a) => (a.images.auth.username = 'puller'));
    expect(canonicalJson(byId(rendered(again.answers, again.secrets, 'zenml-legacy-root')))).toBe(canonicalJson(byId(live)));
  });

  test('a value the answers do not model is listed as unmapped (the upgrade keeps it), one they render otherwise lands in extraValues', () => {
    const answers = loadExample('sim.yaml');
    const live = rendered(answers, fakeSecrets(answers));
    const ml = live.find((r) => r.namespace === 'zenml-workspace-ml') as { values: Record<string, any> };
    ml.values.podAnnotations = { team: 'ml' };
    ml.values.server.database.backupStrategy = 'dump-file';
    ml.values.server.ingress.tls.secretName = 'hand-made-tls';
    const adopted = adoptAnswers(live, { context: 'ctx' });
    expect([...adopted.unmapped].sort()).toEqual(['zenml-workspace-ml/zenml: podAnnotations.team', 'zenml-workspace-ml/zenml: server.database.backupStrategy']);
    expect(adopted.answers.workspaces).toMatchObject([{ extraValues: { server: { ingress: { tls: { secretName: 'hand-made-tls' } } } } }, {}]);
    expect(adopted.notes.join('\n')).toContain('server.ingress.tls.secretName');
    expect(adopted.problems).toEqual([]);
  });

  test('a release with both roots is read as the chart reads it: `zenml:` wins over `server:`', () => {
    const answers = loadExample('sim.yaml');
    const live = rendered(answers, fakeSecrets(answers));
    const ml = live.find((r) => r.namespace === 'zenml-workspace-ml') as { values: Record<string, any> };
    ml.values.zenml = { replicaCount: 3, podAnnotations: { team: 'ml' } };
    const adopted = adoptAnswers(live, { context: 'ctx' });
    expect(adopted.answers.workspaces).toMatchObject([{ name: 'ml', replicas: 3 }, { name: 'research', replicas: 1 }]);
    expect(adopted.unmapped).toEqual(['zenml-workspace-ml/zenml: server.podAnnotations.team']);
  });
});

describe('adopt, what it cannot know', () => {
  const handMade = (values: Record<string, unknown>): AdoptRelease[] => [{ chart: 'zenml', release: 'zenml', namespace: 'zenml-hybrid', chartVersion: '0.93.2', values }];

  test('a hand-written hybrid release: the database URL is parsed, generated secrets are asked for, chart defaults are named', () => {
    const adopted = adoptAnswers(handMade({
      server: {
        image: { repository: '715803424590.dkr.ecr.eu-central-1.amazonaws.com/zenml-pro-server' },
        serverURL: 'https://zenml.ml.example.com',
        database: { url: 'mysql://zenml:s%40cret@mysql.ml.example.com:3307/zenml_hybrid' },
        pro: { enabled: true, organizationID: 'org', workspaceID: 'ws', workspaceName: 'ml-hybrid', enrollmentKey: 'k'.repeat(40) },
        ingress: { enabled: true, host: 'zenml.ml.example.com', tls: { enabled: true, secretName: 'zenml-tls' } },
      },
    }), { context: 'ctx' });
    expect(adopted.answers).toMatchObject({
      scenario: 'hybrid', existingControlPlane: { apiUrl: 'https://cloudapi.zenml.io' }, images: { source: 'zenml-ecr' },
      workspaces: [{ name: 'ml-hybrid', database: { host: 'mysql.ml.example.com', port: 3307, name: 'zenml_hybrid', username: 'zenml' }, resources: {} }],
    });
    expect(adopted.secrets).toEqual(expect.arrayContaining([{ slot: 'workspaces.ml-hybrid.database.password', value: 's@cret' }]));
    const fields = adopted.problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['workspaces[0].encryptionKey', 'workspaces[0].jwtSecretKey', 'cluster.tls.certFile', 'cluster.tls.keyFile']));
    expect(adopted.problems.find((p) => p.startsWith('workspaces[0].jwtSecretKey'))).toContain('kubectl -n zenml-hybrid get secret zenml');
    expect(adopted.notes.join('\n')).toMatch(/chart's defaults.*server\.threadPoolSize/);
    for (const p of [...adopted.problems, ...adopted.notes]) expect(p).not.toContain('s@cret');
  });

  test('a database password kept in a Secret of its own is a field to fill in, named with where it lives; the reference is kept as set', () => {
    const adopted = adoptAnswers(handMade({
      server: {
        image: { repository: 'europe-west3-docker.pkg.dev/zenml-cloud/zenml-pro/zenml-pro-server' },
        serverURL: 'https://zenml.ml.example.com',
        database: { url: 'mysql://zenml@db.example.com/zenml', passwordSecretRef: { name: 'db-pass', key: 'password' } },
        secretsStore: { sql: { encryptionKey: 'b'.repeat(64) } },
        auth: { jwtSecretKey: 'j'.repeat(32) },
        pro: { enabled: true, organizationID: 'org', workspaceID: 'ws', enrollmentKey: 'k'.repeat(40) },
      },
    }), { context: 'ctx' });
    expect(adopted.problems).toHaveLength(1);
    expect(adopted.problems[0]).toMatch(/^workspaces\[0\]\.database\.password: .*Secret db-pass/);
    expect(adopted.unmapped).toEqual(['zenml-hybrid/zenml: server.database.passwordSecretRef.name', 'zenml-hybrid/zenml: server.database.passwordSecretRef.key']);
    expect(adopted.answers.workspaces).toMatchObject([{ name: 'zenml-hybrid', enrollment: { mode: 'manual', organizationId: 'org', workspaceId: 'ws' } }]);
  });

  test('a workspace of a control plane elsewhere without its enrollment is a problem, and its values are still checked', () => {
    const adopted = adoptAnswers(handMade({ server: { image: { repository: 'europe-west3-docker.pkg.dev/zenml-cloud/zenml-pro/zenml-pro-server' }, serverURL: 'https://zenml.ml.example.com', database: { url: 'mysql://u:p@db.example.com/ws' }, secretsStore: { sql: { encryptionKey: 'b'.repeat(64) } }, auth: { jwtSecretKey: 'j'.repeat(32) }, pro: { enabled: true }, podAnnotations: { a: 'b' } } }), { context: 'ctx' });
    expect(adopted.problems.map((p) => p.split(':')[0])).toEqual(['workspaces[0].enrollment']);
    expect(adopted.unmapped).toEqual(['zenml-hybrid/zenml: server.podAnnotations.a']);
  });
});

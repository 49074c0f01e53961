import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadAnswersText, validateAnswers, type Problem } from '../../src/answers/load.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';

function problems(input: unknown): readonly Problem[] {
  const result = validateAnswers(input);
  return result.ok ? [] : result.problems;
}

function messageAt(input: unknown, path: string): string | undefined {
  return problems(input).find((p) => p.path === path)?.message;
}

describe('a valid file', () => {
  test('the base answers are valid and get their defaults', () => {
    const result = validateAnswers(baseAnswers());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answers.controlPlane?.namespace).toBe('zenml-pro');
    expect(result.answers.controlPlane?.adminPassword).toEqual({ generate: true });
    expect(result.answers.workspaces[0]?.database.port).toBe(3306);
    expect(result.answers.cluster.ingress.className).toBe('nginx');
  });

  // Release data files (*-upgrade-data.yaml) are not answers: test/unit/upgrade-data.test.ts reads them.
  test.each(readdirSync(join(__dirname, '../../examples')).filter((f) => f.endsWith('.yaml') && !f.endsWith('-upgrade-data.yaml')))('examples/%s is valid', (file) => {
    const text = readFileSync(join(__dirname, '../../examples', file), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=/);
    const result = loadAnswersText(text, file);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe('hostnames are FQDNs', () => {
  test.each([
    ['zenml', 'bare name'],
    ['localhost', 'localhost'],
    ['Zenml.Example.com', 'lowercase'],
    ['https://zenml.example.com', 'host name only'],
    ['*.example.com', 'wildcard'],
    ['10.0.0.1', 'IP address'],
    ['zen_ml.example.com', 'not a valid DNS label'],
  ])('%s is refused (%s)', (hostname, fragment) => {
    const a = baseAnswers();
    a.controlPlane.hostname = hostname;
    expect(messageAt(a, 'controlPlane.hostname')).toContain(fragment);
  });

  test('a workspace hostname is checked the same way', () => {
    const a = baseAnswers();
    a.workspaces[0].hostname = 'ml';
    expect(messageAt(a, 'workspaces[0].hostname')).toContain('fully qualified');
  });
});

describe('URLs are https', () => {
  test('an http control-plane API is refused', () => {
    const a = baseAnswers();
    a.scenario = 'workspace-only';
    delete a.controlPlane;
    a.existingControlPlane = { apiUrl: 'http://cp.example.com/api/v1' };
    expect(messageAt(a, 'existingControlPlane.apiUrl')).toContain('must use https://');
  });

  test('an SSO discovery URL must be https and the discovery document', () => {
    const a = baseAnswers();
    a.controlPlane.sso = { enabled: true, discoveryUrl: 'https://idp.example.com/', clientId: 'x', clientSecret: { fromEnv: 'S' } };
    expect(messageAt(a, 'controlPlane.sso.discoveryUrl')).toContain('/.well-known/openid-configuration');
    a.controlPlane.sso.discoveryUrl = 'http://idp.example.com/.well-known/openid-configuration';
    expect(messageAt(a, 'controlPlane.sso.discoveryUrl')).toContain('https://');
  });
});

describe('workspace databases', () => {
  test('are MySQL only, with the fix in the message', () => {
    const a = baseAnswers();
    a.workspaces.push(secondWorkspace({ database: { ...secondWorkspace().database, type: 'postgres' } }));
    expect(messageAt(a, 'workspaces[1].database.type')).toBe('workspace servers support MySQL only; use a MySQL 8.0+ database (got "postgres")');
  });

  test('are distinct per workspace', () => {
    const a = baseAnswers();
    a.workspaces.push(secondWorkspace({ database: { ...a.workspaces[0].database } }));
    expect(messageAt(a, 'workspaces[1].database')).toContain('every workspace needs its own database');
  });

  test('are distinct from the control plane database', () => {
    const a = baseAnswers();
    a.workspaces[0].database.name = 'zenml_pro';
    expect(messageAt(a, 'workspaces[0].database')).toContain('control plane database');
  });
});

describe('workspaces are unique', () => {
  test('by name', () => {
    const a = baseAnswers();
    a.workspaces.push(secondWorkspace({ name: 'ml' }));
    expect(messageAt(a, 'workspaces[1].name')).toContain('already used by workspaces[0]');
  });

  test('by hostname', () => {
    const a = baseAnswers();
    a.workspaces.push(secondWorkspace({ hostname: 'ml.example.com' }));
    expect(messageAt(a, 'workspaces[1].hostname')).toContain('already used by workspaces[0]');
  });

  test('and a workspace cannot share the control plane host', () => {
    const a = baseAnswers();
    a.workspaces[0].hostname = 'zenml-pro.example.com';
    expect(messageAt(a, 'workspaces[0].hostname')).toContain('control plane hostname');
  });
});

describe('encryption keys', () => {
  test('a literal key must be 64 hex characters', () => {
    const a = baseAnswers();
    a.workspaces[0].encryptionKey = 'not-hex';
    expect(messageAt(a, 'workspaces[0].encryptionKey')).toContain('openssl rand -hex 32');
    a.workspaces[0].encryptionKey = 'ab'.repeat(32);
    expect(messageAt(a, 'workspaces[0].encryptionKey')).toBeUndefined();
  });
});

describe('versions', () => {
  test("the guide's own pair is accepted: control plane 0.13.0 with workspace servers 0.93.2", () => {
    const a = baseAnswers();
    a.controlPlane.version = '0.13.0';
    a.workspaces[0].version = '0.93.2';
    const result = validateAnswers(a);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.warnings.filter((w) => w.path.endsWith('.version'))).toEqual([]);
  });

  test('a pair the installer cannot verify is a warning naming both versions and the release notes, not a refusal', () => {
    const a = baseAnswers();
    a.controlPlane.version = '0.14.0';
    a.workspaces[0].version = '0.95.0';
    const result = validateAnswers(a);
    expect(result.ok).toBe(true);
    const warning = result.ok ? result.warnings.find((w) => w.path === 'workspaces[0].version') : undefined;
    expect(warning?.message).toContain('cannot verify that control plane 0.14.0 serves workspace server 0.95.0');
    expect(warning?.message).toContain('release notes');
  });

  test('versions are exact semver', () => {
    const a = baseAnswers();
    a.controlPlane.version = '^0.93';
    expect(messageAt(a, 'controlPlane.version')).toContain('exact chart version');
  });

  test('the workload manager needs a 0.90+ workspace', () => {
    const a = baseAnswers();
    a.controlPlane.version = '0.93.0';
    a.workspaces[0].version = '0.85.0';
    a.workspaces[0].workloadManager = { enabled: true };
    expect(messageAt(a, 'workspaces[0].workloadManager.enabled')).toContain('0.90.0 or newer');
  });
});

describe('registries and images follow the OCI reference grammar', () => {
  test.each([
    ['images.registry', (a: Record<string, any>) => { a.images = { source: 'private', registry: 'https://my registry/zenml' }; }],
    ['images.repositories.server', (a: Record<string, any>) => { a.images.repositories = { server: 'Registry.example.com/Zenml-Pro-Server' }; }],
    ['workspaces[0].workloadManager.runnerImage', (a: Record<string, any>) => { a.workspaces[0].workloadManager = { enabled: true, runnerImage: 'registry.example.com/zenml runner:1' }; }],
    ['workspaces[0].workloadManager.registry', (a: Record<string, any>) => { a.workspaces[0].workloadManager = { enabled: true, buildRunnerImage: true, registry: 'http://registry.example.com' }; }],
  ])('%s is refused at its path', (path, mutate) => {
    const a = baseAnswers();
    mutate(a);
    expect(messageAt(a, path)).toBeDefined();
  });
});

describe('settings the guide sets', () => {
  test('the connection pool must cover the server threads plus the auth threads, unless overflow is unlimited', () => {
    const a = baseAnswers();
    a.workspaces[0].threadPoolSize = 20;
    a.workspaces[0].database.poolSize = 10;
    a.workspaces[0].database.maxOverflow = 10;
    expect(messageAt(a, 'workspaces[0].database.poolSize')).toContain('(25)');
    a.workspaces[0].database.maxOverflow = 15;
    expect(messageAt(a, 'workspaces[0].database.poolSize')).toBeUndefined();
    a.workspaces[0].database.maxOverflow = -1;
    a.workspaces[0].database.poolSize = 1;
    expect(messageAt(a, 'workspaces[0].database.poolSize')).toBeUndefined();
  });

  test('a disruption budget that would block every drain is refused', () => {
    const a = baseAnswers();
    a.workspaces[0].podDisruptionBudget = { minAvailable: 1 };
    expect(messageAt(a, 'workspaces[0].podDisruptionBudget.minAvailable')).toContain('raise workspaces[0].replicas');
    a.workspaces[0].replicas = 2;
    expect(messageAt(a, 'workspaces[0].podDisruptionBudget.minAvailable')).toBeUndefined();
    a.controlPlane.podDisruptionBudget = { minAvailable: 3 };
    a.controlPlane.replicas = 3;
    expect(messageAt(a, 'controlPlane.podDisruptionBudget.minAvailable')).toContain('no node could ever be drained');
  });

  test('control-plane database TLS is refused clearly: the chart documents no such setting', () => {
    const a = baseAnswers();
    a.controlPlane.database.tls = { enabled: true };
    expect(messageAt(a, 'controlPlane.database.tls')).toContain('controlPlane.extraValues');
  });

  test('external runner logs are an AWS workload-manager feature', () => {
    const a = baseAnswers();
    a.workspaces[0].workloadManager = { enabled: true, awsBucket: 's3://logs' };
    expect(messageAt(a, 'workspaces[0].workloadManager.awsBucket')).toContain('implementation: aws');
  });
});

describe('required fields per scenario', () => {
  test('self-hosted needs a control plane', () => {
    const a = baseAnswers();
    delete a.controlPlane;
    expect(messageAt(a, 'controlPlane')).toContain('required for the self-hosted scenario');
  });

  test('hybrid refuses a control plane block and defaults to the SaaS', () => {
    const a = baseAnswers();
    a.scenario = 'hybrid';
    expect(messageAt(a, 'controlPlane')).toContain('only for the self-hosted scenario');
    delete a.controlPlane;
    const result = validateAnswers(a);
    expect(result.ok).toBe(true);
  });

  test('workspace-only needs the existing control plane API', () => {
    const a = baseAnswers();
    a.scenario = 'workspace-only';
    delete a.controlPlane;
    expect(messageAt(a, 'existingControlPlane.apiUrl')).toContain('required for workspace-only');
  });

  test('against a control plane elsewhere, manual enrollment needs the values from its UI before anything runs', () => {
    const a = baseAnswers();
    a.scenario = 'hybrid';
    delete a.controlPlane;
    a.workspaces[0].enrollment = {};
    const paths = problems(a).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['workspaces[0].enrollment.organizationId', 'workspaces[0].enrollment.workspaceId', 'workspaces[0].enrollment.enrollmentKey']));
  });

  test('self-hosted answers without enrollment values are valid: the install waits for them after the control plane', () => {
    const a = baseAnswers();
    a.workspaces[0].enrollment = {};
    expect(problems(a)).toEqual([]);
  });

  test('automatic enrollment needs a credential for the control-plane API, and no hand-copied values beside it', () => {
    const a = baseAnswers();
    a.workspaces[0].enrollment = { mode: 'automatic' };
    expect(problems(a)).toEqual([]);
    a.controlPlane.passwordAuth = false;
    a.controlPlane.sso = { enabled: true, discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', clientId: 'zenml', clientSecret: { fromEnv: 'OIDC_SECRET' } };
    expect(messageAt(a, 'workspaces[0].enrollment.mode')).toContain('controlPlane.apiToken');
    a.controlPlane.apiToken = { fromEnv: 'ZENML_PAT' };
    expect(problems(a)).toEqual([]);
    a.workspaces[0].enrollment = { mode: 'automatic', workspaceId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' };
    expect(messageAt(a, 'workspaces[0].enrollment.mode')).toContain('remove organizationId, workspaceId and enrollmentKey');
  });

  test('users are local accounts of a self-hosted control plane with password logins, each named once', () => {
    const a = baseAnswers();
    a.users = [{ username: 'alice', superuser: true }, { username: 'bob' }];
    expect(problems(a)).toEqual([]);
    a.users.push({ username: 'alice' });
    expect(messageAt(a, 'users[2].username')).toContain('repeats users[0].username');
    a.users = [{ username: 'admin' }];
    expect(messageAt(a, 'users[0].username')).toContain('reserved');
  });

  test('air-gapped needs a local chart for every workspace that has none of its own', () => {
    const a = baseAnswers();
    a.airGapped = true;
    a.images = { source: 'private', registry: 'registry.internal.example.com/zenml' };
    a.charts = { controlPlane: './zenml-pro-0.13.0.tgz' };
    a.workspaces[0].chart = './zenml-0.93.0.tgz';
    expect(problems(a)).toEqual([]);
    a.workspaces.push(secondWorkspace({ chart: 'oci://public.ecr.aws/zenml/zenml' }));
    expect(messageAt(a, 'workspaces[1].chart')).toContain('offline bundle');
  });

  test('air-gapped needs a private registry and local charts', () => {
    const a = baseAnswers();
    a.airGapped = true;
    expect(messageAt(a, 'images.source')).toContain('source: private');
    expect(messageAt(a, 'charts.controlPlane')).toContain('offline bundle');
    expect(messageAt(a, 'charts.workspace')).toContain('offline bundle');
  });

  test('private CA needs its CA file; per-host TLS needs every host', () => {
    const a = baseAnswers();
    a.cluster.tls = { provisioning: 'manual', ca: 'private', hosts: { 'zenml-pro.example.com': { certFile: 'a', keyFile: 'b' } } };
    expect(messageAt(a, 'cluster.tls.caFile')).toContain('required when the CA is private');
    expect(messageAt(a, 'cluster.tls.hosts.ml.example.com')).toContain('needs certFile and keyFile');
  });

  test('docker credentials need a username and password', () => {
    const a = baseAnswers();
    a.images.auth = { method: 'docker-credentials' };
    expect(messageAt(a, 'images.auth.username')).toBeDefined();
    expect(messageAt(a, 'images.auth.password')).toBeDefined();
  });
});

describe('reporting', () => {
  test('every problem at once, schema and cross-field together, in file order', () => {
    const a = baseAnswers();
    a.controlPlane.hostname = 'zenml';
    a.controlPlane.hostnme = 'typo';
    a.workspaces.push(secondWorkspace({ name: 'ml', database: { ...secondWorkspace().database, type: 'postgres' } }));
    const paths = problems(a).map((p) => p.path);
    expect(paths).toEqual(['controlPlane.hostname', 'controlPlane.hostnme', 'workspaces[1].database.type', 'workspaces[1].name', 'workspaces[1].namespace']);
  });

  test('an unknown key suggests the nearest known one', () => {
    const a = baseAnswers();
    a.workspaces[0].hostnme = 'x';
    expect(messageAt(a, 'workspaces[0].hostnme')).toBe('is not a known key; did you mean "hostname"?');
  });

  test('a missing field says what it is for', () => {
    const a = baseAnswers();
    delete a.controlPlane.hostname;
    expect(messageAt(a, 'controlPlane.hostname')).toMatch(/^is required: Host of the control plane/);
  });

  test('a bad secret reference shows the accepted forms', () => {
    const a = baseAnswers();
    a.controlPlane.database.password = { fromEnvv: 'X' };
    expect(messageAt(a, 'controlPlane.database.password')).toContain('{ fromEnv: NAME }, { fromFile: PATH }');
  });

  test('YAML syntax errors name the line and column', () => {
    const result = loadAnswersText('apiVersion: zenml-pro-installer/v1\nscenario: [self-hosted\nworkspaces: []\n', 'a.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.path).toMatch(/^a\.yaml:\d+:\d+$/);
    expect(result.problems[0]?.message).toContain('YAML syntax error');
  });

  test('duplicate keys are a syntax error, not a silent override', () => {
    const result = loadAnswersText('apiVersion: zenml-pro-installer/v1\nscenario: hybrid\nscenario: self-hosted\n', 'a.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.path).toBe('a.yaml:3:1');
  });

  test('literal secrets are accepted with a warning', () => {
    const a = baseAnswers();
    a.controlPlane.database.password = 'hunter22';
    const result = validateAnswers(a);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([expect.objectContaining({ path: 'controlPlane.database.password' })]);
  });
});

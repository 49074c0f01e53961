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

  test.each(readdirSync(join(__dirname, '../../examples')).filter((f) => f.endsWith('.yaml')))('examples/%s is valid', (file) => {
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
  test('the control plane must be at least every workspace version', () => {
    const a = baseAnswers();
    a.workspaces[0].version = '0.94.0';
    expect(messageAt(a, 'workspaces[0].version')).toContain('newer than the control plane (0.93.0)');
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

  test('manual enrollment needs the values from the control plane UI', () => {
    const a = baseAnswers();
    a.workspaces[0].enrollment = { mode: 'manual' };
    const paths = problems(a).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['workspaces[0].enrollment.organizationId', 'workspaces[0].enrollment.workspaceId', 'workspaces[0].enrollment.enrollmentKey']));
  });

  test('automatic enrollment against a remote control plane needs an API token', () => {
    const a = baseAnswers();
    a.scenario = 'hybrid';
    delete a.controlPlane;
    a.workspaces[0].enrollment = { mode: 'automatic' };
    expect(messageAt(a, 'existingControlPlane.apiToken')).toContain('automatic enrollment');
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

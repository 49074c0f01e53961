import { describe, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import { finalAnswers } from '../../src/wizard/answers-out.js';
import { initWizard } from '../../src/wizard/state.js';
import { walk } from './drive.js';
import { SELF_HOSTED_TWO_WORKSPACES, TYPED_SECRET_VALUES } from './scripts.js';

const contexts = ['dev', 'prod-eu'];

describe('a full self-hosted walk with two workspaces', () => {
  const { state, asked } = walk(initWizard({ contexts, currentContext: 'dev' }), SELF_HOSTED_TWO_WORKSPACES);
  const { raw, typedSecrets } = finalAnswers(state.data);

  test('asks every scripted question once, in section order, and ends at the review', () => {
    expect(state.screen).toEqual({ kind: 'review' });
    expect(asked).toEqual(Object.keys(SELF_HOSTED_TWO_WORKSPACES));
  });

  test('produces answers the validator accepts', () => {
    const result = validateAnswers(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
  });

  test('keeps typed secrets out of the answers and hands them back by env name', () => {
    const text = JSON.stringify(raw);
    for (const value of TYPED_SECRET_VALUES) expect(text).not.toContain(value);
    expect(Object.fromEntries(typedSecrets)).toEqual({
      ZPI_SECRET_IMAGES_AUTH_PASSWORD: 'registry-pass-123',
      ZPI_SECRET_WORKSPACE_ML_PROD_DATABASE_PASSWORD: 'ml-db-secret',
      ZPI_SECRET_WORKSPACE_RESEARCH_ENCRYPTION_KEY: 'a'.repeat(64),
      ZPI_SECRET_WORKSPACE_RESEARCH_ENROLLMENT_KEY: 'enroll-key-xyz',
    });
    expect((raw as any).workspaces[1].enrollment.enrollmentKey).toEqual({ fromEnv: 'ZPI_SECRET_WORKSPACE_RESEARCH_ENROLLMENT_KEY' });
  });

  test('writes the other references as chosen', () => {
    const a = raw as any;
    expect(a.controlPlane.database.password).toEqual({ fromEnv: 'CP_DB_PASSWORD' });
    expect(a.controlPlane.adminPassword).toEqual({ generate: true });
    expect(a.workspaces[1].database.password).toEqual({ fromFile: './secrets/research-db' });
    expect(a.cluster.tls.hosts).toEqual({
      'zenml-pro.example.com': { certFile: './tls/cp.crt', keyFile: './tls/cp.key' },
      'ml-prod.example.com': { certFile: './tls/ml.crt', keyFile: './tls/ml.key' },
      'research.example.com': { certFile: './tls/research.crt', keyFile: './tls/research.key' },
    });
    expect(a.cluster.context).toBe('prod-eu');
    expect(a.workspaces).toHaveLength(2);
    expect(a.workspaces[0].namespace).toBeUndefined();
    expect(a.workspaces[0].workloadManager).toMatchObject({ enabled: true, buildRunnerImage: false, serviceAccount: 'zenml-runner' });
  });
});

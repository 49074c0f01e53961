// Which of helm's release records is "latest" and which is "what runs":
// a killed helm leaves a pending revision on top, a failed upgrade a failed
// one; helm's own next upgrade starts from the newest deployed revision.
import { describe, expect, test } from 'vitest';
import { latestRecord, runningRecord, type ReleaseSecret } from '../../src/tools/helm-records.js';

const record = (revision: number, status: string): ReleaseSecret => ({ metadata: { name: `sh.helm.release.v1.zenml.v${revision}`, labels: { owner: 'helm', name: 'zenml', status, version: String(revision) } } });

describe('release records', () => {
  test('the latest is the highest revision, whatever its status', () => {
    expect(latestRecord([record(1, 'superseded'), record(3, 'pending-upgrade'), record(2, 'deployed')])?.metadata?.name).toBe('sh.helm.release.v1.zenml.v3');
  });

  test('what runs is the newest deployed revision when a later one is pending or failed', () => {
    expect(runningRecord([record(1, 'superseded'), record(3, 'pending-upgrade'), record(2, 'deployed')])?.metadata?.name).toBe('sh.helm.release.v1.zenml.v2');
    expect(runningRecord([record(2, 'deployed'), record(3, 'failed')])?.metadata?.name).toBe('sh.helm.release.v1.zenml.v2');
  });

  test('with no deployed revision, what runs is the latest; with no record, nothing', () => {
    expect(runningRecord([record(1, 'failed'), record(2, 'pending-install')])?.metadata?.name).toBe('sh.helm.release.v1.zenml.v2');
    expect(runningRecord([])).toBeUndefined();
  });
});

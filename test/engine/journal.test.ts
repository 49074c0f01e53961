import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  JournalError,
  JournalStore,
  checkResumeTarget,
  createJournal,
  journalPath,
  loadJournal,
  saveJournal,
  type ClusterIdentity,
} from '../../src/engine/journal.js';
import { Redactor } from '../../src/tools/redact.js';

const digest = `sha256:${createHash('sha256').update('answers').digest('hex')}`;
const cluster: ClusterIdentity = { context: 'prod-admin', server: 'https://10.0.0.1:6443', uid: 'uid-prod' };

let dir: string;
let redactor: Redactor;
let tick: number;
const clock = (): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-journal-'));
  redactor = new Redactor();
  redactor.add('db-password-value', 'database password');
  tick = 0;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function expectJournalError(promise: Promise<unknown>, kind: JournalError['kind']): Promise<JournalError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JournalError);
  expect((error as JournalError).kind).toBe(kind);
  return error as JournalError;
}

describe('journal', () => {
  it('returns undefined when the directory has no journal yet', async () => {
    expect(await loadJournal(dir)).toBeUndefined();
  });

  it('records a step lifecycle on disk, 0600, before each mark returns', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    expect(statSync(journalPath(dir)).mode & 0o777).toBe(0o600);

    await store.markRunning('install-control-plane', 'sha256:inputs1');
    let onDisk = await loadJournal(dir);
    expect(onDisk?.steps['install-control-plane']).toMatchObject({ state: 'running', attempts: 1, inputsDigest: 'sha256:inputs1' });

    await store.recordOutputs('install-control-plane', { enrollmentKeyFile: 'secrets/enrollment.key' });
    await store.markDone('install-control-plane', { release: 'zenml-pro' });
    onDisk = await loadJournal(dir);
    const step = onDisk?.steps['install-control-plane'];
    expect(step?.state).toBe('done');
    expect(step?.outputs).toEqual({ enrollmentKeyFile: 'secrets/enrollment.key', release: 'zenml-pro' });
    expect(step?.startedAt).toBe('2026-01-01T00:00:01.000Z');
    expect(step?.finishedAt).toBe('2026-01-01T00:00:03.000Z');
    expect(onDisk?.updatedAt).toBe('2026-01-01T00:00:03.000Z');
    expect(onDisk?.cluster).toEqual(cluster);
    expect(onDisk?.answersDigest).toBe(digest);
  });

  it('counts attempts and clears the error when a failed step is retried', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    await store.markRunning('wait-ready', 'd');
    await store.markFailed('wait-ready', { message: 'pods not ready', hint: 'check the image' });
    expect(store.step('wait-ready')?.error).toEqual({ message: 'pods not ready', hint: 'check the image' });
    await store.markRunning('wait-ready', 'd');
    const step = (await loadJournal(dir))?.steps['wait-ready'];
    expect(step?.attempts).toBe(2);
    expect(step?.error).toBeUndefined();
    expect(step?.finishedAt).toBeUndefined();
  });

  it('scrubs secret values out of failure messages instead of storing them', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    await store.markFailed('create-db-secret', { message: 'mysql: access denied for zenml:db-password-value' });
    const text = readFileSync(journalPath(dir), 'utf8');
    expect(text).not.toContain('db-password-value');
    expect(text).toContain('access denied for zenml:***');
  });

  it('refuses to write an output holding a secret value (in any known encoding) and keeps the old state', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    await store.markRunning('db', 'd');
    const before = readFileSync(journalPath(dir), 'utf8');
    const b64 = Buffer.from('db-password-value').toString('base64');
    const error = await expectJournalError(store.markDone('db', { password: b64 }), 'secret-value');
    expect(error.message).toContain('database password');
    expect(error.message).not.toContain('db-password-value');
    expect(readFileSync(journalPath(dir), 'utf8')).toBe(before);
    expect(store.step('db')?.state).toBe('running');
    // The store stays usable after a refusal.
    await store.markDone('db', { passwordSecret: 'zenml-db-credentials' });
    expect((await loadJournal(dir))?.steps.db?.state).toBe('done');
  });

  it('marks an interruption on the step and the journal, and clears the marker when that step runs again', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    await store.markRunning('helm-install', 'd');
    await store.markInterrupted('helm-install', 'SIGINT');
    const onDisk = await loadJournal(dir);
    expect(onDisk?.interrupted).toEqual({ stepId: 'helm-install', at: '2026-01-01T00:00:02.000Z', reason: 'SIGINT' });
    expect(onDisk?.steps['helm-install']?.state).toBe('interrupted');

    const resumed = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    expect(resumed.journal.interrupted?.stepId).toBe('helm-install');
    await resumed.markRunning('helm-install', 'd');
    expect((await loadJournal(dir))?.interrupted).toBeUndefined();
  });

  it('keeps every record when steps are marked concurrently', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    const ids = Array.from({ length: 12 }, (_, i) => `probe-${i}`);
    await Promise.all(ids.map((id) => store.markDone(id, { n: id })));
    const onDisk = await loadJournal(dir);
    expect(Object.keys(onDisk?.steps ?? {}).sort()).toEqual([...ids].sort());
  });

  it('reports a corrupt file as a typed error that says what to do', async () => {
    writeFileSync(journalPath(dir), '{"schemaVersion": 1, "steps": {');
    const error = await expectJournalError(loadJournal(dir), 'corrupt');
    expect(error.message).toContain('not valid JSON');
    expect(error.message).toContain(`mv ${journalPath(dir)} ${journalPath(dir)}.bak`);
  });

  it('reports a file of the wrong shape with the offending field', async () => {
    const journal = createJournal({ answersDigest: digest, cluster });
    const broken = { ...journal, steps: { a: { state: 'exploded', attempts: 0, outputs: {} } } };
    writeFileSync(journalPath(dir), JSON.stringify(broken));
    const error = await expectJournalError(loadJournal(dir), 'invalid');
    expect(error.message).toContain('steps.a.state');
  });

  it('refuses a journal from a newer installer and says to upgrade', async () => {
    writeFileSync(journalPath(dir), JSON.stringify({ schemaVersion: 2, whatever: true }));
    const error = await expectJournalError(loadJournal(dir), 'newer-schema');
    expect(error.message).toMatch(/newer zenml-pro-installer.*schema 2.*Upgrade the installer/);
  });

  it('records a new answers digest when the answers changed between runs', async () => {
    const store = await JournalStore.open(dir, { answersDigest: digest, cluster }, redactor, clock);
    const changed = `sha256:${createHash('sha256').update('answers v2').digest('hex')}`;
    await store.setAnswersDigest(changed);
    expect((await loadJournal(dir))?.answersDigest).toBe(changed);
    await expect(store.setAnswersDigest('not-a-digest')).rejects.toThrow();
    expect((await loadJournal(dir))?.answersDigest).toBe(changed);
  });

  it('rejects an answers digest that is not sha256', () => {
    expect(() => createJournal({ answersDigest: 'abc', cluster })).toThrow();
  });

  it('round-trips through saveJournal and loadJournal', async () => {
    const journal = createJournal({ answersDigest: digest, cluster, now: new Date(0) });
    await saveJournal(dir, journal, redactor);
    expect(await loadJournal(dir)).toEqual(journal);
  });
});

describe('checkResumeTarget', () => {
  const journal = createJournal({ answersDigest: digest, cluster });

  it('accepts the same cluster, even under a trailing slash', () => {
    expect(checkResumeTarget(journal, { ...cluster, server: 'https://10.0.0.1:6443/' })).toBeUndefined();
  });

  it('lets the cluster uid decide when both sides know it', () => {
    expect(checkResumeTarget(journal, { context: 'renamed', server: 'https://lb.example:443', uid: 'uid-prod' })).toBeUndefined();
    expect(checkResumeTarget(journal, { ...cluster, uid: 'uid-staging' })).toBeDefined();
  });

  it('refuses another cluster and says where each side points and what to do', () => {
    const message = checkResumeTarget(journal, { context: 'staging', server: 'https://10.9.9.9:6443' }, '/srv/zenml');
    expect(message).toContain('The install directory /srv/zenml belongs to context "prod-admin" at https://10.0.0.1:6443 (cluster uid uid-prod)');
    expect(message).toContain('you are pointing at context "staging" at https://10.9.9.9:6443');
    expect(message).toContain('select context "prod-admin" again');
    expect(message).toContain('use a different install directory');
  });
});

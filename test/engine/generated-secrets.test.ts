// A damaged generated-secrets.yaml stops with a user error (exit 3) that
// names the file and where it is damaged, says to restore it from backup and
// not to delete it, and never quotes a secret; an intact file reads back.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { GENERATED_SECRETS_FILE, GeneratedSecretsStore } from '../../src/engine/generated-secrets.js';
import { ExitCode, UserError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'zpi-generated-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function dirWith(text: string): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, GENERATED_SECRETS_FILE), text, { mode: 0o600 });
  return dir;
}

function openError(dir: string): UserError {
  try {
    GeneratedSecretsStore.open(dir);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('open succeeded');
}

const SECRET = 'kX9vQ2mN8pL4rT6wZ1yB3cD5fG7hJ0sA';

describe('a damaged file', () => {
  test.each([
    ['broken YAML', `controlPlane.adminPassword: ${SECRET}\nworkspaces.ml.encryptionKey: "${SECRET}\n`, /it is not valid YAML \(line \d+, column \d+\)/],
    ['a duplicated key', `controlPlane.adminPassword: ${SECRET}\ncontrolPlane.adminPassword: ${SECRET}x\n`, /it is not valid YAML \(line 2, column 1\)/],
    ['a list', `- ${SECRET}\n`, /it is not a map of generated secrets/],
    ['a key without its value', `controlPlane.adminPassword: ${SECRET}\nworkspaces.ml.encryptionKey:\n`, /not a secret string: workspaces\.ml\.encryptionKey \(line 2\)/],
    ['a nested value', `workspaces.ml.jwtSecretKey:\n  value: ${SECRET}\n`, /not a secret string: workspaces\.ml\.jwtSecretKey \(line 1\)/],
    ['a pasted secret as a key', `controlPlane.adminPassword: x\n${SECRET}:\n`, /not a secret string: line 2\./],
  ])('%s: exit 3, the file and where, restore from backup, no secret in the message', (_what, text, where) => {
    const dir = dirWith(text);
    const error = openError(dir);
    expect(error.exitCode).toBe(ExitCode.blockedByCheck);
    expect(error.message).toContain(`${join(dir, GENERATED_SECRETS_FILE)} is damaged: `);
    expect(error.message).toMatch(where);
    expect(error.hints.join('\n')).toMatch(/restore .* from your backup[\s\S]*do not delete it/);
    expect([error.message, ...error.hints].join('\n')).not.toContain(SECRET);
  });

  test('a directory in its place is a user error naming it', () => {
    const dir = join(root, 'as-dir');
    mkdirSync(join(dir, GENERATED_SECRETS_FILE), { recursive: true });
    const error = openError(dir);
    expect(error.exitCode).toBe(ExitCode.blockedByCheck);
    expect(error.message).toContain(`cannot read ${join(dir, GENERATED_SECRETS_FILE)} (EISDIR)`);
  });
});

describe('an intact file', () => {
  test('what was saved opens again, values that look like numbers or booleans included', async () => {
    const dir = join(root, 'intact');
    const store = GeneratedSecretsStore.open(dir);
    store.remember('controlPlane.adminPassword', SECRET);
    store.remember('workspaces.ml.encryptionKey', '12345');
    store.remember('workspaces.ml.jwtSecretKey', 'true');
    await store.save();
    expect([...GeneratedSecretsStore.open(dir).all()]).toEqual([
      ['controlPlane.adminPassword', SECRET],
      ['workspaces.ml.encryptionKey', '12345'],
      ['workspaces.ml.jwtSecretKey', 'true'],
    ]);
  });

  test('an empty or comment-only file, or none, holds no secrets', () => {
    expect(GeneratedSecretsStore.open(dirWith('# only a comment\n')).all().size).toBe(0);
    expect(GeneratedSecretsStore.open(dirWith('')).all().size).toBe(0);
    expect(GeneratedSecretsStore.open(join(root, 'none')).all().size).toBe(0);
  });
});

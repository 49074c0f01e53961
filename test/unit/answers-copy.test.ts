// The answers copy in the install directory holds references only: literal
// secrets move to 0600 files under <dir>/secrets, and the copy, read back from
// the install directory, resolves to the very same secrets.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { stringify } from 'yaml';
import { resolveSecrets } from '../../src/answers/secrets.js';
import { saveAnswersCopy } from '../../src/commands/answers-copy.js';
import { loadAnswersFile, type LoadedAnswers } from '../../src/commands/answers-file.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';

const LITERALS = {
  cpDb: 'cp-db-literal-Zq8!',
  registry: 'registry-literal-"quoted" #hash',
  enrollment: 'enrollment-literal-\u00e9\u00e8',
  encryption: 'a1'.repeat(32),
  multiline: 'line one\nline two\n',
};

function secretsOf(loaded: LoadedAnswers): Map<string, string> {
  const generated = { get: () => 'cd'.repeat(32), remember: () => undefined };
  const resolved = resolveSecrets(loaded.answers, { env: { ML_DB_PASSWORD: 'from-env' }, readFile: (p) => readFileSync(loaded.resolvePath(p), 'utf8'), generated });
  expect(resolved.problems).toEqual([]);
  return new Map(resolved.values);
}

test('literal secrets leave the copy for 0600 files; the copy resolves to the same values from the install directory', async () => {
  const root = mkdtempSync(join(tmpdir(), 'zpi-copy-'));
  const source = join(root, 'source');
  mkdirSync(join(source, 'tls'), { recursive: true });
  for (const f of ['tls.crt', 'tls.key']) writeFileSync(join(source, f), `${f}\n`);
  writeFileSync(join(source, 'tls', 'ca.pem'), 'ca\n');
  writeFileSync(join(source, 'r-db'), 'from-file\n');
  const a = baseAnswers();
  a.cluster.tls = { ...a.cluster.tls, ca: 'private', caFile: './tls/ca.pem' };
  a.images = { source: 'private', registry: 'registry.example.com/zenml', auth: { method: 'docker-credentials', username: 'u', password: LITERALS.registry } };
  a.controlPlane.database.password = LITERALS.cpDb;
  a.workspaces[0].enrollment.enrollmentKey = LITERALS.enrollment;
  a.workspaces[0].encryptionKey = LITERALS.encryption;
  a.workspaces[0].jwtSecretKey = LITERALS.multiline;
  a.workspaces.push(secondWorkspace({ database: { ...secondWorkspace().database, password: { fromFile: 'r-db' } }, enrollment: { mode: 'manual', organizationId: 'o', workspaceId: 'w', enrollmentKey: LITERALS.enrollment } }));
  const file = join(source, 'answers.yaml');
  writeFileSync(file, stringify(a));
  const loaded = loadAnswersFile(file);

  const dir = join(root, 'install');
  mkdirSync(dir, { mode: 0o700 });
  const copy = await saveAnswersCopy(loaded, dir);
  expect(copy).toBe(join(dir, 'answers.yaml'));
  const text = readFileSync(copy, 'utf8');
  for (const value of Object.values(LITERALS)) expect(text).not.toContain(value.trim().split('\n')[0]);
  expect(statSync(copy).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
  expect(statSync(join(dir, 'secrets', 'controlPlane.database.password')).mode & 0o777).toBe(0o600);

  // Read back where it lies, as `install --answers <dir>/answers.yaml` would: the same secrets, the same files.
  const again = loadAnswersFile(copy);
  expect(again.warnings.filter((w) => w.message.includes('literal secret'))).toEqual([]);
  expect(secretsOf(again)).toEqual(secretsOf(loaded));
  expect(again.answers.cluster.tls.caFile).toBe(join(source, 'tls', 'ca.pem'));
});

test('answers without literals are copied with their references, and no secrets folder is made', async () => {
  const root = mkdtempSync(join(tmpdir(), 'zpi-copy-'));
  for (const f of ['tls.crt', 'tls.key']) writeFileSync(join(root, f), `${f}\n`);
  const file = join(root, 'answers.yaml');
  writeFileSync(file, stringify(baseAnswers()));
  const dir = join(root, 'install');
  mkdirSync(dir);
  const loaded = loadAnswersFile(file);
  const again = loadAnswersFile(await saveAnswersCopy(loaded, dir));
  expect(again.answers).toEqual({ ...loaded.answers, cluster: { ...loaded.answers.cluster, tls: { ...loaded.answers.cluster.tls, certFile: join(root, 'tls.crt'), keyFile: join(root, 'tls.key') } } });
  expect(() => statSync(join(dir, 'secrets'))).toThrow();
});

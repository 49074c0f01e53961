// Every secret the answers reference, and their resolution to values. I/O is
// injected (env, file reader, store of generated secrets) so this stays pure.
import { randomBytes } from 'node:crypto';
import { enrollmentMode } from './derived.js';
import { formatPath } from './load.js';
import type { Problem } from './rules.js';
import type { Answers } from './schema.js';
import { describeSecretRef, type SecretRef } from './secret-ref.js';

export type GeneratedKind = 'hex32' | 'password';

export interface SecretSlot {
  /** Stable key, by workspace name rather than index, so reordering never regenerates. */
  readonly key: string;
  /** Where it is in the answers file, for messages. */
  readonly path: string;
  /** The same place as keys, for editing a copy of the answers. */
  readonly at: readonly (string | number)[];
  readonly ref: SecretRef;
  readonly generate?: GeneratedKind;
  readonly hex64?: boolean;
}

/** Every secret the answers use, in a stable order. */
export function secretSlots(a: Answers): SecretSlot[] {
  const slots: SecretSlot[] = [];
  const push = (key: string, at: readonly (string | number)[], ref: SecretRef | undefined, extra: Partial<SecretSlot> = {}): void => {
    if (ref !== undefined) slots.push({ key, path: formatPath(at), at, ref, ...extra });
  };
  if (a.images.auth.method === 'docker-credentials') push('images.auth.password', ['images', 'auth', 'password'], a.images.auth.password);
  const cp = a.controlPlane;
  if (cp) {
    push('controlPlane.database.password', ['controlPlane', 'database', 'password'], cp.database.password);
    push('controlPlane.adminPassword', ['controlPlane', 'adminPassword'], cp.adminPassword, { generate: 'password' });
    if (cp.sso.enabled) push('controlPlane.sso.clientSecret', ['controlPlane', 'sso', 'clientSecret'], cp.sso.clientSecret);
    push('controlPlane.apiToken', ['controlPlane', 'apiToken'], cp.apiToken);
  }
  (a.users ?? []).forEach((u, i) => push(`users.${u.username}.password`, ['users', i, 'password'], u.password, { generate: 'password' }));
  push('existingControlPlane.apiToken', ['existingControlPlane', 'apiToken'], a.existingControlPlane?.apiToken);
  a.workspaces.forEach((w, i) => {
    const key = `workspaces.${w.name}`;
    const at = ['workspaces', i];
    push(`${key}.database.password`, [...at, 'database', 'password'], w.database.password);
    push(`${key}.encryptionKey`, [...at, 'encryptionKey'], w.encryptionKey, { generate: 'hex32', hex64: true });
    push(`${key}.jwtSecretKey`, [...at, 'jwtSecretKey'], w.jwtSecretKey, { generate: 'hex32' });
    if (enrollmentMode(a, w) === 'manual') push(`${key}.enrollment.enrollmentKey`, [...at, 'enrollment', 'enrollmentKey'], w.enrollment.enrollmentKey);
  });
  return slots;
}

export function generateSecret(kind: GeneratedKind): string {
  // 24 random bytes as base64url: 32 characters, no characters that need quoting or URL-encoding.
  return kind === 'hex32' ? randomBytes(32).toString('hex') : randomBytes(24).toString('base64url');
}

export interface SecretSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file as text; throws a NodeJS error when it cannot. */
  readonly readFile: (path: string) => string;
  /** Generated secrets kept in the install directory; `remember` must persist before returning. */
  readonly generated: { get(key: string): string | undefined; remember(key: string, value: string): void };
}

export interface ResolvedSecrets {
  readonly values: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
  /** Keys generated during this resolution (new, never seen before). */
  readonly created: readonly string[];
}

/** Resolves every secret, reporting all that cannot be, each with its path and fix. */
export function resolveSecrets(a: Answers, sources: SecretSources): ResolvedSecrets {
  const values = new Map<string, string>();
  const problems: Problem[] = [];
  const created: string[] = [];
  for (const slot of secretSlots(a)) {
    const { ref } = slot;
    let value: string | undefined;
    if (typeof ref === 'string') value = ref;
    else if ('fromEnv' in ref) {
      value = sources.env[ref.fromEnv];
      if (value === undefined || value === '') {
        problems.push({ path: slot.path, message: `environment variable ${ref.fromEnv} is not set (or empty); export it before running, e.g. read -rs ${ref.fromEnv} && export ${ref.fromEnv}` });
        continue;
      }
    } else if ('fromFile' in ref) {
      try {
        value = sources.readFile(ref.fromFile).replace(/\r?\n$/, '');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        problems.push({ path: slot.path, message: `cannot read ${ref.fromFile} (${code}); check the path (relative paths start at the answers file's folder) and its permissions` });
        continue;
      }
      if (value === '') {
        problems.push({ path: slot.path, message: `${ref.fromFile} is empty` });
        continue;
      }
    } else {
      value = sources.generated.get(slot.key);
      if (value === undefined) {
        value = generateSecret(slot.generate ?? 'password');
        sources.generated.remember(slot.key, value);
        created.push(slot.key);
      }
    }
    if (slot.hex64 && !/^[0-9a-fA-F]{64}$/.test(value)) {
      problems.push({ path: slot.path, message: `(${describeSecretRef(ref)}) must be 64 hexadecimal characters: generate one with \`openssl rand -hex 32\`` });
      continue;
    }
    values.set(slot.key, value);
  }
  return { values, problems, created };
}

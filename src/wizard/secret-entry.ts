// How the user supplies one secret: type it now (masked), name an environment
// variable, name a file, or let the installer generate it (where allowed).
import { envName } from '../answers/fields.js';
import type { SecretQuestion } from './question.js';

export type SecretMethod = 'generate' | 'type' | 'env' | 'file';

export const SECRET_METHOD_LABELS: Readonly<Record<SecretMethod, { label: string; hint: string }>> = {
  generate: { label: 'generate', hint: 'made once, kept in the install directory (0600)' },
  type: { label: 'type it now', hint: 'masked; kept out of the answers file' },
  env: { label: 'environment variable', hint: 'read from $NAME when the installer runs' },
  file: { label: 'file', hint: 'read from a file (trailing newline removed)' },
};

export function secretMethods(q: SecretQuestion): readonly SecretMethod[] {
  return q.generatable ? ['generate', 'type', 'env', 'file'] : ['type', 'env', 'file'];
}

export function methodOf(ref: unknown): SecretMethod | undefined {
  if (typeof ref === 'string') return 'type';
  if (ref === null || typeof ref !== 'object') return undefined;
  if ('fromEnv' in ref) return 'env';
  if ('fromFile' in ref) return 'file';
  if ('generate' in ref) return 'generate';
  return undefined;
}

export function textOf(ref: unknown): string | undefined {
  if (typeof ref === 'string') return ref;
  if (ref !== null && typeof ref === 'object') {
    if ('fromEnv' in ref && typeof ref.fromEnv === 'string') return ref.fromEnv;
    if ('fromFile' in ref && typeof ref.fromFile === 'string') return ref.fromFile;
  }
  return undefined;
}

/** The answer for a method and what was entered, or the reason it cannot be one. */
export function secretAnswer(method: SecretMethod, entered: string): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (method) {
    case 'generate':
      return { ok: true, value: { generate: true } };
    case 'type':
      // Typed secrets are kept exactly: spaces can be part of a password.
      return entered === '' ? { ok: false, message: 'must not be empty: type the secret, or pick another way to supply it (Esc)' } : { ok: true, value: entered };
    case 'env': {
      const name = entered.trim();
      const parsed = envName.safeParse(name);
      return parsed.success ? { ok: true, value: { fromEnv: name } } : { ok: false, message: parsed.error.issues[0]?.message ?? 'is not an environment variable name' };
    }
    case 'file': {
      const file = entered.trim();
      return file === '' ? { ok: false, message: 'must not be empty: the path of the file holding the secret' } : { ok: true, value: { fromFile: file } };
    }
  }
}

/** How a secret reads in summaries: never its value. */
export function describeSecret(ref: unknown): string {
  switch (methodOf(ref)) {
    case 'type':
      return 'typed (hidden, kept out of the file)';
    case 'env':
      return `env ${textOf(ref) ?? ''}`;
    case 'file':
      return `file ${textOf(ref) ?? ''}`;
    case 'generate':
      return 'generated';
    default:
      return 'not set';
  }
}

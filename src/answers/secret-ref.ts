// Secrets in an answers file are references, so the file can be shared and
// kept in git: { fromEnv: NAME }, { fromFile: PATH } or { generate: true }.
// A literal string still works (with a warning) because people paste them.
import { z } from 'zod';
import { envName } from './fields.js';

const fromEnv = z.strictObject({ fromEnv: envName }).meta({ description: 'Read the secret from this environment variable at run time.' });
const fromFile = z.strictObject({ fromFile: z.string().min(1) }).meta({ description: 'Read the secret from this file (trailing newline removed).' });
const generate = z
  .strictObject({ generate: z.literal(true) })
  .meta({ description: 'Generate it once and keep it in the install directory (0600); never regenerated.' });
const literal = z.string().min(1).meta({ description: 'A literal secret. Accepted with a warning: prefer fromEnv or fromFile.' });

export const secretRef = z.union([fromEnv, fromFile, literal]);
export const generatableSecretRef = z.union([fromEnv, fromFile, generate, literal]);

export type SecretRef = z.infer<typeof generatableSecretRef>;

export function isLiteralSecret(ref: SecretRef): ref is string {
  return typeof ref === 'string';
}

/** Printable form of a reference, safe for plans and logs. */
export function describeSecretRef(ref: SecretRef): string {
  if (typeof ref === 'string') return 'literal in the answers file';
  if ('fromEnv' in ref) return `from env ${ref.fromEnv}`;
  if ('fromFile' in ref) return `from file ${ref.fromFile}`;
  return 'generated';
}

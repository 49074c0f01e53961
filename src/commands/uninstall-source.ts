// Where `uninstall` learns what the install made: the answers (the install
// directory's copy, or --answers) and the install journal, with the
// redactor that knows the secrets in play. Input problems are user errors
// (exit 2), found before the cluster is contacted.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveSecrets } from '../answers/secrets.js';
import { GeneratedSecretsStore } from '../engine/generated-secrets.js';
import type { Journal } from '../engine/journal.js';
import { Redactor } from '../tools/redact.js';
import { answersOfInstall } from './answers-copy.js';
import { journalOf } from './install-journal.js';
import type { LoadedAnswers } from './answers-file.js';

export interface UninstallSource {
  readonly loaded: LoadedAnswers;
  /** The install journal; undefined when the directory has none. */
  readonly journal: Journal | undefined;
  readonly redactor: Redactor;
}

/**
 * Every secret that can be resolved, so none shows in any output or log.
 * Best effort: uninstall needs none of them, so one that cannot be read
 * (an unset variable) does not stop it; it cannot show what was never read.
 */
function redactorFor(loaded: LoadedAnswers, dir: string): Redactor {
  const redactor = new Redactor();
  const generated = GeneratedSecretsStore.open(dir);
  const resolved = resolveSecrets(loaded.answers, {
    env: process.env,
    readFile: (p) => readFileSync(loaded.resolvePath(p), 'utf8'),
    // A secret never generated was never used: nothing to scrub, nothing to keep.
    generated: { get: (key) => generated.get(key), remember: () => undefined },
  });
  for (const [key, value] of resolved.values) redactor.add(value, key);
  for (const [key, value] of generated.all()) redactor.add(value, key);
  return redactor;
}

export async function openUninstallSource(options: { readonly dir: string; readonly answers?: string | undefined }): Promise<UninstallSource> {
  const dir = resolve(options.dir);
  const loaded = answersOfInstall(options);
  return { loaded, journal: await journalOf(dir), redactor: redactorFor(loaded, dir) };
}

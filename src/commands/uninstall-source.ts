// Where `uninstall` learns what the install made: the answers (the install
// directory's copy, or --answers) and the install journal, with the
// redactor that knows the secrets in play. Input problems are user errors
// (exit 2), found before the cluster is contacted.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblems, loadAnswersText } from '../answers/load.js';
import { resolveSecrets } from '../answers/secrets.js';
import { GeneratedSecretsStore } from '../engine/generated-secrets.js';
import { JournalError, loadJournal, type Journal } from '../engine/journal.js';
import { ExitCode, UserError } from '../errors.js';
import { Redactor } from '../tools/redact.js';
import { ANSWERS_COPY } from './answers-copy.js';
import { loadedFromAnswers, type LoadedAnswers } from './answers-file.js';

export interface UninstallSource {
  readonly loaded: LoadedAnswers;
  /** The install journal; undefined when the directory has none. */
  readonly journal: Journal | undefined;
  readonly redactor: Redactor;
}

/**
 * The answers as data only: unlike install, uninstall reads no chart,
 * certificate or secret file, so one that has moved since must not stop it.
 */
function loadAnswers(file: string, flag: string): LoadedAnswers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, ['give the answers file the install used, or the --dir it used']);
  }
  const result = loadAnswersText(text, file);
  if (!result.ok) {
    const n = result.problems.length;
    throw new UserError(`${file} has ${n} problem${n === 1 ? '' : 's'}:\n${formatProblems(result.problems)}`, ['fix them, or give the answers file the install used']);
  }
  return { ...loadedFromAnswers(result.answers, file, text), warnings: result.warnings };
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
  const copy = join(dir, ANSWERS_COPY);
  if (options.answers === undefined && !existsSync(copy)) {
    throw new UserError(`--dir ${options.dir} is not an install directory: it has no ${ANSWERS_COPY}`, [
      'pass the --dir the install used, or --answers FILE with the answers it used',
    ]);
  }
  const loaded = loadAnswers(options.answers ?? copy, options.answers === undefined ? '--dir' : '--answers');
  let journal: Journal | undefined;
  try {
    journal = await loadJournal(dir);
  } catch (error) {
    if (error instanceof JournalError) throw new UserError(error.message, [], ExitCode.blockedByCheck);
    throw error;
  }
  return { loaded, journal, redactor: redactorFor(loaded, dir) };
}

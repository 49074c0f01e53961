// The copy of the answers kept in the install directory (<dir>/answers.yaml).
// A state file holds references only: a literal secret moves to
// <dir>/secrets/<key> (0600) and the copy points there; every other file path
// is made absolute, or relative to the install directory when it lies inside
// it, so the copy works from there and the directory can move as a whole.
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { namedFiles } from '../answers/named-files.js';
import { isLiteralSecret } from '../answers/secret-ref.js';
import { secretSlots } from '../answers/secrets.js';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { formatProblems, loadAnswersText } from '../answers/load.js';
import { UserError } from '../errors.js';
import { loadedFromAnswers, type LoadedAnswers } from './answers-file.js';

export const ANSWERS_COPY = 'answers.yaml';

/** Sets the value at a path that exists in the parsed answers (every path here names a value written in them). */
function setAt(root: unknown, at: readonly (string | number)[], value: unknown): void {
  let parent = root as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[at[at.length - 1] as string | number] = value;
}

/** Writes <dir>/answers.yaml (0600) and the files of its literal secrets; returns the copy's path. */
export async function saveAnswersCopy(loaded: LoadedAnswers, dir: string): Promise<string> {
  // Plain data, not the YAML document: an alias could otherwise keep a literal secret's anchor in the text.
  const raw: unknown = parse(loaded.text);
  const fromDir = (path: string): string => {
    const rel = relative(dir, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? `./${rel}` : path;
  };
  for (const named of namedFiles(loaded.answers)) setAt(raw, named.at, fromDir(loaded.resolvePath(named.file)));
  const literals = secretSlots(loaded.answers).flatMap((slot) => (isLiteralSecret(slot.ref) ? [{ ...slot, value: slot.ref }] : []));
  if (literals.length > 0) {
    mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
    chmodSync(join(dir, 'secrets'), 0o700);
  }
  for (const slot of literals) {
    const name = `secrets/${slot.key}`;
    // One newline more: reading a fromFile secret drops one, so the value comes back byte for byte.
    await writeFileAtomic(join(dir, name), `${slot.value}\n`, { mode: 0o600 });
    setAt(raw, slot.at, { fromFile: `./${name}` });
  }
  const file = join(dir, ANSWERS_COPY);
  const header = `# The answers of this install (from ${loaded.file}): secrets as references, literal ones moved to ./secrets (0600).\n`;
  await writeFileAtomic(file, header + stringify(raw), { mode: 0o600 });
  return file;
}

/** What a command acting on an earlier install is given: its directory (whose answers copy names the releases), the cluster flags, and --yes. */
export interface InstallDirOptions {
  readonly dir: string;
  /** Answers instead of the install directory's copy. */
  readonly answers?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly helm?: string;
  readonly kubectl?: string;
  readonly yes?: boolean;
}

/**
 * The answers of an existing install, as data only (`--answers`, or the copy
 * in its directory): commands that remove or roll back read no chart,
 * certificate or secret file, so one that has moved since must not stop them.
 */
export function answersOfInstall(options: { readonly dir: string; readonly answers?: string | undefined }): LoadedAnswers {
  const copy = join(resolve(options.dir), ANSWERS_COPY);
  if (options.answers === undefined && !existsSync(copy)) {
    throw new UserError(`--dir ${options.dir} is not an install directory: it has no ${ANSWERS_COPY}`, ['pass the --dir the install used, or --answers FILE with the answers it used']);
  }
  const file = options.answers ?? copy;
  const flag = options.answers === undefined ? '--dir' : '--answers';
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

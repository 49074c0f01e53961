// Loading an --answers file for a command: every problem at once, exit 2.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatProblems, loadAnswersText, type LoadResult, type Problem } from '../answers/load.js';
import { namedFiles, type NamedFile } from '../answers/named-files.js';
import type { Answers } from '../answers/schema.js';
import { UserError } from '../errors.js';

export interface LoadedAnswers {
  readonly answers: Answers;
  readonly warnings: readonly Problem[];
  readonly file: string;
  readonly text: string;
  /** Resolves a path written in the answers file (relative to the file's folder). */
  readonly resolvePath: (p: string) => string;
}

function resolverFor(file: string): (p: string) => string {
  const base = dirname(resolve(file));
  return (p: string) => {
    const expanded = p.startsWith('~/') ? `${process.env.HOME ?? ''}${p.slice(1)}` : p;
    return isAbsolute(expanded) ? expanded : resolve(base, expanded);
  };
}

/** The user error for a file the answers name but that cannot be read (certificates, CA bundles), if it is one. */
export function unreadableNamedFile(error: unknown, answersFile: string): UserError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!e.code || !e.path) return undefined;
  return new UserError(`cannot read ${e.path} (${e.code}), named in ${answersFile}`, ['check the path (relative paths start at the answers file folder)']);
}

/** Answers already validated elsewhere (the wizard), as if read from `file`. */
export function loadedFromAnswers(answers: Answers, file: string, text: string): LoadedAnswers {
  return { answers, warnings: [], file, text, resolvePath: resolverFor(file) };
}

/** Why a named file cannot be used, or undefined when it can. */
function fileProblem(named: NamedFile, resolvePath: (p: string) => string): string | undefined {
  const full = resolvePath(named.file);
  const shown = full === named.file ? full : `${named.file} (${full})`;
  const fix = named.kind === 'chart' ? 'give the path of the chart .tgz or directory' : 'check the path (relative paths start at the answers file\'s folder) and its permissions';
  try {
    if (named.kind === 'file' && statSync(full).isDirectory()) return `${shown} is a directory, not a file; ${fix}`;
    accessSync(full, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' ? `${shown} does not exist; ${fix}` : `cannot read ${shown} (${code}); ${fix}`;
  }
}

/** Every problem of an answers file's text: schema, cross-field rules, and every named file that cannot be read. */
export function checkAnswersText(text: string, file: string): LoadResult {
  const resolvePath = resolverFor(file);
  return loadAnswersText(text, file, (answers) =>
    namedFiles(answers).flatMap((named) => {
      const message = fileProblem(named, resolvePath);
      return message === undefined ? [] : [{ path: named.path, message }];
    }),
  );
}

export function loadAnswersFile(file: string): LoadedAnswers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read the answers file ${file} (${code ?? 'error'})`, [
      code === 'ENOENT' ? 'check the path, or start from one of the files in examples/' : 'check its permissions',
    ]);
  }
  const result = checkAnswersText(text, file);
  if (!result.ok) {
    const n = result.problems.length;
    throw new UserError(`${file} has ${n} problem${n === 1 ? '' : 's'}:\n${formatProblems(result.problems)}`, [
      'fix them and run the same command again; `zenml-pro-installer schema` prints the JSON Schema for editor completion',
    ]);
  }
  return { answers: result.answers, warnings: result.warnings, file, text, resolvePath: resolverFor(file) };
}

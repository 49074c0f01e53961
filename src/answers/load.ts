// Turns answers (YAML text or an object) into validated Answers, or into the
// full list of problems, each with its path and its fix. Never throws on bad input.
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { fieldDescription, knownKeys } from './field-help.js';
import { crossFieldProblems, warnings, type Problem } from './rules.js';
import { answersSchema, type Answers } from './schema.js';

export type { Problem } from './rules.js';

export type LoadResult =
  | { readonly ok: true; readonly answers: Answers; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0] ?? 0;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j] ?? 0;
        row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length] ?? Infinity;
  };
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function issueProblems(issue: z.core.$ZodIssue, input: unknown): Problem[] {
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        const hint = guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`;
        return { path: formatPath([...issue.path, key]), message: `is not a known key; ${hint}` };
      });
    }
    case 'invalid_type': {
      if (value === undefined) {
        const help = fieldDescription(issue.path);
        return [{ path, message: `is required${help ? `: ${help}` : ''}` }];
      }
      const quote = issue.expected === 'string' && typeof value === 'number' ? ` (quote it: "${String(value)}")` : '';
      return [{ path, message: `must be ${issue.expected === 'object' ? 'a map' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, not ${typeName(value)}${quote}` }];
    }
    case 'invalid_value': {
      if (!issue.message.startsWith('Invalid')) return [{ path, message: `${issue.message} (got ${JSON.stringify(value)})` }];
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value)})` }];
    }
    case 'invalid_union': {
      if (value === undefined) {
        const help = fieldDescription(issue.path);
        return [{ path, message: `is required${help ? `: ${help}` : ''}` }];
      }
      const withGenerate = issue.errors.length === 4;
      return [
        {
          path,
          message: `must be a secret reference: { fromEnv: NAME }, { fromFile: PATH }${withGenerate ? ', { generate: true }' : ''} or a literal string (got ${typeName(value)})`,
        },
      ];
    }
    case 'too_small':
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }];
      return [{ path, message: issue.message }];
    case 'too_big':
    case 'invalid_format':
    case 'custom':
    default:
      return [{ path, message: issue.message }];
  }
}

const SECTION_ORDER = ['apiVersion', 'scenario', 'airGapped', 'cluster', 'images', 'charts', 'controlPlane', 'existingControlPlane', 'workspaces'];

/** Sorts problems by section, then workspace, keeping the order within one place. */
function inFileOrder(problems: readonly Problem[]): Problem[] {
  const rank = (p: Problem): [number, number] => {
    const top = /^[A-Za-z$]+/.exec(p.path)?.[0] ?? '';
    const index = SECTION_ORDER.indexOf(top);
    const ws = /^workspaces\[(\d+)\]/.exec(p.path)?.[1];
    return [index === -1 ? SECTION_ORDER.length : index, ws === undefined ? -1 : Number(ws)];
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((x, y) => x.r[0] - y.r[0] || x.r[1] - y.r[1] || x.i - y.i)
    .map((x) => x.p);
}

// Issues that mean "this value is not of the kind the schema wants": the
// cross-field rules assume every value they see has the right kind.
const WRONG_KIND = new Set(['invalid_type', 'invalid_union', 'invalid_value']);

/** A copy of `input` without the values the schema found of the wrong kind (array items become undefined, keys go). */
function withoutWrongKinds(input: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): Record<string, unknown> {
  const out = structuredClone(input);
  for (const issue of issues) {
    if (!WRONG_KIND.has(issue.code) || issue.path.length === 0) continue;
    const parent = valueAt(out, issue.path.slice(0, -1));
    if (parent === null || typeof parent !== 'object') continue;
    const key = issue.path[issue.path.length - 1] as PropertyKey;
    if (Array.isArray(parent)) parent[key as number] = undefined;
    else delete (parent as Record<PropertyKey, unknown>)[key];
  }
  return out;
}

/**
 * Validates an answers object: every schema and cross-field problem at once.
 * `fileProblems` (I/O, injected) checks the files the answers name once every
 * value has the right type, so unreadable files are reported with the rest.
 */
export function validateAnswers(input: unknown, fileProblems?: (answers: Answers) => readonly Problem[]): LoadResult {
  const parsed = answersSchema.safeParse(input);
  const problems: Problem[] = parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueProblems(issue, input));
  const isObject = input !== null && typeof input === 'object' && !Array.isArray(input);
  const loose = parsed.success ? parsed.data : isObject ? withoutWrongKinds(input as Record<string, unknown>, parsed.error.issues) : {};
  // A value of the wrong kind was dropped for the rules: their "is required" there would only repeat it.
  const wrongKind = parsed.success ? [] : parsed.error.issues.filter((i) => WRONG_KIND.has(i.code)).map((i) => formatPath(i.path));
  const repeats = (p: Problem): boolean => wrongKind.some((w) => p.path === w || p.path.startsWith(`${w}.`) || p.path.startsWith(`${w}[`));
  const more = [...crossFieldProblems(loose).filter((p) => !repeats(p)), ...(parsed.success && fileProblems ? fileProblems(parsed.data) : [])];
  for (const p of more) {
    if (!problems.some((q) => q.path === p.path && q.message === p.message)) problems.push(p);
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems: inFileOrder(problems) };
  return { ok: true, answers: parsed.data, warnings: warnings(parsed.data) };
}

/** Parses YAML answers; syntax errors name the line and column. */
export function loadAnswersText(text: string, fileName = 'answers', fileProblems?: (answers: Answers) => readonly Problem[]): LoadResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `${fileName}:${pos.line}:${pos.col}` : fileName;
        const first = e.message.split('\n')[0] ?? e.message;
        return { path: where, message: `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}` };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // The YAML parses but cannot become data, e.g. aliases multiplied into a "billion laughs".
    return { ok: false, problems: [{ path: fileName, message: `cannot be read as data: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (data === null || data === undefined) return { ok: false, problems: [{ path: fileName, message: 'is empty; start from examples/self-hosted.yaml or run the wizard' }] };
  return validateAnswers(data, fileProblems);
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
}

// Label and field selectors, in the query-string syntax clients send
// (`a=b,c!=d,e in (x,y),!f`) and in the object form of `spec.selector`.
import { badRequest } from './errors.js';
import { isObject, type LabelSelector } from './types.js';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type Selector = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') terms.push(current.trim());
  return terms.filter((term) => term !== '');
}

function parseRequirement(term: string): Requirement {
  const setMatch = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const values = (setMatch[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
    return { op: setMatch[2] === 'in' ? 'in' : 'notin', key: setMatch[1] ?? '', values };
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
  if (cmp) return { op: cmp[2] === '!=' ? 'neq' : 'eq', key: cmp[1] ?? '', value: cmp[3] ?? '' };
  if (/^![^\s!=(),]+$/.test(term)) return { op: 'notexists', key: term.slice(1) };
  if (/^[^\s!=(),]+$/.test(term)) return { op: 'exists', key: term };
  throw badRequest(`unable to parse requirement: ${term}`);
}

function test(req: Requirement, lookup: (key: string) => string | undefined): boolean {
  const actual = lookup(req.key);
  switch (req.op) {
    case 'eq': return actual === req.value;
    case 'neq': return actual !== req.value;
    case 'in': return actual !== undefined && req.values.includes(actual);
    case 'notin': return actual === undefined || !req.values.includes(actual);
    case 'exists': return actual !== undefined;
    case 'notexists': return actual === undefined;
  }
}

export function parseLabelSelector(text: string | undefined | null): Selector {
  const reqs = splitTerms(text ?? '').map(parseRequirement);
  return (labels) => reqs.every((req) => test(req, (key) => labels[key]));
}

/** Field selectors compare dotted paths (`metadata.name`, `involvedObject.uid`, `status.phase`). */
export function parseFieldSelector(text: string | undefined | null): (obj: unknown) => boolean {
  const reqs = splitTerms(text ?? '').map(parseRequirement);
  for (const req of reqs) {
    if (req.op !== 'eq' && req.op !== 'neq') throw badRequest(`invalid field selector: ${text ?? ''}`);
  }
  return (obj) => reqs.every((req) => test(req, (path) => fieldValue(obj, path)));
}

function fieldValue(obj: unknown, path: string): string | undefined {
  let current: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'string' ? current : JSON.stringify(current);
}

/** Whether labels satisfy a `spec.selector` object. An empty selector matches everything. */
export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const op = expr.operator;
    const req: Requirement = op === 'In' || op === 'NotIn'
      ? { op: op === 'In' ? 'in' : 'notin', key: expr.key, values: expr.values ?? [] }
      : { op: op === 'Exists' ? 'exists' : 'notexists', key: expr.key };
    if (!test(req, (key) => labels[key])) return false;
  }
  return true;
}

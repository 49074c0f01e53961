// The answers the wizard hands back: its working copy without what no longer
// applies (the other scenario's block, removed workspaces and users, answers of
// questions no longer asked), then with typed secrets moved out (see typed-secrets.ts).
import { API_VERSION } from '../answers/schema.js';
import { askablePatterns, fieldPattern, holdsAnswer } from './askable.js';
import { getAt, isAtOrInside, pathKey, setAt, type Path, type Raw } from './path.js';
import type { WizardData } from './question.js';
import { buildQuestions } from './questions/index.js';
import { userCount } from './questions/users.js';
import { workspaceCount } from './questions/workspaces.js';
import { extractTypedSecrets, type ExtractedSecrets } from './typed-secrets.js';

function without(raw: Raw, key: string): Raw {
  if (!(key in raw)) return raw;
  const { [key]: _dropped, ...rest } = raw;
  return rest;
}

/** `node` at `path` without the answers of questions not asked now (see askable.ts). */
function pruneNode(node: unknown, path: Path, current: readonly string[], askable: ReadonlySet<string>): unknown {
  const key = pathKey(path);
  if (path.length > 0 && current.some((q) => isAtOrInside(key, q))) return node;
  const pattern = fieldPattern(path);
  if (path.length > 0 && [...askable].some((a) => isAtOrInside(pattern, a))) return undefined;
  if (Array.isArray(node)) return node.map((item: unknown, i) => pruneNode(item, [...path, i], current, askable) ?? {});
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([k, v]) => [k, pruneNode(v, [...path, k], current, askable)] as const);
  const kept = entries.filter(([, v]) => v !== undefined);
  // An object emptied by pruning goes too; one that was empty in the answers stays.
  return kept.length === 0 && entries.length > 0 ? undefined : Object.fromEntries(kept);
}

/** The answers as validated: still holding typed secrets as literals. */
export function workingAnswers(d: WizardData): Raw {
  let raw = setAt(d.raw, ['apiVersion'], API_VERSION);
  const count = workspaceCount(d);
  if (Array.isArray(raw.workspaces) && raw.workspaces.length > count) raw = { ...raw, workspaces: raw.workspaces.slice(0, count) };
  // Users exist only where the wizard offers them (self-hosted, password logins on), as many as were kept.
  const users = userCount(d);
  if (users === 0) raw = without(raw, 'users');
  else if (Array.isArray(raw.users) && raw.users.length > users) raw = { ...raw, users: raw.users.slice(0, users) };
  // An organization left empty means the default one: no block at all (the schema requires its name).
  if (getAt(raw, ['organization', 'name']) === undefined) raw = without(raw, 'organization');
  if (raw.scenario === 'hybrid' || raw.scenario === 'workspace-only') raw = without(without(raw, 'controlPlane'), 'airGapped');
  else if (raw.scenario === 'self-hosted') raw = without(raw, 'existingControlPlane');
  const current = buildQuestions(d)
    .filter(holdsAnswer)
    .map((q) => pathKey(q.path));
  return (pruneNode(raw, [], current, askablePatterns()) ?? {}) as Raw;
}

/** The answers to save or install: secret references only, typed values beside them. */
export function finalAnswers(d: WizardData): ExtractedSecrets {
  return extractTypedSecrets(workingAnswers(d));
}

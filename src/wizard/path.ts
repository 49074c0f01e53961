// Immutable get/set on the raw answers object the wizard assembles. Paths
// are arrays (`['workspaces', 1, 'database', 'host']`) and print the way the
// validator names problems (`workspaces[1].database.host`).
import { formatPath } from '../answers/load.js';

export type PathPart = string | number;
export type Path = readonly PathPart[];
export type Raw = Readonly<Record<string, unknown>>;

export const pathKey = (path: Path): string => formatPath(path);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function getAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (typeof part === 'number') cur = Array.isArray(cur) ? (cur[part] as unknown) : undefined;
    else cur = isRecord(cur) ? cur[part] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function setIn(node: unknown, path: Path, value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (typeof head === 'number') {
    const list: unknown[] = Array.isArray(node) ? [...(node as unknown[])] : [];
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const record: Record<string, unknown> = isRecord(node) ? { ...node } : {};
  const child = setIn(record[head], rest, value);
  if (child === undefined) delete record[head];
  else record[head] = child;
  return record;
}

/** A copy of `root` with `value` at `path` (objects created on the way); `undefined` removes the key. */
export function setAt(root: Raw, path: Path, value: unknown): Raw {
  return setIn(root, path, value) as Raw;
}

/** A scalar answer as text; undefined for anything else (missing, a map, a list). */
export function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Whether a problem at `problemPath` concerns the field at `fieldKey` or something inside it. */
export function isAtOrInside(problemPath: string, fieldKey: string): boolean {
  return problemPath === fieldKey || problemPath.startsWith(`${fieldKey}.`) || problemPath.startsWith(`${fieldKey}[`);
}

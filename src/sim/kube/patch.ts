// The patch engines: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
// strategic merge patch with the directives kubectl and Helm send, and an
// approximation of server-side apply (merge the applied config onto the live
// object, and drop what the same field manager applied last time but no
// longer does). Real SSA field ownership and conflicts are not modelled.
import { badRequest } from './errors.js';
import { clone, isObject } from './types.js';

type Obj = Record<string, unknown>;

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Obj = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface JsonPatchOp { op: string; path: string; value?: unknown; from?: string }

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, parts: string[]): { parent: Obj | unknown[]; key: string } {
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else current = undefined;
  }
  if (!Array.isArray(current) && !isObject(current)) throw badRequest(`JSON patch path not found: /${parts.join('/')}`);
  return { parent: current, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: unknown, parts: string[]): unknown {
  if (parts.length === 0) return doc;
  const { parent, key } = parentOf(doc, parts);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw badRequest(`JSON patch path not found: /${parts.join('/')}`);
  return value;
}

function removeAt(doc: unknown, parts: string[]): unknown {
  const { parent, key } = parentOf(doc, parts);
  const value = getAt(doc, parts);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function addAt(doc: unknown, parts: string[], value: unknown, replace: boolean): unknown {
  if (parts.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (replace) parent[index] = clone(value);
    else parent.splice(index, 0, clone(value));
  } else {
    parent[key] = clone(value);
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest('invalid JSON patch operation');
    const op = raw as unknown as JsonPatchOp;
    const parts = pointer(op.path);
    switch (op.op) {
      case 'add': doc = addAt(doc, parts, op.value, false); break;
      case 'replace': getAt(doc, parts); doc = addAt(doc, parts, op.value, true); break;
      case 'remove': removeAt(doc, parts); break;
      case 'move': { const value = removeAt(doc, pointer(op.from ?? '')); doc = addAt(doc, parts, value, false); break; }
      case 'copy': doc = addAt(doc, parts, getAt(doc, pointer(op.from ?? '')), false); break;
      case 'test':
        if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(op.value)) throw new Error('JSON patch test failed');
        break;
      default: throw badRequest(`unknown JSON patch op ${op.op}`);
    }
  }
  return doc;
}

/** Merge keys of the lists the Kubernetes types declare `patchStrategy: merge` on. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
  imagePullSecrets: 'name', volumeMounts: 'mountPath', volumeDevices: 'devicePath', hostAliases: 'ip',
  ownerReferences: 'uid', conditions: 'type', topologySpreadConstraints: 'topologyKey', resourceClaims: 'name',
};
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

function keyOf(item: unknown, mergeKey: string): string | undefined {
  return isObject(item) && item[mergeKey] !== undefined ? JSON.stringify(item[mergeKey]) : undefined;
}

function reorder(items: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const rank = (item: unknown): number => {
    const index = order.findIndex((o) => (mergeKey ? keyOf(o, mergeKey) === keyOf(item, mergeKey) : JSON.stringify(o) === JSON.stringify(item)));
    return index < 0 ? order.length : index;
  };
  return items.map((item, i) => ({ item, i, r: rank(item) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.item);
}

function mergeList(field: string, live: unknown, patch: unknown[]): unknown[] {
  const current: unknown[] = Array.isArray(live) ? clone(live as unknown[]) : [];
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  const mergeKey = mergeKeyFor(field, [...current, ...patch]);
  if (!mergeKey) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) return [...new Set([...current, ...patch].map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as unknown);
    return patch.map(stripDirectives);
  }
  const result = current;
  for (const item of patch) {
    const key = keyOf(item, mergeKey);
    const index = key === undefined ? -1 : result.findIndex((r) => keyOf(r, mergeKey) === key);
    if (isObject(item) && item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index], item);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    if (v !== null) out[key] = stripDirectives(v);
  }
  return out;
}

/** Strategic merge patch: maps merge, known lists merge by key, other lists replace. */
export function strategicMerge(live: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const result: Obj = isObject(live) ? clone(live) : {};
  const orders: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      if (Array.isArray(value)) orders.push([key.slice('$setElementOrder/'.length), value as unknown[]]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) {
        const drop = new Set(value.map((v) => JSON.stringify(v)));
        result[field] = list.filter((v) => !drop.has(JSON.stringify(v)));
      }
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isObject(value) && value.$patch === 'delete') {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else if (isObject(value)) {
      result[key] = strategicMerge(result[key], value);
    } else {
      result[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const list = result[field];
    if (Array.isArray(list)) result[field] = reorder(list as unknown[], order, mergeKeyFor(field, [...(list as unknown[]), ...order]));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
  }
  return result;
}

/**
 * A strategic patch that removes what `previous` set and `next` no longer
 * does: null for dropped map keys, `$patch: delete` for dropped list items.
 */
function removals(previousValue: unknown, nextValue: unknown, field = ''): unknown {
  const previous = previousValue as Obj | unknown[] | undefined;
  const next = nextValue as Obj | unknown[] | undefined;
  if (isObject(previous) && isObject(next)) {
    const out: Obj = {};
    for (const [key, prevValue] of Object.entries(previous)) {
      if (!(key in next)) out[key] = null;
      else {
        const sub = removals(prevValue, next[key], key);
        if (sub !== undefined) out[key] = sub;
      }
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(previous) && Array.isArray(next)) {
    const mergeKey = mergeKeyFor(field, [...previous, ...next]);
    if (!mergeKey) return undefined;
    const out: unknown[] = [];
    for (const item of previous) {
      const key = keyOf(item, mergeKey);
      if (key === undefined || !isObject(item)) continue;
      const match = next.find((n) => keyOf(n, mergeKey) === key);
      if (match === undefined) out.push({ [mergeKey]: item[mergeKey], $patch: 'delete' });
      else {
        const sub = removals(item, match, field);
        if (isObject(sub)) out.push({ ...sub, [mergeKey]: item[mergeKey] });
      }
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/** Server-side apply, approximated: live ⊕ (what this manager dropped since its last apply) ⊕ applied. */
export function serverSideApply(live: unknown, applied: unknown, previouslyApplied: unknown): unknown {
  const dropped = previouslyApplied === undefined ? undefined : removals(previouslyApplied, applied);
  const base = dropped === undefined ? live : strategicMerge(live, dropped);
  return strategicMerge(base, applied);
}

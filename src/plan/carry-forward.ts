// What an upgrade must carry over from the running release. Two kinds:
// secrets the release already holds (a workspace's encryption key must never
// change, or every stored secret becomes unreadable; a new JWT key logs
// everyone out; the enrollment binds the workspace to the control plane), and
// values someone set by hand (`helm upgrade --set`, an edited values file),
// which a fresh render knows nothing about and would silently drop.

type Values = Readonly<Record<string, unknown>>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function at(values: unknown, path: readonly string[]): unknown {
  let node = values;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The workspace chart reads both roots and `zenml:` wins where both set a key (the chart's alias rule). */
const WORKSPACE_ROOTS = ['zenml', 'server'] as const;

/** Where each secret lives in a release's values, by the installer's secret slot key. */
function secretPaths(component: 'control-plane' | { workspace: string }): [string, string[][]][] {
  if (component === 'control-plane') return [['controlPlane.adminPassword', [['zenml', 'auth', 'password', 'adminPassword']]]];
  const key = `workspaces.${component.workspace}`;
  const under = (...path: string[]): string[][] => WORKSPACE_ROOTS.map((root) => [root, ...path]);
  return [
    [`${key}.encryptionKey`, under('secretsStore', 'sql', 'encryptionKey')],
    [`${key}.jwtSecretKey`, under('auth', 'jwtSecretKey')],
    [`${key}.enrollment.enrollmentKey`, under('pro', 'enrollmentKey')],
    // Not secret, but they belong to the enrollment key: a key without its IDs enrolls nothing.
    [`${key}.enrollment.workspaceId`, under('pro', 'workspaceID')],
    [`${key}.enrollment.organizationId`, under('pro', 'organizationID')],
    [`${key}.enrollment.organizationName`, under('pro', 'organizationName')],
  ];
}

/**
 * Secrets a running release holds, by the installer's secret slot keys (see
 * src/answers/secrets.ts), read from its values: the workspace's encryption
 * key, JWT key and enrollment (key, workspace and organization IDs, the
 * organization's name; under `zenml:` or `server:`), or the control plane's
 * admin password. Only what the values hold: a key the chart generated itself
 * is not in them.
 */
export function liveSecrets(component: 'control-plane' | { workspace: string }, values: Values): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  for (const [slot, paths] of secretPaths(component)) {
    const value = paths.map((p) => at(values, p)).find((v) => typeof v === 'string' && v !== '');
    if (typeof value === 'string') found.set(slot, value);
  }
  return found;
}

/**
 * The root both releases' values are read under: the render's, when it uses
 * one workspace root and the live release the other (or both). Undefined when
 * there is nothing to move.
 */
function rootMove(live: Values, rendered: Values): { readonly to: string; readonly from: string } | undefined {
  const has = (v: Values, key: string): boolean => v[key] !== undefined;
  const [to, ...rest] = WORKSPACE_ROOTS.filter((r) => has(rendered, r));
  const from = WORKSPACE_ROOTS.find((r) => r !== to);
  return to !== undefined && rest.length === 0 && from !== undefined && has(live, from) ? { to, from } : undefined;
}

/** The live values as the render's root would hold them: the other root's keys folded in, winning on overlap as the chart lets `zenml:` win. */
function underRenderedRoot(live: Values, rendered: Values): Values {
  const move = rootMove(live, rendered);
  if (!move) return live;
  const { [move.from]: moved, ...rest } = live;
  const [first, second] = move.from === 'zenml' ? [live[move.to], moved] : [moved, live[move.to]];
  const folded = isPlainObject(first) && isPlainObject(second) ? overlay(first, second) : (second ?? first);
  return { ...rest, [move.to]: folded };
}

/** `top` over `base`, recursively; no bookkeeping. */
function overlay(base: Values, top: Values): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? overlay(current, value) : value;
  }
  return out;
}

/**
 * The values to install: the new render, plus every key the running release
 * has that the render does not set (set by hand), moved to the render's root
 * when the old release used the other one (never both roots). A key the
 * render sets always wins, since the answers model it; arrays are replaced
 * whole, since merging list items has no right answer. An undefined value
 * counts as not set: the values file leaves it out.
 */
export function mergeHandSet(live: Values, rendered: Values): { readonly values: Record<string, unknown>; readonly kept: readonly string[] } {
  const kept: string[] = [];
  const merge = (from: Values, into: Values, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...into };
    for (const [key, value] of Object.entries(from)) {
      if (value === undefined) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const current = into[key];
      if (current === undefined) {
        out[key] = structuredClone(value);
        kept.push(...leaves(value, path));
      } else if (isPlainObject(current) && isPlainObject(value)) {
        out[key] = merge(value, current, path);
      }
    }
    return out;
  };
  return { values: merge(underRenderedRoot(live, rendered), rendered, ''), kept };
}

/** The dotted paths of the values under `value`: maps are walked, anything else (arrays too) is one value. */
function leaves(value: unknown, path: string): string[] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [path];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : leaves(v, `${path}.${k}`)));
}

/** A workspace release as the secret checks see it. */
export interface RunningWorkspace {
  readonly workspace: string;
  /** namespace/release, for the message. */
  readonly name: string;
  readonly values: Values;
}

/**
 * What an upgrade must refuse about secrets, before any change: a running
 * workspace with no encryption key in its values when the answers would
 * generate one (stored secrets would become unreadable), and answers that give
 * the encryption key or JWT secret another value than the release runs with.
 */
export function secretRefusals(workspaces: readonly RunningWorkspace[], given: ReadonlyMap<string, string>, generated: ReadonlySet<string>): { readonly keyless: readonly string[]; readonly changed: readonly string[] } {
  const keyless: string[] = [];
  const changed: string[] = [];
  for (const w of workspaces) {
    const live = liveSecrets({ workspace: w.workspace }, w.values);
    const keySlot = `workspaces.${w.workspace}.encryptionKey`;
    if (!live.has(keySlot) && generated.has(keySlot)) keyless.push(w.name);
    for (const slot of [keySlot, `workspaces.${w.workspace}.jwtSecretKey`]) {
      const mine = given.get(slot);
      if (live.has(slot) && mine !== undefined && mine !== live.get(slot)) changed.push(slot);
    }
  }
  return { keyless, changed };
}

/** Passwords inside URLs anywhere in the values (`mysql://user:password@host/db`): a release's database URL holds one. */
export function urlPasswords(values: unknown): string[] {
  if (typeof values === 'string') {
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:([^@\s]+)@/i.exec(values)?.[1];
    return password ? [decodeURIComponent(password)] : [];
  }
  if (Array.isArray(values)) return values.flatMap(urlPasswords);
  return isPlainObject(values) ? Object.values(values).flatMap(urlPasswords) : [];
}

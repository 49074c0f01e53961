// What `adopt` checks its answers against: the adopted answers are rendered
// with the real renderer and each release's values compared with what it
// runs. A value the render leaves out is kept by the upgrade's hand-set merge
// (unmapped); one it renders otherwise must be kept in extraValues, unless it
// holds a secret (never copied) or is an image tag (pinned tags follow the
// chart on upgrade); one it adds is a chart default the answers now set.
import { parseDatabaseUrl, at, isPlainObject, leaves, type Values } from './adopt-values.js';
import { canonicalJson } from './install-plan.js';

export interface ReleaseComparison {
  /** Paths the render leaves out: the upgrade keeps them as set by hand. */
  readonly unmapped: readonly string[];
  /** Paths rendered otherwise, with the running value, for extraValues. */
  readonly overrides: readonly (readonly [readonly string[], unknown])[];
  /** Paths the render sets that the release leaves to its chart. */
  readonly added: readonly string[];
  /** Secret paths rendered otherwise (never copied into extraValues). */
  readonly secretMismatches: readonly string[];
  /** Image tags pinned to another version than the chart's. */
  readonly pinnedTags: readonly string[];
}

export interface ComparePaths {
  /** Dotted paths that hold secrets. */
  readonly secrets: ReadonlySet<string>;
  /** Dotted paths of image tags. */
  readonly tags: ReadonlySet<string>;
  /** The database URL's path (a workspace), compared by meaning: an absent port is 3306. */
  readonly databaseUrl?: string;
}

function sameDatabase(live: unknown, rendered: unknown): boolean {
  if (typeof live !== 'string' || typeof rendered !== 'string') return false;
  const [a, b] = [parseDatabaseUrl(live), parseDatabaseUrl(rendered)];
  return a !== undefined && b !== undefined && canonicalJson({ ...a, port: a.port ?? 3306 }) === canonicalJson({ ...b, port: b.port ?? 3306 });
}

/** The running values against the render of the adopted answers, both as plain data. */
export function compareRelease(live: Values, rendered: Values, paths: ComparePaths): ReleaseComparison {
  const unmapped: string[] = [];
  const overrides: [string[], unknown][] = [];
  const secretMismatches: string[] = [];
  const pinnedTags: string[] = [];
  for (const [path, value] of leaves(live)) {
    const dotted = path.join('.');
    const mine = at(rendered, path);
    if (mine === undefined) {
      unmapped.push(dotted);
      continue;
    }
    if (canonicalJson(mine) === canonicalJson(value)) continue;
    // An empty map the render fills (annotations: {}) is no value of its own.
    if (isPlainObject(value) && isPlainObject(mine)) continue;
    if (dotted === paths.databaseUrl) {
      if (!sameDatabase(value, mine)) secretMismatches.push(dotted);
    } else if (paths.secrets.has(dotted)) secretMismatches.push(dotted);
    else if (paths.tags.has(dotted)) pinnedTags.push(dotted);
    else overrides.push([path, value]);
  }
  const added = leaves(rendered)
    .map(([path]) => path)
    .filter((path) => at(live, path) === undefined && !paths.secrets.has(path.join('.')))
    .map((path) => path.join('.'));
  return { unmapped, overrides, added, secretMismatches, pinnedTags };
}

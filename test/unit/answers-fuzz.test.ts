// 1000 mutated answers files (wrong types, deleted keys, arrays for scalars,
// nulls, huge strings, unicode) through the loader the commands use (schema,
// cross-field rules, named files): it never throws, and every rejection names
// where in the file the problem is. The files sit in examples/, so the
// examples' relative secret paths resolve.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatPath, type Problem } from '../../src/answers/load.js';
import { checkAnswersText } from '../../src/commands/answers-file.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';

const EXAMPLES = join(__dirname, '../../examples');
/** Never written: only its folder matters, for relative paths. */
const FILE = join(EXAMPLES, 'fuzz.yaml');
type Path = (string | number)[];

const seeds: unknown[] = [
  ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(EXAMPLES, f), 'utf8')) as unknown),
  baseAnswers(),
  { ...baseAnswers(), workspaces: [baseAnswers().workspaces[0], secondWorkspace()] },
];

/** Every path in a tree, containers included. */
function paths(node: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length > 0 ? [at] : [];
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...at, k]));
  return out;
}

function parentOf(root: unknown, at: Path): Record<string | number, unknown> {
  let cur = root as Record<string | number, unknown>;
  for (const part of at.slice(0, -1)) cur = cur[part] as Record<string | number, unknown>;
  return cur;
}

const HUGE = 'x'.repeat(200_000);
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(['x']),
  fc.constant({}),
  fc.constant(HUGE),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('🦄.example.com', 'zénml.example.com', '\u202eevil', 'ＺＥＮＭＬ', '../../etc/passwd', '~/x', 'oci://', '0x1F'),
  fc.jsonValue({ maxDepth: 2 }),
);

type Mutation = { readonly pick: number; readonly kind: 'delete' | 'replace' | 'wrap' | 'unknown-key'; readonly value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'replace', 'wrap', 'unknown-key'),
  value: wrongValue,
});

/** Applies the mutations to a copy; generated values are copied too (fast-check hands out the same constant objects every run). */
function mutate(seed: unknown, mutations: readonly Mutation[]): unknown {
  const root = structuredClone(seed);
  for (const m of mutations) {
    const all = paths(root);
    const at = all[m.pick % all.length];
    if (!at) continue;
    const parent = parentOf(root, at);
    const key = at.at(-1) as string | number;
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (m.kind === 'replace') parent[key] = structuredClone(m.value);
    else if (m.kind === 'wrap') parent[key] = [parent[key]];
    else {
      const target = parent[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[`x-${typeof m.value}`] = structuredClone(m.value);
    }
  }
  return root;
}

/** A problem names a place: a key path such as `workspaces[1].database.host`, never an empty or top-level one. */
function expectNamed(problems: readonly Problem[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p.path.length).toBeGreaterThan(0);
    expect(p.path).not.toBe('(top level)');
    expect(p.message.length).toBeGreaterThan(0);
  }
}

describe('mutated answers files', () => {
  test('1000 mutations: no crash, every rejection names a path', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (s, ms) => {
        const text = stringify(mutate(seeds[s], ms));
        const result = checkAnswersText(text, FILE);
        if (!result.ok) {
          rejected += 1;
          expectNamed(result.problems);
        }
      }),
      { numRuns: 1000 },
    );
    // Most mutations break something: a fuzzer that only ever produced valid files would prove nothing.
    expect(rejected).toBeGreaterThan(500);
  });

  test.each([
    ['aliases multiplied into a billion laughs', 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n', FILE],
    ['__proto__ keys', 'apiVersion: zenml-pro-installer/v1\nscenario: self-hosted\n__proto__: { polluted: true }\ncluster: { tls: { hosts: { __proto__: 5 } } }\nworkspaces: [ { name: ml, __proto__: [x] } ]\n', '__proto__'],
    ['a merge key bringing a wrong type', 'base: &b { host: [x] }\napiVersion: zenml-pro-installer/v1\nscenario: hybrid\nworkspaces:\n  - <<: *b\n    name: ml\n', 'workspaces[0]'],
    ['2000 nested lists', `apiVersion: zenml-pro-installer/v1\nscenario: self-hosted\ncontrolPlane: ${'['.repeat(2000)}${']'.repeat(2000)}\n`, FILE],
    ['YAML tags', 'apiVersion: !!binary aGVsbG8=\nscenario: !!set { a, b }\nworkspaces: !!omap [ { a: 1 } ]\n', 'scenario'],
  ])('hostile YAML (%s) is a rejection naming where, not a crash', (_what, text, where) => {
    const result = checkAnswersText(text, FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expectNamed(result.problems);
    expect(result.problems.some((p) => p.path.startsWith(where))).toBe(true);
  });

  test('a wrong type at any string field is rejected at that field (or the secret reference holding it)', () => {
    const stringLeaves = seeds.flatMap((seed, s) => paths(seed).filter((p) => typeof parentOf(seed, p)[p.at(-1) as string] === 'string' && !p.includes('extraValues')).map((p) => ({ s, p })));
    fc.assert(
      fc.property(fc.constantFrom(...stringLeaves), fc.constantFrom<unknown>(['x'], true, 7, null, {}), ({ s, p }, wrong) => {
        const input = structuredClone(seeds[s]);
        parentOf(input, p)[p.at(-1) as string] = wrong;
        const result = checkAnswersText(stringify(input), FILE);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expectNamed(result.problems);
        const leaf = formatPath(p);
        expect(result.problems.some((q) => leaf === q.path || leaf.startsWith(`${q.path}.`) || leaf.startsWith(`${q.path}[`)), `${leaf} in ${JSON.stringify(result.problems)}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

// Which answer fields the wizard can ask about at all, as patterns (`workspaces[*].version`,
// `cluster.tls.hosts.*.certFile`). An answer at such a field whose question is not
// asked now is no longer in effect (the CA went back to public: its caFile) and is
// not saved; fields the wizard never asks about (extraValues, annotations) are kept.
import { pathKey, type Path } from './path.js';
import { writeAnswer, type Question, type WizardData } from './question.js';
import { buildQuestions } from './questions/index.js';

/** List indices and certificate host names as `*`: the kind of field, not the instance. */
export function fieldPattern(path: Path): string {
  const parts = path.map((part, i) => (typeof part === 'number' || (i === 3 && path[0] === 'cluster' && path[1] === 'tls' && path[2] === 'hosts') ? '*' : part));
  return pathKey(parts);
}

/** Questions whose path holds their answer: not those that only steer the flow (their path is what they are about). */
export const holdsAnswer = (q: Question): boolean => q.inSummary !== false;

function patternsOf(d: WizardData): string[] {
  return buildQuestions(d)
    .filter(holdsAnswer)
    .map((q) => fieldPattern(q.path));
}

// Text answers that open questions (a host name opens its certificate files, replicas its disruption budget).
const SEED_RAW = {
  controlPlane: { hostname: 'cp.example.com', replicas: 2 },
  workspaces: [{ hostname: 'ws.example.com', replicas: 2 }],
};

/**
 * Answers that stay in effect when their question is not asked: the wizard asks
 * for chart files only for air-gapped installs, but a chart named in the answers
 * file is used in any scenario (the demo's local stand-in charts, a mirror).
 */
const ALWAYS_IN_EFFECT = new Set(['charts.controlPlane', 'charts.workspace', 'workspaces[*].chart']);

let askable: ReadonlySet<string> | undefined;

/**
 * Every answer pattern some combination of choices asks, found by trying each
 * choice of each select from every data that revealed a new question.
 */
export function askablePatterns(): ReadonlySet<string> {
  if (askable) return askable;
  const found = new Set<string>();
  const queue: WizardData[] = [{ raw: SEED_RAW, flags: {}, contexts: [] }];
  for (const p of patternsOf(queue[0] as WizardData)) found.add(p);
  for (let d = queue.shift(); d; d = queue.shift()) {
    for (const q of buildQuestions(d)) {
      if (q.kind !== 'select') continue;
      for (const choice of q.choices) {
        const next = writeAnswer(q, d, choice.value);
        const fresh = patternsOf(next).filter((p) => !found.has(p));
        if (fresh.length === 0) continue;
        for (const p of fresh) found.add(p);
        queue.push(next);
      }
    }
  }
  for (const p of ALWAYS_IN_EFFECT) found.delete(p);
  askable = found;
  return found;
}

// Which validation problems belong to which question. Every check is the
// answers schema plus its cross-field rules (validateAnswers), run on the
// whole answers so far; a question shows the problems at or inside its field.
import { validateAnswers, type Problem } from '../answers/load.js';
import { workingAnswers } from './answers-out.js';
import { isAtOrInside, pathKey } from './path.js';
import type { Question, WizardData } from './question.js';

export function answersProblems(d: WizardData): readonly Problem[] {
  const result = validateAnswers(workingAnswers(d));
  return result.ok ? [] : result.problems;
}

/**
 * Problems to show on `q`. A problem a question still to come owns is left to
 * it: choosing automatic enrollment is fine, the token it needs is asked next.
 */
export function problemsFor(q: Question, problems: readonly Problem[], later: readonly Question[] = []): Problem[] {
  const key = pathKey(q.path);
  const mine = (p: Problem): boolean => (q.exact ? p.path === key : isAtOrInside(p.path, key)) || (q.owns?.includes(p.path) ?? false);
  return problems.filter((p) => mine(p) && !later.some((l) => l.owns?.includes(p.path)));
}

/** Whether `q` has to be asked to fix one of these problem paths (including a missing parent, e.g. `controlPlane`). */
export function isGap(q: Question, problemPaths: readonly string[]): boolean {
  const key = pathKey(q.path);
  return problemPaths.some((p) => (q.exact ? p === key : isAtOrInside(p, key) || isAtOrInside(key, p)) || (q.owns?.includes(p) ?? false));
}

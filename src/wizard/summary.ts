// Readable answers: one line per question for the context above a question,
// and a short summary per section for the review. Secrets show how they are
// supplied, never their value; users show their names and roles only.
import { isAtOrInside, pathKey, scalarText } from './path.js';
import { readAnswer, type Question, type WizardData } from './question.js';
import { buildQuestions } from './questions/index.js';
import { USERS_SECTION, usersSummary } from './questions/users.js';
import { describeSecret } from './secret-entry.js';
import { SECTION_TITLES, sectionsFor, type SectionId } from './sections.js';

export function displayValue(q: Question, d: WizardData): string {
  const value = readAnswer(q, d);
  switch (q.kind) {
    case 'secret':
      return describeSecret(value);
    case 'select': {
      const wanted = value ?? q.defaultValue;
      return q.choices.find((c) => c.value === wanted)?.label ?? scalarText(wanted) ?? 'not set';
    }
    case 'text': {
      const given = Array.isArray(value) ? value.join(', ') : scalarText(value);
      if (given !== undefined) return given;
      if (q.defaultValue !== undefined && !q.optional) return q.defaultValue;
      return q.optional ? `default${q.placeholder ? ` (${q.placeholder})` : ''}` : 'not set';
    }
  }
}

export interface SectionSummary {
  readonly section: SectionId;
  readonly title: string;
  /** Answers by group (one per workspace in the workspace sections), each `label: value`. */
  readonly groups: readonly { readonly group?: string | undefined; readonly items: readonly string[] }[];
  /** One line per group, for the overview. */
  readonly lines: readonly string[];
}

export function reviewSummary(d: WizardData): SectionSummary[] {
  // Users read as one line of names and roles (see usersSummary), not answer by answer.
  const qs = buildQuestions(d).filter((q) => q.inSummary !== false && q.path[0] !== 'users');
  const users = usersSummary(d);
  return sectionsFor(d.raw.scenario)
    .filter((s) => s !== 'review')
    .map((section) => {
      const groups = new Map<string, string[]>();
      for (const q of qs.filter((x) => x.section === section)) {
        const key = q.group ?? '';
        groups.set(key, [...(groups.get(key) ?? []), `${q.label}: ${displayValue(q, d)}`]);
      }
      if (section === USERS_SECTION && users !== undefined) groups.set('', [...(groups.get('') ?? []), `Users: ${users}`]);
      const lines = [...groups].map(([group, items]) => (group ? `${group} — ${items.join(' · ')}` : items.join(' · ')));
      return { section, title: SECTION_TITLES[section], groups: [...groups].map(([group, items]) => ({ group: group || undefined, items })), lines };
    });
}

/** Answers given earlier in the question's section and group, nearest last. */
export function answeredBefore(d: WizardData, q: Question, limit: number): { label: string; value: string }[] {
  const qs = buildQuestions(d);
  const index = qs.findIndex((x) => x.id === q.id);
  return qs
    .slice(0, Math.max(0, index))
    .filter((x) => x.section === q.section && x.group === q.group && x.inSummary !== false)
    .slice(-limit)
    .map((x) => ({ label: x.label, value: displayValue(x, d) }));
}

/** The section a problem path belongs to, for "edit that section". */
export function sectionOfProblem(d: WizardData, path: string): SectionId | undefined {
  const qs = buildQuestions(d);
  const hit = qs.find((q) => isAtOrInside(path, pathKey(q.path))) ?? qs.find((q) => isAtOrInside(pathKey(q.path), path));
  return hit?.section;
}

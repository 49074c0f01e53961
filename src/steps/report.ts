// The closing report, as the last step: built from the answers and what the
// wait-ready steps it follows found (ingress addresses, which way /health
// answered), written to <install dir>/REPORT.md and recorded as the step's
// output, which the run's last event shows. A finished run and a re-run that
// finds everything in place end the same way.
//
// REPORT.md is 0644: it names files, hosts and addresses, never a secret
// (passwords stay in the files it names), and is meant to be handed to
// whoever creates the DNS records or distributes the CA.
import { join } from 'node:path';
import type { Answers } from '../answers/schema.js';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { GENERATED_SECRETS_FILE } from '../engine/generated-secrets.js';
import { journalPath } from '../engine/journal.js';
import type { StepContext, StepKind } from '../engine/step-kind.js';
import { installReport, reportLines, reportMarkdown, type ReportInput, type ReportUser } from '../plan/report.js';
import type { ActionOf, Plan } from '../plan/steps.js';
import { readyFindings } from './wait-ready.js';

export const REPORT_FILE = 'REPORT.md';

/** What the command knows and the report needs: the answers, the plan and where it keeps the answers copy. */
export interface ReportSource {
  /** The answers as the command loaded them: `file` is what it read, `resolvePath` resolves paths written in it. */
  readonly loaded: { readonly answers: Answers; readonly file: string; readonly resolvePath: (path: string) => string };
  readonly plan: Plan;
  readonly dir: string;
  /** The copy of the answers in the install directory. */
  readonly answersCopy: string;
  /** Users an earlier step created (and their organization), from that step's outputs. */
  readonly people?: (ctx: StepContext) => { readonly users?: readonly ReportUser[]; readonly organization?: string };
}

/** The report's facts: the source's, plus what the steps this one waits for recorded. */
function reportInput(source: ReportSource, ctx: StepContext): ReportInput {
  const findings = ctx.step.needs.map((id) => readyFindings(ctx.outputsOf(id) ?? {}));
  return {
    answers: source.loaded.answers,
    resolvePath: source.loaded.resolvePath,
    files: {
      dir: source.dir,
      answersFile: source.loaded.file,
      answersCopy: source.answersCopy,
      values: source.plan.steps.flatMap((s) => (s.action.type === 'helm-release' ? [s.action.spec.valuesFile] : [])),
      journal: journalPath(source.dir),
      generatedSecrets: join(source.dir, GENERATED_SECRETS_FILE),
      report: join(source.dir, REPORT_FILE),
    },
    health: findings.flatMap((f) => (f.health ? [f.health] : [])),
    ingresses: findings.flatMap((f) => f.ingresses),
    ...source.people?.(ctx),
  };
}

export function reportKind(source: ReportSource): StepKind<ActionOf<'report'>> {
  return {
    async run(_action, ctx) {
      const sections = installReport(reportInput(source, ctx));
      await writeFileAtomic(join(source.dir, REPORT_FILE), reportMarkdown(sections), { mode: 0o644 });
      return { report: reportLines(sections).join('\n') };
    },
  };
}

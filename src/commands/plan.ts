// `plan`: the ordered steps and the exact commands an install would run,
// secrets shown as ***. Changes nothing (generated secrets are not kept).
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Output } from './output.js';
import { loadAnswersFile } from './answers-file.js';
import { planFor } from './planned.js';
import { resolveTarget } from './target.js';
import type { Plan } from '../plan/steps.js';
import { rootFallbackNotes } from '../render/render.js';

export interface PlanOptions {
  readonly answers: string;
  readonly dir: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly output?: 'text' | 'json';
}

export function planText(plan: Plan): string[] {
  const lines = [`Plan: ${plan.scenario}, context ${plan.target.context}${plan.target.kubeconfig ? ` (kubeconfig ${plan.target.kubeconfig})` : ''}`, `Namespaces: ${plan.namespaces.join(', ')}`, ''];
  plan.steps.forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${s.title}${s.mutates ? '' : '  (read-only)'}`);
    if (s.needs.length > 0) lines.push(`    after: ${s.needs.join(', ')}`);
    for (const c of s.commands) lines.push(`    $ ${c}`);
  });
  return lines;
}

/** The plan as JSON, without the secret material the steps carry (manifest data). */
/** The plan for machines. It holds no secret (secrets are resolved when steps run), so nothing is scrubbed. */
export function planJson(plan: Plan): unknown {
  return {
    scenario: plan.scenario,
    target: plan.target,
    namespaces: plan.namespaces,
    steps: plan.steps.map((s) => ({ id: s.id, title: s.title, needs: s.needs, mutates: s.mutates, commands: s.commands, workspace: s.workspace ?? null })),
  };
}

export async function planCommand(options: PlanOptions, out: Output): Promise<number> {
  const loaded = loadAnswersFile(options.answers);
  for (const w of loaded.warnings) out.warn(`${w.path}: ${w.message}`);
  let target;
  try {
    target = resolveTarget(loaded, options);
  } catch (error) {
    // A plan is useful before the kubeconfig is set up: show the commands with a placeholder.
    if (!(error instanceof UserError)) throw error;
    out.warn(`${error.message}; the commands below show <context>`);
    target = { context: '<context>' };
  }
  const { plan, prepared } = await planFor(loaded, { dir: resolve(options.dir), target, persist: false, helm: 'helm' });
  for (const note of rootFallbackNotes(prepared.releases)) out.warn(note);
  if (options.output === 'json') out.info(JSON.stringify(planJson(plan), null, 2));
  else for (const line of planText(plan)) out.info(line);
  return 0;
}

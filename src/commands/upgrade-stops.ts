// The releases of an upgrade's required stops: for each stop, the answers
// with that one component at the stop's version and chart, rendered and
// planned like any release (values set by hand kept, secrets carried), so the
// stop is a full upgrade with its own readiness and health check. A local
// chart's stop is looked for beside it, as an offline bundle lays charts out
// (`<chart>-<version>.tgz`); a remote chart is asked for at that version.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isLocalChartRef, workspaceChart } from '../answers/derived.js';
import type { Answers } from '../answers/schema.js';
import { UserError } from '../errors.js';
import type { Hop } from '../plan/upgrade-checks.js';
import { releaseSteps, type StopSteps } from '../plan/upgrade-plan.js';
import type { RenderedRelease } from '../render/render.js';
import type { LoadedAnswers } from './answers-file.js';
import { planFor } from './planned.js';
import { writeValues } from './prepare.js';
import type { Target } from '../plan/steps.js';

export interface StopContext {
  readonly loaded: LoadedAnswers;
  readonly dir: string;
  readonly target: Target;
  readonly helm: string;
  /** The same change the target's render gets (values set by hand kept). */
  readonly adjust: (releases: RenderedRelease[]) => RenderedRelease[];
}

/** The release spec id and the chart reference (with where the answers name it) of a component. */
function componentChart(a: Answers, component: string): { id: string; ref: string; path: string } {
  if (component === 'control-plane') return { id: 'control-plane', ref: a.charts.controlPlane, path: 'charts.controlPlane' };
  const name = component.replace(/^workspace:/, '');
  const w = a.workspaces.find((x) => x.name === name);
  if (!w) throw new Error(`internal: no workspace ${name} in the answers`);
  return { id: `workspace-${name}`, ...workspaceChart(a, w) };
}

/** The answers with one component at another version and chart. */
function answersAt(a: Answers, component: string, version: string, chart: string): Answers {
  if (component === 'control-plane') {
    if (!a.controlPlane) throw new Error('internal: a control-plane stop without a control plane');
    return { ...a, controlPlane: { ...a.controlPlane, version }, charts: { ...a.charts, controlPlane: chart } };
  }
  const name = component.replace(/^workspace:/, '');
  return { ...a, workspaces: a.workspaces.map((w) => (w.name === name ? { ...w, version, chart } : w)) };
}

/** Where a stop's chart is: beside a local chart, or the same remote chart. Undefined when a local one is missing. */
function stopChart(loaded: LoadedAnswers, ref: string, chartName: string, version: string): string | undefined {
  if (!isLocalChartRef(ref)) return ref;
  const file = join(dirname(loaded.resolvePath(ref)), `${chartName}-${version}.tgz`);
  return existsSync(file) ? file : undefined;
}

/** Steps for each stop hop, keyed `<component>@<version>`; refuses before any change when a stop's chart is missing. */
export async function planStops(hops: readonly Hop[], ctx: StopContext): Promise<Map<string, StopSteps>> {
  const out = new Map<string, StopSteps>();
  const missing: string[] = [];
  const located = hops.flatMap((hop) => {
    const chart = componentChart(ctx.loaded.answers, hop.component);
    const file = stopChart(ctx.loaded, chart.ref, hop.chart, hop.to);
    if (file === undefined) missing.push(`${hop.component} must stop at ${hop.chart} ${hop.to} (${hop.stop?.why ?? 'a required stop'}), but ${join(dirname(ctx.loaded.resolvePath(chart.ref)), `${hop.chart}-${hop.to}.tgz`)} does not exist (beside ${basename(chart.ref)}, named by ${chart.path})`);
    return file === undefined ? [] : [{ hop, chart, file }];
  });
  if (missing.length > 0) {
    throw new UserError(`the upgrade path goes through versions whose charts are not at hand:\n${missing.map((m) => `  ${m}`).join('\n')}`, [
      'put each stop\'s chart .tgz (from the offline bundle or `helm pull`) beside the target chart, then run the same command again; nothing was changed',
    ]);
  }
  for (const { hop, chart, file } of located) {
    const loaded: LoadedAnswers = { ...ctx.loaded, answers: answersAt(ctx.loaded.answers, hop.component, hop.to, file) };
    const fileName = `${chart.id}-${hop.to}.yaml`;
    const { plan, prepared } = await planFor(loaded, {
      dir: ctx.dir,
      target: ctx.target,
      persist: false,
      helm: ctx.helm,
      adjust: (releases) => ctx.adjust(releases).map((r) => (r.id === chart.id ? { ...r, fileName } : r)),
    });
    const release = prepared.releases.find((r) => r.id === chart.id);
    if (!release) throw new Error(`internal: no release ${chart.id} at ${hop.to}`);
    await writeValues(ctx.dir, [release]);
    out.set(`${hop.component}@${hop.to}`, releaseSteps(plan, chart.id));
  }
  return out;
}

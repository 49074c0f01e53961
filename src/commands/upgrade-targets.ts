// Upgrade targets given outside the answers: `--control-plane-version`,
// `--workspace-version`, or `--bundle DIR` (an offline bundle's charts, the
// newest of each chart unless a version flag picks another, and its
// upgrade-data.yaml). They are written into a copy of the answers text
// (comments kept), so the install directory's copy records what was applied;
// the operator's file is not touched.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import semver from 'semver';
import { isDocument, parseDocument } from 'yaml';
import { isLocalChartRef } from '../answers/derived.js';
import type { Answers } from '../answers/schema.js';
import { UserError } from '../errors.js';

export interface TargetFlags {
  readonly controlPlaneVersion?: string | undefined;
  readonly workspaceVersion?: string | undefined;
  readonly bundle?: string | undefined;
}

export interface Retargeted {
  readonly text: string;
  /** What changed, for the operator. */
  readonly notes: readonly string[];
  /** The bundle's release data, when it has some. */
  readonly upgradeData?: string;
}

type Chart = 'zenml-pro' | 'zenml';

/** The charts in a bundle directory (itself or its charts/ folder), by chart and version. */
function bundleCharts(dir: string): Map<Chart, Map<string, string>> {
  const found = new Map<Chart, Map<string, string>>([['zenml-pro', new Map()], ['zenml', new Map()]]);
  for (const folder of [dir, join(dir, 'charts')]) {
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)) {
      const m = /^(zenml-pro|zenml)-(.+)\.tgz$/.exec(file);
      if (m && semver.valid(m[2] ?? '')) found.get(m[1] as Chart)?.set(m[2] ?? '', join(folder, file));
    }
  }
  return found;
}

function checkedVersion(flag: string, v: string | undefined): string | undefined {
  if (v !== undefined && semver.valid(v) === null) throw new UserError(`${flag} ${v}: not a chart version`, [`give an exact chart version such as 0.93.2`]);
  return v;
}

/** Where the chart of `version` is: in the bundle, beside the answers' local chart, or the same remote chart. */
function chartFor(chart: Chart, version: string, ref: string, resolvePath: (p: string) => string, bundle: Map<Chart, Map<string, string>> | undefined, bundleDir: string | undefined): string {
  if (bundle) {
    const file = bundle.get(chart)?.get(version);
    if (!file) throw new UserError(`the bundle ${bundleDir ?? ''} has no ${chart} chart ${version} (it has: ${[...(bundle.get(chart)?.keys() ?? [])].join(', ') || 'none'})`, ['pick a version the bundle holds, or add its chart .tgz to the bundle']);
    return file;
  }
  if (!isLocalChartRef(ref)) return ref;
  const file = join(dirname(resolvePath(ref)), `${chart}-${version}.tgz`);
  if (!existsSync(file)) throw new UserError(`${file} does not exist: the ${chart} chart ${version} must lie beside ${basename(ref)}, which the answers name`, ['put it there (from the offline bundle or `helm pull`), or give --bundle DIR']);
  return file;
}

export function retarget(text: string, answers: Answers, resolvePath: (p: string) => string, flags: TargetFlags): Retargeted {
  const cpVersion0 = checkedVersion('--control-plane-version', flags.controlPlaneVersion);
  const wsVersion0 = checkedVersion('--workspace-version', flags.workspaceVersion);
  const bundle = flags.bundle === undefined ? undefined : bundleCharts(flags.bundle);
  if (bundle && bundle.get('zenml-pro')?.size === 0 && bundle.get('zenml')?.size === 0) {
    throw new UserError(`--bundle ${flags.bundle ?? ''}: no zenml-pro-<version>.tgz or zenml-<version>.tgz in it or in its charts/ folder`, ['give the directory of the offline bundle that holds the charts']);
  }
  const newest = (chart: Chart): string | undefined => [...(bundle?.get(chart)?.keys() ?? [])].sort(semver.rcompare)[0];
  const cpVersion = cpVersion0 ?? newest('zenml-pro');
  const wsVersion = wsVersion0 ?? newest('zenml');
  if (cpVersion0 && !answers.controlPlane) throw new UserError('--control-plane-version: the answers have no control plane (ZenML runs it)', ['leave the flag out']);

  const doc = parseDocument(text);
  if (!isDocument(doc)) throw new Error('internal: the answers text is not a YAML document');
  const notes: string[] = [];
  if (cpVersion && answers.controlPlane) {
    const chart = chartFor('zenml-pro', cpVersion, answers.charts.controlPlane, resolvePath, bundle, flags.bundle);
    doc.setIn(['controlPlane', 'version'], cpVersion);
    doc.setIn(['charts', 'controlPlane'], chart);
    notes.push(`control plane → ${cpVersion} (${chart})`);
  }
  if (wsVersion && answers.workspaces.length > 0) {
    let shared: string | undefined;
    answers.workspaces.forEach((w, i) => {
      const chart = chartFor('zenml', wsVersion, w.chart ?? answers.charts.workspace, resolvePath, bundle, flags.bundle);
      doc.setIn(['workspaces', i, 'version'], wsVersion);
      if (w.chart) doc.setIn(['workspaces', i, 'chart'], chart);
      else shared = chart;
    });
    if (shared) doc.setIn(['charts', 'workspace'], shared);
    notes.push(`workspaces ${answers.workspaces.map((w) => w.name).join(', ')} → ${wsVersion} (${shared ?? 'their own charts'})`);
  }
  const data = flags.bundle === undefined ? undefined : join(flags.bundle, 'upgrade-data.yaml');
  return { text: doc.toString(), notes, ...(data && existsSync(data) ? { upgradeData: data } : {}) };
}

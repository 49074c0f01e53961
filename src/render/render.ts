// Renders every release's values file from the answers: the control plane
// (self-hosted) and each workspace server, with extraValues merged last.
import type { Answers } from '../answers/schema.js';
import { fillTemplate } from './fill-template.js';
import { mergeExtraValues } from './merge.js';
import { budgetPlace, chooseChartRoot, type ChartRootChoice } from './chart-root.js';
import { controlPlaneValues, manualEnrollment, workspaceValues, type Enrollment, type ValuesInputs } from './values.js';
import { enrollmentMode } from '../answers/derived.js';

export interface Templates {
  readonly controlPlane: string;
  readonly workspace: string;
}

export interface RenderInputs extends ValuesInputs {
  readonly templates: Templates;
  readonly version: string;
  /** What was read of the control-plane chart. */
  readonly controlPlaneChart?: ChartRead;
  /** What was read of each workspace's chart, by workspace name. */
  readonly workspaceCharts?: ReadonlyMap<string, ChartRead>;
  /** Results of automatic enrollments, by workspace name. */
  readonly enrollments?: ReadonlyMap<string, Enrollment>;
}

/** A chart's default values.yaml, when it could be read, and where it came from (for messages). */
export interface ChartRead {
  readonly values?: string | undefined;
  readonly source: string;
}

export interface RenderedRelease {
  /** `control-plane` or `workspace-<name>`. */
  readonly id: string;
  readonly fileName: string;
  readonly text: string;
  readonly values: Record<string, unknown>;
  /** extraValues keys that replaced rendered values. */
  readonly overridden: readonly string[];
  /** Why this file is not final yet (e.g. enrollment pending), if it is not. */
  readonly pending?: string;
  readonly chartRoot?: ChartRootChoice;
  /** The disruption budget the installer must apply itself: asked for, and the chart has no such setting. */
  readonly installerBudget?: { readonly minAvailable: number };
}

export const ENROLLMENT_PENDING =
  'enrollment pending: pro.organizationID, pro.workspaceID and pro.enrollmentKey come from enrolling this workspace in the control plane; install stops after the control plane is ready and says where to get them';

function header(inputs: RenderInputs, what: string): string[] {
  return [`Rendered by zenml-pro-installer ${inputs.version} for ${what}.`, ''];
}

/** What to tell the operator about workspace values rendered under a root the chart did not declare. */
export function rootFallbackNotes(releases: readonly RenderedRelease[]): string[] {
  return releases.flatMap((r) => (r.chartRoot && !r.chartRoot.fromChart ? [`${r.id}: values root ${r.chartRoot.root}: ${r.chartRoot.reason}`] : []));
}

export function renderReleases(inputs: RenderInputs): RenderedRelease[] {
  const a: Answers = inputs.answers;
  const out: RenderedRelease[] = [];
  const installerBudget = (pdb: { enabled: boolean; minAvailable: number } | undefined, inChart: boolean): Pick<RenderedRelease, 'installerBudget'> =>
    pdb?.enabled && !inChart ? { installerBudget: { minAvailable: pdb.minAvailable } } : {};
  if (a.controlPlane) {
    const place = budgetPlace(inputs.controlPlaneChart?.values, 'zenml');
    const merged = mergeExtraValues(controlPlaneValues(inputs, place), a.controlPlane.extraValues);
    out.push({
      id: 'control-plane',
      fileName: 'control-plane.yaml',
      text: fillTemplate(inputs.templates.controlPlane, merged.values, {
        header: header(inputs, `release ${a.controlPlane.releaseName} (chart zenml-pro ${a.controlPlane.version}) in namespace ${a.controlPlane.namespace}`),
      }),
      values: merged.values,
      overridden: merged.overridden,
      ...installerBudget(a.controlPlane.podDisruptionBudget, place !== undefined),
    });
  }
  for (const w of a.workspaces) {
    const chart = inputs.workspaceCharts?.get(w.name);
    const chartRoot = chooseChartRoot(chart?.values, chart?.source);
    const place = budgetPlace(chart?.values, chartRoot.root);
    const enrollment = enrollmentMode(a, w) === 'manual' ? manualEnrollment(w, inputs.secrets) : inputs.enrollments?.get(w.name);
    const merged = mergeExtraValues(workspaceValues(inputs, w, chartRoot.root, enrollment, place), w.extraValues);
    out.push({
      id: `workspace-${w.name}`,
      fileName: `workspace-${w.name}.yaml`,
      text: fillTemplate(inputs.templates.workspace, merged.values, {
        renameRoot: chartRoot.root === 'zenml' ? { from: 'server', to: 'zenml' } : undefined,
        header: header(inputs, `workspace ${w.name}: release ${w.releaseName} (chart zenml ${w.version}, values root ${chartRoot.root}:)`),
      }),
      values: merged.values,
      overridden: merged.overridden,
      chartRoot,
      ...installerBudget(w.podDisruptionBudget, place !== undefined),
      ...(enrollment ? {} : { pending: ENROLLMENT_PENDING }),
    });
  }
  return out;
}

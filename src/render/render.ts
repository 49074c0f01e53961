// Renders every release's values file from the answers: the control plane
// (self-hosted) and each workspace server, with extraValues merged last.
import type { Answers } from '../answers/schema.js';
import { fillTemplate } from './fill-template.js';
import { mergeExtraValues } from './merge.js';
import { chooseChartRoot, type ChartRootChoice } from './chart-root.js';
import { controlPlaneValues, manualEnrollment, workspaceValues, type Enrollment, type ValuesInputs } from './values.js';
import { enrollmentMode } from '../answers/derived.js';

export interface Templates {
  readonly controlPlane: string;
  readonly workspace: string;
}

export interface RenderInputs extends ValuesInputs {
  readonly templates: Templates;
  readonly version: string;
  /** Default values.yaml of each workspace's chart, by workspace name, when the chart was read. */
  readonly workspaceChartValues?: ReadonlyMap<string, string>;
  /** Results of automatic enrollments, by workspace name. */
  readonly enrollments?: ReadonlyMap<string, Enrollment>;
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
}

function header(inputs: RenderInputs, what: string): string[] {
  return [`Rendered by zenml-pro-installer ${inputs.version} for ${what}.`, ''];
}

export function renderReleases(inputs: RenderInputs): RenderedRelease[] {
  const a: Answers = inputs.answers;
  const out: RenderedRelease[] = [];
  if (a.controlPlane) {
    const merged = mergeExtraValues(controlPlaneValues(inputs), a.controlPlane.extraValues);
    out.push({
      id: 'control-plane',
      fileName: 'control-plane.yaml',
      text: fillTemplate(inputs.templates.controlPlane, merged.values, {
        header: header(inputs, `release ${a.controlPlane.releaseName} (chart zenml-pro ${a.controlPlane.version}) in namespace ${a.controlPlane.namespace}`),
      }),
      values: merged.values,
      overridden: merged.overridden,
    });
  }
  for (const w of a.workspaces) {
    const chartRoot = chooseChartRoot(w.version, inputs.workspaceChartValues?.get(w.name));
    const enrollment = enrollmentMode(a, w) === 'manual' ? manualEnrollment(w, inputs.secrets) : inputs.enrollments?.get(w.name);
    const merged = mergeExtraValues(workspaceValues(inputs, w, chartRoot.root, enrollment), w.extraValues);
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
      ...(enrollment ? {} : { pending: 'enrollment pending: the installer enrolls this workspace in the control plane at install time and completes pro.organizationID, pro.workspaceID and pro.enrollmentKey' }),
    });
  }
  return out;
}

// The workspace chart renamed its values root from `zenml:` to `server:`.
// Values under the wrong root are silently ignored, so read the chart's own
// values when we have them; otherwise decide by version.
import semver from 'semver';
import { parse } from 'yaml';
import type { ChartRoot } from './values.js';

/**
 * First chart version assumed to read `server:`. An inference: every chart up to
 * 0.82.0 reads `zenml:`, current docs use `server:`; installs read the chart itself.
 */
export const SERVER_ROOT_SINCE = '0.90.0';

export interface ChartRootChoice {
  readonly root: ChartRoot;
  readonly reason: string;
}

/** Picks the root from the chart's default values.yaml text, if it names one. */
export function chartRootFromValues(valuesYaml: string): ChartRoot | undefined {
  const values: unknown = parse(valuesYaml);
  if (values === null || typeof values !== 'object') return undefined;
  if ('server' in values) return 'server';
  if ('zenml' in values) return 'zenml';
  return undefined;
}

export function chooseChartRoot(version: string, chartValuesYaml?: string): ChartRootChoice {
  if (chartValuesYaml !== undefined) {
    const fromChart = chartRootFromValues(chartValuesYaml);
    if (fromChart) return { root: fromChart, reason: `the chart's own values use ${fromChart}:` };
  }
  const root: ChartRoot = semver.gte(version, SERVER_ROOT_SINCE) ? 'server' : 'zenml';
  return { root, reason: `chart version ${version} ${root === 'server' ? '>=' : '<'} ${SERVER_ROOT_SINCE} (no chart read)` };
}

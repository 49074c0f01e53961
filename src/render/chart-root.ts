// The workspace chart renamed its values root from `zenml:` to `server:`;
// newer charts still read `zenml:` as an alias, older ones read only `zenml:`.
// Values under a root the chart does not read are silently ignored, so the
// root comes from the chart at hand, and is `zenml:` when it cannot be read.
import { parse } from 'yaml';
import type { BudgetPlace, ChartRoot } from './values.js';

export interface ChartRootChoice {
  readonly root: ChartRoot;
  readonly reason: string;
  /** False when the chart said nothing (not read, or no root in it) and `zenml:` was chosen as the safe root. */
  readonly fromChart: boolean;
}

function topLevel(valuesYaml: string): Record<string, unknown> | undefined {
  const values: unknown = parse(valuesYaml);
  return values !== null && typeof values === 'object' && !Array.isArray(values) ? (values as Record<string, unknown>) : undefined;
}

/** The root the chart's default values.yaml declares, if it names one. */
export function chartRootFromValues(valuesYaml: string): ChartRoot | undefined {
  const values = topLevel(valuesYaml);
  if (!values) return undefined;
  if ('server' in values) return 'server';
  if ('zenml' in values) return 'zenml';
  return undefined;
}

/** `chartValuesYaml` is the chart's values.yaml when it could be read (`from` says where). */
export function chooseChartRoot(chartValuesYaml: string | undefined, from = 'the chart'): ChartRootChoice {
  const fromChart = chartValuesYaml === undefined ? undefined : chartRootFromValues(chartValuesYaml);
  if (fromChart) return { root: fromChart, reason: `${from} declares ${fromChart}:`, fromChart: true };
  const why = chartValuesYaml === undefined ? `${from} could not be read` : `${from} declares neither server: nor zenml:`;
  return { root: 'zenml', reason: `${why}; zenml: is read by every chart version`, fromChart: false };
}

/** Where the chart declares podDisruptionBudget (at the top, or under its values root). */
export function budgetPlace(chartValuesYaml: string | undefined, root: string): BudgetPlace {
  const values = chartValuesYaml === undefined ? undefined : topLevel(chartValuesYaml);
  if (!values) return undefined;
  if ('podDisruptionBudget' in values) return 'top';
  const under = values[root];
  return under !== null && typeof under === 'object' && 'podDisruptionBudget' in under ? 'root' : undefined;
}

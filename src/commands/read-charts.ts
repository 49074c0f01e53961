// Reads the charts the answers name before anything is rendered or changed:
// a local chart must exist and be the component and version the answers
// say (its images follow the chart version); a remote chart is read when
// the jump host can reach it, and otherwise the render says it could not be.
import type { Answers } from '../answers/schema.js';
import type { Problem } from '../answers/rules.js';
import { formatProblems } from '../answers/load.js';
import { UserError } from '../errors.js';
import type { ChartRead } from '../render/render.js';
import { isLocalChartRef, workspaceChart } from '../answers/derived.js';
import { readLocalChart, showRemoteChart, type ChartFiles } from '../tools/chart-files.js';

export interface ChartsRead {
  readonly controlPlane?: ChartRead;
  readonly workspaces: ReadonlyMap<string, ChartRead>;
}

export interface ReadChartsOptions {
  /** Resolves a path written in the answers. */
  readonly resolvePath: (p: string) => string;
  /** helm for `helm show` of remote charts; undefined: remote charts are not read. */
  readonly helm?: string;
  readonly file: string;
}

export async function readCharts(a: Answers, options: ReadChartsOptions): Promise<ChartsRead> {
  const problems: Problem[] = [];
  const cache = new Map<string, Promise<ChartFiles | undefined>>();

  const read = async (ref: string, version: string, path: string, expectedName: string, versionPath: string): Promise<ChartRead> => {
    const remote = !isLocalChartRef(ref);
    const location = remote ? ref : options.resolvePath(ref);
    const key = `${location}@${remote ? version : ''}`;
    let files = cache.get(key);
    if (!files) {
      files = remote
        ? options.helm
          ? showRemoteChart(options.helm, ref, version)
          : Promise.resolve(undefined)
        : Promise.resolve()
            .then(() => readLocalChart(location))
            .catch((error: unknown) => {
              const why = error instanceof Error ? error.message : String(error);
              problems.push({ path, message: `${location} cannot be read (${why}); give the path of the chart .tgz (or directory) from your offline bundle, e.g. ./charts/${expectedName}-${version}.tgz` });
              return undefined;
            });
      cache.set(key, files);
    }
    const got = await files;
    if (!remote && got) {
      if (got.name !== expectedName) problems.push({ path, message: `${location} is the chart "${got.name ?? '?'}", not ${expectedName}; point it at the ${expectedName} chart` });
      else if (got.version !== version) {
        problems.push({ path: versionPath, message: `is ${version}, but the chart ${location} is version ${got.version ?? '?'} (image tags follow the chart version); make them agree, or give each workspace of another version its own chart (workspaces[].chart)` });
      }
    }
    return { values: got?.values, source: remote ? `the chart ${ref} ${version}` : `the chart ${location}` };
  };

  const cp = a.controlPlane;
  const controlPlane = cp ? read(a.charts.controlPlane, cp.version, 'charts.controlPlane', 'zenml-pro', 'controlPlane.version') : undefined;
  const workspaces = await Promise.all(
    a.workspaces.map(async (w, i) => {
      const chart = workspaceChart(a, w);
      return [w.name, await read(chart.ref, w.version, chart.path, 'zenml', `workspaces[${i}].version`)] as const;
    }),
  );
  const cpRead = await controlPlane;
  if (problems.length > 0) {
    throw new UserError(`${options.file} has ${problems.length} problem${problems.length === 1 ? '' : 's'} with its charts:\n${formatProblems(problems)}`, ['nothing was changed; fix the answers and run the same command again']);
  }
  return { ...(cpRead ? { controlPlane: cpRead } : {}), workspaces: new Map(workspaces) };
}

// From a loaded answers file to rendered values: resolve every secret
// (persisting generated ones first), read the charts at hand, render.
import { readFileSync } from 'node:fs';
import { resolveSecrets } from '../answers/secrets.js';
import { formatProblems } from '../answers/load.js';
import { unreadableNamedFile, type LoadedAnswers } from '../commands/answers-file.js';
import { UserError } from '../errors.js';
import { renderReleases, type RenderedRelease } from '../render/render.js';
import { templates } from '../render/templates.js';
import type { Enrollment } from '../render/values.js';
import { isLocalChart, readChartValues } from '../tools/chart-files.js';
import { GeneratedSecretsStore } from './generated-secrets.js';
import { INSTALLER_VERSION } from '../version.js';

export interface Prepared {
  readonly secrets: ReadonlyMap<string, string>;
  readonly releases: readonly RenderedRelease[];
  /** Generated secrets created by this run (new keys only). */
  readonly createdSecrets: readonly string[];
  readonly generated: GeneratedSecretsStore;
}

export interface PrepareOptions {
  readonly dir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly enrollments?: ReadonlyMap<string, Enrollment>;
  /** Keep newly generated secrets on disk (false for read-only commands such as `plan`). */
  readonly persist?: boolean;
}

export async function prepare(loaded: LoadedAnswers, options: PrepareOptions): Promise<Prepared> {
  const { answers, resolvePath } = loaded;
  const readFile = (p: string): string => readFileSync(resolvePath(p), 'utf8');
  const generated = GeneratedSecretsStore.open(options.dir);
  const resolved = resolveSecrets(answers, { env: options.env, readFile, generated });
  if (resolved.problems.length > 0) {
    throw new UserError(`some secrets in ${loaded.file} cannot be read:\n${formatProblems(resolved.problems)}`, [
      'nothing was written; supply them and run the same command again',
    ]);
  }
  if (options.persist !== false) await generated.save();

  const workspaceChartValues = new Map<string, string>();
  const chartRef = answers.charts.workspace;
  const localChart = resolvePath(chartRef);
  if (!chartRef.includes('://') && isLocalChart(localChart)) {
    const values = readChartValues(localChart);
    if (values !== undefined) for (const w of answers.workspaces) workspaceChartValues.set(w.name, values);
  }
  let releases: RenderedRelease[];
  try {
    releases = renderReleases({
      answers,
      secrets: resolved.values,
      readFile,
      templates,
      version: INSTALLER_VERSION,
      workspaceChartValues,
      ...(options.enrollments ? { enrollments: options.enrollments } : {}),
    });
  } catch (error) {
    throw unreadableNamedFile(error, loaded.file) ?? error;
  }
  return { secrets: resolved.values, releases, createdSecrets: resolved.created, generated };
}

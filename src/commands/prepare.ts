// From a loaded answers file to rendered values: resolve every secret
// (persisting generated ones first), read the charts at hand, render.
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { resolveSecrets } from '../answers/secrets.js';
import { formatProblems } from '../answers/load.js';
import { unreadableNamedFile, type LoadedAnswers } from './answers-file.js';
import { UserError } from '../errors.js';
import { renderReleases, type RenderedRelease } from '../render/render.js';
import { templates } from '../render/templates.js';
import type { Enrollment } from '../render/values.js';
import { keptEnrollment } from '../steps/enroll-workspace.js';
import { readCharts } from './read-charts.js';
import { GeneratedSecretsStore } from '../engine/generated-secrets.js';
import { INSTALLER_VERSION } from '../version.js';

export interface Prepared {
  readonly secrets: ReadonlyMap<string, string>;
  readonly releases: readonly RenderedRelease[];
  /** Generated secrets created by this run (new keys only). */
  readonly createdSecrets: readonly string[];
  readonly generated: GeneratedSecretsStore;
  /** Keyed digest (HMAC with the install directory's own key): digests of secret material reveal nothing. */
  readonly digest: (data: string) => string;
  /** The releases again, with the automatic enrollments kept by now (an enrollment step kept one since). */
  readonly render: () => RenderedRelease[];
}

const DIGEST_KEY = 'installer.digestKey';

/** Writes every release's values file into <dir>/values (0700), each 0600: they hold secrets. */
export async function writeValues(dir: string, releases: readonly RenderedRelease[]): Promise<string[]> {
  const valuesDir = join(dir, 'values');
  mkdirSync(valuesDir, { recursive: true, mode: 0o700 });
  chmodSync(valuesDir, 0o700);
  const files: string[] = [];
  for (const r of releases) {
    const file = join(valuesDir, r.fileName);
    await writeFileAtomic(file, r.text, { mode: 0o600 });
    files.push(file);
  }
  return files;
}

export interface PrepareOptions {
  readonly dir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Keep newly generated secrets on disk (false for read-only commands such as `plan`). */
  readonly persist?: boolean;
  /** helm used to read remote charts (`helm show`); without it they are not read. */
  readonly helm?: string;
  /** Changes the rendered releases (an upgrade keeps values set by hand on the running ones). */
  readonly adjust?: (releases: RenderedRelease[]) => RenderedRelease[];
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
  // Charts are checked before anything is kept: a wrong chart is an answers error that changes nothing.
  const charts = await readCharts(answers, { resolvePath, file: loaded.file, ...(options.helm ? { helm: options.helm } : {}) });
  let digestKey = generated.get(DIGEST_KEY);
  if (digestKey === undefined) {
    digestKey = randomBytes(32).toString('hex');
    generated.remember(DIGEST_KEY, digestKey);
  }
  const key = digestKey;
  if (options.persist !== false) await generated.save();

  const render = (): RenderedRelease[] => {
    const enrollments = new Map<string, Enrollment>();
    for (const w of answers.workspaces) {
      const kept = keptEnrollment(generated, w.name);
      if (kept) enrollments.set(w.name, kept);
    }
    try {
      const rendered = renderReleases({
        answers,
        secrets: resolved.values,
        readFile,
        templates,
        version: INSTALLER_VERSION,
        ...(charts.controlPlane ? { controlPlaneChart: charts.controlPlane } : {}),
        workspaceCharts: charts.workspaces,
        enrollments,
      });
      return options.adjust ? options.adjust(rendered) : rendered;
    } catch (error) {
      throw unreadableNamedFile(error, loaded.file) ?? error;
    }
  };
  return { secrets: resolved.values, releases: render(), createdSecrets: resolved.created, generated, digest: (data) => createHmac('sha256', key).update(data).digest('hex'), render };
}

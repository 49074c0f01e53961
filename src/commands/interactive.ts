// The wizard in front of `install`: ask for what the answers lack, preview
// the plan and values, then save the answers (secrets as references only)
// into the install directory so the same install can be repeated with --answers.
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadAnswersText, validateAnswers } from '../answers/load.js';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { ExitCode, UserError } from '../errors.js';
import { runWizard } from '../ui/wizard/run-wizard.js';
import type { PreviewResult } from '../wizard/result.js';
import { loadedFromAnswers } from './answers-file.js';
import { planFor, redactorFor } from './planned.js';
import { planText } from './plan.js';
import { readKubeconfig } from './target.js';

export interface WizardOutcome {
  readonly action: 'install' | 'save' | 'cancel';
  /** The saved answers file (secrets as references), when anything was saved. */
  readonly answersFile?: string;
}

/** Where a typed secret is kept in the install directory (relative to it), by its env name. */
const typedSecretFile = (envName: string): string => `secrets/${envName.toLowerCase().replaceAll('_', '-')}`;

/** Walks `raw` and turns `{ fromEnv: NAME }` of typed secrets into `{ fromFile: ./secrets/<name> }`. */
function secretsToFiles(raw: unknown, typed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(raw)) return raw.map((v) => secretsToFiles(v, typed));
  if (raw === null || typeof raw !== 'object') return raw;
  const obj = raw as Record<string, unknown>;
  const env = obj.fromEnv;
  if (typeof env === 'string' && Object.keys(obj).length === 1 && typed.has(env)) return { fromFile: `./${typedSecretFile(env)}` };
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, secretsToFiles(v, typed)]));
}

const PATH_KEYS = new Set(['certFile', 'keyFile', 'caFile', 'fromFile', 'kubeconfig']);

/** Makes the file paths in answers absolute against `base`, so they survive moving the answers file. */
export function absolutizePaths(raw: unknown, base: string, key = ''): unknown {
  if (Array.isArray(raw)) return raw.map((v) => absolutizePaths(v, base));
  if (typeof raw === 'string') {
    // Chart references: charts.controlPlane, charts.workspace and a workspace's own chart.
    const isPath = PATH_KEYS.has(key) || ((key === 'controlPlane' || key === 'workspace' || key === 'chart') && !raw.includes('://'));
    return isPath && !isAbsolute(raw) && !raw.startsWith('~/') ? resolve(base, raw) : raw;
  }
  if (raw === null || typeof raw !== 'object') return raw;
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, absolutizePaths(v, base, k)]));
}

/** The API server of every context in the kubeconfig files, to name the target before an install. */
export function contextServers(files: readonly string[]): Record<string, string> {
  const servers: Record<string, string> = {};
  for (const file of files) {
    const data = (parse(readFileSync(file, 'utf8')) ?? {}) as { contexts?: { name?: string; context?: { cluster?: string } }[]; clusters?: { name?: string; cluster?: { server?: string } }[] };
    for (const c of data.contexts ?? []) {
      const server = data.clusters?.find((k) => k.name === c.context?.cluster)?.cluster?.server;
      if (c.name && server && !(c.name in servers)) servers[c.name] = server;
    }
  }
  return servers;
}

/** Why a path typed into the wizard cannot be read, with the fix; relative paths are from the working directory, as saved. */
export function checkPath(path: string, kind: 'file' | 'file-or-directory'): string | undefined {
  const full = path.startsWith('~/') ? join(homedir(), path.slice(2)) : resolve(path);
  const where = isAbsolute(path) ? full : `${full} (relative to ${process.cwd()})`;
  try {
    if (kind === 'file' && statSync(full).isDirectory()) return `${where} is a directory; give the file itself`;
    accessSync(full, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${where} does not exist; give the path of an existing file, relative to ${process.cwd()} or absolute`;
    if (code === 'EACCES') return `cannot read ${where} (permission denied); make it readable or give another file`;
    return `cannot read ${where}: ${(error as Error).message}`;
  }
}

async function preview(raw: Record<string, unknown>, typed: ReadonlyMap<string, string>, dir: string): Promise<PreviewResult> {
  const result = validateAnswers(raw);
  if (!result.ok) return { ok: false, problems: result.problems };
  try {
    const loaded = loadedFromAnswers(result.answers, join(process.cwd(), 'answers.yaml'), stringify(raw));
    const target = { context: result.answers.cluster.context ?? '<context>' };
    // Secrets typed into the wizard stand in for their environment variables, for this preview only.
    const env = { ...process.env, ...Object.fromEntries(typed) };
    const { plan, prepared } = await planFor(loaded, { dir, target, persist: false, env });
    const redactor = redactorFor(loaded, prepared);
    for (const v of typed.values()) redactor.add(v, 'typed secret');
    return {
      ok: true,
      planLines: planText(plan).map((l) => redactor.scrub(l)),
      values: prepared.releases.map((r) => ({ file: r.fileName, text: redactor.scrub(r.text) })),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ path: '(preview)', message }] };
  }
}

/** Runs the wizard (terminal only) from an optional partial answers file; saves what it collected. */
export async function runInteractive(options: { answers?: string | undefined; dir: string; kubeconfig?: string | undefined }): Promise<WizardOutcome> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError('no answers file and no terminal to ask on', ['pass --answers FILE (start from examples/self-hosted.yaml); `zenml-pro-installer schema` documents every key'], ExitCode.invalidInput);
  }
  let initial: Record<string, unknown> | undefined;
  if (options.answers) {
    const text = readFileSync(options.answers, 'utf8');
    const parsed = loadAnswersText(text, options.answers);
    if (!parsed.ok && parsed.problems.some((p) => p.message.startsWith('YAML syntax error'))) {
      throw new UserError(`${options.answers} is not valid YAML:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    }
    initial = absolutizePaths(parse(text) ?? {}, dirname(resolve(options.answers))) as Record<string, unknown>;
  }
  const kube = readKubeconfig(options.kubeconfig);
  const dir = resolve(options.dir);
  const result = await runWizard({
    ...(initial ? { initial } : {}),
    contexts: kube.contexts,
    ...(kube.current ? { currentContext: kube.current } : {}),
    contextServers: contextServers(kube.files),
    checkFile: checkPath,
    preview: (raw, typed) => preview(raw, typed, dir),
  });
  if (result.action === 'cancel' && Object.keys(result.raw).length <= 1) return { action: 'cancel' };
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  for (const [name, value] of result.typedSecrets) {
    await writeFileAtomic(join(dir, typedSecretFile(name)), `${value}\n`, { mode: 0o600 });
  }
  const answersFile = join(dir, 'answers.yaml');
  const header = '# Answers saved by the zenml-pro-installer wizard. Secrets you typed are in ./secrets (0600);\n# repeat this install with: zenml-pro-installer install --answers ' + answersFile + '\n';
  await writeFileAtomic(answersFile, header + stringify(secretsToFiles(absolutizePaths(result.raw, process.cwd()), result.typedSecrets)), { mode: 0o600 });
  return { action: result.action, answersFile };
}

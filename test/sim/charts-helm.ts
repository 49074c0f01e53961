// Runs the real helm binaries on the packaged stand-in charts for the chart
// tests: each helm gets its own temporary HOME and HELM_* directories, and a
// KUBECONFIG that does not exist, so nothing reads or writes the user's setup.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKAGED_DIR = join(REPO_ROOT, '.tools', 'charts');
export const PACKAGE_SCRIPT = join(REPO_ROOT, 'scripts', 'package-charts.mjs');

export const HELMS = [
  { label: 'helm 4', bin: join(REPO_ROOT, '.tools', 'bin', 'helm') },
  { label: 'helm 3', bin: join(REPO_ROOT, '.tools', 'bin', 'helm3') },
] as const;

/** Runs scripts/package-charts.mjs in the repo; returns its output. */
export function packageCharts(): string {
  const run = spawnSync(process.execPath, [PACKAGE_SCRIPT], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`package-charts failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

export function chartPath(name: 'zenml' | 'zenml-pro', version: string): string {
  return join(PACKAGED_DIR, `${name}-${version}.tgz`);
}

export interface K8sObject {
  readonly kind: string;
  readonly metadata: { name: string; annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

export interface Rendered {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly objects: readonly K8sObject[];
}

/** One helm binary with a private home; call cleanup() when done. */
export class HelmRunner {
  readonly #home = mkdtempSync(join(tmpdir(), 'zpi-helm-home-'));
  #valuesCount = 0;

  constructor(readonly bin: string) {}

  run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.#home,
      HELM_CACHE_HOME: join(this.#home, 'cache'),
      HELM_CONFIG_HOME: join(this.#home, 'config'),
      HELM_DATA_HOME: join(this.#home, 'data'),
      KUBECONFIG: join(this.#home, 'no-kubeconfig'),
    };
    const result = spawnSync(this.bin, args, { env, encoding: 'utf8', timeout: 30_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Writes values to a 0600 file (they hold passwords) and returns its path. */
  valuesFile(values: unknown): string {
    const file = join(this.#home, `values-${++this.#valuesCount}.yaml`);
    writeFileSync(file, stringify(values), { mode: 0o600 });
    return file;
  }

  template(chart: string, values: unknown, release = 'zenml', namespace = 'zenml-workspace'): Rendered {
    const result = this.run(['template', release, chart, '--namespace', namespace, '--values', this.valuesFile(values)]);
    const ok = result.status === 0;
    const objects = ok
      ? parseAllDocuments(result.stdout).map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null)
      : [];
    return { ok, stdout: result.stdout, stderr: result.stderr, objects };
  }

  cleanup(): void {
    rmSync(this.#home, { recursive: true, force: true });
  }
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${name}; rendered: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found;
}

export function names(objects: readonly K8sObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { secretRef?: { name: string } }[];
  resources?: unknown;
}

export interface PodSpec {
  containers: Container[];
  imagePullSecrets?: { name: string }[];
  serviceAccountName?: string;
}

/** The pod spec of a Deployment or Job. */
export function podSpec(workload: K8sObject): PodSpec {
  return (workload as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

export function firstContainer(workload: K8sObject): Container {
  const container = podSpec(workload).containers[0];
  if (!container) throw new Error(`${workload.kind}/${workload.metadata.name} has no container`);
  return container;
}

/** Plain env vars of the first container as a map. */
export function plainEnv(workload: K8sObject): Record<string, string | undefined> {
  return Object.fromEntries((firstContainer(workload).env ?? []).map((e) => [e.name, e.value]));
}

/** A Secret's data, base64-decoded. */
export function secretData(secret: K8sObject): Record<string, string> {
  const data = (secret as unknown as { data?: Record<string, string> }).data ?? {};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

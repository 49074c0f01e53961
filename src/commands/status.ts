// `status`: what runs now, read-only. For each release of ZenML Pro: helm's
// status, revision, chart and app versions (from the latest release record,
// without helm), its deployments' readiness, its server's /health and which
// way it answered, and for workspaces the enrollment their values carry.
// Which releases: those an install directory's answers copy (or an answers
// file) names, read namespace by namespace; without either, every release of
// the charts zenml-pro and zenml the credentials can list.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { controlPlaneHealthUrl, workspaceNamespace } from '../answers/derived.js';
import { checkResumeTarget, JournalError, loadJournal, type Journal } from '../engine/journal.js';
import { ExitCode, UserError } from '../errors.js';
import {
  enrollmentOf, serverUrlOf, statusReport, workspaceNameOf,
  type ComponentFinding, type DeploymentStatus, type Enrollment, type HealthCheck, type StatusSource,
} from '../plan/status-report.js';
import { statusTable } from '../plan/status-table.js';
import type { Target } from '../tools/argv.js';
import { checkHealth, describeHealthPath, type HealthOptions, type HealthResult } from '../tools/health.js';
import { IngressRoutes } from '../tools/ingress-address.js';
import { KubeApiError } from '../tools/kube-api.js';
import { Redactor } from '../tools/redact.js';
import type { DeploymentReadiness, ReleaseInventory, ReleaseSummary } from '../tools/release-inventory.js';
import { openClusterReads } from './cluster-reads.js';
import { loadAnswersFile, type LoadedAnswers } from './answers-file.js';
import { ANSWERS_COPY } from './answers-copy.js';
import { healthOptions } from './health-options.js';
import type { Output } from './output.js';
import { readKubeconfig, resolveTarget } from './target.js';

export interface StatusOptions {
  readonly dir?: string;
  readonly answers?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly output?: 'text' | 'json';
  /** host=address:port overrides for the health checks (like curl --resolve). */
  readonly resolve?: readonly string[];
  readonly caFile?: string;
}

/** Exit codes of `status` (also in its --help). */
const STATUS_EXIT = { healthy: ExitCode.ok, notHealthy: ExitCode.stepFailed, unreachable: ExitCode.blockedByCheck } as const;

/** The releases an install names, and what its journal recorded. */
interface Install {
  readonly loaded: LoadedAnswers;
  readonly journal: Journal | undefined;
  readonly source: StatusSource;
}

/** One release to report on: named by the install, or found in the cluster. */
interface Wanted {
  readonly kind: ComponentFinding['kind'];
  readonly name: string;
  readonly release: string;
  readonly namespace: string;
  /** From the answers; without them, from the release's own serverURL. */
  readonly healthUrl?: string;
  /** Why a workspace without a release has no enrollment to read. */
  readonly noReleaseEnrollment?: string;
  /** The workspace ID the install's journal recorded for it. */
  readonly journalWorkspaceId?: string;
}

/** The answers copy an install directory keeps; a directory without one is no install. */
function answersCopyOf(dir: string): string {
  const file = join(dir, ANSWERS_COPY);
  if (!existsSync(file)) {
    throw new UserError(`--dir ${dir} is not an install directory: it has no ${ANSWERS_COPY}`, [
      'pass the --dir an install used, or --answers FILE, or neither to look for releases in the whole cluster',
    ]);
  }
  return file;
}

/** With --answers, that file names the releases, else the install directory's copy; the directory's journal comes along. */
async function openInstall(options: StatusOptions): Promise<Install | undefined> {
  const file = options.answers ?? (options.dir !== undefined ? answersCopyOf(options.dir) : undefined);
  if (file === undefined) return undefined;
  const loaded = loadAnswersFile(file);
  let journal: Journal | undefined;
  if (options.dir) {
    try {
      journal = await loadJournal(resolve(options.dir));
    } catch (error) {
      if (error instanceof JournalError) throw new UserError(error.message);
      throw error;
    }
  }
  const source: StatusSource = options.dir ? { kind: 'install-dir', path: resolve(options.dir) } : { kind: 'answers', path: resolve(loaded.file) };
  return { loaded, journal, source };
}

/** Flags first; with an install, the context its journal recorded (where it installed), then the answers'; then the kubeconfig's current context. */
function targetOf(options: StatusOptions, install: Install | undefined): Target {
  const context = options.context ?? install?.journal?.cluster.context;
  if (install) return resolveTarget(install.loaded, { kubeconfig: options.kubeconfig, context });
  const config = readKubeconfig(options.kubeconfig);
  const chosen = context ?? config.current;
  if (!chosen) {
    throw new UserError('no kube context to read', [
      config.contexts.length > 0 ? `pass --context NAME; contexts in your kubeconfig: ${config.contexts.join(', ')}` : 'no kubeconfig was found; pass --kubeconfig PATH',
    ]);
  }
  if (config.files.length > 0 && !config.contexts.includes(chosen)) {
    throw new UserError(`--context ${chosen} is not in the kubeconfig (${config.files.join(', ')})`, [
      config.contexts.length > 0 ? `available contexts: ${config.contexts.join(', ')}` : 'the kubeconfig has no contexts',
    ]);
  }
  return { context: chosen, ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}) };
}

/** The releases the install names, with what its journal says of each workspace's enrollment. */
function wantedOf(install: Install): Wanted[] {
  const a = install.loaded.answers;
  const steps = install.journal?.steps ?? {};
  const wanted: Wanted[] = [];
  if (a.controlPlane) {
    const cp = a.controlPlane;
    wanted.push({ kind: 'control-plane', name: 'control-plane', release: cp.releaseName, namespace: cp.namespace, healthUrl: controlPlaneHealthUrl(cp) });
  }
  for (const w of a.workspaces) {
    const enroll = steps[`enroll:${w.name}`];
    const recorded = enroll?.state === 'done' ? enroll.outputs.workspaceId : undefined;
    const noReleaseEnrollment = recorded
      ? `no release yet; the install recorded enrollment as workspace ${recorded}`
      : install.journal
        ? 'the install has not reached this workspace\'s enrollment yet; run install to continue'
        : 'no release to read it from';
    wanted.push({
      kind: 'workspace', name: w.name, release: w.releaseName, namespace: workspaceNamespace(w), healthUrl: `https://${w.hostname}/health`,
      noReleaseEnrollment, ...(recorded ? { journalWorkspaceId: recorded } : {}),
    });
  }
  return wanted;
}

const denied = (error: unknown): boolean => error instanceof KubeApiError && error.status === 403;

/** The release's /health, from its serverURL: the way the installer's own checks build it. */
function healthUrlFromValues(kind: Wanted['kind'], values: Readonly<Record<string, unknown>>): string | undefined {
  const url = serverUrlOf(kind, values);
  if (!url) return undefined;
  try {
    return `${new URL(url).origin}/health`;
  } catch {
    return undefined;
  }
}

/** Every release of the two charts the credentials can list: all namespaces at once, else one namespace at a time. */
async function discover(inventory: ReleaseInventory, context: string, notes: string[]): Promise<ReleaseSummary[]> {
  try {
    return await inventory.allReleases();
  } catch (error) {
    if (!denied(error)) throw error;
  }
  let namespaces: string[];
  try {
    namespaces = await inventory.namespaces();
  } catch (error) {
    if (!denied(error)) throw error;
    throw new UserError(`context "${context}" may neither list Secrets in all namespaces nor list namespaces, so its helm releases cannot be found`, [
      'pass --dir DIR (the install directory) or --answers FILE: the namespaces they name are read directly',
    ], ExitCode.blockedByCheck);
  }
  notes.push(`context "${context}" may not list Secrets in all namespaces: read the ${namespaces.length} namespaces one by one`);
  const found: ReleaseSummary[] = [];
  const skipped: string[] = [];
  // A few at a time: a cluster may have hundreds of namespaces.
  for (let i = 0; i < namespaces.length; i += 8) {
    await Promise.all(namespaces.slice(i, i + 8).map(async (ns) => {
      try {
        found.push(...(await inventory.releasesIn(ns)));
      } catch (error) {
        if (!denied(error)) throw error;
        skipped.push(ns);
      }
    }));
  }
  if (skipped.length > 0) notes.push(`Secrets may not be listed in ${skipped.length} namespace${skipped.length === 1 ? '' : 's'}, not searched: ${skipped.sort().join(', ')}`);
  return found;
}

function wantedFromCluster(releases: readonly ReleaseSummary[], notes: string[]): Wanted[] {
  const planes = releases.filter((r) => r.chart === 'zenml-pro');
  if (planes.length > 1) notes.push(`${planes.length} control-plane releases found; showing ${planes[0]?.namespace}/${planes[0]?.name}, not ${planes.slice(1).map((r) => `${r.namespace}/${r.name}`).join(', ')}`);
  const wanted: Wanted[] = planes.slice(0, 1).map((r) => ({ kind: 'control-plane', name: 'control-plane', release: r.name, namespace: r.namespace }));
  for (const r of releases.filter((x) => x.chart === 'zenml')) {
    wanted.push({ kind: 'workspace', name: workspaceNameOf(r.values) ?? r.namespace, release: r.name, namespace: r.namespace });
  }
  return wanted;
}

/** What an unhealthy answer says: a JSON body's message (a Kubernetes Status, a server's error) rather than the whole body. */
function answerDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; detail?: unknown };
    const said = parsed.message ?? parsed.detail;
    if (typeof said === 'string') return said;
  } catch {
    // Not JSON: the text itself.
  }
  return body.slice(0, 200);
}

function healthCheckOf(url: string, r: HealthResult, redactor: Redactor): HealthCheck {
  switch (r.state) {
    case 'healthy':
      return { state: 'healthy', url, status: r.status, via: r.path.via, path: describeHealthPath(r.path) };
    case 'unhealthy':
      return { state: 'unhealthy', url, status: r.status, via: r.path.via, path: describeHealthPath(r.path), ...(r.body ? { detail: redactor.scrub(answerDetail(r.body)) } : {}) };
    case 'unreachable':
      return { state: 'unreachable', url, ...(r.path ? { via: r.path.via, path: describeHealthPath(r.path) } : {}), detail: redactor.scrub(r.error) };
    case 'unresolved':
      return { state: 'unresolved', url };
  }
}

interface Readers {
  readonly inventory: ReleaseInventory;
  readonly routes: IngressRoutes;
  readonly health: HealthOptions;
  readonly redactor: Redactor;
  /** Deployments per namespace, read once however many releases share it. */
  readonly deployments: Map<string, Promise<Map<string, DeploymentReadiness>>>;
}

async function inspect(w: Wanted, release: ReleaseSummary | undefined, readError: string | undefined, r: Readers): Promise<ComponentFinding> {
  const base = { kind: w.kind, name: w.name, release: w.release, namespace: w.namespace };
  if (readError !== undefined) return { ...base, readError, deployments: [], health: { state: 'unknown', detail: 'the release could not be read' }, problems: [] };
  if (!release) {
    const enrollment: Enrollment | undefined = w.kind === 'workspace' ? { state: 'unknown', reason: w.noReleaseEnrollment ?? 'no release to read it from' } : undefined;
    return { ...base, deployments: [], health: { state: 'unknown', detail: 'no release' }, problems: [], ...(enrollment ? { enrollment } : {}) };
  }
  const problems: string[] = [];
  const live = r.deployments.get(w.namespace) ?? r.inventory.deployments(w.namespace);
  r.deployments.set(w.namespace, live);
  const deployments: DeploymentStatus[] = await live.then(
    (byName) => release.deployments.map((name) => {
      const d = byName.get(name);
      return d ? { ...d, found: true } : { name, desired: 0, ready: 0, found: false };
    }),
    (error: unknown) => {
      problems.push(error instanceof Error ? error.message : String(error));
      return [];
    },
  );
  const url = w.healthUrl ?? healthUrlFromValues(w.kind, release.values);
  const health: HealthCheck = url
    ? healthCheckOf(url, await checkHealth(url, r.health, { routes: r.routes, namespace: w.namespace }), r.redactor)
    : { state: 'unknown', detail: `the release values set no ${w.kind === 'workspace' ? 'server' : 'zenml'}.serverURL` };
  const enrollment = w.kind === 'workspace' ? enrollmentOf(release.values) : undefined;
  if (enrollment?.state === 'enrolled' && w.journalWorkspaceId && w.journalWorkspaceId !== enrollment.workspaceId) {
    problems.push(`the release runs as workspace ${enrollment.workspaceId}, but the install recorded enrollment as workspace ${w.journalWorkspaceId}`);
  }
  return {
    ...base,
    found: { status: release.status, revision: release.revision, chart: release.chart, chartVersion: release.chartVersion, appVersion: release.appVersion },
    deployments,
    health,
    ...(enrollment ? { enrollment } : {}),
    problems,
  };
}

/** The enrollment keys in the releases' values: never shown, and scrubbed should anything quote one. */
function knownSecrets(releases: readonly ReleaseSummary[], redactor: Redactor): void {
  for (const r of releases) {
    for (const root of ['server', 'zenml']) {
      const pro = (r.values[root] as { pro?: { enrollmentKey?: unknown } } | undefined)?.pro;
      if (typeof pro?.enrollmentKey === 'string') redactor.add(pro.enrollmentKey, 'enrollment key');
    }
  }
}

function unreachable(target: Target, server: string, error: unknown): UserError {
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(`cannot read the cluster of context "${target.context}" (${server}): ${message}`, [
    `check the context, your network or VPN, and your credentials (kubectl --context ${target.context} get ns)`,
  ], ExitCode.blockedByCheck);
}

export async function statusCommand(options: StatusOptions, out: Output): Promise<number> {
  // Input problems first (exit 2), before the cluster is contacted.
  const install = await openInstall(options);
  for (const w of install?.loaded.warnings ?? []) out.warn(`${w.path}: ${w.message}`);
  const health = healthOptions(options, install?.loaded);
  const target = targetOf(options, install);
  const redactor = new Redactor();
  const scrub = (t: string): string => redactor.scrub(t);
  const { api, inventory } = openClusterReads(target, scrub);
  const routes = IngressRoutes.open(target, { scrub });
  try {
    const identity = await api.identify().catch((error: unknown) => {
      throw unreachable(target, api.server, error);
    });
    const journal = install?.journal;
    const here = { context: target.context, server: identity.server, ...(identity.uid ? { uid: identity.uid } : {}) };
    if (journal && checkResumeTarget(journal, here)) {
      const at = (c: { context: string; server: string; uid?: string | undefined }): string => `context "${c.context}" (${c.server}${c.uid ? `, cluster uid ${c.uid}` : ''})`;
      throw new UserError(`the install in ${options.dir ?? ''} was made in ${at(journal.cluster)}; ${at(here)} is another cluster`, [
        `pass --context ${journal.cluster.context} if that context reaches it, or leave --dir out to look at the releases of this cluster`,
      ], ExitCode.blockedByCheck);
    }

    const notes: string[] = [];
    const readers: Readers = { inventory, routes, health, redactor, deployments: new Map() };
    let findings: ComponentFinding[];
    try {
      if (install) {
        const wanted = wantedOf(install);
        const read = await Promise.all(wanted.map((w) => inventory.releasesIn(w.namespace, w.release).then(
          (releases) => ({ release: releases[0], error: undefined }),
          (error: unknown) => ({ release: undefined, error: error instanceof Error ? error.message : String(error) }),
        )));
        knownSecrets(read.flatMap((x) => (x.release ? [x.release] : [])), redactor);
        findings = await Promise.all(wanted.map((w, i) => inspect(w, read[i]?.release, read[i]?.error, readers)));
      } else {
        const releases = await discover(inventory, target.context, notes);
        knownSecrets(releases, redactor);
        const wanted = wantedFromCluster(releases, notes);
        findings = await Promise.all(wanted.map((w) => inspect(w, releases.find((r) => r.namespace === w.namespace && r.name === w.release), undefined, readers)));
      }
    } catch (error) {
      if (error instanceof KubeApiError) throw unreachable(target, identity.server, error);
      throw error;
    }

    const report = statusReport({
      context: target.context,
      server: identity.server,
      source: install?.source ?? { kind: 'cluster' },
      ...(findings[0]?.kind === 'control-plane' ? { controlPlane: findings[0] } : {}),
      workspaces: findings.filter((f) => f.kind === 'workspace').sort((a, b) => a.name.localeCompare(b.name)),
      notes,
    });
    if (options.output === 'json') {
      out.info(redactor.scrub(JSON.stringify(report, null, 2)));
    } else {
      for (const note of notes) out.warn(redactor.scrub(note));
      // 80 columns, or fewer on a narrower terminal.
      for (const line of statusTable(report, Math.min(process.stdout.columns || 80, 80))) out.info(redactor.scrub(line));
    }
    return report.healthy ? STATUS_EXIT.healthy : STATUS_EXIT.notHealthy;
  } finally {
    api.close();
    inventory.close();
    routes.close();
  }
}

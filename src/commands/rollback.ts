// `rollback`: puts one release (the control plane or a workspace) back to an
// earlier helm revision. It reads helm's records first and shows, before any
// change, the revisions, the values diff (secrets masked) and what a chart
// rollback does not undo: the database migration the newer chart ran. A
// control plane rolled back below a workspace it serves is refused. Then,
// once confirmed, `helm rollback --wait` with the pinned context and a look
// at the release's deployments.
//
// Not openRun: that renders and writes the answers' values and resolves their
// secrets; a rollback needs none of it (the values come from helm's records),
// so the answers are read as data only and moved chart files do not stop it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { workspaceNamespace } from '../answers/derived.js';
import type { Answers } from '../answers/schema.js';
import { deploymentReady, deploymentStatus } from '../engine/diagnose.js';
import { describeFailure } from '../engine/failures.js';
import { GeneratedSecretsStore } from '../engine/generated-secrets.js';
import { checkResumeTarget, type Journal } from '../engine/journal.js';
import { acquireLock, LockHeldError, type HeldLock } from '../engine/lock.js';
import { ExitCode, UserError } from '../errors.js';
import { liveSecrets } from '../plan/carry-forward.js';
import { checkOrder, chooseRollback, currentRevision, migrationsLeftInPlace, previousRevision, type Change, type Revision } from '../plan/rollback-choice.js';
import { valuesDiff } from '../plan/values-diff.js';
import { Cluster } from '../tools/cluster.js';
import type { HelmRevision } from '../tools/helm-records.js';
import { KubeApiError } from '../tools/kube-api.js';
import type { NamespaceSnapshot } from '../tools/kube-objects.js';
import { Redactor } from '../tools/redact.js';
import { manifestDeployments } from '../tools/release-inventory.js';
import { answersOfInstall, type InstallDirOptions } from './answers-copy.js';
import { journalOf } from './install-journal.js';
import { toolsFrom } from './open-run.js';
import type { Output } from './output.js';
import { resolveTarget } from './target.js';
import { confirm as ask } from './prompt.js';

export interface RollbackOptions extends InstallDirOptions {
  /** control-plane or a workspace name; without it the components are listed. */
  readonly component?: string;
  /** --revision as typed; checked here so the message names the flag. */
  readonly revision?: string;
}

/** helm's own wait on the rollback; the readiness look after it is a short confirmation. */
const HELM_TIMEOUT_SECONDS = 600;
const READY_TIMEOUT_MS = 120_000;

/** A release the answers name, as the operator calls it on the command line. */
interface Component {
  readonly name: string;
  /** The release spec id, as upgrade backups are named: control-plane or workspace-<name>. */
  readonly id: string;
  readonly kind: 'control-plane' | 'workspace';
  readonly release: string;
  readonly namespace: string;
  /** The chart version the answers name. */
  readonly version: string;
  readonly database: string;
}

function componentsOf(a: Answers): Component[] {
  const out: Component[] = [];
  const cp = a.scenario === 'self-hosted' ? a.controlPlane : undefined;
  if (cp) out.push({ name: 'control-plane', id: 'control-plane', kind: 'control-plane', release: cp.releaseName, namespace: cp.namespace, version: cp.version, database: `${cp.database.name} on ${cp.database.host}` });
  for (const w of a.workspaces) {
    out.push({ name: w.name, id: `workspace-${w.name}`, kind: 'workspace', release: w.releaseName, namespace: workspaceNamespace(w), version: w.version, database: `${w.database.name} on ${w.database.host}` });
  }
  return out;
}

function parseRevision(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new UserError(`--revision takes a revision number as helm history lists them (1 or more), got "${text}"`, ['e.g. --revision 2; leave it out to go back to the newest earlier revision that deployed']);
  }
  return Number(text);
}

function pick(components: readonly Component[], name: string, file: string): Component {
  const found = components.find((c) => c.name === name);
  if (found) return found;
  throw new UserError(`COMPONENT "${name}" is not in ${file}`, [`name one of: ${components.map((c) => c.name).join(', ')}`]);
}

const SECRET_KEY = /(password|passwd|secret|token|key)$/i;
/** Keys that name a Secret object (secretName, existingSecret) hold a name, not a secret value. */
const NAMES_A_SECRET = /(name|^existing.*)$/i;

/**
 * Every secret value in a release's values: what the installer knows to be
 * secret (liveSecrets), any string under a key named like a password, key,
 * secret or token, and the password inside a URL (the workspace's database
 * URL carries it).
 */
function addValueSecrets(redactor: Redactor, component: Component, values: Readonly<Record<string, unknown>>): void {
  for (const [slot, value] of liveSecrets(component.kind === 'workspace' ? { workspace: component.name } : 'control-plane', values)) redactor.add(value, slot);
  const walk = (node: unknown, key: string): void => {
    if (typeof node === 'string') {
      if (SECRET_KEY.test(key) && !NAMES_A_SECRET.test(key)) redactor.add(node, key);
      const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(node)?.[1];
      if (password) redactor.add(safeDecode(password), `${key} password`);
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(values, '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const revisionText = (r: Revision): string => `revision ${r.revision} (chart ${r.chartVersion ?? '?'}, ${r.status})`;

/** Each component with its current and default previous revision: what the operator picks from. */
function componentList(components: readonly Component[], histories: ReadonlyMap<string, readonly HelmRevision[]>): string[] {
  const width = Math.max(...components.map((c) => c.name.length));
  return components.map((c) => {
    const history = histories.get(c.name) ?? [];
    const current = currentRevision(history);
    const previous = current ? previousRevision(history, current) : undefined;
    const where = `${c.namespace}/${c.release}`;
    if (!current) return `  ${c.name.padEnd(width)}  ${where}: no release`;
    return `  ${c.name.padEnd(width)}  ${where}: now ${revisionText(current)}; previous: ${previous ? revisionText(previous) : 'none'}`;
  });
}

function lockDir(dir: string): HeldLock | undefined {
  // Without an install directory there is no other run of it to keep out.
  if (!existsSync(dir)) return undefined;
  try {
    return acquireLock(dir, { command: 'rollback' });
  } catch (error) {
    if (error instanceof LockHeldError) throw new UserError(error.message, ['wait for that run to finish; nothing was changed'], ExitCode.blockedByCheck);
    throw error;
  }
}

/** Watches the namespace until the release's deployments are ready or the time is up; the last look either way. */
async function untilReady(cluster: Cluster, namespace: string, names: readonly string[]): Promise<{ ready: boolean; lines: string[] }> {
  const judge = (snap: NamespaceSnapshot): { ready: boolean; lines: string[] } => {
    const mine = snap.deployments.filter((d) => names.includes(d.metadata?.name ?? ''));
    return { ready: mine.length === names.length && mine.every(deploymentReady), lines: mine.map((d) => deploymentStatus(d).text) };
  };
  let last = judge(await cluster.snapshot(namespace, {}));
  // After helm's --wait one look usually says so, without starting a watch.
  if (last.ready) return last;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), READY_TIMEOUT_MS);
  try {
    await cluster.watchNamespace(namespace, (snap) => {
      last = judge(snap);
      if (last.ready) stop.abort();
    }, { signal: stop.signal });
  } finally {
    clearTimeout(timer);
  }
  return last;
}

/** The cluster, checked to be the install's, and every component's revisions; what cannot be read blocks (exit 3). */
async function readCluster(cluster: Cluster, components: readonly Component[], journal: Journal | undefined, dir: string): Promise<{ server: string; histories: Map<string, readonly HelmRevision[]> }> {
  const { target } = cluster;
  try {
    const identity = await cluster.identify({});
    const refusal = journal ? checkResumeTarget(journal, { context: target.context, server: identity.server, ...(identity.uid ? { uid: identity.uid } : {}) }, dir) : undefined;
    if (refusal) throw new UserError(refusal, ['pass --context with the context of the install; nothing was changed'], ExitCode.blockedByCheck);
    const read = await Promise.all(components.map((x) => cluster.helmHistory(x.release, x.namespace, {})));
    return { server: identity.server, histories: new Map(components.map((x, i) => [x.name, read[i] ?? []])) };
  } catch (error) {
    if (describeFailure(error).family !== 'external') throw error;
    throw new UserError(`cannot read the cluster of context "${target.context}": ${(error as Error).message}`, [
      `check the context, your network or VPN, and your credentials (kubectl --context ${target.context} get ns); nothing was changed`,
    ], ExitCode.blockedByCheck);
  }
}

/** The target revision and the order rule's verdict; any refusal is thrown before anything is shown. */
function decide(chosen: Component, components: readonly Component[], histories: ReadonlyMap<string, readonly HelmRevision[]>, requested: number | undefined): { current: HelmRevision; back: HelmRevision; warnings: string[] } {
  const choice = chooseRollback(`${chosen.namespace}/${chosen.release}`, histories.get(chosen.name) ?? [], requested);
  if (!choice.ok) throw new UserError(choice.refusal.message, [choice.refusal.fix], choice.refusal.blocked ? ExitCode.blockedByCheck : ExitCode.invalidInput);
  const to = choice.target.chartVersion;
  const versionOf = (name: string): string | undefined => currentRevision(histories.get(name) ?? [])?.chartVersion;
  const change: Change = chosen.kind === 'control-plane' ? { component: 'control-plane', to } : { component: 'workspace', name: chosen.name, to };
  const order = checkOrder(change, {
    controlPlane: components.some((x) => x.kind === 'control-plane') ? versionOf('control-plane') : undefined,
    workspaces: components.filter((x) => x.kind === 'workspace').map((x) => ({ name: x.name, version: versionOf(x.name) })),
  });
  if (order.refusals.length > 0) {
    throw new UserError(`the rollback cannot go ahead; nothing was changed:\n${order.refusals.map((r) => `  ${r.message}`).join('\n')}`, order.refusals.map((r) => r.fix));
  }
  return { current: choice.current, back: choice.target, warnings: [...choice.warnings, ...order.warnings] };
}

export async function rollbackCommand(options: RollbackOptions, out: Output): Promise<number> {
  // Input problems first (exit 2), before the cluster is contacted.
  const requested = parseRevision(options.revision);
  const dir = resolve(options.dir);
  const loaded = answersOfInstall(options);
  const components = componentsOf(loaded.answers);
  const chosen = options.component === undefined ? undefined : pick(components, options.component, loaded.file);
  const journal = await journalOf(dir);
  // Where the install went, unless told otherwise.
  const target = resolveTarget(loaded, { kubeconfig: options.kubeconfig, context: options.context ?? journal?.cluster.context });
  // Filled before anything is shown: the install's generated secrets, then every secret in the releases' values.
  const redactor = new Redactor();
  for (const [key, value] of GeneratedSecretsStore.open(dir).all()) redactor.add(value, key);
  const scrub = (text: string): string => redactor.scrub(text);
  const show = (line: string): void => out.info(scrub(line));

  const lock = lockDir(dir);
  let cluster: Cluster | undefined;
  try {
    try {
      cluster = new Cluster(target, toolsFrom(options), redactor);
    } catch (error) {
      if (error instanceof KubeApiError) throw new UserError(error.message, ['check the file given with --kubeconfig (or $KUBECONFIG) and --context']);
      throw error;
    }
    const { server, histories } = await readCluster(cluster, components, journal, dir);
    for (const x of components) for (const r of histories.get(x.name) ?? []) addValueSecrets(redactor, x, r.values);

    if (!chosen) {
      throw new UserError(scrub(`name the component to roll back (control-plane or a workspace name); in context ${target.context}:\n${componentList(components, histories).join('\n')}`), [
        `e.g. zenml-pro-installer rollback ${components.find((x) => x.kind === 'workspace')?.name ?? 'control-plane'} --dir ${options.dir}`,
      ]);
    }
    const where = `${chosen.namespace}/${chosen.release}`;
    const { current, back, warnings } = decide(chosen, components, histories, requested);

    // Shown before anything changes.
    show(`Rollback in context ${target.context} at ${server}:`);
    show(`  ${where}: ${revisionText(current)} → ${revisionText(back)}`);
    const diff = valuesDiff(current.values, back.values, scrub);
    if (diff.length === 0) show('  values: the same in both revisions');
    else {
      show(`  values, from revision ${current.revision} to revision ${back.revision} (secrets as ***):`);
      for (const line of diff) show(`    ${line}`);
    }
    for (const w of warnings) out.warn(scrub(w));
    const migrated = migrationsLeftInPlace(histories.get(chosen.name) ?? [], back);
    if (migrated.length === 0) {
      show(`  no chart newer than ${back.chartVersion ?? '?'} ran since revision ${back.revision}: no database migration to undo`);
    } else {
      out.warn(`a chart rollback does not undo the database migration that chart ${migrated.join(', ')} ran on database ${chosen.database}; if the newer version migrated the schema, restore the database from the backup taken before the upgrade`);
      const folder = join(dir, 'backups', `${chosen.id}-${back.chartVersion ?? ''}`);
      if (existsSync(folder)) out.warn(`what ran before that upgrade (values, manifests, generated secrets) was exported to ${folder}`);
    }

    if (!options.yes) {
      if (!process.stdin.isTTY) throw new UserError('refusing to roll back without confirmation; nothing was changed', ['review the rollback above, then pass --yes']);
      if (!(await ask(`Roll ${where} back to revision ${back.revision}? [y/N] `))) {
        show('nothing was changed');
        return ExitCode.ok;
      }
    }

    await cluster.helmRollback({ release: chosen.release, namespace: chosen.namespace, revision: back.revision, timeoutSeconds: HELM_TIMEOUT_SECONDS }, {
      onCommand: (line) => show(`running: ${line}`),
      onRetry: (attempt, reason, delayMs) => out.warn(`helm did not reach the cluster (${reason}); retry ${attempt} in ${Math.round(delayMs / 100) / 10}s`),
    });
    const after = await cluster.helmRecord(chosen.release, chosen.namespace, {});
    const readiness = await untilReady(cluster, chosen.namespace, manifestDeployments(after?.manifest ?? ''));
    show(`rolled back ${where}: now revision ${after?.revision ?? '?'} (chart ${after?.chartVersion ?? '?'}, ${after?.status ?? '?'}), with the values of revision ${back.revision}`);
    for (const line of readiness.lines) show(`  ${line}`);
    if (!readiness.ready) {
      throw new UserError(`the deployments of ${where} did not become ready within ${READY_TIMEOUT_MS / 1000}s after the rollback`, [
        `kubectl --context ${target.context} -n ${chosen.namespace} get pods; zenml-pro-installer status --dir ${options.dir}`,
      ], ExitCode.stepFailed);
    }
    // The answers still describe the newer version: a later install or upgrade with them would redo what was just undone.
    if (back.chartVersion && back.chartVersion !== chosen.version) {
      out.warn(`${loaded.file} still names version ${chosen.version} for ${chosen.name}: install or upgrade with it would upgrade again; set it (and its chart) to ${back.chartVersion} to stay on this version`);
    }
    return ExitCode.ok;
  } finally {
    cluster?.close();
    lock?.release();
  }
}

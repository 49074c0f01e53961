// Installs into the simulated cluster the way a user does: the built CLI
// (dist/, run `npm run build` first) as a child process, against a
// simulation started in the test process, with real helm and kubectl. Also
// reads what the tests assert on: the NDJSON event stream, the simulated
// cluster's store (helm releases decoded from their Secrets, a fingerprint of
// every object), and the helm/kubectl processes the installer starts.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { processArgvs } from '../../src/engine/helm-processes.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { RESOURCE_TYPES } from '../../src/sim/kube/registry.js';
import type { KubeObject, SimTimings } from '../../src/sim/kube/index.js';
import { startSimulation, type Simulation, type SimulationOptions } from '../../src/sim/simulation.js';
import { afterAll, beforeAll, expect } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO_ROOT, 'bin', 'zenml-pro-installer.js');
export const KUBECTL = join(REPO_ROOT, '.tools', 'bin', 'kubectl');
export const SIM_ANSWERS = join(REPO_ROOT, 'examples', 'sim.yaml');

export interface HelmVariant {
  readonly label: string;
  readonly helm: string;
}
export const HELMS: readonly HelmVariant[] = [
  { label: 'helm 4', helm: join(REPO_ROOT, '.tools', 'bin', 'helm') },
  { label: 'helm 3', helm: join(REPO_ROOT, '.tools', 'bin', 'helm3') },
];

/** Shorter than the simulation's defaults; the install then costs mostly helm/kubectl start-up. */
export const FAST_TIMINGS: Partial<SimTimings> = { scheduleMs: 5, startMs: 20, readyMs: 60, jobRunMs: 60, crashRunMs: 50, backoffMs: 200, settleMs: 20 };

/** A temp directory with its own HOME and helm/kubectl cache and config dirs (both cache discovery). */
export class Scratch {
  private made: string | undefined;

  constructor(private readonly prefix: string) {}

  /** Created on first use, so a suite that vitest skips leaves nothing behind. */
  get root(): string {
    this.made ??= mkdtempSync(join(tmpdir(), `zpi-${this.prefix}-`));
    return this.made;
  }

  /** A fresh sub-directory, e.g. one install dir or one simulation's out dir. */
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** The environment of an installer run: nothing inherited but PATH. */
  env(name = 'default'): Record<string, string> {
    const base = this.path('env', name);
    const dirs = { HOME: 'home', KUBECACHEDIR: 'kube-cache', HELM_CACHE_HOME: 'helm-cache', HELM_CONFIG_HOME: 'helm-config', HELM_DATA_HOME: 'helm-data' };
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' };
    for (const [key, sub] of Object.entries(dirs)) {
      env[key] = join(base, sub);
      mkdirSync(env[key], { recursive: true });
    }
    return env;
  }

  cleanup(): void {
    if (this.made) rmSync(this.made, { recursive: true, force: true });
    this.made = undefined;
  }
}

export function startSim(scratch: Scratch, name: string, options: Omit<SimulationOptions, 'out'> = {}): Promise<Simulation> {
  return startSimulation({ out: scratch.path('sims', name), timings: FAST_TIMINGS, ...options });
}

export interface InstallArgs {
  readonly kubeconfig: string;
  readonly dir: string;
  readonly helm: string;
  readonly answers?: string;
  /** NDJSON events on stdout (default) or the plain text lines. */
  readonly output?: 'json' | 'text';
  readonly extra?: readonly string[];
}

export function installArgs(a: InstallArgs): string[] {
  return [
    'install', '--answers', a.answers ?? SIM_ANSWERS, '--kubeconfig', a.kubeconfig, '--yes', '--dir', a.dir,
    '--helm', a.helm, '--kubectl', KUBECTL, ...(a.output === 'text' ? [] : ['--output', 'json']), ...(a.extra ?? []),
  ];
}

export interface InstallResult {
  /** null when the process was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Parsed NDJSON events (empty in text mode). */
  readonly events: readonly EngineEvent[];
  readonly durationMs: number;
  /** True when the test's own time limit killed it. */
  readonly timedOut: boolean;
}

export type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** One running installer. Every wait is bounded; the process is SIGKILLed at `timeoutMs`. */
export class InstallProcess {
  readonly events: EngineEvent[] = [];
  readonly pid: number;
  readonly exited: Promise<InstallResult>;
  private stdout = '';
  private stderr = '';
  private partial = '';
  private readonly listeners = new Set<() => void>();
  private done = false;

  /** `ownGroup`: the installer leads a new process group (with its helm and kubectl), so killGroup() reaches them all. */
  constructor(args: readonly string[], env: Record<string, string>, options: { timeoutMs?: number; ownGroup?: boolean; shell?: boolean } = {}) {
    const started = Date.now();
    // `shell`: args[0] is a command line for sh, e.g. a printed resume command.
    const [file, argv] = options.shell ? ['/bin/sh', ['-c', args[0] ?? '']] : [process.execPath, [BIN, ...args]];
    const child = spawn(file, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup === true });
    if (child.pid === undefined) throw new Error('the installer did not start');
    this.pid = child.pid;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.stdout += chunk;
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.parse(line);
      this.notify();
    });
    child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    this.exited = new Promise((resolve) => {
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        this.parse(this.partial);
        this.done = true;
        this.notify();
        resolve({ exitCode, signal, stdout: this.stdout, stderr: this.stderr, events: this.events, durationMs: Date.now() - started, timedOut });
      });
    });
    this.kill = () => {
      child.kill('SIGKILL');
      return this.exited;
    };
    this.killGroup = () => {
      if (!options.ownGroup) throw new Error('killGroup needs ownGroup');
      process.kill(-this.pid, 'SIGKILL');
      return this.exited;
    };
  }

  /** SIGKILL of the installer alone: no handler runs and its helm/kubectl keep running, as after `kill -9 <pid>`. */
  readonly kill: () => Promise<InstallResult>;
  /** SIGKILL of the whole process group: helm dies mid-operation too (a closed CI job, an OOM-killed container). */
  readonly killGroup: () => Promise<InstallResult>;

  private parse(line: string): void {
    if (!line.startsWith('{')) return;
    try {
      this.events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // Only whole NDJSON lines are events.
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** The first event (already seen or to come) matching `match`; rejects on exit or after `timeoutMs`. */
  waitFor(match: (e: EngineEvent) => boolean, timeoutMs = 60_000): Promise<EngineEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.find(match);
        if (hit) {
          finish();
          resolve(hit);
          return true;
        }
        if (this.done) {
          finish();
          reject(new Error(`the installer exited before the awaited event; stderr: ${this.stderr.slice(-500)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => {
        check();
      };
      if (!check()) this.listeners.add(listener);
    });
  }

  /** Like waitFor, but bounded by the run itself: the event, or the installer's exit (its own deadlines), never a clock. */
  until(match: (e: EngineEvent) => boolean): Promise<EngineEvent> {
    // The longest timer Node keeps (about 24 days): in practice no timer at all.
    return this.waitFor(match, 2 ** 31 - 1);
  }
}

/** Polls the store until the release has a pending revision (helm is mid-operation); false if the installer ends first. */
export async function untilPendingRevision(sim: Simulation, release: { namespace: string; name: string }, run: InstallProcess): Promise<boolean> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  const pending = (): boolean => helmReleases(sim).some((r) => r.namespace === release.namespace && r.name === release.name && r.status.startsWith('pending-'));
  while (!ended) {
    if (pending()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pending();
}

export function runInstall(args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<InstallResult> {
  return new InstallProcess(args, env, { timeoutMs }).exited;
}

/**
 * Runs a command line the installer printed (e.g. its resume command) with sh,
 * as a user pasting it would: `zenml-pro-installer` is this repo's bin, put on PATH.
 */
export function runPrintedCommand(line: string, env: Record<string, string>, scratch: Scratch, timeoutMs = 120_000): Promise<InstallResult> {
  const shim = scratch.path('bin');
  mkdirSync(shim, { recursive: true });
  writeFileSync(join(shim, 'zenml-pro-installer'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  return new InstallProcess([line], { ...env, PATH: `${shim}:${env.PATH ?? ''}` }, { timeoutMs, shell: true }).exited;
}

export function eventsOf<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

export function finished(result: InstallResult): EventOf<'run-finished'> | undefined {
  return eventsOf(result.events, 'run-finished').at(-1);
}

/** Events written to the debug logs of an install dir (text-mode runs keep their events there). */
export function debugLogEvents(dir: string): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const file of readdirSync(join(dir, 'logs')).sort()) {
    for (const line of readFileSync(join(dir, 'logs', file), 'utf8').split('\n')) {
      const at = line.indexOf(' [event] ');
      if (at !== -1) out.push(JSON.parse(line.slice(at + 9)) as EngineEvent);
    }
  }
  return out;
}

export interface HelmRelease {
  readonly namespace: string;
  readonly name: string;
  readonly revision: number;
  readonly status: string;
  readonly chartVersion: string;
  /** The user-supplied values (may hold secrets: never print them). */
  readonly config: Record<string, unknown>;
}

/** Every revision of every helm release, decoded from the release Secrets in the store. */
export function helmReleases(sim: Simulation): HelmRelease[] {
  return sim.kube
    .list('v1', 'Secret')
    .filter((s) => (s as { type?: string }).type === 'helm.sh/release.v1')
    .map((s) => {
      const data = (s as { data?: Record<string, string> }).data ?? {};
      // Kubernetes base64 around helm's base64 around gzip around JSON.
      const helmEncoded = Buffer.from(data.release ?? '', 'base64').toString('utf8');
      const release = JSON.parse(gunzipSync(Buffer.from(helmEncoded, 'base64')).toString('utf8')) as {
        name: string; namespace: string; version: number; info: { status: string }; chart: { metadata: { version: string } }; config?: Record<string, unknown>;
      };
      return { namespace: release.namespace, name: release.name, revision: release.version, status: release.info.status, chartVersion: release.chart.metadata.version, config: release.config ?? {} };
    })
    .sort((x, y) => `${x.namespace}/${x.name}/${String(x.revision).padStart(4, '0')}`.localeCompare(`${y.namespace}/${y.name}/${String(y.revision).padStart(4, '0')}`));
}

/** Release revisions as comparable lines: `ns/name rN status chart-version`. */
export function releaseLines(sim: Simulation): string[] {
  return helmReleases(sim).map((r) => `${r.namespace}/${r.name} r${r.revision} ${r.status} ${r.chartVersion}`);
}

// Kinds left out of the fingerprint: runtime noise (Events, Endpoints), nodes,
// and pods, whose names are random; pods are counted per owner instead.
const UNCOMPARED_KINDS = new Set(['Event', 'Endpoints', 'Node', 'Pod', 'SelfSubjectAccessReview']);
// Helm labels its release Secrets with the time they were written.
const RELEASE_SECRET_LABELS = ['name', 'owner', 'status', 'version'];

function stable(o: KubeObject): unknown {
  const { metadata, status: _status, ...rest } = o as KubeObject & { status?: unknown; data?: unknown; spec?: Record<string, unknown> };
  const m = metadata as { labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[]; generation?: number };
  if ((o as { type?: string }).type === 'helm.sh/release.v1') {
    // Its data is the release record with timestamps; helmReleases() compares what matters in it.
    return { type: 'helm.sh/release.v1', labels: Object.fromEntries(RELEASE_SECRET_LABELS.map((k) => [k, m.labels?.[k]])) };
  }
  const spec = (rest as { spec?: Record<string, unknown> }).spec;
  // The simulated API allocates Service cluster IPs at random.
  const cleanSpec = spec && o.kind === 'Service' ? { ...spec, clusterIP: undefined, clusterIPs: undefined } : spec;
  return {
    ...rest,
    ...(cleanSpec ? { spec: cleanSpec } : {}),
    labels: m.labels,
    annotations: m.annotations,
    generation: m.generation,
    owners: m.ownerReferences?.map((r) => `${r.kind}/${r.name}`),
  };
}

/**
 * Every object in the namespaces given (and those namespaces), minus uids,
 * resource versions, timestamps and status, by `Kind ns/name`; pods as a count
 * per owning ReplicaSet or Job. Two installs of the same answers with the same
 * generated secrets give equal fingerprints.
 */
export function clusterFingerprint(sim: Simulation, namespaces: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const type of RESOURCE_TYPES) {
    if (UNCOMPARED_KINDS.has(type.kind) || type.createOnly) continue;
    const objects = type.namespaced
      ? namespaces.flatMap((ns) => sim.kube.store.list(type, ns))
      : sim.kube.store.list(type).filter((o) => type.kind !== 'Namespace' || namespaces.includes(o.metadata.name ?? ''));
    for (const o of objects) out[`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`] = JSON.stringify(stable(o));
  }
  for (const ns of namespaces) {
    const pods = sim.kube.list('v1', 'Pod', ns);
    for (const pod of pods) {
      const owner = pod.metadata.ownerReferences?.[0];
      const key = `pods of ${owner ? `${owner.kind} ${ns}/${owner.name}` : `${ns} (no owner)`}`;
      out[key] = String(Number(out[key] ?? 0) + 1);
    }
  }
  return out;
}

/** Requests that changed the cluster after request number `afterSeq`. */
export function mutationsAfter(sim: Simulation, afterSeq: number): { method: string; path: string }[] {
  return sim.kube.requestLog.list().filter((e) => e.seq > afterSeq && e.mutating).map((e) => ({ method: e.method, path: e.path }));
}

export function lastSeq(sim: Simulation): number {
  return sim.kube.requestLog.list().at(-1)?.seq ?? 0;
}

export interface ToolProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  /** NUL-separated KEY=value entries, as the kernel shows them. */
  readonly environ: string;
}

const TOOL_NAME = /\.tools\/bin\/(helm3?|kubectl)$/;

/** helm and kubectl processes (from .tools/bin) whose argv names `marker` (e.g. a simulation's kubeconfig). */
export function toolProcesses(marker: string): ToolProcess[] {
  const found: ToolProcess[] = [];
  for (const { pid, argv } of processArgvs()) {
    if (!TOOL_NAME.test(argv[0] ?? '') || !argv.includes(marker)) continue;
    try {
      found.push({ pid, argv, environ: readFileSync(`/proc/${pid}/environ`, 'utf8') });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Waits until no helm/kubectl of this simulation is left (an orphan of a killed installer); false on timeout. */
export async function waitForNoTools(marker: string, timeoutMs = 30_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (toolProcesses(marker).length === 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Samples tool processes every `everyMs` until stopped; returns every distinct process seen. */
export function sampleToolProcesses(marker: string, everyMs = 20): { stop: () => ToolProcess[] } {
  const seen = new Map<string, ToolProcess>();
  const timer = setInterval(() => {
    for (const p of toolProcesses(marker)) seen.set(`${p.pid}:${p.argv.join(' ')}`, p);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return [...seen.values()];
    },
  };
}

/**
 * A copy of examples/sim.yaml at `path`, its relative chart and secret paths
 * made absolute, after `edit`; with `secrets`, those files replace the
 * example's secret files (name → content, written 0600 next to the copy).
 */
export function writeAnswersCopy(path: string, options: { edit?: (text: string) => string; secrets?: Record<string, string> } = {}): string {
  const examples = join(REPO_ROOT, 'examples');
  let text = readFileSync(SIM_ANSWERS, 'utf8').replaceAll('../.tools/charts/', `${join(REPO_ROOT, '.tools', 'charts')}/`);
  const secretsDir = join(path, '..', 'secrets');
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(options.secrets ?? {})) {
    writeFileSync(join(secretsDir, name), content, { mode: 0o600 });
    text = text.replaceAll(`./secrets/${name}`, join(secretsDir, name));
  }
  text = text.replaceAll('./secrets/', `${join(examples, 'secrets')}/`);
  writeFileSync(path, options.edit ? options.edit(text) : text, { mode: 0o600 });
  return path;
}

export interface InstalledSim {
  readonly scratch: Scratch;
  readonly sim: Simulation;
  readonly env: Record<string, string>;
  /** The install directory examples/sim.yaml was installed with. */
  readonly dir: string;
}

/**
 * For the describe block it is called in: a simulated cluster with
 * examples/sim.yaml installed by `helm`, started before the block's tests and
 * closed after them. `ready` hands the pieces over once installed.
 */
export function installedSim(name: string, helm: string, ready: (s: InstalledSim) => void | Promise<void>, o: { env?: (scratch: Scratch) => Record<string, string> } = {}): void {
  const scratch = new Scratch(name);
  let sim: Simulation | undefined;
  beforeAll(async () => {
    sim = await startSim(scratch, 'cluster');
    const env = o.env ? o.env(scratch) : scratch.env();
    const dir = scratch.path('install');
    const installed = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm }), env);
    expect(installed.exitCode, installed.stderr).toBe(0);
    await ready({ scratch, sim, env, dir });
  }, 240_000);
  afterAll(async () => {
    if (sim) {
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
    scratch.cleanup();
  });
}

/** A tool run as the operator would, without blocking this process (the simulation answers from it). */
export function runTool(file: string, args: readonly string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

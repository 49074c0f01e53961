// Install runs for the progress view, produced by the engine's own code rather
// than written by hand, so a UI test cannot pass against a contract the engine
// does not keep (step ids, titles, the order of events, which fields are set,
// the resume command).
//
// Why in-process and not a recording of a real install:
// - A recording (test/helpers/install-sim.ts against the simulation) needs a
//   build, real helm and kubectl and seconds per run, and a fixture file goes
//   stale silently unless an e2e test keeps comparing it. Built here, the
//   events are as current as the code on every run of the UI tests, in well
//   under a second, and byte-for-byte the same each time (the tests see fixed
//   durations and timestamps).
// - What is real: the plan is built by `planFor` (what `install` calls) from
//   examples/sim.yaml; the run is the real scheduler `runPlan` with a real
//   journal, so every run-started/step-*/command/output-line/notice event and
//   every field in it is the engine's; the step kinds are the install's own
//   (`installKinds`: check-target, apply, manual-enrollment, report, ...);
//   readiness, warnings and diagnoses come from the real `judge()` (so from
//   `diagnose()`, `deploymentStatus()`, `warningLines()`); command lines are
//   made by the same functions the real Cluster uses (argv builders,
//   `printableCommandLine`, the run's redactor); events reach the view
//   scrubbed as install.ts hands them to it; run-finished is built by the
//   engine's own `runFinishedEvent`, run-started as install.ts builds it; the
//   support bundle path is the one `writeSupportBundle` writes.
// - What is scripted, at the tools boundary only: `SimCluster` stands in for
//   the Cluster (src/tools/cluster.ts): what the namespace looks like at each
//   look (Kubernetes objects) and what helm prints and when. It reports
//   commands as the Cluster does: a helm or kubectl run's command line when
//   it ends, reads through the Kubernetes API none. That is the one part
//   kept in step by hand: if the Cluster changes how it reports, change
//   SimCluster with it. Two kinds are stubbed because the real ones leave the
//   process: helm-release (looks for a helm still running with `ps`, which on
//   a shared machine can find another install's helm) and wait-ready
//   (reaches https://<host>/health). The stubs follow the real kinds line by
//   line where events come from (see `helmReleaseKind` and `waitReadyKind`);
//   the real watcher looks every watchIntervalMs, the stub's when the script
//   says. Parallel steps take turns at every call and wait for each other's
//   journal writes (`Turns`), so the order of events never depends on the
//   disk; test/ui/recorded-runs.test.ts records each run twice to hold that.
// - Time is the system clock faked (Date only) while a run records, moved by
//   the script: durations, deadlines and timestamps are the runner's own
//   computation over a clock that reads like a real 1-2 minute run that
//   started 90 seconds before the tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { parse } from 'yaml';
import { imageRepositories } from '../../../src/answers/derived.js';
import { validateAnswers } from '../../../src/answers/load.js';
import { loadAnswersFile, loadedFromAnswers, type LoadedAnswers } from '../../../src/commands/answers-file.js';
import { ANSWERS_COPY } from '../../../src/commands/answers-copy.js';
import { resumeCommandFor, type InstallOptions } from '../../../src/commands/install.js';
import { planFor, redactorFor, secretLookup } from '../../../src/commands/planned.js';
import type { Prepared } from '../../../src/commands/prepare.js';
import { diagnose, type Diagnosis } from '../../../src/engine/diagnose.js';
import { now, type EngineEvent } from '../../../src/engine/events.js';
import { JournalStore } from '../../../src/engine/journal.js';
import { runFinishedEvent, runPlan, type RunResult } from '../../../src/engine/runner.js';
import type { StepKind, StepKinds } from '../../../src/engine/step-kind.js';
import { writeSupportBundle } from '../../../src/engine/support-bundle.js';
import { canonicalJson, sha256 } from '../../../src/plan/install-plan.js';
import type { ActionOf, Plan } from '../../../src/plan/steps.js';
import { installKinds } from '../../../src/steps/index.js';
import { helmWatched } from '../../../src/steps/helm-release.js';
import { judge } from '../../../src/steps/observe.js';
import { helmArgs, kubectlArgs, type Target } from '../../../src/tools/argv.js';
import type { CallHooks, Cluster, ClusterFacts, HelmReleaseStatus } from '../../../src/tools/cluster.js';
import { applyArgs, helmUpgradeArgs, type HelmUpgradeSpec } from '../../../src/tools/commands.js';
import { printableCommandLine, type ToolResult } from '../../../src/tools/exec.js';
import type { DeploymentObject, EventObject, Manifest, NamespaceSnapshot, PodObject } from '../../../src/tools/kube-objects.js';
import type { Redactor } from '../../../src/tools/redact.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The run started this long before the tests look at it, so elapsed times read like a real run's. */
export const T0 = Math.floor(Date.now() / 1000) * 1000 - 90_000;
/** The time `seconds` into the recorded runs. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

/** The cluster the simulation reports (src/sim: Kubernetes v1.34.2). */
export const IDENTITY: ClusterFacts = { server: 'https://127.0.0.1:6443', uid: '5b0c2f4e-8a41-4f6b-9d1e-0c7a3e2b9f10', gitVersion: 'v1.34.2', minor: 34 };

// ---------------------------------------------------------------------------
// The clock of a recording.

class Clock {
  private t = 0;
  /** Moves to `seconds` into the run (never back: parallel steps share it). */
  to(seconds: number): void {
    this.t = Math.max(this.t, seconds * 1000);
    vi.setSystemTime(T0 + this.t);
  }
  advance(ms: number): void {
    this.t += ms;
    vi.setSystemTime(T0 + this.t);
  }
  get seconds(): number {
    return Math.round(this.t / 1000);
  }
}

/**
 * Lets the other running steps move on, as a real command's wait would, and
 * waits for their journal writes: the only real I/O of a run. Without this,
 * how fast the disk is would decide the order of parallel steps' events.
 */
class Turns {
  private readonly writing = new Set<Promise<unknown>>();

  /** Counts the journal's writes (the real journal, watched). */
  watch(journal: JournalStore): JournalStore {
    const methods = ['markRunning', 'recordOutputs', 'markDone', 'markFailed', 'markInterrupted', 'setAnswersDigest'] as const;
    const j = journal as unknown as Record<(typeof methods)[number], (...args: unknown[]) => Promise<void>>;
    for (const name of methods) {
      const write = j[name].bind(journal);
      j[name] = (...args) => {
        const p = write(...args);
        const done = (): void => void this.writing.delete(p);
        this.writing.add(p);
        p.then(done, done);
        return p;
      };
    }
    return journal;
  }

  async settle(): Promise<void> {
    do {
      await Promise.allSettled([...this.writing]);
      await new Promise((r) => setImmediate(r));
    } while (this.writing.size > 0);
  }
}

// ---------------------------------------------------------------------------
// The namespace as the scripts set it, as Kubernetes objects.

const deployment = (name: string, ready: number, desired = 1): DeploymentObject => ({
  metadata: { name, generation: 1 },
  spec: { replicas: desired },
  status: { readyReplicas: ready, updatedReplicas: desired, availableReplicas: ready, observedGeneration: 1 },
});

const warning = (uid: string, pod: string, reason: string, message: string, lastSecond: number, count = 1): EventObject => ({
  metadata: { name: `${pod}.${uid}`, uid },
  type: 'Warning',
  reason,
  message,
  involvedObject: { kind: 'Pod', name: pod },
  lastTimestamp: at(lastSecond),
  count,
});

const emptyNamespace = (namespace: string): NamespaceSnapshot => ({ namespace, pods: [], jobs: [], deployments: [], events: [], secretNames: [], logs: new Map() });

// ---------------------------------------------------------------------------
// The tools boundary: what helm and kubectl would do, said by the script.

/** What a simulated helm does while it runs: prints, lets the watcher look, and ends. */
type HelmScript = (helm: { print: (stream: 'stdout' | 'stderr', line: string) => void; look: () => Promise<void>; signal: AbortSignal | undefined }) => Promise<{ exitCode: number | undefined; stdout: string }>;

/**
 * Stands in for src/tools/cluster.ts's Cluster: a helm or kubectl run emits
 * the command line the real one would (built the same way, when the run ends,
 * as the real one does), an API read emits nothing; answers come from the
 * script. Typed against the real methods, so a change of the Cluster's
 * interface shows here.
 */
class SimCluster implements Pick<Cluster, 'target' | 'canI' | 'apply' | 'liveAnnotations' | 'helmStatus' | 'helmUpgrade' | 'snapshot' | 'watchNamespace'> {
  readonly namespaces = new Map<string, NamespaceSnapshot>();
  readonly helmScripts = new Map<string, HelmScript>();
  /** The namespace watch of the helm-release step working on a namespace: a look hands it the scripted snapshot. */
  readonly watchers = new Map<string, () => Promise<void>>();

  constructor(
    readonly target: Target,
    private readonly redactor: Redactor,
    private readonly clock: Clock,
    private readonly turns: Turns,
  ) {}

  /** Time passes for the script: the other steps take their turns first. */
  async until(seconds: number): Promise<void> {
    await this.turns.settle();
    this.clock.to(seconds);
  }

  async wait(ms: number): Promise<void> {
    await this.turns.settle();
    this.clock.advance(ms);
  }

  /** A helm or kubectl run: its command line is reported when it starts, as the real call does. */
  private async call(tool: 'helm' | 'kubectl', args: readonly string[], hooks: CallHooks, costMs: number): Promise<string> {
    const commandLine = printableCommandLine(tool, tool === 'helm' ? helmArgs(this.target, args) : kubectlArgs(this.target, args), this.redactor);
    hooks.onCommand?.(commandLine);
    await this.wait(costMs);
    return commandLine;
  }

  /** A read through the Kubernetes API: no command line, as with the real client. */
  private async read<T>(value: T, costMs = 5): Promise<T> {
    await this.wait(costMs);
    return value;
  }

  canI(): Promise<boolean> {
    return this.read(true);
  }

  liveAnnotations(): Promise<Record<string, string>[] | undefined> {
    // A first install: nothing the installer applies is there yet.
    return this.read(undefined);
  }

  async apply(manifests: readonly Manifest[], hooks: CallHooks): Promise<void> {
    for (const m of manifests) if (m.kind === 'Namespace') this.namespaces.set(m.metadata.name, emptyNamespace(m.metadata.name));
    await this.call('kubectl', applyArgs(), hooks, 300);
  }

  helmStatus(): Promise<HelmReleaseStatus | undefined> {
    return this.read(undefined);
  }

  async helmUpgrade(spec: HelmUpgradeSpec, hooks: CallHooks): Promise<ToolResult> {
    const script = this.helmScripts.get(spec.namespace);
    if (!script) throw new Error(`no helm script for ${spec.namespace}`);
    const look = this.watchers.get(spec.namespace) ?? (() => Promise.resolve());
    const stdout: string[] = [];
    const stderr: string[] = [];
    const print = (stream: 'stdout' | 'stderr', line: string): void => {
      (stream === 'stdout' ? stdout : stderr).push(line);
      hooks.onLine?.(stream, this.redactor.scrub(line));
    };
    const started = Date.now();
    const ended = await script({ print, look, signal: hooks.signal });
    const canceled = hooks.signal?.aborted ?? false;
    const commandLine = await this.call('helm', helmUpgradeArgs(spec), hooks, 100);
    return {
      exitCode: canceled ? undefined : ended.exitCode,
      signal: canceled ? 'SIGTERM' : undefined,
      stdout: [...stdout, ended.stdout].join('\n'),
      stderr: stderr.join('\n'),
      durationMs: Date.now() - started,
      canceled,
      timedOut: false,
      commandLine,
    };
  }

  snapshot(namespace: string): Promise<NamespaceSnapshot> {
    return this.read(this.namespaces.get(namespace) ?? emptyNamespace(namespace));
  }

  /** As the real watch: a change is handed over when the script looks; ends when the signal aborts. */
  watchNamespace(namespace: string, onChange: (snapshot: NamespaceSnapshot) => void, hooks: CallHooks & { signal: AbortSignal }): Promise<void> {
    this.watchers.set(namespace, async () => onChange(await this.snapshot(namespace)));
    return new Promise((resolve) => {
      const end = (): void => {
        this.watchers.delete(namespace);
        resolve();
      };
      if (hooks.signal.aborted) end();
      else hooks.signal.addEventListener('abort', end, { once: true });
    });
  }
}

// ---------------------------------------------------------------------------
// The two kinds that would leave the process, following the real ones.

/**
 * src/steps/helm-release.ts without the recovery of an interrupted run (it
 * lists processes with `ps`): probe by release status, then the step's own
 * `helmWatched`.
 */
function helmReleaseKind(): StepKind<ActionOf<'helm-release'>> {
  return {
    async probe({ spec }, ctx) {
      const status = await ctx.cluster.helmStatus(spec.release, spec.namespace, ctx.hooks);
      return status?.status === 'deployed' ? 'scripted runs install every release afresh' : undefined;
    },
    async run({ spec }, ctx) {
      // The real helm with its watcher: a fatal diagnosis stops it early, with the same failure.
      const result = await helmWatched(spec, ctx);
      if (result.exitCode !== 0) throw new Error(`the script of ${spec.namespace} lets helm fail only on a diagnosis`);
      const printed = /^REVISION: (\d+)$/m.exec(result.stdout)?.[1];
      return { revision: printed ?? '', chartVersion: spec.version };
    },
  };
}

/** src/steps/wait-ready.ts: one look (the namespace is ready by then), and /health answers as it does through an ingress. */
const waitReadyKind: StepKind<ActionOf<'wait-ready'>> = {
  async run(a, ctx) {
    const watch = { namespace: a.namespace, deployments: a.deployments, migrationJobs: new Set<string>(), seenWarnings: new Set<string>() };
    const { ready } = judge(ctx, watch, await ctx.cluster.snapshot(a.namespace, ctx.hooks));
    if (!ready) throw new Error(`the script left ${a.namespace} not ready`);
    ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `${a.healthUrl} answers 200` });
    return { health: 'healthy' };
  },
};

// ---------------------------------------------------------------------------
// The story of a run: the control plane's api pod waits for a node, then
// (failing) lands on a node that may not pull from the registry, or (the
// others) comes up; the workspaces install side by side.

/** What helm prints while the control plane installs (its text is helm's, not the engine's: scripted). */
export const HELM_OUTPUT: readonly { readonly stream: 'stdout' | 'stderr'; readonly line: string }[] = [
  { stream: 'stdout', line: 'Release "zenml-pro" does not exist. Installing it now.' },
  { stream: 'stderr', line: 'W0301 02:00:03.118204   48213 warnings.go:70] spec.template.spec.containers[0].env[4]: hides previous definition of "ZENML_SERVER_URL"' },
  { stream: 'stderr', line: 'W0301 02:00:03.120771   48213 warnings.go:70] spec.template.spec.containers[0].env[9]: hides previous definition of "ZENML_DATABASE_URL"' },
  { stream: 'stderr', line: 'W0301 02:00:03.402316   48213 warnings.go:70] unknown field "spec.template.spec.containers[0].resources.claims"' },
  { stream: 'stderr', line: 'W0301 02:00:03.517093   48213 warnings.go:70] would violate PodSecurity "restricted:latest": seccompProfile' },
  { stream: 'stderr', line: 'W0301 02:00:04.002648   48213 warnings.go:70] networking.k8s.io/v1 Ingress: ingressClassName unset' },
];
/** A line wider than any terminal, so the view has to cut it (and print it whole on request). */
export const LONG_OUTPUT_LINE = `W0301 02:00:05 helm upgrade: ${'x'.repeat(180)} END-OF-LONG-LINE`;

/** The api pod of the control plane. */
export const API_POD = 'zenml-pro-5d8f9c7b4-x2k9q';
const UNSCHEDULABLE = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';

function controlPlaneNamespace(answers: LoadedAnswers['answers'], phase: 'pending' | 'still-pending' | 'cannot-pull' | 'ready'): NamespaceSnapshot {
  const image = `${imageRepositories(answers.images).api}:${answers.controlPlane?.version ?? '?'}`;
  const scheduled = phase === 'cannot-pull' || phase === 'ready';
  const pod: PodObject = {
    metadata: { name: API_POD, creationTimestamp: at(3), ownerReferences: [{ kind: 'ReplicaSet', name: 'zenml-pro-5d8f9c7b4' }] },
    spec: { containers: [{ name: 'zenml-pro', image }] },
    status: {
      phase: phase === 'ready' ? 'Running' : 'Pending',
      conditions: [scheduled ? { type: 'PodScheduled', status: 'True', lastTransitionTime: at(30) } : { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: UNSCHEDULABLE, lastTransitionTime: at(3) }],
      ...(scheduled
        ? { containerStatuses: [{ name: 'zenml-pro', image, ready: phase === 'ready', restartCount: 0, state: phase === 'ready' ? {} : { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } } }] }
        : {}),
    },
  };
  // The scheduler's warning, seen once, then again (count 2) before the pod found a node.
  const events: EventObject[] = [warning('e1', API_POD, 'FailedScheduling', UNSCHEDULABLE, phase === 'pending' ? 3 : 21, phase === 'pending' ? 1 : 2)];
  if (phase === 'cannot-pull') {
    const host = image.split('/')[0] ?? '';
    const path = image.slice(host.length + 1).replace(/:[^:]*$/, '');
    events.push(
      warning('e2', API_POD, 'Failed', `Failed to pull image "${image}": failed to resolve reference "${image}": unexpected status from HEAD request to https://${host}/v2/${path}/manifests/${answers.controlPlane?.version ?? ''}: 403 Forbidden`, 37),
      warning('e3', API_POD, 'BackOff', `Back-off pulling image "${image}"`, 39),
    );
  }
  return {
    namespace: 'zenml-pro',
    pods: [pod],
    jobs: [],
    deployments: [deployment('zenml-pro', phase === 'ready' ? 1 : 0), deployment('zenml-pro-dashboard', 1)],
    events,
    secretNames: ['zenml-pro', 'sh.helm.release.v1.zenml-pro.v1'],
    logs: new Map(),
  };
}

/** What a workspace's helm prints (scripted, like the control plane's). */
export const workspaceHelmOutput = (namespace: string): { stream: 'stdout' | 'stderr'; line: string }[] => [
  { stream: 'stdout', line: 'Release "zenml" does not exist. Installing it now.' },
  { stream: 'stderr', line: `W0301 02:01:02.200417   48377 warnings.go:70] ${namespace}: spec.template.spec.containers[0].env[2]: hides previous definition of "ZENML_STORE_URL"` },
  { stream: 'stderr', line: `W0301 02:01:02.631950   48377 warnings.go:70] ${namespace}: unknown field "spec.template.spec.containers[0].resources.claims"` },
  { stream: 'stderr', line: `W0301 02:01:03.027714   48377 warnings.go:70] ${namespace}: would violate PodSecurity "restricted:latest": seccompProfile` },
  { stream: 'stderr', line: `W0301 02:01:03.402119   48377 warnings.go:70] ${namespace}: networking.k8s.io/v1 Ingress: ingressClassName unset` },
];

const workspaceNamespace = (namespace: string, ready: boolean): NamespaceSnapshot => ({
  ...emptyNamespace(namespace),
  jobs: [{ metadata: { name: 'zenml-db-migration' }, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }],
  deployments: [deployment('zenml', ready ? 1 : 0)],
});

const installedLines = (release: string, namespace: string, second: number): string =>
  [`NAME: ${release}`, `LAST DEPLOYED: ${new Date(T0 + second * 1000).toUTCString()}`, `NAMESPACE: ${namespace}`, 'STATUS: deployed', 'REVISION: 1', 'TEST SUITE: None'].join('\n');

/** How a run goes on once the control plane's helm is waiting for its api pod. */
export type Ending = 'fails' | 'succeeds' | 'interrupted';

/** Marks in a recording: how many events had been emitted then. */
export type Mark = 'helm-waiting' | 'workspaces-side-by-side';

/** What `diagnose()` says of the api pod crash-looping with these last log lines (as a failed step would carry it). */
export function crashLoopDiagnoses(logLines: readonly string[]): Diagnosis[] {
  const pod: PodObject = {
    metadata: { name: API_POD, creationTimestamp: at(3) },
    spec: { containers: [{ name: 'zenml-pro', image: 'registry.sim.example.com/zenml/zenml-pro-api:0.13.0' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'zenml-pro', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
  };
  return diagnose({ ...emptyNamespace('zenml-pro'), pods: [pod], logs: new Map([[API_POD, logLines]]) }, new Set(), new Date(T0 + 60_000));
}

// ---------------------------------------------------------------------------
// The install these runs are: examples/sim.yaml, with the flags its header shows.

export interface SimInstall {
  readonly loaded: LoadedAnswers;
  readonly options: InstallOptions;
  readonly plan: Plan;
  readonly prepared: Prepared;
  readonly redactor: Redactor;
  readonly target: Target;
}

/** Install directories made for recordings; removed by `cleanupRecordings`. */
const scratch: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-ui-'));
  scratch.push(dir);
  return dir;
};

export function cleanupRecordings(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The plan `install --answers examples/sim.yaml --kubeconfig /tmp/sim/kubeconfig
 * --dir <dir> --yes` runs, built by install's own `planFor`. With
 * `withoutEnrollmentOf`, that workspace's enrollment values are left out of
 * the answers, so its enrollment step waits. `dir` is made under the system's
 * temp directory unless given.
 */
export async function simInstall(withoutEnrollmentOf?: string, dir = tempDir()): Promise<SimInstall> {
  const answersArg = 'examples/sim.yaml';
  const file = join(REPO_ROOT, answersArg);
  let loaded = loadAnswersFile(file);
  if (withoutEnrollmentOf) {
    const raw = parse(readFileSync(file, 'utf8')) as { workspaces: { name: string; enrollment: Record<string, unknown> }[] };
    const w = raw.workspaces.find((x) => x.name === withoutEnrollmentOf);
    if (!w) throw new Error(`no workspace ${withoutEnrollmentOf} in ${file}`);
    w.enrollment = { mode: 'manual' };
    const result = validateAnswers(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    loaded = loadedFromAnswers(result.answers, file, loaded.text);
  }
  const options: InstallOptions = { answers: answersArg, dir, kubeconfig: '/tmp/sim/kubeconfig', yes: true };
  // What resolveTarget makes of --kubeconfig and the answers' context (it reads the kubeconfig, which exists only beside a simulation).
  const target: Target = { context: loaded.answers.cluster.context ?? 'zenml-sim', kubeconfig: options.kubeconfig };
  const { plan, prepared } = await planFor(loaded, { dir: options.dir, target, persist: false });
  return { loaded, options, plan, prepared, redactor: redactorFor(loaded, prepared), target };
}

// ---------------------------------------------------------------------------
// Recording a run.

export interface Recording {
  readonly events: readonly EngineEvent[];
  readonly marks: ReadonlyMap<Mark, number>;
  readonly result: RunResult;
}

/** Runs `install.plan` with the real scheduler and records what the progress view would be handed. */
export async function recordRun(install: SimInstall, ending: Ending): Promise<Recording> {
  const { loaded, options, plan, prepared, redactor, target } = install;
  const answers = loaded.answers;
  const events: EngineEvent[] = [];
  const marks = new Map<Mark, number>();
  const mark = (name: Mark): void => void marks.set(name, events.length);
  const clock = new Clock();
  const turns = new Turns();
  const cluster = new SimCluster(target, redactor, clock, turns);
  const abort = new AbortController();
  // install.ts: the live view gets every event scrubbed.
  const emit = (event: EngineEvent): void => void events.push(redactor.scrubObject(event));

  cluster.helmScripts.set('zenml-pro', async ({ print, look, signal }) => {
    await cluster.until(3);
    print('stdout', HELM_OUTPUT[0]!.line);
    cluster.namespaces.set('zenml-pro', controlPlaneNamespace(answers, 'pending'));
    for (const [i, o] of HELM_OUTPUT.slice(1).entries()) {
      await cluster.until(4 + i);
      print(o.stream, o.line);
    }
    await cluster.until(12);
    print('stderr', LONG_OUTPUT_LINE);
    await cluster.until(20);
    await look();
    await cluster.until(22);
    cluster.namespaces.set('zenml-pro', controlPlaneNamespace(answers, 'still-pending'));
    await look();
    await cluster.until(23);
    mark('helm-waiting');
    if (ending === 'interrupted') {
      // install.ts on Ctrl+C: a notice, then the run's signal aborts (and with it this helm).
      await cluster.until(25);
      emit({ type: 'notice', at: now(), message: 'stopping after the current command is ended (Ctrl+C again to quit at once)' });
      abort.abort();
      return { exitCode: undefined, stdout: '' };
    }
    if (ending === 'fails') {
      await cluster.until(40);
      cluster.namespaces.set('zenml-pro', controlPlaneNamespace(answers, 'cannot-pull'));
      await look();
      if (!signal?.aborted) throw new Error('the watcher did not stop helm on an image that cannot be pulled');
      return { exitCode: undefined, stdout: '' };
    }
    await cluster.until(45);
    cluster.namespaces.set('zenml-pro', controlPlaneNamespace(answers, 'ready'));
    await look();
    await cluster.until(59);
    return { exitCode: 0, stdout: installedLines('zenml-pro', 'zenml-pro', 59) };
  });

  // The workspace releases that run: a workspace whose enrollment waits has its release held back.
  const waitingWorkspaces = new Set(plan.steps.flatMap((s) => (s.action.type === 'manual-enrollment' && s.action.waiting ? [s.action.workspace] : [])));
  const releasing = answers.workspaces.filter((w) => !waitingWorkspaces.has(w.name)).length;
  let arrived = 0;
  let allArrived: () => void = () => undefined;
  const sideBySide = new Promise<void>((r) => (allArrived = r));
  for (const w of answers.workspaces) {
    const namespace = `zenml-workspace-${w.name}`;
    cluster.helmScripts.set(namespace, async ({ print, look }) => {
      cluster.namespaces.set(namespace, workspaceNamespace(namespace, false));
      for (const o of workspaceHelmOutput(namespace)) {
        await cluster.wait(1000);
        print(o.stream, o.line);
      }
      // The workspaces' helms run at the same time: each has printed its lines when the last one has.
      arrived += 1;
      if (arrived === releasing) {
        mark('workspaces-side-by-side');
        allArrived();
      }
      await sideBySide;
      await cluster.wait(15_000);
      cluster.namespaces.set(namespace, workspaceNamespace(namespace, true));
      await look();
      await cluster.wait(2000);
      return { exitCode: 0, stdout: installedLines('zenml', namespace, clock.seconds) };
    });
  }

  const dir = options.dir;
  const journalDir = tempDir();
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    clock.to(0);
    const journal = turns.watch(await JournalStore.continue(journalDir, undefined, { answersDigest: sha256(canonicalJson(answers)), cluster: { context: target.context, server: IDENTITY.server, uid: IDENTITY.uid ?? '' } }, redactor));
    // From here, as src/commands/install.ts runs it.
    emit({ type: 'run-started', at: now(), context: target.context, server: IDENTITY.server, namespaces: plan.namespaces, steps: plan.steps.length, resumed: false });
    const resumeCommand = resumeCommandFor(options);
    const kinds: StepKinds = { ...installKinds({ loaded, plan, dir, answersCopy: join(dir, ANSWERS_COPY) }), 'helm-release': helmReleaseKind(), 'wait-ready': waitReadyKind };
    const result = await runPlan({
      plan,
      kinds,
      context: {
        cluster: cluster as unknown as Cluster,
        identity: IDENTITY,
        settings: { failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 250, readyTimeoutMs: 120_000 },
        digest: prepared.digest,
        secret: secretLookup(prepared),
        readFile: (path) => readFileSync(path, 'utf8'),
        // examples/sim.yaml enrolls by hand: nothing is obtained, every release's values are the plan's.
        kept: { get: (key) => prepared.generated.get(key), put: () => Promise.reject(new Error('examples/sim.yaml obtains no secret')) },
        releaseValues: (spec) => Promise.resolve(spec.valuesDigest),
      },
      journal,
      emit,
      signal: abort.signal,
      parallel: 2,
    });
    clock.advance(400);
    // install.ts bundles what it collects from the cluster; the path is what matters to the view.
    const failed = result.outcome === 'failed' || result.outcome === 'blocked';
    const supportBundle = failed ? (await writeSupportBundle(dir, [{ path: 'summary.txt', content: `outcome: ${result.outcome}\nfailed step: ${result.failedStep ?? '?'}\n` }], redactor)).path : undefined;
    emit(runFinishedEvent(result, { resumeCommand, ...(supportBundle ? { supportBundle } : {}) }));
    return { events, marks, result };
  } finally {
    vi.useRealTimers();
  }
}

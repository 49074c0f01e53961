// Carries out a plan: probes each step against the cluster, skips what is
// already there, runs the rest (independent workspaces in parallel, bounded),
// journals every state change before moving on, watches and diagnoses while
// helm waits, and stops early with a reason when a failure is certain.
import { canonicalJson, sha256 } from '../plan/install-plan.js';
import { DIGEST_ANNOTATION, disruptionBudgetManifest, withDigest } from '../plan/manifests.js';
import type { Manifest, Plan, ReleaseSpec, Step } from '../plan/steps.js';
import { transientFailureReason } from '../tools/exec.js';
import { ToolError, type CallHooks, type Cluster, type ClusterFacts, type HelmReleaseStatus } from '../tools/cluster.js';
import { deploymentReady, deploymentStatus, diagnose, isFatal, warningLines, type Diagnosis, type FailFastPolicy } from './diagnose.js';
import { now, type EventSink } from './events.js';
import { checkHealth, type HealthOptions } from '../tools/health.js';
import { runningHelmFor } from './helm-processes.js';
import type { JournalStore } from './journal.js';

export const MIN_KUBERNETES_MINOR = 24;

export interface RunnerOptions {
  readonly plan: Plan;
  readonly cluster: Cluster;
  readonly journal: JournalStore;
  readonly emit: EventSink;
  readonly signal: AbortSignal;
  readonly failFast: FailFastPolicy;
  /** Steps of different workspaces that may run at once. */
  readonly parallel: number;
  /** How often the namespace is read while helm waits. */
  readonly watchIntervalMs: number;
  /** How long a ready check waits for deployments after helm returned. */
  readonly readyTimeoutMs: number;
  /** How /health is reached: address overrides (rehearsals) and extra CA certificates. */
  readonly health?: HealthOptions;
  /** The cluster as already identified by the caller (saves the same reads again). */
  readonly identity?: ClusterFacts;
  /** Builds the report lines at the end. */
  readonly report: () => readonly string[];
}

export type RunOutcome = 'done' | 'up-to-date' | 'failed' | 'interrupted' | 'blocked' | 'waiting';

export interface RunResult {
  readonly outcome: RunOutcome;
  readonly failedStep?: string;
  readonly report?: readonly string[];
  readonly message?: string;
  /** Steps that wait for the operator (enrollment values), with what to do. */
  readonly waiting?: readonly { readonly stepId: string; readonly instructions: readonly string[] }[];
}

/** A step needs something only the operator can give (enrollment values); the run goes on without what depends on it. */
class Waiting extends Error {
  constructor(readonly instructions: readonly string[]) {
    super('waiting for the operator');
  }
}

/** A step cannot go on: the message says why, `next` what to do. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly next: readonly string[] = [],
    readonly diagnoses: readonly Diagnosis[] = [],
    readonly blocked = false,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

class Interrupted extends Error {}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind (the run's signal outlives many sleeps). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export async function runPlan(o: RunnerOptions): Promise<RunResult> {
  const { plan, journal, emit } = o;
  const state = new Map<string, 'pending' | 'running' | 'ok' | 'failed' | 'waiting'>(plan.steps.map((s) => [s.id, 'pending']));
  const waiting: { stepId: string; instructions: readonly string[] }[] = [];
  let mutated = false;
  let failure: { step: Step; error: StepFailure } | undefined;
  let interruptedAt: Step | undefined;
  const reportHolder: { lines?: readonly string[] } = {};
  /** Release status read by a step's probe, reused by its recovery check. */
  const probedStatus = new Map<string, HelmReleaseStatus | undefined>();

  const hooksFor = (step: Step, signal: AbortSignal): CallHooks => ({
    signal,
    onCommand: (commandLine) => emit({ type: 'command', at: now(), stepId: step.id, commandLine }),
    onLine: (stream, line) => emit({ type: 'output-line', at: now(), stepId: step.id, stream, line }),
    onRetry: (attempt, reason, delayMs) => emit({ type: 'retry', at: now(), stepId: step.id, attempt, reason, delayMs }),
  });

  const execute = async (step: Step): Promise<void> => {
    const hooks = hooksFor(step, o.signal);
    const started = Date.now();
    const verified = await probe(step, hooks);
    if (verified !== undefined) {
      const prior = journal.step(step.id);
      if (prior?.state !== 'done' || prior.inputsDigest !== step.inputsDigest) {
        await journal.markRunning(step.id, step.inputsDigest);
        await journal.markDone(step.id, { verifiedBy: 'probe' });
      }
      emit({ type: 'step-skipped', at: now(), stepId: step.id, title: step.title, reason: verified });
      return;
    }
    const deadline = step.action.type === 'helm-release' ? new Date(Date.now() + step.action.spec.timeoutSeconds * 1000).toISOString() : undefined;
    emit({ type: 'step-started', at: now(), stepId: step.id, title: step.title, ...(deadline ? { deadline } : {}) });
    await journal.markRunning(step.id, step.inputsDigest);
    if (step.mutates) mutated = true;
    const outputs = await act(step, hooks);
    await journal.markDone(step.id, outputs);
    emit({ type: 'step-done', at: now(), stepId: step.id, title: step.title, durationMs: Date.now() - started });
  };

  /** Why the step's result is already in place (verified on the cluster), or undefined when it must run. */
  const probe = async (step: Step, hooks: CallHooks): Promise<string | undefined> => {
    const a = step.action;
    switch (a.type) {
      case 'apply': {
        const digest = a.manifests[0]?.metadata.annotations?.[DIGEST_ANNOTATION];
        const live = await o.cluster.liveAnnotations(a.manifests, hooks);
        return live !== undefined && live.every((ann) => ann[DIGEST_ANNOTATION] === digest) ? 'already applied, unchanged (verified on the cluster)' : undefined;
      }
      case 'helm-release': {
        const status = await o.cluster.helmStatus(a.spec.release, a.spec.namespace, hooks);
        probedStatus.set(step.id, status);
        if (status?.status !== 'deployed' || status.chartVersion !== a.spec.version) return undefined;
        const live = await o.cluster.helmValues(a.spec.release, a.spec.namespace, hooks);
        return sha256(canonicalJson(live)) === a.spec.valuesDigest ? `revision ${status.revision} is deployed with these values (verified on the cluster)` : undefined;
      }
      case 'manual-enrollment':
        return a.waiting ? undefined : 'manual enrollment: the values come from the answers file';
      case 'disruption-budget': {
        const manifests = await budgets(a, hooks);
        const live = await o.cluster.liveAnnotations(manifests, hooks);
        const digest = manifests[0]?.metadata.annotations?.[DIGEST_ANNOTATION];
        return live !== undefined && live.every((ann) => ann[DIGEST_ANNOTATION] === digest) ? 'already applied, unchanged (verified on the cluster)' : undefined;
      }
      default:
        return undefined;
    }
  };

  /** Disruption budgets selecting each deployment's pods by the deployment's own selector. */
  const budgets = async (a: Extract<Step['action'], { type: 'disruption-budget' }>, hooks: CallHooks): Promise<Manifest[]> => {
    const manifests = await Promise.all(
      a.deployments.map(async (d) => {
        const deployment = await o.cluster.kubectlJson<{ spec?: { selector?: { matchLabels?: Record<string, string> } } }>(['get', 'deployment', d, '--namespace', a.namespace, '-o', 'json'], { ...hooks, onLine: undefined }, `deployment ${d}`);
        const labels = deployment.spec?.selector?.matchLabels;
        if (!labels || Object.keys(labels).length === 0) {
          throw new StepFailure(`deployment ${d} in ${a.namespace} has no matchLabels selector, so no disruption budget can select its pods`, ['remove podDisruptionBudget from the answers, or add one by hand that fits the chart']);
        }
        return disruptionBudgetManifest(a.namespace, d, labels, a.minAvailable);
      }),
    );
    return withDigest(manifests, sha256(canonicalJson(manifests)));
  };

  const act = async (step: Step, hooks: CallHooks): Promise<Record<string, string>> => {
    const a = step.action;
    switch (a.type) {
      case 'check-target': {
        const id = o.identity ?? (await o.cluster.identify(hooks));
        if (id.minor > 0 && id.minor < MIN_KUBERNETES_MINOR) {
          throw new StepFailure(`the cluster runs Kubernetes ${id.gitVersion}; ZenML Pro needs 1.${MIN_KUBERNETES_MINOR} or newer`, ['upgrade the cluster, or point the installer at another one'], [], true);
        }
        if (!(await o.cluster.canI('create', 'namespaces', hooks))) {
          throw new StepFailure(`your credentials (context ${plan.target.context}) may not create namespaces`, [
            'run the installer with a cluster-admin context, or ask an administrator to grant create on namespaces, secrets, deployments, services, ingresses, jobs, roles and rolebindings',
          ], [], true);
        }
        emit({ type: 'notice', at: now(), stepId: step.id, message: `cluster ${id.server}, Kubernetes ${id.gitVersion}` });
        return { server: id.server, kubernetes: id.gitVersion };
      }
      case 'apply':
        await o.cluster.apply(a.manifests, hooks);
        return {};
      case 'helm-release':
        return releaseStep(step, a.spec, hooks);
      case 'wait-ready':
        await waitReady(step, a.namespace, a.deployments, hooks);
        return { health: await waitHealthy(step, a.healthUrl) };
      case 'disruption-budget':
        await o.cluster.apply(await budgets(a, hooks), hooks);
        return {};
      case 'manual-enrollment':
        if (a.waiting) throw new Waiting(a.waiting.instructions);
        return { workspaceId: a.workspaceId };
      case 'report':
        reportHolder.lines = o.report();
        return {};
    }
  };

  /** Emits readiness, new warnings and diagnoses for a namespace; returns the fatal ones. */
  const observe = async (step: Step, namespace: string, deployments: readonly string[], migrationJobs: ReadonlySet<string>, seenWarnings: Set<string>, hooks: CallHooks, since?: Date): Promise<{ fatal: Diagnosis[]; ready: boolean }> => {
    const snap = await o.cluster.snapshot(namespace, hooks);
    const mine = snap.deployments.filter((d) => deployments.includes(d.metadata?.name ?? ''));
    emit({ type: 'resource-status', at: now(), stepId: step.id, resources: mine.map((d) => ({ name: d.metadata?.name ?? '?', text: deploymentStatus(d).text, ready: deploymentReady(d) })) });
    for (const w of warningLines(snap)) {
      if (seenWarnings.has(w.key)) continue;
      seenWarnings.add(w.key);
      emit({ type: 'warning-event', at: now(), stepId: step.id, line: w.line });
    }
    const fatal = diagnose(snap, migrationJobs, new Date(), since).filter((d) => isFatal(d, o.failFast));
    return { fatal, ready: mine.length === deployments.length && mine.every(deploymentReady) };
  };

  /**
   * Clears what an interrupted run left pending. True when the release may
   * have been completed since the step's probe (a helm of that run finished,
   * waited for here or just before), so the caller probes again.
   */
  const recoverPending = async (step: Step, spec: ReleaseSpec, hooks: CallHooks): Promise<boolean> => {
    // Looked for whatever the release's status: a helm killed with its
    // installer may not have written its pending revision yet, and a second
    // helm started beside it would add a revision of its own.
    let pid = runningHelmFor(spec.release, spec.namespace);
    const waited = pid !== undefined;
    if (pid !== undefined) {
      emit({ type: 'notice', at: now(), stepId: step.id, message: `helm (pid ${pid}) from an interrupted run is still working on ${spec.release}; waiting for it to finish` });
      const until = Date.now() + spec.timeoutSeconds * 1000;
      while (pid !== undefined && Date.now() < until && !o.signal.aborted) {
        await sleep(1000, o.signal);
        pid = runningHelmFor(spec.release, spec.namespace);
      }
      if (o.signal.aborted) throw new Interrupted();
    }
    // Without a helm of ours that just finished, the status read by this step's probe is still current.
    const status = waited || !probedStatus.has(step.id) ? await o.cluster.helmStatus(spec.release, spec.namespace, hooks) : probedStatus.get(step.id);
    probedStatus.delete(step.id);
    if (!status?.status.startsWith('pending-')) return waited || status?.status === 'deployed';
    const prior = journal.step(step.id)?.state;
    const ours = prior === 'running' || prior === 'interrupted' || prior === 'failed';
    if (!ours) {
      throw new StepFailure(
        `release ${spec.release} in ${spec.namespace} is stuck in ${status.status} (revision ${status.revision}), and this install directory did not start that operation`,
        [
          'make sure no one else is running helm on this release, then either:',
          `  roll back:  helm rollback ${spec.release} ${Math.max(1, status.revision - 1)} --namespace ${spec.namespace}`,
          `  or clear the stuck record:  kubectl -n ${spec.namespace} delete secret sh.helm.release.v1.${spec.release}.v${status.revision}`,
          'and run the installer again',
        ],
        [],
        true,
      );
    }
    emit({
      type: 'notice',
      at: now(),
      stepId: step.id,
      message: `release ${spec.release} was left in ${status.status} (revision ${status.revision}) by the interrupted run; clearing that revision's record so helm can run again (no workload is deleted)`,
    });
    await o.cluster.deleteReleaseRevision(spec.release, spec.namespace, status.revision, hooks);
    return false;
  };

  const releaseStep = async (step: Step, spec: ReleaseSpec, hooks: CallHooks): Promise<Record<string, string>> => {
    if (await recoverPending(step, spec, hooks)) {
      // An interrupted run's helm may have deployed exactly these values:
      // upgrading again would only add an identical revision (kill -9 and
      // resume must end as an uninterrupted run does).
      const verified = await probe(step, hooks);
      if (verified !== undefined) {
        emit({ type: 'notice', at: now(), stepId: step.id, message: `an earlier helm finished ${spec.release}: ${verified}` });
        const status = await o.cluster.helmStatus(spec.release, spec.namespace, hooks);
        return { revision: String(status?.revision ?? ''), chartVersion: status?.chartVersion ?? '' };
      }
    }
    const helmAbort = new AbortController();
    const onRunAbort = (): void => helmAbort.abort();
    o.signal.addEventListener('abort', onRunAbort, { once: true });
    const migrationJobs = new Set(spec.migrationJob ? [spec.migrationJob] : []);
    const seen = new Set<string>();
    let fatal: Diagnosis[] = [];
    let helmDone = false;
    // Stop early only on failures this helm run causes or meets again, not on a pod still backing off from a fixed one.
    const since = new Date();
    // Stopped the moment helm returns, so no read or sleep of the watcher delays the next step.
    const watchStop = new AbortController();
    helmAbort.signal.addEventListener('abort', () => watchStop.abort(), { once: true });
    const watcher = (async () => {
      while (!helmDone && !watchStop.signal.aborted) {
        await sleep(o.watchIntervalMs, watchStop.signal);
        if (helmDone || watchStop.signal.aborted) break;
        try {
          const seenNow = await observe(step, spec.namespace, spec.deployments, migrationJobs, seen, { ...hooks, signal: watchStop.signal, onCommand: undefined, onLine: undefined }, since);
          if (seenNow.fatal.length > 0 && !helmDone) {
            fatal = seenNow.fatal;
            helmAbort.abort();
          }
        } catch (error) {
          if (!(error instanceof ToolError)) throw error;
          // A failed read while watching is not the step's failure; helm decides.
        }
      }
    })();
    let result;
    try {
      result = await o.cluster.helmUpgrade(spec, { ...hooks, signal: helmAbort.signal });
    } finally {
      helmDone = true;
      watchStop.abort();
      o.signal.removeEventListener('abort', onRunAbort);
      await watcher;
    }
    if (o.signal.aborted) throw new Interrupted();
    if (fatal.length > 0) {
      throw new StepFailure(`${spec.release}: ${fatal[0]?.summary ?? 'failed'} (stopped early instead of waiting for helm's ${spec.timeoutSeconds}s timeout)`, fatal[0]?.next ?? [], fatal);
    }
    if (result.exitCode !== 0) {
      let diagnoses: Diagnosis[] = [];
      try {
        diagnoses = diagnose(await o.cluster.snapshot(spec.namespace, hooks), migrationJobs);
      } catch {
        // Diagnosis is best effort once helm has already failed.
      }
      const tail = (result.stderr || result.stdout).trim().split('\n').slice(-6).join('\n');
      // helm is never retried blindly, but a lost connection is worth saying plainly: a re-run recovers the release.
      const lost = transientFailureReason(result);
      const next = diagnoses[0]?.next ?? [
        ...(lost ? [`the API server did not answer reliably while helm ran (${lost}); check the connection and run the installer again: it picks ${spec.release} up where it stopped`] : []),
        `see the release: helm status ${spec.release} --namespace ${spec.namespace}`,
      ];
      throw new StepFailure(`helm upgrade --install ${spec.release} failed (exit ${result.exitCode ?? result.signal ?? '?'}):\n${tail}`, next, diagnoses);
    }
    // helm prints the revision it wrote; ask only when it did not.
    const printed = /^REVISION: (\d+)$/m.exec(result.stdout)?.[1];
    if (printed) return { revision: printed, chartVersion: spec.version };
    const status = await o.cluster.helmStatus(spec.release, spec.namespace, hooks);
    return { revision: String(status?.revision ?? ''), chartVersion: status?.chartVersion ?? '' };
  };

  const waitReady = async (step: Step, namespace: string, deployments: readonly string[], hooks: CallHooks): Promise<void> => {
    const until = Date.now() + o.readyTimeoutMs;
    const seen = new Set<string>();
    for (;;) {
      // The JSON of every read is no output worth showing or logging line by line.
      const { fatal, ready } = await observe(step, namespace, deployments, new Set(), seen, { ...hooks, onLine: undefined });
      if (ready) return;
      if (fatal.length > 0) throw new StepFailure(`${fatal[0]?.summary ?? 'not ready'}`, fatal[0]?.next ?? [], fatal);
      if (Date.now() > until) {
        throw new StepFailure(`${deployments.join(', ')} in ${namespace} did not become ready within ${Math.round(o.readyTimeoutMs / 1000)}s`, [`kubectl -n ${namespace} get pods; kubectl -n ${namespace} describe deployment ${deployments[0] ?? ''}`]);
      }
      await sleep(o.watchIntervalMs, o.signal);
      if (o.signal.aborted) throw new Interrupted();
    }
  };

  /** The server answers https://<host>/health; a host without DNS yet is reported, not failed. */
  const waitHealthy = async (step: Step, url: string): Promise<string> => {
    const until = Date.now() + o.readyTimeoutMs;
    for (;;) {
      const r = await checkHealth(url, { ...o.health, signal: o.signal });
      if (o.signal.aborted) throw new Interrupted();
      if (r.state === 'healthy') {
        emit({ type: 'notice', at: now(), stepId: step.id, message: `${url} answers ${r.status}` });
        return 'healthy';
      }
      if (r.state === 'unresolved') {
        emit({ type: 'notice', at: now(), stepId: step.id, message: `${r.host} does not resolve from this machine yet: create its DNS record (see the report), then check ${url}` });
        return 'dns-pending';
      }
      if (Date.now() > until) {
        const why = r.state === 'unhealthy' ? `answers ${r.status}${r.body ? `: ${r.body.slice(0, 200)}` : ''}` : `is unreachable: ${r.error}`;
        throw new StepFailure(`${url} ${why}`, [
          /certificate/i.test(why) ? 'the certificate is not trusted here: for a private CA set cluster.tls.ca and caFile in the answers' : 'check the ingress controller and the ingress of this host: kubectl get ingress -A',
          'the pods are ready, so the server itself runs: the path from the ingress to it is the suspect',
        ]);
      }
      await sleep(o.watchIntervalMs, o.signal);
    }
  };

  const runOne = async (step: Step): Promise<void> => {
    state.set(step.id, 'running');
    try {
      await execute(step);
      state.set(step.id, 'ok');
    } catch (error) {
      if (error instanceof Waiting) {
        // Nothing happened: the journal keeps the step pending, and a re-run with the values goes on from here.
        state.set(step.id, 'waiting');
        waiting.push({ stepId: step.id, instructions: error.instructions });
        emit({ type: 'step-waiting', at: now(), stepId: step.id, title: step.title, instructions: error.instructions });
        return;
      }
      state.set(step.id, 'failed');
      if (error instanceof Interrupted || o.signal.aborted) {
        interruptedAt ??= step;
        await journal.markInterrupted(step.id, 'interrupted (Ctrl+C or SIGTERM)');
        return;
      }
      const failed =
        error instanceof StepFailure
          ? error
          : error instanceof ToolError
            ? new StepFailure(error.message, error.transient ? ['the API server did not answer reliably; check the connection and run the installer again'] : [])
            : new StepFailure(error instanceof Error ? error.message : String(error));
      failure ??= { step, error: failed };
      await journal.markFailed(step.id, { message: failed.message, ...(failed.next[0] ? { hint: failed.next.join('\n') } : {}) });
      emit({ type: 'step-failed', at: now(), stepId: step.id, title: step.title, message: failed.message, diagnoses: failed.diagnoses, next: failed.next });
    }
  };

  // Scheduler: start every step whose needs are met, at most `parallel` at once.
  const running = new Map<string, Promise<void>>();
  const needsMet = (s: Step): boolean => s.needs.every((n) => state.get(n) === 'ok');
  for (;;) {
    if (!failure && !interruptedAt && !o.signal.aborted) {
      for (const step of plan.steps) {
        if (running.size >= Math.max(1, o.parallel)) break;
        if (state.get(step.id) !== 'pending' || !needsMet(step)) continue;
        // Steps outside any workspace (the control plane chain) run alone, in order.
        if (!step.workspace && running.size > 0) break;
        running.set(step.id, runOne(step).finally(() => running.delete(step.id)));
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  if (interruptedAt || (o.signal.aborted && !failure)) {
    const at = interruptedAt ?? plan.steps.find((s) => state.get(s.id) === 'pending');
    return { outcome: 'interrupted', ...(at ? { failedStep: at.id, message: `interrupted at step ${at.id}` } : {}) };
  }
  if (failure) return { outcome: failure.error.blocked ? 'blocked' : 'failed', failedStep: failure.step.id, message: failure.error.message };
  if (waiting.length > 0) return { outcome: 'waiting', waiting };
  const pendingLeft = plan.steps.filter((s) => state.get(s.id) !== 'ok');
  if (pendingLeft.length > 0) return { outcome: 'failed', failedStep: pendingLeft[0]?.id, message: `steps not run: ${pendingLeft.map((s) => s.id).join(', ')}` };
  return { outcome: mutated ? 'done' : 'up-to-date', ...(reportHolder.lines ? { report: reportHolder.lines } : {}) };
}


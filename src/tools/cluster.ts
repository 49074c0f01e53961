// Everything the engine asks of the cluster, through the real helm and
// kubectl, pinned to the run's target. Every call rides out a passing API
// problem (RETRY_BUDGET); kubectl writes are server-side applies and deletes
// that may be repeated, helm is repeated only when it never reached the cluster.
import { helmArgs, kubectlArgs } from './argv.js';
import { applyArgs, deleteNamespaceArgs, deleteObjectsArgs, helmRollbackArgs, helmUninstallArgs, helmUpgradeArgs, resourceName } from './commands.js';
import { failureSummary, printableCommandLine, retryTransient, runTool, transientFailureReason, type OutputStream, type RetryOptions, type ToolResult } from './exec.js';
import type { Target } from './argv.js';
import type { HelmRollbackSpec, HelmUpgradeSpec } from './commands.js';
import { ExternalError, failedCommand, type FailedCommand } from './external-error.js';
import { IngressRoutes } from './ingress-address.js';
import type { HelmRevision } from './helm-records.js';
import { KubeApi } from './kube-api.js';
import type { ClusterFacts, HelmReleaseRecord, HelmReleaseStatus } from './cluster-facts.js';

export type { ClusterFacts, HelmReleaseRecord, HelmReleaseStatus } from './cluster-facts.js';
import { retryTransientReads, transientReasonId, type KubeApiError } from './kube-errors.js';
import type { Manifest, NamespaceSnapshot } from './kube-objects.js';
import type { Redactor } from './redact.js';

export interface Tools {
  readonly helm: string;
  readonly kubectl: string;
  /** Extra environment for the tools (tests isolate HOME and helm's cache dirs this way). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A helm or kubectl call that failed; the message is scrubbed and says what ran. */
export class ToolError extends ExternalError {
  override readonly command: FailedCommand;
  constructor(
    message: string,
    readonly result: ToolResult,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ToolError';
    this.command = failedCommand(result);
  }
}

export interface CallHooks {
  readonly signal?: AbortSignal;
  readonly onCommand?: (commandLine: string) => void;
  readonly onLine?: (stream: OutputStream, line: string) => void;
  readonly onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

type RetryBudget = Pick<RetryOptions<ToolResult>, 'budgetMs' | 'baseDelayMs' | 'maxDelayMs'>;

/**
 * How long a call retries a transient failure (connection refused or reset,
 * timeouts, 5xx, 429; see TRANSIENT_FAILURE_PATTERNS): retries start up to
 * 60 s after the first attempt, waiting 0.5 s doubling up to 8 s (about ten
 * attempts), each one reported through onRetry. A validation error, a denial
 * or a missing object is never retried.
 */
export const RETRY_BUDGET: RetryBudget = { budgetMs: 60_000, baseDelayMs: 500, maxDelayMs: 8000 };
/** The first contact fails sooner: nothing has changed yet, and a wrong context or a VPN that is down is likelier than a blip. */
const FIRST_CONTACT_BUDGET: RetryBudget = { ...RETRY_BUDGET, budgetMs: 10_000 };
/** Support-bundle reads after a failure are best effort, one after the other: a dead cluster must not hold them for minutes. */
const BEST_EFFORT_BUDGET: RetryBudget = { ...RETRY_BUDGET, budgetMs: 2000 };

/** helm checks that it can reach the cluster before it changes anything: only that failure is safe to repeat. */
export function helmNeverReachedCluster(result: ToolResult): string | undefined {
  return /kubernetes cluster unreachable/i.test(result.stderr) ? transientFailureReason(result) : undefined;
}

/**
 * Objects as a multi-document stream, not a `List`: kubectl validates each
 * object against OpenAPI v3, while a List sends it to the v2 fallback.
 */
function manifestStream(objects: readonly object[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

export class Cluster {
  /** Reads go through the Kubernetes API (one client, no process start); writes stay helm and kubectl, which operators audit. */
  private readonly api: KubeApi;

  constructor(
    readonly target: Target,
    private readonly tools: Tools,
    private readonly redactor: Redactor,
  ) {
    // Retries are done here, per call, so each one becomes an event of the step that made it.
    this.api = KubeApi.open(target, { scrub: (t) => redactor.scrub(t), retry: { budgetMs: 0, baseDelayMs: 0, maxDelayMs: 0 } });
  }

  #routes: IngressRoutes | undefined;

  /** Ingress addresses and the service proxy, through one client for the whole run (opened when first needed). */
  get routes(): IngressRoutes {
    this.#routes ??= IngressRoutes.open(this.target, { scrub: (t) => this.redactor.scrub(t) });
    return this.#routes;
  }

  /** Ends the API clients' connections (keep-alive sockets would hold the process). */
  close(): void {
    this.api.close();
    this.#routes?.close();
  }

  /** An API read, retried like a tool call and reported through the same hooks. */
  private read<T>(fn: () => Promise<T>, hooks: CallHooks, budget: RetryBudget = RETRY_BUDGET): Promise<T> {
    return retryTransientReads(fn, {
      budgetMs: budget.budgetMs ?? 0,
      baseDelayMs: budget.baseDelayMs,
      maxDelayMs: budget.maxDelayMs,
      ...(hooks.onRetry ? { onRetry: ({ attempt, delayMs, error }: { attempt: number; delayMs: number; error: KubeApiError }) => hooks.onRetry?.(attempt, transientReasonId(error), delayMs) } : {}),
    }, hooks.signal);
  }

  private async call(
    tool: 'helm' | 'kubectl',
    args: readonly string[],
    hooks: CallHooks,
    options: { input?: string; timeoutMs?: number; budget?: RetryBudget; retryReason?: (result: ToolResult) => string | undefined } = {},
  ): Promise<ToolResult> {
    const file = tool === 'helm' ? this.tools.helm : this.tools.kubectl;
    const full = tool === 'helm' ? helmArgs(this.target, args) : kubectlArgs(this.target, args);
    const once = async (): Promise<ToolResult> => {
      // Said when it starts, so a live view shows what is running while it runs.
      hooks.onCommand?.(printableCommandLine(file, full, this.redactor));
      return runTool({
        file,
        args: full,
        redactor: this.redactor,
        ...(options.input !== undefined ? { input: options.input } : {}),
        ...(this.tools.env ? { env: this.tools.env } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.onLine ? { onLine: hooks.onLine } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
    };
    return retryTransient(() => once(), {
      ...(options.budget ?? RETRY_BUDGET),
      ...(options.retryReason ? { retryReason: options.retryReason } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onRetry ? { onRetry: (info: { attempt: number; reason: string; delayMs: number }) => hooks.onRetry?.(info.attempt, info.reason, info.delayMs) } : {}),
    });
  }

  /** A read-only call whose result the caller interprets (support bundles). */
  raw(tool: 'helm' | 'kubectl', args: readonly string[], hooks: CallHooks): Promise<ToolResult> {
    return this.call(tool, args, hooks, { timeoutMs: 60_000, budget: BEST_EFFORT_BUDGET });
  }

  private fail(what: string, result: ToolResult): never {
    if (result.startError) throw new ToolError(`${what}: cannot run ${result.commandLine.split(' ')[0] ?? ''}: ${result.startError}`, result, false);
    throw new ToolError(`${what} failed\n${failureSummary(result, this.redactor, 12)}`, result, transientFailureReason(result) !== undefined);
  }

  async kubectlJson<T>(args: readonly string[], hooks: CallHooks, what: string, budget = RETRY_BUDGET): Promise<T> {
    const result = await this.call('kubectl', [...args, '-o', 'json'], hooks, { budget });
    if (result.exitCode !== 0) this.fail(what, result);
    return JSON.parse(result.stdout) as T;
  }

  /** Server version, API URL and a stable cluster identity (the kube-system namespace uid). */
  identify(hooks: CallHooks): Promise<ClusterFacts> {
    return this.read(() => this.api.identify(), hooks, FIRST_CONTACT_BUDGET);
  }

  canI(verb: string, resource: string, hooks: CallHooks, namespace?: string): Promise<boolean> {
    return this.read(() => this.api.canI(verb, resource, namespace), hooks);
  }

  /** Server-side apply of generated manifests, fed on stdin (secrets never in argv). */
  async apply(manifests: readonly Manifest[], hooks: CallHooks): Promise<void> {
    const input = manifestStream(manifests);
    const result = await this.call('kubectl', applyArgs(), hooks, { input });
    if (result.exitCode !== 0) this.fail(`applying ${manifests.length} object(s)`, result);
  }

  /** Creates objects as helm 3 did (POST, field manager "helm"), fed on stdin: how a rehearsal restores a release into the simulation. */
  async createAsHelm(namespace: string, manifests: string, hooks: CallHooks): Promise<void> {
    const result = await this.call('kubectl', ['create', '--namespace', namespace, '--field-manager', 'helm', '-f', '-'], hooks, { input: manifests });
    if (result.exitCode !== 0) this.fail('creating the objects of a release', result);
  }

  /** The annotations of each manifest's live object, or undefined when any is missing. */
  liveAnnotations(manifests: readonly Manifest[], hooks: CallHooks): Promise<Record<string, string>[] | undefined> {
    return this.read(() => this.api.liveAnnotations(manifests), hooks);
  }

  /**
   * The release as helm sees it (its latest record: deployed, failed or
   * pending), read from helm's release records without starting helm; or undefined.
   */
  async helmStatus(release: string, namespace: string, hooks: CallHooks): Promise<HelmReleaseStatus | undefined> {
    const latest = await this.read(() => this.api.helmRelease(release, namespace), hooks);
    // An uninstalled release kept with --keep-history is no release to upgrade, as for `helm list`.
    if (!latest || latest.status === 'uninstalled' || latest.status === 'uninstalling') return undefined;
    return { status: latest.status, revision: latest.revision, chartVersion: latest.chartVersion };
  }

  /** The values the release was installed with (they hold secrets); undefined without a release. */
  /** The release's latest revision with its values and manifest (for upgrades and backups), read without helm. */
  /** The latest revision in full, or with `running` the one that runs (a killed helm's pending revision is not it). */
  helmRecord(release: string, namespace: string, hooks: CallHooks, which: 'latest' | 'running' = 'latest'): Promise<HelmReleaseRecord | undefined> {
    return this.read(() => this.api.helmRecord(release, namespace, which), hooks);
  }

  helmValues(release: string, namespace: string, hooks: CallHooks): Promise<unknown> {
    return this.read(() => this.api.helmValues(release, namespace), hooks);
  }

  helmUpgrade(spec: HelmUpgradeSpec, hooks: CallHooks): Promise<ToolResult> {
    return this.call('helm', helmUpgradeArgs(spec), hooks, { retryReason: helmNeverReachedCluster });
  }

  /** Every revision of the release, oldest first (empty without a release), with its values (secrets: never log them); read without helm. */
  helmHistory(release: string, namespace: string, hooks: CallHooks): Promise<HelmRevision[]> {
    return this.read(() => this.api.helmHistory(release, namespace), hooks);
  }

  /** Puts an earlier revision's chart and values back; throws a ToolError with helm's output tail when helm fails. */
  async helmRollback(spec: HelmRollbackSpec, hooks: CallHooks): Promise<void> {
    const result = await this.call('helm', helmRollbackArgs(spec), hooks, { retryReason: helmNeverReachedCluster });
    if (result.exitCode !== 0) this.fail(`rolling release ${spec.release} back to revision ${spec.revision}`, result);
  }

  /** `helm uninstall --wait`: repeated only when helm says it never reached the cluster, as for upgrades. */
  async helmUninstall(release: string, namespace: string, timeoutSeconds: number, hooks: CallHooks): Promise<void> {
    const result = await this.call('helm', helmUninstallArgs(release, namespace, timeoutSeconds), hooks, { retryReason: helmNeverReachedCluster });
    if (result.exitCode !== 0) this.fail(`uninstalling release ${release} in ${namespace}`, result);
  }

  /** `kubectl delete … --ignore-not-found` of objects the installer applied: repeating it after a passing problem is harmless. */
  async deleteObjects(namespace: string, objects: readonly Manifest[], hooks: CallHooks): Promise<void> {
    const result = await this.call('kubectl', deleteObjectsArgs(namespace, objects), hooks);
    if (result.exitCode !== 0) this.fail(`deleting ${objects.map(resourceName).join(', ')} in ${namespace}`, result);
  }

  /** `kubectl delete namespace`, not waited for: the caller watches it go (and can say when it is stuck terminating). */
  async deleteNamespace(namespace: string, hooks: CallHooks): Promise<void> {
    const result = await this.call('kubectl', deleteNamespaceArgs(namespace), hooks);
    if (result.exitCode !== 0) this.fail(`deleting namespace ${namespace}`, result);
  }

  /** The major version of the helm at hand (3 or 4): some flags differ between them. */
  async helmMajor(hooks: CallHooks): Promise<number> {
    const result = await this.call('helm', ['version', '--template', '{{.Version}}'], hooks);
    const major = /^v(\d+)\./.exec(result.stdout.trim())?.[1];
    if (result.exitCode !== 0 || major === undefined) this.fail('reading the helm version', result);
    return Number(major);
  }

  /** Removes the record of a stuck pending revision so the release can be installed again. */
  async deleteReleaseRevision(release: string, namespace: string, revision: number, hooks: CallHooks): Promise<void> {
    const result = await this.call('kubectl', ['delete', 'secret', `sh.helm.release.v1.${release}.v${revision}`, '--namespace', namespace, '--ignore-not-found'], hooks);
    if (result.exitCode !== 0) this.fail(`removing the stuck revision ${revision} of release ${release}`, result);
  }

  /**
   * Watches a namespace: `onChange` gets a fresh snapshot once everything is
   * listed and after every change, until `signal` aborts. Passing outages are
   * ridden out inside (reported through onRetry); a denial ends it with an error.
   */
  watchNamespace(namespace: string, onChange: (snapshot: NamespaceSnapshot) => void, hooks: CallHooks & { signal: AbortSignal }): Promise<void> {
    return this.api.watchNamespace(namespace, onChange, hooks.signal, (error) => hooks.onRetry?.(0, transientReasonId(error), 0));
  }

  /**
   * Follows a container's log: each line scrubbed, as it is printed, until the
   * container ends or the signal aborts. A KubeApiError when it cannot be read.
   */
  followPodLog(namespace: string, pod: string, container: string, onLine: (line: string) => void, hooks: { signal: AbortSignal }): Promise<void> {
    return this.api.followPodLog(namespace, pod, container, onLine, hooks.signal);
  }

  /** Pods, jobs, deployments, events, secret names and log tails of a namespace, for diagnosis. */
  snapshot(namespace: string, hooks: CallHooks): Promise<NamespaceSnapshot> {
    return this.read(() => this.api.snapshot(namespace), hooks);
  }
}

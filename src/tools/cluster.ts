// Everything the engine asks of the cluster, through the real helm and
// kubectl, pinned to the run's target. Every call rides out a passing API
// problem (RETRY_BUDGET); kubectl writes are server-side applies and deletes
// that may be repeated, helm is repeated only when it never reached the cluster.
import { helmArgs, kubectlArgs } from './argv.js';
import { applyArgs, canIArgs, clusterUidArgs, helmUpgradeArgs, snapshotArgs, versionArgs } from './commands.js';
import { failureSummary, retryTransient, runTool, transientFailureReason, type OutputStream, type RetryOptions, type ToolResult } from './exec.js';
import type { Target } from './argv.js';
import type { HelmUpgradeSpec } from './commands.js';
import type { DeploymentObject, EventObject, JobObject, Manifest, NamespaceSnapshot, PodObject } from './kube-objects.js';
import type { Redactor } from './redact.js';

export interface Tools {
  readonly helm: string;
  readonly kubectl: string;
  /** Extra environment for the tools (tests isolate HOME and helm's cache dirs this way). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A helm or kubectl call that failed; the message is scrubbed and says what ran. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly result: ToolResult,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface HelmReleaseStatus {
  readonly status: string;
  readonly revision: number;
  readonly chartVersion: string | undefined;
}

export interface ClusterFacts {
  readonly server: string;
  readonly uid: string | undefined;
  readonly gitVersion: string;
  readonly minor: number;
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
  constructor(
    readonly target: Target,
    private readonly tools: Tools,
    private readonly redactor: Redactor,
  ) {}

  private async call(
    tool: 'helm' | 'kubectl',
    args: readonly string[],
    hooks: CallHooks,
    options: { input?: string; timeoutMs?: number; budget?: RetryBudget; retryReason?: (result: ToolResult) => string | undefined } = {},
  ): Promise<ToolResult> {
    const file = tool === 'helm' ? this.tools.helm : this.tools.kubectl;
    const full = tool === 'helm' ? helmArgs(this.target, args) : kubectlArgs(this.target, args);
    const once = async (): Promise<ToolResult> => {
      const result = await runTool({
        file,
        args: full,
        redactor: this.redactor,
        ...(options.input !== undefined ? { input: options.input } : {}),
        ...(this.tools.env ? { env: this.tools.env } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.onLine ? { onLine: hooks.onLine } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      hooks.onCommand?.(result.commandLine);
      return result;
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
  async identify(hooks: CallHooks): Promise<ClusterFacts> {
    const [version, config, ns] = await Promise.all([
      this.kubectlJson<{ serverVersion?: { gitVersion?: string; minor?: string } }>(versionArgs().slice(0, -2), hooks, 'reading the cluster version', FIRST_CONTACT_BUDGET),
      this.kubectlJson<{ clusters?: { cluster?: { server?: string } }[] }>(['config', 'view', '--minify'], hooks, 'reading the kubeconfig', FIRST_CONTACT_BUDGET),
      this.call('kubectl', clusterUidArgs(), hooks, { budget: FIRST_CONTACT_BUDGET }),
    ]);
    return {
      server: config.clusters?.[0]?.cluster?.server ?? 'unknown',
      uid: ns.exitCode === 0 && ns.stdout.trim() ? ns.stdout.trim() : undefined,
      gitVersion: version.serverVersion?.gitVersion ?? 'unknown',
      minor: Number.parseInt(version.serverVersion?.minor ?? '0', 10),
    };
  }

  async canI(verb: string, resource: string, hooks: CallHooks, namespace?: string): Promise<boolean> {
    const result = await this.call('kubectl', [...canIArgs(verb, resource), ...(namespace ? ['--namespace', namespace] : [])], hooks);
    if (result.exitCode !== 0 && result.stdout.trim() !== 'no') this.fail(`checking permission to ${verb} ${resource}`, result);
    return result.stdout.trim() === 'yes';
  }

  /** Server-side apply of generated manifests, fed on stdin (secrets never in argv). */
  async apply(manifests: readonly Manifest[], hooks: CallHooks): Promise<void> {
    const input = manifestStream(manifests);
    const result = await this.call('kubectl', applyArgs(), hooks, { input });
    if (result.exitCode !== 0) this.fail(`applying ${manifests.length} object(s)`, result);
  }

  /** The annotations of each manifest's live object, or undefined when any is missing. */
  async liveAnnotations(manifests: readonly Manifest[], hooks: CallHooks): Promise<Record<string, string>[] | undefined> {
    const names = manifests.map((m) => ({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}) } }));
    const result = await this.call('kubectl', ['get', '-f', '-', '-o', 'jsonpath={range .items[*]}{.metadata.annotations}{"\\n"}{end}'], hooks, {
      input: manifestStream(names),
    });
    if (result.exitCode !== 0) {
      if (/NotFound|not found/.test(result.stderr)) return undefined;
      this.fail('reading applied objects', result);
    }
    const lines = result.stdout.split('\n').filter((l) => l.length > 0);
    if (lines.length !== manifests.length) return undefined;
    return lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, string>) : {}));
  }

  /** The release as `helm list` sees it (any state, pending ones included), or undefined. */
  async helmStatus(release: string, namespace: string, hooks: CallHooks): Promise<HelmReleaseStatus | undefined> {
    const filter = `^${release.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    const result = await this.call('helm', ['list', '--deployed', '--failed', '--pending', '--filter', filter, '--namespace', namespace, '-o', 'json'], hooks);
    if (result.exitCode !== 0) this.fail(`reading the status of release ${release}`, result);
    const rows = JSON.parse(result.stdout || '[]') as { name?: string; status?: string; revision?: string; chart?: string }[];
    const row = rows.find((r) => r.name === release);
    if (!row) return undefined;
    const chartVersion = /-(\d+\.\d+\.\d+[^\s]*)$/.exec(row.chart ?? '')?.[1];
    return { status: row.status ?? 'unknown', revision: Number(row.revision ?? 0), chartVersion };
  }

  async helmValues(release: string, namespace: string, hooks: CallHooks): Promise<unknown> {
    const result = await this.call('helm', ['get', 'values', release, '--namespace', namespace, '-o', 'json'], hooks);
    if (result.exitCode !== 0) this.fail(`reading the values of release ${release}`, result);
    return JSON.parse(result.stdout) as unknown;
  }

  helmUpgrade(spec: HelmUpgradeSpec, hooks: CallHooks): Promise<ToolResult> {
    return this.call('helm', helmUpgradeArgs(spec), hooks, { retryReason: helmNeverReachedCluster });
  }

  /** Removes the record of a stuck pending revision so the release can be installed again. */
  async deleteReleaseRevision(release: string, namespace: string, revision: number, hooks: CallHooks): Promise<void> {
    const result = await this.call('kubectl', ['delete', 'secret', `sh.helm.release.v1.${release}.v${revision}`, '--namespace', namespace, '--ignore-not-found'], hooks);
    if (result.exitCode !== 0) this.fail(`removing the stuck revision ${revision} of release ${release}`, result);
  }

  /** Pods, jobs, deployments, events, secret names and log tails of a namespace, for diagnosis. */
  async snapshot(namespace: string, hooks: CallHooks): Promise<NamespaceSnapshot> {
    const list = await this.kubectlJson<{ items?: (PodObject & JobObject & DeploymentObject & EventObject & { kind?: string })[] }>(
      snapshotArgs(namespace).slice(0, -2),
      hooks,
      `reading the state of namespace ${namespace}`,
    );
    const items = list.items ?? [];
    const pods = items.filter((i) => i.kind === 'Pod') as PodObject[];
    // Secret names only matter to an image pull diagnosis (is the pull secret there?): read them only then.
    const pulling = pods.some((p) => p.status?.containerStatuses?.some((c) => /ImagePull/.test(c.state?.waiting?.reason ?? '')));
    const secrets = pulling ? await this.call('kubectl', ['get', 'secrets', '--namespace', namespace, '-o', 'jsonpath={.items[*].metadata.name}'], hooks) : undefined;
    const logs = new Map<string, string[]>();
    for (const pod of pods) {
      const crashing = pod.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
      const failedJobPod = pod.status?.phase === 'Failed';
      const name = pod.metadata?.name;
      if (!name || !(crashing || failedJobPod)) continue;
      const result = await this.call('kubectl', ['logs', name, '--namespace', namespace, '--all-containers', '--tail', '15'], hooks);
      if (result.exitCode === 0) logs.set(name, this.redactor.scrub(result.stdout).split('\n').filter((l) => l.trim().length > 0));
    }
    return {
      namespace,
      pods,
      jobs: items.filter((i) => i.kind === 'Job'),
      deployments: items.filter((i) => i.kind === 'Deployment'),
      events: items.filter((i) => i.kind === 'Event'),
      secretNames: secrets?.exitCode === 0 ? secrets.stdout.split(/\s+/).filter(Boolean) : [],
      logs,
    };
  }
}
